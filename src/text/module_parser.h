// The module parser: module fields (S-expressions) to binary bytes. Shared by parse_wat() and the
// .wast script parser, which already holds the module's S-expression.
#pragma once

#include <cstdint>
#include <vector>

#include "support/byte_writer.h"
#include "support/result.h"
#include "text/module_builder.h"
#include "text/sexpr.h"

namespace wasmcap::text {

// Encodes the module fields items[from..] (e.g. the items of `(module $m ...)` after `$m`).
support::Result<std::vector<uint8_t>> encode_module_fields(const std::vector<Sexpr>& items,
                                                           size_t from);

// Core type syntax shared with the component encoder (core module types in `(core type (module
// ...))`): `min max?` limits (`limit` is the largest value allowed), `min max? reftype` and
// `valtype | (mut valtype)`, each starting at items[pos] and advancing pos; `kw` locates errors.
support::Status parse_limits(const std::vector<Sexpr>& items, size_t& pos, const Token& kw,
                             uint64_t limit, support::ByteWriter& w);
// A memory type: limits, then `shared` (the threads proposal: flag bit 1) when present.
support::Status parse_memory_type(const std::vector<Sexpr>& items, size_t& pos, const Token& kw,
                                  uint64_t limit, support::ByteWriter& w);
support::Status parse_table_type(const std::vector<Sexpr>& items, size_t& pos, const Token& kw,
                                 support::ByteWriter& w, const IndexSpace* types = nullptr);
support::Status parse_global_type(const std::vector<Sexpr>& items, size_t& pos, const Token& kw,
                                  support::ByteWriter& w, const IndexSpace* types = nullptr);

// Concatenates the decoded String atoms items[from..] (for `(module binary ...)`, data segments).
support::Result<std::string> concat_strings(const std::vector<Sexpr>& items, size_t from);

} // namespace wasmcap::text

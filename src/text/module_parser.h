// The module parser: module fields (S-expressions) to binary bytes. Shared by parse_wat() and the
// .wast script parser, which already holds the module's S-expression.
#pragma once

#include <cstdint>
#include <vector>

#include "support/result.h"
#include "text/sexpr.h"

namespace wasmcap::text {

// Encodes the module fields items[from..] (e.g. the items of `(module $m ...)` after `$m`).
support::Result<std::vector<uint8_t>> encode_module_fields(const std::vector<Sexpr>& items,
                                                           size_t from);

// Concatenates the decoded String atoms items[from..] (for `(module binary ...)`, data segments).
support::Result<std::string> concat_strings(const std::vector<Sexpr>& items, size_t from);

} // namespace wasmcap::text

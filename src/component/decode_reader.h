// The component decoder's shared reading helpers: the byte cursor with the component-specific
// productions (names with attributes, sorts, value types, extern descriptors) that both the
// section decoder (decoder.cpp) and the type decoder (decode_types.cpp) read.
#pragma once

#include "component/ast.h"
#include "support/byte_reader.h"
#include "support/result.h"

namespace wasmcap::component::detail {

using support::ByteReader;

// Nested types and components may not recurse without bound: a malicious binary could
// otherwise exhaust the native stack of the decoder.
constexpr int kMaxNesting = 100;

support::Error malformed(const ByteReader& r, std::string message);
std::string hex_byte(uint8_t b); // "0a"

support::Result<uint32_t> read_count(ByteReader& r);
support::Result<std::string> read_string(ByteReader& r); // core:name (UTF-8 checked)
support::Result<CoreSort> read_core_sort(ByteReader& r);
support::Result<SortIdx> read_sort_idx(ByteReader& r);
// sort ::= 0x00 core:sort | 0x01 func | ... (without the index)
support::Result<SortIdx> read_sort(ByteReader& r);
support::Result<ExternName> read_extern_name(ByteReader& r);
support::Result<ExternDesc> read_extern_desc(ByteReader& r);
support::Result<ValTypeRef> read_valtype(ByteReader& r);
support::Result<Alias> read_alias(ByteReader& r);

support::Result<std::shared_ptr<TypeDef>> read_type(ByteReader& r, int depth);
support::Result<std::shared_ptr<CoreTypeDef>> read_core_type(ByteReader& r, int depth);

} // namespace wasmcap::component::detail

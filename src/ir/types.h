// The spec's types for the engine: the public vocabulary (include/wasmcap/types.h) under the ir
// namespace, plus BlockType, which only the engine needs.
#pragma once

#include <cstdint>

#include "wasmcap/types.h"

namespace wasmcap::ir {

using wasmcap::extern_kind_name;
using wasmcap::ExternKind;
using wasmcap::FuncType;
using wasmcap::functype_to_string;
using wasmcap::GlobalType;
using wasmcap::is_num;
using wasmcap::is_ref;
using wasmcap::is_valtype_byte;
using wasmcap::kMaxPages;
using wasmcap::kMaxPages64;
using wasmcap::kPageSize;
using wasmcap::Limits;
using wasmcap::MemoryType;
using wasmcap::TableType;
using wasmcap::ValType;
using wasmcap::valtype_name;

// A block's type: empty, one value type, or an index into the type section (multi-value).
struct BlockType {
  enum class Kind : uint8_t { Empty, Value, TypeIndex } kind = Kind::Empty;
  ValType value = ValType::I32;
  uint32_t type_index = 0;
};

} // namespace wasmcap::ir

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
using wasmcap::HeapKind;
using wasmcap::is_defaultable;
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
using wasmcap::valtype_byte;
using wasmcap::valtype_from_byte;
using wasmcap::valtype_name;

// Case labels for the reference codes beyond funcref/externref/exnref (GC's abstract heap types,
// the bottom types, a concrete type index), for switches that treat every reference alike
// (a reference is one pointer-sized value on every tier).
#define WASMCAP_CASE_OTHER_REFS                                                                    \
  case ::wasmcap::ValType::Code::AnyRef:                                                           \
  case ::wasmcap::ValType::Code::EqRef:                                                            \
  case ::wasmcap::ValType::Code::I31Ref:                                                           \
  case ::wasmcap::ValType::Code::StructRef:                                                        \
  case ::wasmcap::ValType::Code::ArrayRef:                                                         \
  case ::wasmcap::ValType::Code::NullRef:                                                          \
  case ::wasmcap::ValType::Code::NullFuncRef:                                                      \
  case ::wasmcap::ValType::Code::NullExternRef:                                                    \
  case ::wasmcap::ValType::Code::NullExnRef:                                                       \
  case ::wasmcap::ValType::Code::Ref

// A block's type: empty, one value type, or an index into the type section (multi-value).
struct BlockType {
  enum class Kind : uint8_t { Empty, Value, TypeIndex } kind = Kind::Empty;
  ValType value = ValType::I32;
  uint32_t type_index = 0;
};

} // namespace wasmcap::ir

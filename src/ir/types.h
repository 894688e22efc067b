// The spec's types for the engine: the public vocabulary (include/wasmcap/types.h) under the ir
// namespace, plus BlockType, which only the engine needs.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

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

// The storage of a struct field or array element: a value type, or a packed i8/i16 (read back
// as i32 with a sign or zero extension).
enum class Packed : uint8_t { None = 0, I8 = 0x78, I16 = 0x77 };

struct FieldType {
  ValType type = ValType::I32; // I32 for a packed field
  Packed packed = Packed::None;
  bool is_mutable = false;
  bool operator==(const FieldType&) const = default;
};

// What a defined type is: a function, struct or array type (the spec's composite types).
enum class TypeKind : uint8_t { Func, Struct, Array };

// One entry of the type section beyond its function signature (which stays in Module::types so
// the many users of function types keep indexing one vector): the kind, the declared supertype
// and finality (`(sub final? $super ...)`), the fields of a struct (an array has one, its
// element), and the recursion group the type belongs to.
struct SubType {
  TypeKind kind = TypeKind::Func;
  bool is_final = true;
  std::optional<uint32_t> super; // a type index
  std::vector<FieldType> fields;
  uint32_t group = 0;      // index of the first type of its recursion group
  uint32_t group_size = 1; // number of types in that group
};

// A block's type: empty, one value type, or an index into the type section (multi-value).
struct BlockType {
  enum class Kind : uint8_t { Empty, Value, TypeIndex } kind = Kind::Empty;
  ValType value = ValType::I32;
  uint32_t type_index = 0;
};

} // namespace wasmcap::ir

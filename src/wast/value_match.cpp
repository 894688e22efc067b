// Value construction and result matching for the wast runner.
#include "wast/value_match.h"

#include <cstring>

#include "ir/subtype.h"

namespace wasmcap::wast {

using text::ScriptValue;

void* extern_ref_from_number(uint64_t n) {
  return reinterpret_cast<void*>(static_cast<uintptr_t>(n + 1));
}

namespace {

// `(ref.host n)`: host reference n as any.convert_extern gives it.
void* host_in_any(uint64_t n) {
  return reinterpret_cast<void*>(reinterpret_cast<uintptr_t>(extern_ref_from_number(n)) |
                                 kHostRefInAnyBit);
}

unsigned lane_bytes(const std::string& shape) {
  if (shape == "i8x16") return 1;
  if (shape == "i16x8") return 2;
  if (shape == "i32x4" || shape == "f32x4") return 4;
  return 8; // i64x2, f64x2
}

bool is_canonical_nan(uint64_t bits, bool is_f32) {
  if (is_f32) return (bits & 0x7fffffffu) == 0x7fc00000u;
  return (bits & 0x7fffffffffffffffull) == 0x7ff8000000000000ull;
}

bool is_arithmetic_nan(uint64_t bits, bool is_f32) {
  if (is_f32) return (bits & 0x7fc00000u) == 0x7fc00000u;
  return (bits & 0x7ff8000000000000ull) == 0x7ff8000000000000ull;
}

// One scalar (or lane) against a pattern; `is_f32` says how to read NaN patterns.
bool scalar_matches(const ScriptValue& e, uint64_t bits, bool is_f32) {
  switch (e.kind) {
  case ScriptValue::Kind::NanCanonical: return is_canonical_nan(bits, is_f32);
  case ScriptValue::Kind::NanArithmetic: return is_arithmetic_nan(bits, is_f32);
  default: return bits == e.bits;
  }
}

V128 lanes_to_v128(const ScriptValue& v) {
  V128 out;
  const unsigned width = lane_bytes(v.lane_shape);
  for (size_t i = 0; i < v.lanes.size() && (i + 1) * width <= 16; ++i) {
    std::memcpy(out.bytes.data() + i * width, &v.lanes[i].bits, width); // little endian
  }
  return out;
}

// Whether a result belongs to the hierarchy whose top is `top`. A concrete type's index is its
// function's module's, which the runner does not see: then the value tells (an object or an
// i31 is in `any`, another non-null reference a function; a null fits any hierarchy).
bool in_hierarchy(const Value& got, ir::HeapKind top, Store& store) {
  if (!got.type.is_concrete()) return ir::heap_top(got.type) == top;
  if (got.ref == nullptr) return true;
  switch (store.ref_kind(got)) {
  case Store::RefKind::Struct:
  case Store::RefKind::Array:
  case Store::RefKind::I31: return top == ir::HeapKind::Any;
  default: return top == ir::HeapKind::Func;
  }
}

} // namespace

Value to_value(const ScriptValue& v) {
  switch (v.kind) {
  case ScriptValue::Kind::I32: return Value::make_i32(static_cast<uint32_t>(v.bits));
  case ScriptValue::Kind::I64: return Value::make_i64(v.bits);
  case ScriptValue::Kind::F32: return Value::make_f32_bits(static_cast<uint32_t>(v.bits));
  case ScriptValue::Kind::F64: return Value::make_f64_bits(v.bits);
  case ScriptValue::Kind::V128: return Value::make_v128(lanes_to_v128(v));
  case ScriptValue::Kind::RefNull: return Value::make_ref(v.ref_type, nullptr);
  case ScriptValue::Kind::RefExtern:
    return Value::make_ref(ValType::ExternRef, extern_ref_from_number(v.bits));
  case ScriptValue::Kind::RefHost: return Value::make_ref(v.type, host_in_any(v.bits));
  default: return Value::zero(v.type); // patterns are never arguments
  }
}

bool matches(const ScriptValue& e, const Value& got, Store& store) {
  switch (e.kind) {
  case ScriptValue::Kind::Either:
    for (const ScriptValue& alternative : e.elements)
      if (matches(alternative, got, store)) return true;
    return false;
  case ScriptValue::Kind::I32:
    return got.type == ValType::I32 && got.i32 == static_cast<uint32_t>(e.bits);
  case ScriptValue::Kind::I64: return got.type == ValType::I64 && got.i64 == e.bits;
  case ScriptValue::Kind::F32:
    return got.type == ValType::F32 && got.f32_bits == static_cast<uint32_t>(e.bits);
  case ScriptValue::Kind::F64: return got.type == ValType::F64 && got.f64_bits == e.bits;
  case ScriptValue::Kind::NanCanonical:
  case ScriptValue::Kind::NanArithmetic: {
    const bool is_f32 = e.type == ValType::F32;
    if (got.type != e.type) return false;
    return scalar_matches(e, is_f32 ? got.f32_bits : got.f64_bits, is_f32);
  }
  // References match by hierarchy: a result's type is the function's declared one
  // (`(ref extern)`, `(ref null $t)`), the script names only the abstract type.
  case ScriptValue::Kind::RefNull:
    return got.type.is_ref() && got.ref == nullptr &&
           (!e.ref_type.is_ref() || in_hierarchy(got, ir::heap_top(e.ref_type), store));
  case ScriptValue::Kind::RefExtern:
    return got.type.is_ref() && in_hierarchy(got, ir::HeapKind::Extern, store) &&
           got.ref == extern_ref_from_number(e.bits);
  case ScriptValue::Kind::RefHost:
    return got.type.is_ref() && in_hierarchy(got, ir::HeapKind::Any, store) &&
           got.ref == host_in_any(e.bits);
  case ScriptValue::Kind::RefFunc:
    return got.type.is_ref() && in_hierarchy(got, ir::HeapKind::Func, store) && got.ref != nullptr;
  case ScriptValue::Kind::RefAbstract: {
    // A non-null reference of the hierarchy that tests as the pattern's type.
    if (!got.type.is_ref() || got.ref == nullptr ||
        !in_hierarchy(got, ir::heap_top(e.ref_type), store))
      return false;
    const Store::RefKind kind = store.ref_kind(got);
    switch (e.ref_type.heap()) {
    case ir::HeapKind::I31: return kind == Store::RefKind::I31;
    case ir::HeapKind::Struct: return kind == Store::RefKind::Struct;
    case ir::HeapKind::Array: return kind == Store::RefKind::Array;
    case ir::HeapKind::Eq:
      return kind == Store::RefKind::I31 || kind == Store::RefKind::Struct ||
             kind == Store::RefKind::Array;
    default: return true;
    }
  }
  case ScriptValue::Kind::V128: {
    if (got.type != ValType::V128) return false;
    const unsigned width = lane_bytes(e.lane_shape);
    const bool is_f32 = e.lane_shape == "f32x4";
    for (size_t i = 0; i < e.lanes.size() && (i + 1) * width <= 16; ++i) {
      uint64_t bits = 0;
      std::memcpy(&bits, got.v128.bytes.data() + i * width, width);
      if (!scalar_matches(e.lanes[i], bits, is_f32)) return false;
    }
    return true;
  }
  default: return false; // component values: matched by the component runner
  }
}

std::string describe(const ScriptValue& e) {
  switch (e.kind) {
  case ScriptValue::Kind::NanCanonical: return std::string(valtype_name(e.type)) + ":nan:canonical";
  case ScriptValue::Kind::NanArithmetic:
    return std::string(valtype_name(e.type)) + ":nan:arithmetic";
  case ScriptValue::Kind::RefFunc: return "funcref:<any non-null>";
  case ScriptValue::Kind::RefAbstract:
    return std::string(valtype_name(e.ref_type)) + ":<any non-null>";
  case ScriptValue::Kind::RefHost: return "hostref:" + std::to_string(e.bits);
  case ScriptValue::Kind::Either: {
    std::string s = "either(";
    for (size_t i = 0; i < e.elements.size(); ++i)
      s += (i ? " | " : "") + describe(e.elements[i]);
    return s + ")";
  }
  case ScriptValue::Kind::V128: {
    std::string s = "v128:" + e.lane_shape;
    for (const auto& l : e.lanes)
      s += " " + describe(l);
    return s;
  }
  case ScriptValue::Kind::RefExtern: return "externref:" + std::to_string(e.bits);
  default: return value_to_string(to_value(e));
  }
}

} // namespace wasmcap::wast

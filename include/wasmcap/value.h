// Public runtime values: what flows between the host and wasm (arguments, results, globals, table
// entries). References are opaque pointers: a funcref points at a runtime function instance,
// an externref is whatever the host passed in (nullptr is the null reference).
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <string>

#include "wasmcap/types.h"

namespace wasmcap {

// An anyref that holds a host reference (WebAssembly 3.0's any.convert_extern of an externref)
// is the host reference's bits with this bit set, and an externref that holds an anyref
// (extern.convert_any) the anyref's bits with it set: the conversions flip it. Host references
// are user-space pointers, whose bit 63 is clear (docs/gc.md).
inline constexpr uint64_t kHostRefInAnyBit = uint64_t{1} << 63;

struct V128 {
  std::array<uint8_t, 16> bytes{};
  bool operator==(const V128&) const = default;
};

struct Value {
  ValType type = ValType::I32;
  union {
    uint32_t i32;
    uint64_t i64;
    uint32_t f32_bits; // floats travel as bits so NaN payloads survive
    uint64_t f64_bits;
    void* ref;
  };
  V128 v128{};

  Value() : i64(0) {}
  static Value make_i32(uint32_t v) {
    Value x;
    x.type = ValType::I32;
    x.i64 = 0;
    x.i32 = v;
    return x;
  }
  static Value make_i64(uint64_t v) {
    Value x;
    x.type = ValType::I64;
    x.i64 = v;
    return x;
  }
  static Value make_f32_bits(uint32_t b) {
    Value x;
    x.type = ValType::F32;
    x.i64 = 0;
    x.f32_bits = b;
    return x;
  }
  static Value make_f64_bits(uint64_t b) {
    Value x;
    x.type = ValType::F64;
    x.f64_bits = b;
    return x;
  }
  static Value make_f32(float f) {
    uint32_t b;
    std::memcpy(&b, &f, 4);
    return make_f32_bits(b);
  }
  static Value make_f64(double d) {
    uint64_t b;
    std::memcpy(&b, &d, 8);
    return make_f64_bits(b);
  }
  static Value make_v128(const V128& v) {
    Value x;
    x.type = ValType::V128;
    x.v128 = v;
    return x;
  }
  static Value make_ref(ValType t, void* r) {
    Value x;
    x.type = t;
    x.i64 = 0;
    x.ref = r;
    return x;
  }
  static Value zero(ValType t) {
    Value x;
    x.type = t;
    x.i64 = 0;
    return x;
  }

  float f32() const {
    float f;
    std::memcpy(&f, &f32_bits, 4);
    return f;
  }
  double f64() const {
    double d;
    std::memcpy(&d, &f64_bits, 8);
    return d;
  }
  bool is_null_ref() const { return ref == nullptr; }
};

// "i32:42", "f64:0x1p+0", "funcref:null" -- for messages and the CLI's --invoke output.
std::string value_to_string(const Value& v);

} // namespace wasmcap

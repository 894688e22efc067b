// Public type vocabulary of WebAssembly: value types, function types, limits, table/memory/
// global types and extern kinds. Standard library only; the engine uses these same types.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace wasmcap {

// The abstract heap types of reference types, numbered by their binary encoding (a negative s33
// read as one byte). `Concrete` means a type index (typed function references and GC).
enum class HeapKind : uint8_t {
  Concrete = 0x00,
  Func = 0x70,
  Extern = 0x6F,
  Exn = 0x69,
  Any = 0x6E,
  Eq = 0x6D,
  I31 = 0x6C,
  Struct = 0x6B,
  Array = 0x6A,
  None = 0x71,
  NoFunc = 0x73,
  NoExtern = 0x72,
  NoExn = 0x74,
};

// A value type, packed in 32 bits (docs/gc.md section 1): the type code (the binary encoding of
// a number type or of an abstract heap type, or `Code::Ref` for a type index), a nullable bit
// and a type index. Types are copied everywhere (signatures, the validator's stack), so they stay
// a word. The spellings of the byte-sized enum this replaced keep working: `ValType::I32` is a
// constant and `switch (t) { case ValType::I32: ... }` switches on the code, so a non-null
// `(ref func)` takes the `FuncRef` case (same representation), a `(ref $t)` its own `Ref` case.
// `==` compares everything: `(ref null func)` is `ValType::FuncRef`, `(ref func)` is not.
class ValType {
public:
  enum class Code : uint8_t {
    I32 = 0x7F,
    I64 = 0x7E,
    F32 = 0x7D,
    F64 = 0x7C,
    V128 = 0x7B,
    FuncRef = 0x70,
    ExternRef = 0x6F,
    ExnRef = 0x69,
    AnyRef = 0x6E,
    EqRef = 0x6D,
    I31Ref = 0x6C,
    StructRef = 0x6B,
    ArrayRef = 0x6A,
    NullRef = 0x71,
    NullFuncRef = 0x73,
    NullExternRef = 0x72,
    NullExnRef = 0x74,
    Ref = 0x64, // a concrete heap type: index() names the type
  };

  static const ValType I32, I64, F32, F64, V128, FuncRef, ExternRef, ExnRef;

  constexpr ValType() = default;
  constexpr explicit ValType(Code c)
      : bits_(static_cast<uint32_t>(c) | (is_ref_code(c) ? kNull : 0)) {}

  // `(ref null? ht)` for an abstract heap type.
  static constexpr ValType ref(HeapKind h, bool nullable) {
    ValType t;
    t.bits_ = static_cast<uint32_t>(h) | (nullable ? kNull : 0);
    return t;
  }
  // `(ref null? $index)`.
  static constexpr ValType ref_index(uint32_t index, bool nullable) {
    ValType t;
    t.bits_ = static_cast<uint32_t>(Code::Ref) | (nullable ? kNull : 0) | (index << kIndexShift);
    return t;
  }

  constexpr Code code() const { return static_cast<Code>(bits_ & 0xFF); }
  constexpr operator Code() const { return code(); } // NOLINT: switch (t) keeps working
  constexpr bool is_ref() const { return is_ref_code(code()); }
  constexpr bool nullable() const { return (bits_ & kNull) != 0; }
  constexpr bool is_concrete() const { return code() == Code::Ref; }
  constexpr uint32_t index() const { return bits_ >> kIndexShift; }
  constexpr HeapKind heap() const {
    return is_concrete() ? HeapKind::Concrete : static_cast<HeapKind>(bits_ & 0xFF);
  }
  constexpr ValType as_nullable(bool n) const {
    ValType t = *this;
    t.bits_ = (bits_ & ~kNull) | (n ? kNull : 0);
    return t;
  }
  constexpr uint32_t bits() const { return bits_; }
  static constexpr ValType from_bits(uint32_t bits) { // what bits() gave
    ValType t;
    t.bits_ = bits;
    return t;
  }
  constexpr bool operator==(const ValType& o) const { return bits_ == o.bits_; }

  // The largest type index a ValType holds (the spec's limit on types is 1,000,000).
  static constexpr uint32_t kMaxIndex = (uint32_t{1} << (32 - 9)) - 1;

private:
  static constexpr uint32_t kNull = 0x100;
  static constexpr uint32_t kIndexShift = 9;
  static constexpr bool is_ref_code(Code c) {
    const auto b = static_cast<uint8_t>(c);
    return (b >= 0x69 && b <= 0x74) || c == Code::Ref;
  }
  uint32_t bits_ = 0;
};

inline constexpr ValType ValType::I32{ValType::Code::I32};
inline constexpr ValType ValType::I64{ValType::Code::I64};
inline constexpr ValType ValType::F32{ValType::Code::F32};
inline constexpr ValType ValType::F64{ValType::Code::F64};
inline constexpr ValType ValType::V128{ValType::Code::V128};
inline constexpr ValType ValType::FuncRef{ValType::Code::FuncRef};
inline constexpr ValType ValType::ExternRef{ValType::Code::ExternRef};
inline constexpr ValType ValType::ExnRef{ValType::Code::ExnRef};

inline bool is_ref(ValType t) {
  return t.is_ref();
}
inline bool is_num(ValType t) {
  return !is_ref(t) && t != ValType::V128;
}
// A byte that is a whole value type on its own: a number type, v128, or a reference shorthand.
bool is_valtype_byte(uint8_t b);
ValType valtype_from_byte(uint8_t b); // for a byte is_valtype_byte accepts
// The shorthand byte of a nullable abstract reference type or a number type; 0 for the others
// (`(ref ht)` and concrete types need the 0x63/0x64 encoding).
uint8_t valtype_byte(ValType t);
// "i32", "funcref", "(ref func)", "(ref null $3)". The text of a concrete type lives for the
// life of the process (interned), so the pointer may be kept like the others.
const char* valtype_name(ValType t);
// Whether values of the type have a default (zero or null): not `(ref ht)`.
inline bool is_defaultable(ValType t) {
  return !t.is_ref() || t.nullable();
}

struct FuncType {
  std::vector<ValType> params;
  std::vector<ValType> results;
  bool operator==(const FuncType&) const = default;
};
std::string functype_to_string(const FuncType& t); // "(i32, i64) -> (f32)"

struct Limits {
  uint64_t min = 0;
  std::optional<uint64_t> max;
  bool operator==(const Limits&) const = default;
};

// `address64`: the table or memory is indexed by i64 (memory64/table64, WebAssembly 3.0); its
// limits may then exceed 2^32 (a 64-bit memory up to 2^48 pages).
struct TableType {
  ValType elem = ValType::FuncRef;
  Limits limits;
  bool address64 = false;
  bool operator==(const TableType&) const = default;
};

struct MemoryType {
  Limits limits; // in 64 KiB pages
  bool address64 = false;
  // A shared memory (the threads proposal): it must have a maximum. Modules and components may
  // declare and import one (their types are checked); instantiating one is refused, as wasmcap
  // has no threads.
  bool shared = false;
  bool operator==(const MemoryType&) const = default;
};

struct GlobalType {
  ValType type = ValType::I32;
  bool is_mutable = false;
  bool operator==(const GlobalType&) const = default;
};

// Tag: an exception tag (exception handling, WebAssembly 3.0); its type is a function type with
// no results (the exception's payload).
enum class ExternKind : uint8_t { Func = 0, Table = 1, Memory = 2, Global = 3, Tag = 4 };
const char* extern_kind_name(ExternKind k); // "func", "table", "memory", "global", "tag"

constexpr uint64_t kPageSize = 65536;
constexpr uint32_t kMaxPages = 65536;               // 4 GiB for a 32-bit memory
constexpr uint64_t kMaxPages64 = uint64_t{1} << 48; // 2^64 bytes for a 64-bit memory

} // namespace wasmcap

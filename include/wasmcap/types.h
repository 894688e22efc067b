// Public type vocabulary of WebAssembly: value types, function types, limits, table/memory/
// global types and extern kinds. Standard library only; the engine uses these same types.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace wasmcap {

// Encoded as in the binary format so decoding is a range check.
enum class ValType : uint8_t {
  I32 = 0x7F,
  I64 = 0x7E,
  F32 = 0x7D,
  F64 = 0x7C,
  V128 = 0x7B,
  FuncRef = 0x70,
  ExternRef = 0x6F,
  ExnRef = 0x69, // (ref null exn): a caught exception (exception handling, WebAssembly 3.0)
};

inline bool is_ref(ValType t) {
  return t == ValType::FuncRef || t == ValType::ExternRef || t == ValType::ExnRef;
}
inline bool is_num(ValType t) {
  return !is_ref(t) && t != ValType::V128;
}
bool is_valtype_byte(uint8_t b);
const char* valtype_name(ValType t); // "i32", "funcref", ...

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

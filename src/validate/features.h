// Features: which WebAssembly proposals the validator accepts. Runtime configuration, not #ifs.
#pragma once

#include "ir/types.h"

namespace wasmcap::validate {

struct Features {
  bool simd = true;            // 128-bit SIMD (WebAssembly 2.0)
  bool bulk_memory = true;     // WebAssembly 2.0
  bool reference_types = true; // WebAssembly 2.0
  bool multi_value = true;     // WebAssembly 2.0
  bool sign_extension = true;  // WebAssembly 2.0
  bool saturating_float_to_int = true;
  bool tail_call = true; // return_call, return_call_indirect (WebAssembly 3.0)
  // 3.0's constant expressions: i32/i64 add, sub, mul, and global.get of any earlier global
  // (2.0: imported ones only).
  bool extended_const = true;
  // Several memories and memory indices on memory instructions (3.0). Off, the decoder's 3.0
  // encodings of memory immediates are reported as 2.0 reported them (malformed).
  bool multi_memory = true;
  // Exception handling (3.0): tags, exnref, throw, throw_ref, try_table and the legacy
  // try/catch/delegate/rethrow. Off, their encodings are reported as 2.0 reported them
  // (malformed: illegal opcode, unknown section id, import kind or value type).
  bool exceptions = true;
  // Relaxed SIMD (3.0, 0xFD 0x100-0x113): needs `simd` too. Off, its instructions are a
  // "disabled feature" validation error.
  bool relaxed_simd = true;
  // 64-bit memories and tables (memory64, 3.0): the i64 address type, memarg offsets past
  // 2^32. Off, those encodings are reported as 2.0 reported them (malformed).
  bool memory64 = true;
  // Garbage collection (3.0): struct and array types, the any hierarchy's reference types (any,
  // eq, i31, struct, array, none) and the bottom types nofunc and noextern, the 0xFB
  // instructions and ref.eq. Off, they are "disabled feature" validation errors; typed function
  // references stay.
  bool gc = true;
};

// A reference type only the GC proposal has (see Features::gc).
inline bool gc_only_type(ValType t) {
  if (!t.is_ref() || t.is_concrete()) return false;
  switch (t.heap()) {
  case HeapKind::Any:
  case HeapKind::Eq:
  case HeapKind::I31:
  case HeapKind::Struct:
  case HeapKind::Array:
  case HeapKind::None:
  case HeapKind::NoFunc:
  case HeapKind::NoExtern: return true;
  default: return false;
  }
}

} // namespace wasmcap::validate

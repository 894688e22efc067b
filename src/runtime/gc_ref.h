// References of WebAssembly 3.0's `any` hierarchy before the GC heap (docs/gc.md): null, or an
// i31, a 31-bit integer carried in the reference itself with its low bit set (heap objects will
// be 8-byte aligned, so the bit tells them apart). And the test behind ref.test, ref.cast and
// br_on_cast: whether a reference value is of a reference type, on any hierarchy.
#pragma once

#include <cstdint>

#include "ir/type_registry.h"
#include "ir/types.h"
#include "runtime/func.h"

namespace wasmcap::runtime {

inline uint64_t i31_ref(uint32_t value) {
  return (uint64_t{value & 0x7FFF'FFFFu} << 1) | 1;
}
inline bool is_i31(uint64_t ref) {
  return (ref & 1) != 0;
}
// The value sign-extended from bit 30 (i31.get_s) or zero-extended (i31.get_u).
inline int32_t i31_get_s(uint64_t ref) {
  return static_cast<int32_t>(static_cast<uint32_t>(ref)) >> 1;
}
inline uint32_t i31_get_u(uint64_t ref) {
  return static_cast<uint32_t>(ref) >> 1;
}

// Whether `ref` (a slot's bits: null, an i31, a FuncInstance*, a host reference, an exception)
// is of the reference type `target`, whose type index (if any) is the canonical id `canonical`.
// The validator made sure `ref` belongs to target's hierarchy. No struct or array object exists
// before the heap, so those targets (and `none`) never match a non-null reference.
inline bool ref_matches(uint64_t ref, ir::ValType target, uint32_t canonical) {
  if (ref == 0) return target.nullable();
  switch (target.heap()) {
  case ir::HeapKind::Any:
  case ir::HeapKind::Eq:
  case ir::HeapKind::Func:
  case ir::HeapKind::Extern:
  case ir::HeapKind::Exn: return true;
  case ir::HeapKind::I31: return is_i31(ref);
  case ir::HeapKind::Struct:
  case ir::HeapKind::Array:
  case ir::HeapKind::None:
  case ir::HeapKind::NoFunc:
  case ir::HeapKind::NoExtern:
  case ir::HeapKind::NoExn: return false;
  case ir::HeapKind::Concrete:
    return ir::is_canonical_id(canonical) &&
           ir::canonical_type(canonical).def.kind == ir::TypeKind::Func &&
           has_type(reinterpret_cast<const FuncInstance*>(ref), canonical);
  }
  return false;
}

} // namespace wasmcap::runtime

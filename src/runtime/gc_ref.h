// References of WebAssembly 3.0's `any` hierarchy (docs/gc.md section 2): null (0), an i31 (a
// 31-bit integer carried in the reference itself, low bit set), or a GC object (the even offset
// of its header in the store's GcHeap). A host reference brought into `any` by
// any.convert_extern is the host's bits with bit 63 set; extern.convert_any does the same the
// other way, so an externref holding an anyref is the anyref's bits with bit 63 set. Both
// conversions flip that bit (host references are user-space pointers, whose bit 63 is clear).
// And the test behind ref.test, ref.cast and br_on_cast: whether a reference value is of a
// reference type, on any hierarchy.
#pragma once

#include <cstdint>
#include <cstring>

#include "ir/type_registry.h"
#include "ir/types.h"
#include "runtime/func.h"
#include "runtime/gc_layout.h"
#include "wasmcap/value.h"

namespace wasmcap::runtime {

inline constexpr uint64_t kHostInAny = kHostRefInAnyBit; // include/wasmcap/value.h

inline uint64_t i31_ref(uint32_t value) {
  return (uint64_t{value & 0x7FFF'FFFFu} << 1) | 1;
}
inline bool is_i31(uint64_t ref) {
  return (ref & (kHostInAny | 1)) == 1;
}
// A GC object's offset (an anyref that is neither null, an i31 nor a host reference).
inline bool is_gc_object(uint64_t anyref) {
  return anyref != 0 && (anyref & (kHostInAny | 1)) == 0;
}
// The value sign-extended from bit 30 (i31.get_s) or zero-extended (i31.get_u).
inline int32_t i31_get_s(uint64_t ref) {
  return static_cast<int32_t>(static_cast<uint32_t>(ref)) >> 1;
}
inline uint32_t i31_get_u(uint64_t ref) {
  return static_cast<uint32_t>(ref) >> 1;
}
// any.convert_extern and extern.convert_any.
inline uint64_t convert_ref_world(uint64_t ref) {
  return ref == 0 ? 0 : ref ^ kHostInAny;
}

// How a reference test sees a GC object: its header's first word (the canonical type id and
// whether it is an array), read from the store's heap by the caller.
inline bool object_matches(uint32_t word0, ir::ValType target, uint32_t canonical) {
  switch (target.heap()) {
  case ir::HeapKind::Any:
  case ir::HeapKind::Eq: return true;
  case ir::HeapKind::Struct: return (word0 & kGcArrayBit) == 0;
  case ir::HeapKind::Array: return (word0 & kGcArrayBit) != 0;
  case ir::HeapKind::Concrete:
    return ir::is_canonical_id(canonical) && ir::canonical_subtype(word0 & kGcTypeMask, canonical);
  default: return false;
  }
}

// Whether `ref` (a slot's bits: null, an i31, a GC object, a FuncInstance*, a host reference,
// an exception) is of the reference type `target`, whose type index (if any) is the canonical id
// `canonical`. The validator made sure `ref` belongs to target's hierarchy. `heap_base` is the
// store's GC heap (nullptr when it has none: then no object exists).
inline bool ref_matches(uint64_t ref, ir::ValType target, uint32_t canonical,
                        const uint8_t* heap_base) {
  if (ref == 0) return target.nullable();
  switch (target.heap()) {
  case ir::HeapKind::Any:
  case ir::HeapKind::Func:
  case ir::HeapKind::Extern:
  case ir::HeapKind::Exn: return true;
  case ir::HeapKind::I31: return is_i31(ref);
  case ir::HeapKind::None:
  case ir::HeapKind::NoFunc:
  case ir::HeapKind::NoExtern:
  case ir::HeapKind::NoExn: return false;
  case ir::HeapKind::Eq:
    if (is_i31(ref)) return true;
    [[fallthrough]];
  case ir::HeapKind::Struct:
  case ir::HeapKind::Array:
  case ir::HeapKind::Concrete: {
    if (target.heap() == ir::HeapKind::Concrete &&
        (!ir::is_canonical_id(canonical) ||
         ir::canonical_type(canonical).def.kind == ir::TypeKind::Func))
      return ir::is_canonical_id(canonical) &&
             has_type(reinterpret_cast<const FuncInstance*>(ref), canonical);
    if (!is_gc_object(ref) || heap_base == nullptr) return false;
    uint32_t word0;
    std::memcpy(&word0, heap_base + ref, 4);
    return object_matches(word0, target, canonical);
  }
  }
  return false;
}

} // namespace wasmcap::runtime

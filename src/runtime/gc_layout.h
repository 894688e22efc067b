// How GC objects lie in a store's GC heap (docs/gc.md section 2): an 8-byte header, then the
// fields of a struct at offsets fixed per type, or an array's elements. The interpreter's
// lowering, the collector and (later) compiled code read this one definition, so they agree on
// every offset.
//
// Header, two u32 words:
//   word 0: the canonical type id (bits 0-22), the element size's log2 for an array (bits
//           24-26), flags: an array (bit 27), holds references the collector traces (bit 28),
//           a free block (bit 30, then word 1 is its size), marked (bit 31);
//   word 1: an array's length; a struct's size in bytes; a free block's size in bytes.
// Reference fields take 8 bytes, as a reference slot does (an anyref may carry a host reference,
// runtime/gc_ref.h); a later slice can narrow references inside the any hierarchy to 32 bits.
#pragma once

#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

#include "ir/subtype.h"
#include "ir/types.h"

namespace wasmcap::runtime {

inline constexpr uint32_t kGcHeaderBytes = 8;
inline constexpr uint32_t kGcTypeMask = 0x007F'FFFFu;
inline constexpr uint32_t kGcElemShift = 24;
inline constexpr uint32_t kGcArrayBit = 1u << 27;
inline constexpr uint32_t kGcRefsBit = 1u << 28;
inline constexpr uint32_t kGcFreeBit = 1u << 30;
inline constexpr uint32_t kGcMarkBit = 1u << 31;

// Bytes a field of this storage type takes in an object (1, 2, 4, 8 or 16).
inline uint32_t gc_field_size(const ir::FieldType& f) {
  if (f.packed == ir::Packed::I8) return 1;
  if (f.packed == ir::Packed::I16) return 2;
  switch (f.type) {
  case ir::ValType::I32:
  case ir::ValType::F32: return 4;
  case ir::ValType::V128: return 16;
  default: return 8; // i64, f64 and every reference
  }
}

inline uint32_t gc_size_log2(uint32_t size) {
  return size == 1 ? 0 : size == 2 ? 1 : size == 4 ? 2 : size == 8 ? 3 : 4;
}

// Whether the collector traces a field of this type: references of the any and extern
// hierarchies (an externref may hold an anyref, extern.convert_any) and of concrete types (a
// concrete index means different things in a module and in the registry: a function reference
// among them costs one failed check). Abstract function and exception references point outside
// the heap.
// The same question for a value type of the runtime (canonical ids in its concrete types): the
// store's globals, tables and segments as roots.
inline bool gc_traced(ir::ValType t) {
  if (!t.is_ref()) return false;
  if (t.is_concrete()) return true;
  const ir::HeapKind top = ir::heap_top(t);
  return top == ir::HeapKind::Any || top == ir::HeapKind::Extern;
}
inline bool gc_traced(const ir::FieldType& f) {
  return f.packed == ir::Packed::None && gc_traced(f.type);
}

// A struct type's layout: each field's offset from the object's start (the header included),
// the object's size (a multiple of 8) and the offsets of the traced fields.
struct GcStructLayout {
  std::vector<uint32_t> offsets;
  std::vector<uint32_t> traced;
  uint32_t size = kGcHeaderBytes;
};
// Fields in declaration order, each at its natural alignment (at most 8: a v128 field is copied
// with memcpy or loaded unaligned, never as an aligned vector). Inline: the LLVM tier's plugin,
// which links no runtime, computes the same offsets.
inline GcStructLayout gc_struct_layout(std::span<const ir::FieldType> fields) {
  GcStructLayout out;
  uint32_t at = kGcHeaderBytes;
  for (const ir::FieldType& f : fields) {
    const uint32_t size = gc_field_size(f);
    const uint32_t align = size > 8 ? 8 : size;
    at = (at + align - 1) & ~(align - 1);
    out.offsets.push_back(at);
    if (gc_traced(f)) out.traced.push_back(at);
    at += size;
  }
  out.size = (at + 7) & ~7u;
  return out;
}

// The first header word of a struct (of canonical type `canonical`) or an array.
inline uint32_t gc_struct_word0(uint32_t canonical, const GcStructLayout& layout) {
  return canonical | (layout.traced.empty() ? 0 : kGcRefsBit);
}
inline uint32_t gc_array_word0(uint32_t canonical, const ir::FieldType& elem) {
  return canonical | kGcArrayBit | (gc_size_log2(gc_field_size(elem)) << kGcElemShift) |
         (gc_traced(elem) ? kGcRefsBit : 0);
}

// How a field moves between an object and 8-byte value slots: its size's log2 (0-4), plus 8
// when a packed field is read sign-extended (struct.get_s, array.get_s). A v128 takes two slots.
inline uint32_t gc_access(const ir::FieldType& f, bool sign_extend) {
  return gc_size_log2(gc_field_size(f)) | (sign_extend && f.packed != ir::Packed::None ? 8 : 0);
}
// struct.set's access also says whether the field is traced, for the write barrier (an array's
// header says it for all its elements: kGcRefsBit).
inline constexpr uint32_t kGcTracedAccess = 16;
inline uint32_t gc_set_access(const ir::FieldType& f) {
  return gc_access(f, false) | (gc_traced(f) ? kGcTracedAccess : 0);
}
inline void gc_load(const uint8_t* p, uint32_t access, uint64_t* slots) {
  switch (access) {
  case 0: slots[0] = p[0]; return;
  case 8: slots[0] = static_cast<uint32_t>(int32_t{static_cast<int8_t>(p[0])}); return;
  case 1:
  case 9: {
    uint16_t v;
    std::memcpy(&v, p, 2);
    slots[0] = access == 1 ? v : static_cast<uint32_t>(int32_t{static_cast<int16_t>(v)});
    return;
  }
  case 2: {
    uint32_t v;
    std::memcpy(&v, p, 4);
    slots[0] = v;
    return;
  }
  case 3: std::memcpy(slots, p, 8); return;
  default: std::memcpy(slots, p, 16); return;
  }
}
// A value's low bytes (a packed field keeps the i32's low 8 or 16 bits).
inline void gc_store(uint8_t* p, uint32_t access, const uint64_t* slots) {
  std::memcpy(p, slots, size_t{1} << (access & 7));
}

// An array's length (its header's second word).
inline uint32_t gc_array_length(const uint8_t* object) {
  uint32_t n;
  std::memcpy(&n, object + 4, 4);
  return n;
}
// [at, at + n) lies within `size`, the sum taken without wrapping.
inline bool gc_within(uint64_t at, uint64_t n, uint64_t size) {
  return n <= size && at <= size - n;
}

// An array's size in bytes for `length` elements of `elem_size` bytes, rounded to 8; 0 when it
// does not fit the heap's 32-bit offsets.
inline uint64_t gc_array_bytes(uint64_t length, uint32_t elem_size) {
  const uint64_t bytes = kGcHeaderBytes + length * elem_size;
  if (bytes > 0xFFFF'0000u) return 0;
  return (bytes + 7) & ~uint64_t{7};
}

} // namespace wasmcap::runtime

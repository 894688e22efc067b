// The semantics of GC's heap instructions (struct.*, array.*), shared by the interpreter's
// handlers (interp/gc_dispatch.inc) and compiled code's helper (llvm/helpers_gc.cpp), so each
// rule (a null check, a bounds check, which trap comes first) is written once. Operands are
// slot bits (runtime/gc_ref.h); a field or element moves by its access code (gc_layout.h).
// The functions that do not allocate return the trap's text, or nullptr when all went well.
// Those that overwrite references take `marking`, the heap while it is marking (else null), and
// hand it each reference they replace (the write barrier, gc_heap.h).
#pragma once

#include <cstdint>
#include <span>

#include "runtime/gc_heap.h"
#include "runtime/gc_layout.h"
#include "runtime/trap.h"

namespace wasmcap::runtime::gc {

// A struct's fields as the lowering and GcTypes hand them: (offset << 4) | access.
inline void init_struct(uint8_t* object, std::span<const uint32_t> fields, const uint64_t* args) {
  for (uint32_t f : fields) {
    gc_store(object + (f >> 4), f & 15, args);
    args += (f & 15) == 4 ? 2 : 1;
  }
}

inline const char* struct_get(const uint8_t* base, uint64_t ref, uint32_t offset, uint32_t access,
                              uint64_t* out) {
  if (ref == 0) return trap_text::kNullStructReference;
  gc_load(base + ref + offset, access, out);
  return nullptr;
}
// The barrier for `n` references from `at` (an array's elements being overwritten).
inline void barrier(GcHeap* marking, const uint8_t* at, uint64_t n) {
  for (uint64_t i = 0; i < n; ++i) {
    uint64_t old;
    std::memcpy(&old, at + i * 8, 8);
    marking->barrier(old);
  }
}
// Whether an array's elements are references the barrier must see.
inline bool traced_array(const uint8_t* object) {
  uint32_t w0;
  std::memcpy(&w0, object, 4);
  return (w0 & kGcRefsBit) != 0;
}

inline const char* struct_set(uint8_t* base, uint64_t ref, uint32_t offset, uint32_t access,
                              const uint64_t* value, GcHeap* marking) {
  if (ref == 0) return trap_text::kNullStructReference;
  if (marking != nullptr && (access & kGcTracedAccess)) barrier(marking, base + ref + offset, 1);
  gc_store(base + ref + offset, access, value);
  return nullptr;
}

// `n` copies of one value (array.new), or the values of consecutive slots (array.new_fixed).
inline void fill_array(uint8_t* object, uint32_t n, uint32_t access, const uint64_t* value) {
  uint8_t* elems = object + kGcHeaderBytes;
  for (uint32_t i = 0; i < n; ++i)
    gc_store(elems + (uint64_t{i} << (access & 7)), access, value);
}
inline void init_array(uint8_t* object, uint32_t n, uint32_t access, const uint64_t* values) {
  uint8_t* elems = object + kGcHeaderBytes;
  const uint32_t step = (access & 7) == 4 ? 2 : 1;
  for (uint32_t i = 0; i < n; ++i)
    gc_store(elems + (uint64_t{i} << (access & 7)), access, values + i * step);
}

inline const char* array_get(const uint8_t* base, uint64_t ref, uint32_t i, uint32_t access,
                             uint64_t* out) {
  if (ref == 0) return trap_text::kNullArrayReference;
  const uint8_t* object = base + ref;
  if (i >= gc_array_length(object)) return trap_text::kArrayOutOfBounds;
  gc_load(object + kGcHeaderBytes + (uint64_t{i} << (access & 7)), access, out);
  return nullptr;
}
inline const char* array_set(uint8_t* base, uint64_t ref, uint32_t i, uint32_t access,
                             const uint64_t* value, GcHeap* marking) {
  if (ref == 0) return trap_text::kNullArrayReference;
  uint8_t* object = base + ref;
  if (i >= gc_array_length(object)) return trap_text::kArrayOutOfBounds;
  uint8_t* at = object + kGcHeaderBytes + (uint64_t{i} << (access & 7));
  if (marking != nullptr && traced_array(object)) barrier(marking, at, 1);
  gc_store(at, access, value);
  return nullptr;
}
inline const char* array_len(const uint8_t* base, uint64_t ref, uint64_t* out) {
  if (ref == 0) return trap_text::kNullArrayReference;
  *out = gc_array_length(base + ref);
  return nullptr;
}

const char* array_fill(uint8_t* base, uint64_t ref, uint32_t d, const uint64_t* value, uint32_t n,
                       uint32_t access, GcHeap* marking);
const char* array_copy(uint8_t* base, uint64_t dst, uint32_t d, uint64_t src, uint32_t s,
                       uint32_t n, uint32_t access, GcHeap* marking);
// array.init_data (bytes: the data segment) and array.init_elem (refs: the element segment).
const char* array_init_data(uint8_t* base, uint64_t ref, uint32_t d, std::span<const uint8_t> bytes,
                            uint32_t s, uint32_t n, uint32_t access);
const char* array_init_elem(uint8_t* base, uint64_t ref, uint32_t d, std::span<void* const> refs,
                            uint32_t s, uint32_t n, GcHeap* marking);
// The checks before array.new_data and array.new_elem allocate (the array is then filled with
// copy_from_data / copy_from_elem).
inline const char* check_new_data(std::span<const uint8_t> bytes, uint32_t s, uint32_t n,
                                  uint32_t access) {
  return gc_within(s, uint64_t{n} << (access & 7), bytes.size()) ? nullptr
                                                                 : trap_text::kMemoryOutOfBounds;
}
inline const char* check_new_elem(std::span<void* const> refs, uint32_t s, uint32_t n) {
  return gc_within(s, n, refs.size()) ? nullptr : trap_text::kTableOutOfBounds;
}
void copy_from_data(uint8_t* object, std::span<const uint8_t> bytes, uint32_t s, uint32_t n,
                    uint32_t access);
void copy_from_elem(uint8_t* object, std::span<void* const> refs, uint32_t s, uint32_t n);

} // namespace wasmcap::runtime::gc

// The bulk array instructions (gc_ops.h): bounds checks in the spec's order (the array's range
// first, then the segment's), then one memmove or memcpy.
#include "runtime/gc_ops.h"

#include <cstring>

namespace wasmcap::runtime::gc {

const char* array_fill(uint8_t* base, uint64_t ref, uint32_t d, const uint64_t* value, uint32_t n,
                       uint32_t access, GcHeap* marking) {
  if (ref == 0) return trap_text::kNullArrayReference;
  uint8_t* object = base + ref;
  if (!gc_within(d, n, gc_array_length(object))) return trap_text::kArrayOutOfBounds;
  uint8_t* elems = object + kGcHeaderBytes;
  if (marking != nullptr && traced_array(object)) barrier(marking, elems + uint64_t{d} * 8, n);
  for (uint32_t i = 0; i < n; ++i)
    gc_store(elems + (uint64_t{d + i} << (access & 7)), access, value);
  return nullptr;
}

const char* array_copy(uint8_t* base, uint64_t dst, uint32_t d, uint64_t src, uint32_t s,
                       uint32_t n, uint32_t access, GcHeap* marking) {
  if (dst == 0 || src == 0) return trap_text::kNullArrayReference;
  if (!gc_within(d, n, gc_array_length(base + dst)) ||
      !gc_within(s, n, gc_array_length(base + src)))
    return trap_text::kArrayOutOfBounds;
  const uint32_t shift = access & 7;
  if (marking != nullptr && traced_array(base + dst))
    barrier(marking, base + dst + kGcHeaderBytes + uint64_t{d} * 8, n);
  if (n != 0) {
    std::memmove(base + dst + kGcHeaderBytes + (uint64_t{d} << shift),
                 base + src + kGcHeaderBytes + (uint64_t{s} << shift), uint64_t{n} << shift);
  }
  return nullptr;
}

const char* array_init_data(uint8_t* base, uint64_t ref, uint32_t d, std::span<const uint8_t> bytes,
                            uint32_t s, uint32_t n, uint32_t access) {
  if (ref == 0) return trap_text::kNullArrayReference;
  uint8_t* object = base + ref;
  if (!gc_within(d, n, gc_array_length(object))) return trap_text::kArrayOutOfBounds;
  const uint32_t shift = access & 7;
  if (!gc_within(s, uint64_t{n} << shift, bytes.size())) return trap_text::kMemoryOutOfBounds;
  if (n != 0) {
    std::memcpy(object + kGcHeaderBytes + (uint64_t{d} << shift), bytes.data() + s,
                uint64_t{n} << shift);
  }
  return nullptr;
}

const char* array_init_elem(uint8_t* base, uint64_t ref, uint32_t d, std::span<void* const> refs,
                            uint32_t s, uint32_t n, GcHeap* marking) {
  if (ref == 0) return trap_text::kNullArrayReference;
  uint8_t* object = base + ref;
  if (!gc_within(d, n, gc_array_length(object))) return trap_text::kArrayOutOfBounds;
  if (!gc_within(s, n, refs.size())) return trap_text::kTableOutOfBounds;
  if (marking != nullptr && traced_array(object))
    barrier(marking, object + kGcHeaderBytes + uint64_t{d} * 8, n);
  if (n != 0)
    std::memcpy(object + kGcHeaderBytes + uint64_t{d} * 8, refs.data() + s, uint64_t{n} * 8);
  return nullptr;
}

void copy_from_data(uint8_t* object, std::span<const uint8_t> bytes, uint32_t s, uint32_t n,
                    uint32_t access) {
  if (n != 0) {
    std::memcpy(object + kGcHeaderBytes, bytes.data() + s, uint64_t{n} << (access & 7));
  }
}

void copy_from_elem(uint8_t* object, std::span<void* const> refs, uint32_t s, uint32_t n) {
  if (n != 0) std::memcpy(object + kGcHeaderBytes, refs.data() + s, uint64_t{n} * 8);
}

} // namespace wasmcap::runtime::gc

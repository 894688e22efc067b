// GcShadowStack (gc_shadow_stack.h): the reservation and the collector's walk.
#include "runtime/gc_shadow_stack.h"

#include <sys/mman.h>

#include <algorithm>

#include "runtime/gc_heap.h"

namespace wasmcap::runtime {

GcShadowStack::~GcShadowStack() {
  if (base != nullptr) munmap(base, static_cast<size_t>(limit - base) * sizeof(uint64_t));
}

// The first push reserves the whole stack as address space: pages are committed as frames first
// touch them, so a store whose compiled code never recurses deeply keeps a few pages of it, and
// a store whose code holds no references never reserves it at all.
uint64_t* GcShadowStack::push_slow(size_t n) {
  if (base == nullptr) {
    const size_t bytes =
        (std::max<uint64_t>(capacity, 1) * sizeof(uint64_t) + 4095) & ~size_t{4095};
    void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) return nullptr;
    base = static_cast<uint64_t*>(p);
    top = base;
    limit = base + bytes / sizeof(uint64_t);
  }
  if (static_cast<size_t>(limit - top) < n) return nullptr;
  uint64_t* at = top;
  top += n;
  return at;
}

void GcShadowStack::trace(GcHeap& heap) const {
  for (const uint64_t* p = base; p < top; ++p)
    heap.mark(*p);
}

} // namespace wasmcap::runtime

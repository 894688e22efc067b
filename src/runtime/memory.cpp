// Memory: reserve-then-commit linear memory. Reserving the effective maximum up front keeps the
// base address stable across grows; pages are made accessible with mprotect on grow.
#include "runtime/memory.h"

#include "runtime/memory_image.h"

#include <string>

#include <sys/mman.h>

#include <algorithm>

namespace wasmcap::runtime {

namespace {

void* reserve(uint64_t bytes) {
  void* p = mmap(nullptr, bytes, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  return p == MAP_FAILED ? nullptr : p;
}

} // namespace

support::Result<Memory*> Memory::create_raw(const ir::MemoryType& type, uint32_t host_max_pages,
                                            bool guarded, const MemoryImage* image) {
  uint64_t max_pages = std::min<uint64_t>(type.limits.max.value_or(ir::kMaxPages), ir::kMaxPages);
  max_pages = std::min<uint64_t>(max_pages, host_max_pages);
  if (type.limits.min > max_pages) {
    return support::make_error(support::ErrorKind::Exhaustion,
                               "memory minimum of " + std::to_string(type.limits.min) +
                                   " pages exceeds the host limit of " + std::to_string(max_pages) +
                                   " pages");
  }
  auto* m = new Memory();
  m->declared_ = type;
  m->max_pages_ = static_cast<uint32_t>(max_pages);
  if (guarded) {
    // Address space only (PROT_NONE, MAP_NORESERVE): no memory is committed until grow.
    if (void* p = reserve(kGuardedReservation)) {
      m->base_ = static_cast<uint8_t*>(p);
      m->reserved_bytes_ = kGuardedReservation;
      m->guard_ = Guard::Guarded;
    } else {
      m->guard_ = Guard::ReserveFailed; // compiled code falls back to explicit checks
    }
  }
  if (m->base_ == nullptr && max_pages > 0) {
    // The whole maximum, so the base never moves. Where address space is scarce (a low
    // `ulimit -v`: a memory without a declared maximum wants 4 GiB) take less, halving down to the
    // initial size: memory.grow then fails past the reservation, which the spec allows (a grow
    // may always fail), instead of the module failing to instantiate.
    uint64_t pages = max_pages;
    void* p = reserve(pages * ir::kPageSize);
    while (p == nullptr && pages > type.limits.min) {
      pages = std::max<uint64_t>(pages / 2, type.limits.min);
      if (pages == 0) break; // an empty memory that cannot grow needs no address space
      p = reserve(pages * ir::kPageSize);
    }
    if (p == nullptr && pages > 0) {
      delete m;
      return support::make_error(support::ErrorKind::Exhaustion,
                                 "cannot reserve " + std::to_string(pages * ir::kPageSize) +
                                     " bytes of address space for memory");
    }
    m->base_ = static_cast<uint8_t*>(p);
    m->reserved_bytes_ = pages * ir::kPageSize;
    m->max_pages_ = static_cast<uint32_t>(pages);
  }
  if (m->grow(static_cast<uint32_t>(type.limits.min)) < 0) {
    delete m;
    return support::make_error(support::ErrorKind::Exhaustion, "cannot commit memory");
  }
  // Over the committed pages just made accessible: a private file mapping replaces them, so
  // the memory reads the image and its first write to a page copies that page (the kernel's
  // copy-on-write), and the munmap of the whole reservation in ~Memory drops it. If the mapping
  // fails the anonymous zero pages are still there and the caller writes the segments itself.
  if (image != nullptr && image->size_bytes() <= m->size_bytes_ && image->map_at(m->base_)) {
    m->image_ = image;
  }
  return m;
}

Memory::~Memory() {
  if (base_ != nullptr) munmap(base_, reserved_bytes_);
}

ir::MemoryType Memory::type() const {
  ir::MemoryType t = declared_;
  t.limits.min = size_pages();
  return t;
}

int64_t Memory::grow(uint32_t delta) {
  uint64_t old_pages = size_pages();
  uint64_t new_pages = old_pages + delta;
  if (new_pages > max_pages_) return -1;
  if (delta != 0) {
    uint64_t new_bytes = new_pages * ir::kPageSize;
    if (mprotect(base_ + size_bytes_, new_bytes - size_bytes_, PROT_READ | PROT_WRITE) != 0) {
      return -1;
    }
    size_bytes_ = new_bytes;
  }
  return static_cast<int64_t>(old_pages);
}

bool Memory::read(uint64_t offset, void* out, size_t n) const {
  if (!in_bounds(offset, n)) return false;
  if (n != 0) std::memcpy(out, base_ + offset, n);
  return true;
}

bool Memory::write(uint64_t offset, const void* in, size_t n) {
  if (!in_bounds(offset, n)) return false;
  if (n != 0) std::memcpy(base_ + offset, in, n);
  return true;
}

} // namespace wasmcap::runtime

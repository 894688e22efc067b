// Memory: reserve-then-commit linear memory. Reserving the effective maximum up front keeps the
// base address stable across grows; pages are made accessible with mprotect on grow.
#include "runtime/memory.h"

#include "runtime/memory_image.h"
#include "runtime/private_pages.h"

#include <string>

#include <sys/mman.h>

#include <algorithm>
#include <vector>

namespace wasmcap::runtime {

namespace {

void* reserve(uint64_t bytes) {
  void* p = mmap(nullptr, bytes, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  return p == MAP_FAILED ? nullptr : p;
}

} // namespace

support::Result<Memory*> Memory::create_raw(const ir::MemoryType& type, uint32_t host_max_pages,
                                            bool guarded,
                                            std::shared_ptr<const MemoryImage> image) {
  // A 64-bit memory (memory64) may declare up to 2^48 pages; the host limit caps both kinds.
  const uint64_t type_max = type.address64 ? ir::kMaxPages64 : ir::kMaxPages;
  uint64_t max_pages = std::min<uint64_t>(type.limits.max.value_or(type_max), type_max);
  max_pages = std::min<uint64_t>(max_pages, host_max_pages);
  // Guard pages cover zext(i32) + u32 offset only: a 64-bit memory is always explicitly checked
  // (docs/architecture.md, "64-bit memories").
  if (type.address64) guarded = false;
  if (type.limits.min > max_pages) {
    return support::make_error(support::ErrorKind::Exhaustion,
                               "memory minimum of " + std::to_string(type.limits.min) +
                                   " pages exceeds the host limit of " + std::to_string(max_pages) +
                                   " pages");
  }
  auto* m = new Memory();
  m->declared_ = type;
  m->max_pages_ = static_cast<uint32_t>(max_pages);
  m->wanted_max_pages_ = max_pages;
  m->guard_requested_ = guarded;
  // A reservation an earlier memory from the same image left, already reset: no mmap, no
  // mprotect, no munmap for this one (the pool keys on what was asked, so the layout matches).
  if (image != nullptr) {
    if (auto slot = image->take(guarded, max_pages)) {
      m->base_ = slot->base;
      m->reserved_bytes_ = slot->reserved_bytes;
      m->max_pages_ = slot->max_pages;
      m->guard_ = static_cast<Guard>(slot->guard);
      m->size_bytes_ = uint64_t{type.limits.min} * ir::kPageSize;
      m->image_ = std::move(image);
      return m;
    }
  }
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
  if (m->grow(type.limits.min) < 0) {
    delete m;
    return support::make_error(support::ErrorKind::Exhaustion, "cannot commit memory");
  }
  // Over the committed pages just made accessible: a private file mapping replaces them, so
  // the memory reads the image and its first write to a page copies that page (the kernel's
  // copy-on-write), and the munmap of the whole reservation in ~Memory drops it. If the mapping
  // fails the anonymous zero pages are still there and the caller writes the segments itself.
  if (image != nullptr && image->size_bytes() <= m->size_bytes_ && image->map_at(m->base_)) {
    m->image_ = std::move(image);
  }
  return m;
}

namespace {

bool all_zero(const uint8_t* p, uint64_t n) {
  // Word by word: a page of a memory is page-aligned.
  const auto* w = reinterpret_cast<const uint64_t*>(p);
  for (uint64_t i = 0; i < n / sizeof(uint64_t); ++i)
    if (w[i] != 0) return false;
  return true;
}

} // namespace

// The pages this memory has its own copy of get the image's bytes (or zeros past the image)
// written back, and stay resident and mapped: no page-table change, so no other core has its
// TLB flushed (an madvise or a copy-on-write fault in a multi-threaded process interrupts every
// core the process runs on), and the next instance writes them without a fault. Each page is
// compared first: a page written by some earlier instance but not by this one (it stays ours)
// is not written again. Beyond kKeepResidentBytes of such pages, the rest are dropped.
bool Memory::reset_by_copy(uint64_t bytes) {
  const uint8_t* const image = image_->contents();
  if (image == nullptr) return false;
  thread_local std::vector<bool> pages;
  if (!private_pages(base_, bytes, pages)) return false;
  const uint64_t page = host_page_size();
  const uint64_t image_bytes = image_->size_bytes();
  uint64_t kept = 0;
  for (size_t i = 0; i < pages.size(); ++i) {
    if (!pages[i]) continue;
    uint8_t* const at = base_ + i * page;
    if (kept >= kKeepResidentBytes) {
      size_t end = i;
      while (end < pages.size() && pages[end])
        ++end;
      if (madvise(at, (end - i) * page, MADV_DONTNEED) != 0) return false;
      i = end - 1;
      continue;
    }
    kept += page;
    const uint64_t offset = i * page;
    if (offset < image_bytes) {
      if (std::memcmp(at, image + offset, page) != 0) std::memcpy(at, image + offset, page);
    } else if (!all_zero(at, page)) {
      std::memset(at, 0, page);
    }
  }
  return true;
}

bool Memory::reset_to_image() {
  const uint64_t initial = uint64_t{declared_.limits.min} * ir::kPageSize;
  // Pages grown past the initial size: MADV_DONTNEED drops them (they read zeros if grown
  // again) and they become inaccessible again (guard pages stay guards).
  if (size_bytes_ > initial) {
    if (madvise(base_ + initial, size_bytes_ - initial, MADV_DONTNEED) != 0) return false;
    if (mprotect(base_ + initial, size_bytes_ - initial, PROT_NONE) != 0) return false;
  }
  size_bytes_ = initial;
  // The initial part by copying; failing that, MADV_DONTNEED drops this memory's own pages:
  // the image's part reads the file again, the rest reads zeros. Either way nothing of this
  // instance reaches the next one.
  if (initial == 0 || reset_by_copy(initial)) return true;
  return madvise(base_, initial, MADV_DONTNEED) == 0;
}

Memory::~Memory() {
  if (base_ == nullptr) return;
  if (image_ != nullptr && reset_to_image()) {
    MemoryImage::Slot slot;
    slot.base = base_;
    slot.reserved_bytes = reserved_bytes_;
    slot.max_pages = max_pages_;
    slot.guard = static_cast<uint8_t>(guard_);
    slot.guarded = guard_requested_;
    slot.wanted_max_pages = wanted_max_pages_;
    if (image_->give(slot)) return;
  }
  munmap(base_, reserved_bytes_);
}

Memory::FieldOffsets Memory::field_offsets() {
  const Memory m; // base_ is null: its destructor unmaps nothing
  auto at = [&](const void* field) {
    return static_cast<uint64_t>(static_cast<const char*>(field) -
                                 reinterpret_cast<const char*>(&m));
  };
  return {at(&m.base_), at(&m.size_bytes_)};
}

ir::MemoryType Memory::type() const {
  ir::MemoryType t = declared_;
  t.limits.min = size_pages();
  return t;
}

int64_t Memory::grow(uint64_t delta) {
  uint64_t old_pages = size_pages();
  // A 64-bit memory.grow may ask for any u64 delta: compare without overflowing.
  if (delta > max_pages_ - old_pages) return -1;
  uint64_t new_pages = old_pages + delta;
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

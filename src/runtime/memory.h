// Memory: a linear memory instance. The maximum size is reserved up front (PROT_NONE) and pages
// are committed on grow, so the base address never moves and an interpreter may cache it. A
// memory made for guard-page code (the LLVM tier) reserves 8 GiB instead, so every
// zext(i32 address) + u32 offset lands inside the reservation and faults past the committed
// size; if that reservation fails it falls back to the plain layout (explicit bounds checks).
// Where even the maximum cannot be reserved (a low `ulimit -v`), less is, down to the initial
// size, and grow fails past it (growable_pages() says how far it can go).
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <span>

#include "ir/types.h"
#include "support/result.h"

namespace wasmcap::runtime {

class MemoryImage;

class Memory {
public:
  // The address space a guarded memory reserves: 4 GiB of index space + 4 GiB of static offset
  // + one page for the access size (an 8-byte load at 0xffffffff + 0xffffffff).
  static constexpr uint64_t kGuardedReservation = (uint64_t{8} << 30) + ir::kPageSize;
  // How much of its written pages a memory from an image keeps resident for the next memory
  // taking its reservation (reset by copying, not dropped); at most 16 such reservations wait
  // per image (memory_image.h).
  static constexpr uint64_t kKeepResidentBytes = uint64_t{4} << 20;

  // How compiled code may address this memory.
  enum class Guard : uint8_t {
    NotRequested,  // explicit bounds checks: nobody asked for guard pages
    Guarded,       // kGuardedReservation reserved: out-of-bounds accesses fault
    ReserveFailed, // asked for, but the 8 GiB reservation failed (RLIMIT_AS, address space)
  };

  // Fails (Exhaustion) when the initial size exceeds `host_max_pages` or cannot be reserved.
  // `guarded` asks for the 8 GiB reservation (never a reason to fail: see guard()).
  // `image`, when given, is mapped copy-on-write over the start of the memory (its initial
  // contents: no segment copying, no zeroing); image() says whether that worked. Such a memory
  // may reuse the reservation of an earlier one from the same image, reset (MemoryImage::take).
  static support::Result<Memory*> create_raw(const ir::MemoryType& type, uint32_t host_max_pages,
                                             bool guarded = false,
                                             std::shared_ptr<const MemoryImage> image = nullptr);
  ~Memory();
  Memory(const Memory&) = delete;
  Memory& operator=(const Memory&) = delete;

  // The current type: min = current size in pages, max = the declared maximum.
  ir::MemoryType type() const;
  uint32_t size_pages() const { return static_cast<uint32_t>(size_bytes_ / ir::kPageSize); }
  uint64_t size_bytes() const { return size_bytes_; }
  uint8_t* data() { return base_; }
  const uint8_t* data() const { return base_; }
  std::span<uint8_t> bytes() { return {base_, static_cast<size_t>(size_bytes_)}; }
  Guard guard() const { return guard_; }
  // The image this memory started from, or null (its data segments were written by hand).
  const MemoryImage* image() const { return image_.get(); }
  bool guarded() const { return guard_ == Guard::Guarded; }
  // The reserved address range [data(), data() + reserved_bytes()) (async-signal-safe reads).
  uint64_t reserved_bytes() const { return reserved_bytes_; }
  // How far grow can go: the declared maximum, the host limit, or a smaller reservation.
  uint32_t growable_pages() const { return max_pages_; }

  // Grows by `delta` pages; returns the old size in pages, or -1 when the declared maximum, the
  // host limit or the OS refuses. Never traps. (A u64 delta: memory.grow on a 64-bit memory.)
  int64_t grow(uint64_t delta);

  // Bounds-checked accessors for the embedder: false when [offset, offset+n) is out of bounds.
  bool in_bounds(uint64_t offset, uint64_t n) const { return offset + n <= size_bytes_; }
  bool read(uint64_t offset, void* out, size_t n) const;
  bool write(uint64_t offset, const void* in, size_t n);

  // Where data() and size_bytes() live in a Memory: compiled code (the LLVM tier) reads them
  // directly for the memories it does not keep in its context (docs/llvm.md, "Multiple
  // memories"), as the current size, with no helper call.
  struct FieldOffsets {
    uint64_t base;
    uint64_t size;
  };
  static FieldOffsets field_offsets();

private:
  Memory() = default;
  uint8_t* base_ = nullptr;
  uint64_t size_bytes_ = 0;     // committed, accessible bytes
  uint64_t reserved_bytes_ = 0; // reserved address space (the effective maximum, or 8 GiB)
  uint32_t max_pages_ = 0;      // min(declared max, host limit, what could be reserved)
  Guard guard_ = Guard::NotRequested;
  std::shared_ptr<const MemoryImage> image_; // mapped at base_ (its pool takes base_ back)
  uint64_t wanted_max_pages_ = 0;            // what create_raw was asked for (the pool's key)
  bool guard_requested_ = false;
  // Resets the memory to its image (its reservation then goes back to the image's pool).
  bool reset_to_image();
  // Resets the first `bytes` by rewriting the pages this memory has its own copy of (memory.cpp);
  // false if that cannot be done (no pagemap), and the caller drops them instead.
  bool reset_by_copy(uint64_t bytes);
  ir::MemoryType declared_;
};

} // namespace wasmcap::runtime

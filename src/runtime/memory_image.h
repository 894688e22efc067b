// MemoryImage: the initial contents of a module's defined linear memory (its active data
// segments applied to zeros), made once per module in an anonymous in-memory file (memfd), so
// each instance maps it copy-on-write instead of copying the segments into fresh pages (the
// design of wasmtime's `MemoryImage`; docs/serve.md, "A fresh instance per request, cheaply").
// It also keeps the reservations of memories that started from it once they are freed, reset
// to the image, for the next ones (a small pool, as wasmtime's pooling allocator does).
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "ir/module.h"

namespace wasmcap::runtime {

class MemoryImage {
public:
  // The image of defined memory `defined_index` of `module`, or null when the module cannot use
  // one and instantiation must write its segments as before: an active segment of this memory
  // whose offset is not a plain `i32.const`, or that does not fit in the memory's initial size
  // (it traps at instantiation, which the ordinary path reports), no data at all (nothing to
  // save), or the OS refusing a memfd. Never an error: the fallback is always correct.
  static std::shared_ptr<const MemoryImage> build(const ir::Module& module, uint32_t defined_index);
  ~MemoryImage();
  MemoryImage(const MemoryImage&) = delete;
  MemoryImage& operator=(const MemoryImage&) = delete;

  int fd() const { return fd_; }
  // Bytes the file holds, a whole number of host pages, at most the memory's initial size.
  uint64_t size_bytes() const { return size_; }
  // Whether data segment `data_index` of `module` is already in the image (instantiation skips
  // it). The module is compared because a memory imported from another instance may carry that
  // module's image, whose segment numbers are not ours.
  bool covers(const ir::Module& module, uint32_t data_index) const {
    return &module == module_ && data_index < covered_.size() && covered_[data_index];
  }
  // Maps the image over [base, base + size_bytes()), which must be inside a reservation:
  // MAP_PRIVATE, so an instance's writes go to its own copies of the pages. False if mmap failed.
  bool map_at(uint8_t* base) const;
  // The initial contents, read-only (a shared mapping of the file): what a memory reset by
  // copying copies from. Null if that mapping failed (such memories are reset by madvise).
  const uint8_t* contents() const { return contents_; }

  // A freed memory's reservation, already reset: the image mapped at its start, its initial
  // pages accessible and as the image has them, the rest inaccessible. `guarded` and
  // `max_pages` are what its memory was asked for (the key), the rest what it got.
  struct Slot {
    uint8_t* base = nullptr;
    uint64_t reserved_bytes = 0;
    uint32_t max_pages = 0;        // the memory's growable_pages()
    uint8_t guard = 0;             // its Memory::Guard
    bool guarded = false;          // asked for
    uint64_t wanted_max_pages = 0; // asked for (declared max capped by the host limit)
  };
  // A slot for a memory asking for the same, if one is free.
  std::optional<Slot> take(bool guarded, uint64_t wanted_max_pages) const;
  // Keeps `slot` for later; false when the pool is full (the caller unmaps it).
  bool give(const Slot& slot) const;

private:
  MemoryImage() = default;
  const ir::Module* module_ = nullptr; // the module it was built from (outlives its code)
  int fd_ = -1;
  uint64_t size_ = 0;
  const uint8_t* contents_ = nullptr;
  std::vector<bool> covered_;
  // As many as requests run at once are in use, so a few free ones are enough.
  static constexpr size_t kMaxFreeSlots = 16;
  mutable std::mutex mu_;
  mutable std::vector<Slot> free_;
};

// The images of every defined memory of one module, built on first use (one module's code is
// shared by all its instances, concurrently: hence the once_flag).
class MemoryImages {
public:
  // Null where defined memory `defined_index` has no image (MemoryImage::build). Memories keep
  // theirs alive (they return their reservation to it).
  std::shared_ptr<const MemoryImage> get(const ir::Module& module, uint32_t defined_index) const;

private:
  mutable std::once_flag once_;
  mutable std::vector<std::shared_ptr<const MemoryImage>> images_;
};

} // namespace wasmcap::runtime

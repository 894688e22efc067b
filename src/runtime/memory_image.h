// MemoryImage: the initial contents of a module's defined linear memory (its active data
// segments applied to zeros), made once per module in an anonymous in-memory file (memfd), so
// each instance maps it copy-on-write instead of copying the segments into fresh pages (the
// design of wasmtime's `MemoryImage`; docs/serve.md, "A fresh instance per request, cheaply").
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
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

private:
  MemoryImage() = default;
  const ir::Module* module_ = nullptr; // the module it was built from (outlives its code)
  int fd_ = -1;
  uint64_t size_ = 0;
  std::vector<bool> covered_;
};

// The images of every defined memory of one module, built on first use (one module's code is
// shared by all its instances, concurrently: hence the once_flag).
class MemoryImages {
public:
  // Null where defined memory `defined_index` has no image (MemoryImage::build).
  const MemoryImage* get(const ir::Module& module, uint32_t defined_index) const;

private:
  mutable std::once_flag once_;
  mutable std::vector<std::shared_ptr<const MemoryImage>> images_;
};

} // namespace wasmcap::runtime

// MemoryImage (memory_image.h): the data segments of a module written once into a memfd, and
// mapped copy-on-write into each instance's memory reservation.
#include "runtime/memory_image.h"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>

#include "runtime/private_pages.h"
#include "support/byte_reader.h"

namespace wasmcap::runtime {

namespace {

// The offset of an active segment when it is exactly `i32.const N end` (the form every
// toolchain emits); nullopt for anything that needs the instance (global.get, extended-const).
std::optional<uint32_t> constant_offset(const ir::Module& module, ir::ConstExpr expr) {
  support::ByteReader r(module.range_bytes(expr), expr.offset);
  auto op = r.read_u8();
  if (!op || *op != 0x41) return std::nullopt;
  auto v = r.read_s32();
  if (!v) return std::nullopt;
  auto end = r.read_u8();
  if (!end || *end != 0x0B || !r.at_end()) return std::nullopt;
  return static_cast<uint32_t>(*v);
}

} // namespace

std::shared_ptr<const MemoryImage> MemoryImage::build(const ir::Module& module,
                                                      uint32_t defined_index) {
  if (defined_index >= module.memories.size()) return nullptr;
  uint32_t imported = 0;
  for (const ir::Import& imp : module.imports)
    imported += imp.kind == ir::ExternKind::Memory ? 1 : 0;
  const uint32_t memory_index = imported + defined_index;
  const uint64_t initial = uint64_t{module.memories[defined_index].limits.min} * ir::kPageSize;

  struct Piece {
    uint32_t data_index;
    uint64_t offset;
    std::span<const uint8_t> bytes;
  };
  std::vector<Piece> pieces;
  uint64_t end = 0;
  for (uint32_t i = 0; i < module.datas.size(); ++i) {
    const ir::DataSegment& seg = module.datas[i];
    if (seg.mode != ir::SegmentMode::Active || seg.memory_index != memory_index) continue;
    const std::optional<uint32_t> offset = constant_offset(module, seg.offset);
    if (!offset) return nullptr;
    const std::span<const uint8_t> bytes = module.range_bytes(seg.init);
    // Out of bounds traps at instantiation, after earlier segments were written: the ordinary
    // path keeps that order, so such a module gets no image.
    if (*offset + uint64_t{bytes.size()} > initial) return nullptr;
    if (bytes.empty()) continue;
    pieces.push_back({i, *offset, bytes});
    end = std::max(end, *offset + uint64_t{bytes.size()});
  }
  if (pieces.empty()) return nullptr;

  const uint64_t page = host_page_size();
  const uint64_t size = std::min((end + page - 1) / page * page, initial);
  const int fd = memfd_create("wasmcap-memory-image", MFD_CLOEXEC);
  if (fd < 0) return nullptr;
  std::shared_ptr<MemoryImage> image(new MemoryImage());
  image->module_ = &module;
  image->fd_ = fd;
  image->size_ = size;
  if (ftruncate(fd, static_cast<off_t>(size)) != 0) return nullptr;
  // In segment order, so a later segment overwrites an earlier one where they overlap, as the
  // instantiation's own writes would.
  for (const Piece& p : pieces) {
    size_t done = 0;
    while (done < p.bytes.size()) {
      const ssize_t n = pwrite(fd, p.bytes.data() + done, p.bytes.size() - done,
                               static_cast<off_t>(p.offset + done));
      if (n <= 0) return nullptr;
      done += static_cast<size_t>(n);
    }
  }
  image->covered_.assign(module.datas.size(), false);
  for (const Piece& p : pieces)
    image->covered_[p.data_index] = true;
  void* contents = mmap(nullptr, size, PROT_READ, MAP_SHARED, fd, 0);
  if (contents != MAP_FAILED) image->contents_ = static_cast<const uint8_t*>(contents);
  // Empty segments of this memory are in bounds (checked above) and write nothing.
  for (uint32_t i = 0; i < module.datas.size(); ++i) {
    const ir::DataSegment& seg = module.datas[i];
    if (seg.mode == ir::SegmentMode::Active && seg.memory_index == memory_index)
      image->covered_[i] = true;
  }
  return image;
}

MemoryImage::~MemoryImage() {
  for (const Slot& s : free_)
    munmap(s.base, s.reserved_bytes);
  if (contents_ != nullptr) munmap(const_cast<uint8_t*>(contents_), size_);
  if (fd_ >= 0) close(fd_);
}

std::optional<MemoryImage::Slot> MemoryImage::take(bool guarded, uint64_t wanted_max_pages) const {
  std::lock_guard lock(mu_);
  for (size_t i = free_.size(); i-- > 0;) {
    if (free_[i].guarded == guarded && free_[i].wanted_max_pages == wanted_max_pages) {
      const Slot s = free_[i];
      free_.erase(free_.begin() + static_cast<std::ptrdiff_t>(i));
      return s;
    }
  }
  return std::nullopt;
}

bool MemoryImage::give(const Slot& slot) const {
  std::lock_guard lock(mu_);
  if (free_.size() >= kMaxFreeSlots) return false;
  free_.push_back(slot);
  return true;
}

bool MemoryImage::map_at(uint8_t* base) const {
  void* p = mmap(base, size_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED, fd_, 0);
  return p != MAP_FAILED;
}

std::shared_ptr<const MemoryImage> MemoryImages::get(const ir::Module& module,
                                                     uint32_t defined_index) const {
  std::call_once(once_, [&] {
    images_.resize(module.memories.size());
    for (uint32_t i = 0; i < module.memories.size(); ++i)
      images_[i] = MemoryImage::build(module, i);
  });
  return defined_index < images_.size() ? images_[defined_index] : nullptr;
}

} // namespace wasmcap::runtime

// The GC heap's allocator and its mark-sweep collector (gc_heap.h, docs/gc.md).
#include "runtime/gc_heap.h"

#include <sys/mman.h>

#include <algorithm>

#include "ir/type_registry.h"
#include "runtime/gc_ref.h"

namespace wasmcap::runtime {

namespace {
constexpr uint64_t kCommitStep = 1u << 20; // the heap grows by at least 1 MiB
constexpr uint64_t kMinThreshold = 1u << 20;
uint64_t round_up(uint64_t n, uint64_t to) {
  return (n + to - 1) / to * to;
}
} // namespace

GcHeap::GcHeap(uint64_t limit) : limit_(std::min(limit, kMaxLimit)) {
  reserved_ = round_up(std::max<uint64_t>(limit_, kGcHeaderBytes), 1u << 16);
  void* p = mmap(nullptr, reserved_, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) {
    reserved_ = 0;
    return;
  }
  base_ = static_cast<uint8_t*>(p);
}

GcHeap::~GcHeap() {
  if (base_ != nullptr) munmap(base_, reserved_);
}

bool GcHeap::commit_to(uint64_t end) {
  if (end <= committed_) return true;
  if (end > limit_) return false;
  uint64_t want = std::max(end, committed_ + std::max(committed_ / 2, kCommitStep));
  want = std::min(round_up(want, 1u << 16), reserved_);
  if (want < end) return false;
  if (mprotect(base_ + committed_, want - committed_, PROT_READ | PROT_WRITE) != 0) return false;
  committed_ = want;
  starts_.resize((committed_ / 8 + 63) / 64, 0);
  return true;
}

void GcHeap::set_start(uint64_t offset, bool on) {
  const uint64_t g = offset >> 3;
  if (on) {
    starts_[g >> 6] |= uint64_t{1} << (g & 63);
  } else {
    starts_[g >> 6] &= ~(uint64_t{1} << (g & 63));
  }
}

uint32_t GcHeap::block_size(uint32_t offset) const {
  const uint32_t w0 = word0(offset), w1 = word1(offset);
  if (w0 & kGcFreeBit) return w1;
  if (w0 & kGcArrayBit) {
    return static_cast<uint32_t>(gc_array_bytes(w1, 1u << ((w0 >> kGcElemShift) & 7)));
  }
  return w1; // a struct's size
}

void GcHeap::add_free(uint32_t offset, uint32_t size) {
  store32(offset, kGcFreeBit);
  store32(offset + 4, size);
  if (size <= kSmallMax) {
    small_free_[size / 8].push_back(offset);
  } else {
    large_free_.push_back({offset, size});
  }
}

uint32_t GcHeap::take_free(uint32_t bytes) {
  if (bytes <= kSmallMax && !small_free_[bytes / 8].empty()) {
    const uint32_t at = small_free_[bytes / 8].back();
    small_free_[bytes / 8].pop_back();
    return at;
  }
  // First fit among the large blocks; what is left over goes back to a list.
  for (size_t i = 0; i < large_free_.size(); ++i) {
    Extent e = large_free_[i];
    if (e.size < bytes) continue;
    large_free_[i] = large_free_.back();
    large_free_.pop_back();
    if (e.size > bytes) add_free(e.offset + bytes, e.size - bytes);
    return e.offset;
  }
  return 0;
}

uint32_t GcHeap::allocate(uint32_t bytes, uint32_t word0, uint32_t word1) {
  if (base_ == nullptr || bytes < kGcHeaderBytes) return 0;
  uint32_t at = take_free(bytes);
  if (at == 0) {
    if (top_ + bytes > limit_ || !commit_to(top_ + bytes)) {
      // The end is full: a larger small block split (what the exact class lacked).
      for (uint32_t size = bytes + 8; size <= kSmallMax && at == 0; size += 8) {
        if (small_free_[size / 8].empty()) continue;
        at = small_free_[size / 8].back();
        small_free_[size / 8].pop_back();
        add_free(at + bytes, size - bytes);
      }
      if (at == 0) return 0;
    } else {
      at = static_cast<uint32_t>(top_);
      top_ += bytes;
    }
  }
  std::memset(base_ + at, 0, bytes);
  store32(at, marking_ ? word0 | kGcMarkBit : word0); // born marked: see gc_heap.h
  store32(at + 4, word1);
  set_start(at, true);
  allocated_since_ += bytes;
  return at;
}

void GcHeap::mark(uint64_t bits) {
  const uint64_t offset = bits & ~kHostInAny;
  if (!is_object(offset)) {
    if (!watched_.empty() && offset != 0) mark_watched(offset);
    return;
  }
  const uint32_t w0 = word0(static_cast<uint32_t>(offset));
  if (w0 & kGcMarkBit) return;
  store32(offset, w0 | kGcMarkBit);
  if (w0 & kGcRefsBit) mark_stack_.push_back(static_cast<uint32_t>(offset));
}

uint64_t GcHeap::object_containing(uint64_t offset) const {
  if (offset < kGcHeaderBytes || offset >= top_) return 0;
  // The last start bit at or below offset's granule.
  uint64_t g = offset >> 3;
  uint64_t w = g >> 6;
  uint64_t bits = starts_[w] & (~uint64_t{0} >> (63 - (g & 63)));
  while (bits == 0) {
    if (w == 0) return 0;
    bits = starts_[--w];
  }
  const uint64_t start = ((w << 6) + (63 - static_cast<uint64_t>(__builtin_clzll(bits)))) << 3;
  return offset < start + block_size(static_cast<uint32_t>(start)) ? start : 0;
}

void GcHeap::mark_conservative(uint64_t word) {
  if (base_ == nullptr) return;
  if (!watched_.empty() && word != 0) mark_watched(word & ~kHostInAny);
  const auto base = reinterpret_cast<uintptr_t>(base_);
  uint64_t offset = word & ~kHostInAny;
  if (word >= base && word < base + top_) offset = word - base; // an address in the heap
  if (offset >= top_) return;
  if (const uint64_t start = object_containing(offset)) mark(start);
}

const std::vector<uint32_t>& GcHeap::traced_fields(uint32_t type_id) {
  auto it = traced_fields_.find(type_id);
  if (it != traced_fields_.end()) return it->second;
  std::vector<uint32_t> traced;
  if (ir::is_canonical_id(type_id))
    traced = gc_struct_layout(ir::canonical_type(type_id).def.fields).traced;
  return traced_fields_.emplace(type_id, std::move(traced)).first->second;
}

namespace {
// Elements of an array of references traced in one go; a longer array goes back on the stack
// with where to go on, so one step of incremental marking stays short.
constexpr uint32_t kArrayChunk = 4096;
} // namespace

uint64_t GcHeap::trace_elements(uint32_t offset, uint32_t from) {
  const uint32_t n = word1(offset);
  const uint32_t to = n - from > kArrayChunk ? from + kArrayChunk : n;
  if (to < n) partial_arrays_.push_back({offset, to});
  for (uint32_t i = from; i < to; ++i) {
    uint64_t v;
    std::memcpy(&v, base_ + offset + kGcHeaderBytes + uint64_t{i} * 8, 8);
    mark(v);
  }
  return uint64_t{to - from} * 8 + kGcHeaderBytes;
}

uint64_t GcHeap::trace(uint32_t offset) {
  const uint32_t w0 = word0(offset);
  if (w0 & kGcArrayBit) return trace_elements(offset, 0); // references: 8 bytes each
  const std::vector<uint32_t>& fields = traced_fields(w0 & kGcTypeMask);
  for (uint32_t at : fields) {
    uint64_t v;
    std::memcpy(&v, base_ + offset + at, 8);
    mark(v);
  }
  return uint64_t{fields.size()} * 8 + kGcHeaderBytes;
}

bool GcHeap::mark_step(uint64_t budget) {
  uint64_t done = 0;
  while (done < budget) {
    if (!partial_arrays_.empty()) {
      const PartialArray p = partial_arrays_.back();
      partial_arrays_.pop_back();
      done += trace_elements(p.offset, p.next);
    } else if (!mark_stack_.empty()) {
      const uint32_t at = mark_stack_.back();
      mark_stack_.pop_back();
      done += trace(at);
    } else {
      return true;
    }
  }
  return mark_stack_.empty() && partial_arrays_.empty();
}

void GcHeap::finish_marking() {
  while (!mark_step(UINT64_MAX)) {
  }
  marking_ = false;
  begin_sweep();
}

void GcHeap::trace_and_sweep() {
  sweep_step(UINT64_MAX);
  finish_marking();
  sweep_step(UINT64_MAX);
}

// The free lists are rebuilt from scratch: the sweep puts back every block it frees.
void GcHeap::begin_sweep() {
  for (auto& list : small_free_)
    list.clear();
  large_free_.clear();
  sweep_at_ = kGcHeaderBytes;
  sweep_end_ = top_;
  sweep_run_ = 0;
  sweep_live_ = 0;
}

// Blocks in address order: marked objects stay (unmarked for the next collection), runs of dead
// objects and free blocks become one free block each, and a run that reaches the end gives its
// space back to the bump pointer when nothing was allocated there since.
bool GcHeap::sweep_step(uint64_t budget) {
  if (sweep_at_ == 0) return true;
  uint64_t done = 0;
  while (sweep_at_ < sweep_end_ && done < budget) {
    const uint64_t at = sweep_at_;
    const uint32_t w0 = word0(static_cast<uint32_t>(at));
    const uint32_t size = block_size(static_cast<uint32_t>(at));
    if (size == 0) { // never happens for a well-formed heap; do not loop forever
      sweep_at_ = sweep_end_;
      break;
    }
    if ((w0 & kGcFreeBit) == 0 && (w0 & kGcMarkBit)) {
      store32(at, w0 & ~kGcMarkBit);
      sweep_live_ += size;
      if (sweep_run_ != 0) {
        add_free(static_cast<uint32_t>(sweep_run_), static_cast<uint32_t>(at - sweep_run_));
        sweep_run_ = 0;
      }
    } else {
      if ((w0 & kGcFreeBit) == 0) set_start(at, false);
      if (sweep_run_ == 0) sweep_run_ = at;
    }
    sweep_at_ += size;
    done += size;
  }
  if (sweep_at_ < sweep_end_) return false;
  if (sweep_run_ != 0) {
    if (top_ == sweep_end_) {
      top_ = sweep_run_;
    } else {
      add_free(static_cast<uint32_t>(sweep_run_), static_cast<uint32_t>(sweep_end_ - sweep_run_));
    }
  }
  stats_.live_bytes = sweep_live_;
  allocated_since_ = 0;
  threshold_ = std::max(kMinThreshold, sweep_live_);
  sweep_at_ = 0;
  return true;
}

} // namespace wasmcap::runtime

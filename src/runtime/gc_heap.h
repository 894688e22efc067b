// GcHeap: one store's heap of GC objects (structs and arrays; docs/gc.md sections 2 and 3). A
// reservation of address space committed as it grows, with references as 32-bit offsets into
// it (0 is null), so a reference means nothing outside its store and a wrong one stays inside
// the reservation. Blocks are allocated from size-class free lists (up to 256 bytes), a list of
// large free blocks, or the end; a non-moving mark-sweep collector frees them.
//
// The heap does not know where roots are: the store gathers them (runtime/gc_collect.cpp) and
// hands each candidate to mark(); then trace_and_sweep() finishes the collection.
//
// Marking may also run in steps between allocations (docs/gc.md, "Incremental marking"):
// begin_marking(), the roots marked, then mark_step() at allocations until it reports nothing
// left, then finish_marking() and sweep_step() at allocations until the sweep is over. Marking
// keeps a snapshot at the beginning: an object allocated while marking is born marked, and
// whoever overwrites a traced field while marking() hands the old value to mark() first (the
// write barrier), so everything reachable when marking began is marked, whatever the program
// does meanwhile. Sweeping goes in address order up to where the heap ended when marking did;
// allocations meanwhile come from the blocks it has freed so far or from the end, so the
// sweep never meets an object made after the marking.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <unordered_map>
#include <vector>

#include "runtime/gc_layout.h"

namespace wasmcap::runtime {

class GcHeap {
public:
  // `limit`: the most bytes the heap may use (at most kMaxLimit).
  static constexpr uint64_t kMaxLimit = 0xFFFF'0000u;
  explicit GcHeap(uint64_t limit);
  ~GcHeap();
  GcHeap(const GcHeap&) = delete;
  GcHeap& operator=(const GcHeap&) = delete;

  bool reserved() const { return base_ != nullptr; }
  uint8_t* base() const { return base_; }
  uint64_t limit() const { return limit_; }

  // A zeroed block of `bytes` (a multiple of 8) with its header words; its offset, or 0 when the
  // limit leaves no room (the caller collects and tries again, then traps).
  uint32_t allocate(uint32_t bytes, uint32_t word0, uint32_t word1);
  // Enough was allocated since the last collection that the next allocation should collect
  // first (always, in stress mode).
  bool wants_collection() const { return stress_ || allocated_since_ >= threshold_; }
  void set_stress(bool on) { stress_ = on; }

  // --- collection ---
  // A reference (a field's value, a global's, a table element): marks the object if `bits`
  // (with the host-in-any tag cleared) is the offset of one; anything else is ignored.
  void mark(uint64_t bits);
  // A word of a stack scanned conservatively: marks the object it may point into, as an offset
  // or as an address in the heap, at its start or inside it (compiled code may keep only a
  // derived address, the base plus the offset plus a field's, across a call).
  void mark_conservative(uint64_t word);
  // Marks everything reachable from what mark() found, then frees every unmarked object; ends
  // an incremental marking, and a sweep under way first.
  void trace_and_sweep();

  // --- incremental marking ---
  bool marking() const { return marking_; }
  // From now on allocations are born marked and stores into traced fields need the barrier.
  void begin_marking() { marking_ = true; }
  // Traces marked objects' fields for about `budget` bytes of fields (an array of references is
  // traced in chunks, so no step takes long); true when nothing is left to trace.
  bool mark_step(uint64_t budget);
  // The write barrier's slow path: `old`, the value a store into a traced field replaces.
  void barrier(uint64_t old) {
    if (marking_) mark(old);
  }
  // Ends marking (what is left to trace is traced now) and begins a sweep in steps.
  void finish_marking();

  // --- host references the collector watches (finalization, docs/gc.md) ---
  // A host reference's bits (host-in-any tag clear): from now on mark() and mark_conservative()
  // note when they meet it; one watched while marking counts as met (born marked).
  void watch(uint64_t host_bits) { watched_[host_bits] = marking_; }
  bool watching() const { return !watched_.empty(); }
  // After marking: the watched references marking did not meet (every mark is cleared).
  std::vector<uint64_t> unmet_watched() {
    std::vector<uint64_t> unmet;
    for (auto& [bits, met] : watched_) {
      if (!met) unmet.push_back(bits);
      met = false;
    }
    return unmet;
  }
  void unwatch(uint64_t host_bits) { watched_.erase(host_bits); }
  bool sweeping() const { return sweep_at_ != 0; }
  // Sweeps about `budget` bytes of the heap's blocks; true when the sweep is over (or none is
  // under way).
  bool sweep_step(uint64_t budget);

  // --- objects ---
  // Whether `offset` is the start of a live object.
  bool is_object(uint64_t offset) const {
    return offset != 0 && (offset & 7) == 0 && offset < top_ && start_bit(offset);
  }
  uint32_t word0(uint32_t offset) const { return load32(offset); }
  uint32_t word1(uint32_t offset) const { return load32(offset + 4); }
  uint32_t type_id(uint32_t offset) const { return word0(offset) & kGcTypeMask; }
  bool is_array(uint32_t offset) const { return (word0(offset) & kGcArrayBit) != 0; }

  struct Stats {
    uint64_t collections = 0;
    uint64_t live_bytes = 0;   // after the last collection
    uint64_t max_pause_ns = 0; // the longest collection
    uint64_t total_pause_ns = 0;
    uint64_t steps = 0; // of incremental marking and sweeping
    // The longest pause of each kind: marking the roots, a step, the end of a marking (all of
    // a stop-the-world collection).
    uint64_t max_roots_ns = 0, max_step_ns = 0, max_end_ns = 0;
    uint64_t max_pause_cpu_ns = 0; // the longest in the thread's CPU time
  };
  const Stats& stats() const { return stats_; }
  Stats& stats() { return stats_; }
  uint64_t used_bytes() const { return top_; }

private:
  static constexpr uint32_t kSmallMax = 256;
  uint8_t* base_ = nullptr;
  uint64_t reserved_ = 0;
  uint64_t limit_ = 0;
  uint64_t committed_ = 0;
  uint64_t top_ = kGcHeaderBytes; // offset 0 is null: the first block starts at 8
  uint64_t allocated_since_ = 0;
  uint64_t threshold_ = 1u << 20;
  bool stress_ = false;
  std::vector<uint64_t> starts_; // a bit per 8 bytes: an object starts there
  std::array<std::vector<uint32_t>, kSmallMax / 8 + 1> small_free_;
  struct Extent {
    uint32_t offset, size;
  };
  std::vector<Extent> large_free_;
  bool marking_ = false;
  std::unordered_map<uint64_t, bool> watched_; // host reference -> met by this marking
  void mark_watched(uint64_t bits) {
    if (auto it = watched_.find(bits); it != watched_.end()) it->second = true;
  }
  std::vector<uint32_t> mark_stack_;
  // Arrays of references being traced in chunks: the next element to trace.
  struct PartialArray {
    uint32_t offset, next;
  };
  std::vector<PartialArray> partial_arrays_;
  std::unordered_map<uint32_t, std::vector<uint32_t>> traced_fields_; // struct type id -> offsets
  Stats stats_;

  uint32_t load32(uint64_t offset) const {
    uint32_t v;
    std::memcpy(&v, base_ + offset, 4);
    return v;
  }
  void store32(uint64_t offset, uint32_t v) { std::memcpy(base_ + offset, &v, 4); }
  bool start_bit(uint64_t offset) const {
    const uint64_t g = offset >> 3;
    return (starts_[g >> 6] >> (g & 63)) & 1;
  }
  void set_start(uint64_t offset, bool on);
  uint64_t object_containing(uint64_t offset) const; // its start, or 0
  uint32_t block_size(uint32_t offset) const;        // of an object or a free block
  uint32_t take_free(uint32_t bytes);                // from the free lists, or 0
  bool commit_to(uint64_t end);
  void add_free(uint32_t offset, uint32_t size);
  const std::vector<uint32_t>& traced_fields(uint32_t type_id);
  uint64_t trace(uint32_t offset); // the bytes of fields it read
  uint64_t trace_elements(uint32_t offset, uint32_t from);
  void begin_sweep();
  uint64_t sweep_at_ = 0;  // the next block to sweep; 0: no sweep under way
  uint64_t sweep_end_ = 0; // where the heap ended when marking did
  uint64_t sweep_run_ = 0; // the start of the current run of free space, 0 if none
  uint64_t sweep_live_ = 0;
};

} // namespace wasmcap::runtime

// GcHeap on its own (runtime/gc_heap.h): offsets are 8-aligned and never 0, blocks come back
// zeroed, mark() ignores what is not an object start, unmarked objects are freed and their space
// reused (exact size classes, split large blocks, the end given back), fields of marked objects
// are traced, and the limit is a failed allocation, not a crash.
#include "runtime/gc_heap.h"

#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "ir/type_registry.h"

namespace {

using namespace wasmcap;
using runtime::GcHeap;

// A plain struct header word (canonical id 0 needs no registry for objects without references).
constexpr uint32_t kPlain = 0;

TEST(GcHeap, AllocatesAlignedZeroedBlocks) {
  GcHeap heap(1u << 20);
  ASSERT_TRUE(heap.reserved());
  const uint32_t a = heap.allocate(16, kPlain, 16);
  const uint32_t b = heap.allocate(24, kPlain, 24);
  ASSERT_NE(a, 0u);
  ASSERT_NE(b, 0u);
  EXPECT_EQ(a % 8, 0u);
  EXPECT_EQ(b, a + 16);
  EXPECT_TRUE(heap.is_object(a));
  EXPECT_FALSE(heap.is_object(a + 8)); // inside an object
  EXPECT_FALSE(heap.is_object(0));
  uint64_t field = 0;
  std::memcpy(&field, heap.base() + b + 8, 8);
  EXPECT_EQ(field, 0u);
}

TEST(GcHeap, SweepFreesUnmarkedAndReusesTheirSpace) {
  GcHeap heap(1u << 20);
  const uint32_t keep = heap.allocate(32, kPlain, 32);
  const uint32_t dead = heap.allocate(32, kPlain, 32);
  const uint32_t last = heap.allocate(64, kPlain, 64);
  std::memset(heap.base() + dead + 8, 0xAB, 24); // garbage a new object must not see
  heap.mark(keep);
  heap.mark(last + 4);                             // not an object start: ignored
  heap.mark(uint64_t{dead} | (uint64_t{1} << 40)); // not an offset at all: ignored
  heap.trace_and_sweep();
  EXPECT_TRUE(heap.is_object(keep));
  EXPECT_FALSE(heap.is_object(dead));
  EXPECT_FALSE(heap.is_object(last));
  EXPECT_EQ(heap.stats().live_bytes, 32u);
  // The dead block in the middle is reused for the same size, zeroed; the end went back.
  EXPECT_EQ(heap.allocate(32, kPlain, 32), dead);
  uint64_t field = 1;
  std::memcpy(&field, heap.base() + dead + 8, 8);
  EXPECT_EQ(field, 0u);
  EXPECT_EQ(heap.allocate(64, kPlain, 64), last);
}

TEST(GcHeap, MarksSurviveOneCollectionOnly) {
  GcHeap heap(1u << 20);
  const uint32_t a = heap.allocate(16, kPlain, 16);
  heap.mark(a);
  heap.trace_and_sweep();
  EXPECT_TRUE(heap.is_object(a));
  heap.trace_and_sweep(); // not marked again: freed
  EXPECT_FALSE(heap.is_object(a));
}

TEST(GcHeap, TracesArraysOfReferences) {
  GcHeap heap(1u << 20);
  const uint32_t refs_array =
      runtime::kGcArrayBit | runtime::kGcRefsBit | (3u << runtime::kGcElemShift); // 8-byte elements
  const uint32_t child = heap.allocate(16, kPlain, 16);
  const uint32_t orphan = heap.allocate(16, kPlain, 16);
  const uint32_t parent = heap.allocate(8 + 2 * 8, refs_array, 2);
  const uint64_t elems[2] = {child, 0};
  std::memcpy(heap.base() + parent + 8, elems, sizeof elems);
  heap.mark(parent);
  heap.trace_and_sweep();
  EXPECT_TRUE(heap.is_object(parent));
  EXPECT_TRUE(heap.is_object(child));
  EXPECT_FALSE(heap.is_object(orphan));
}

TEST(GcHeap, LargeFreeBlocksAreSplit) {
  GcHeap heap(1u << 20);
  const uint32_t big = heap.allocate(4096, kPlain, 4096);
  const uint32_t pin = heap.allocate(16, kPlain, 16);
  heap.mark(pin);
  heap.trace_and_sweep();
  EXPECT_EQ(heap.allocate(1024, kPlain, 1024), big);
  EXPECT_EQ(heap.allocate(512, kPlain, 512), big + 1024);
}

TEST(GcHeap, TheLimitIsAFailedAllocation) {
  GcHeap heap(64u << 10);
  uint32_t n = 0;
  while (heap.allocate(1024, kPlain, 1024) != 0)
    ++n;
  EXPECT_GE(n, 60u);
  EXPECT_LE(n, 64u);
  const bool room_for_8 = heap.used_bytes() + 8 <= heap.limit();
  EXPECT_EQ(heap.allocate(8, kPlain, 8) != 0, room_for_8);
  heap.trace_and_sweep(); // nothing marked: everything goes
  EXPECT_NE(heap.allocate(1024, kPlain, 1024), 0u);
}

} // namespace

namespace {

// Stack words seen conservatively keep an object through an offset or an address, at its start
// or inside it; a word past an object's end, in a free block or outside the heap keeps nothing.
TEST(GcHeap, ConservativeWordsMayPointInside) {
  GcHeap heap(1u << 20);
  const uint32_t by_offset = heap.allocate(64, kPlain, 64);
  const uint32_t by_address = heap.allocate(64, kPlain, 64);
  const uint32_t by_nothing = heap.allocate(64, kPlain, 64);
  heap.mark_conservative(by_offset + 40);
  heap.mark_conservative(reinterpret_cast<uintptr_t>(heap.base()) + by_address + 8);
  heap.mark_conservative(heap.used_bytes() + 64); // past the end
  heap.mark_conservative(0);
  heap.trace_and_sweep();
  EXPECT_TRUE(heap.is_object(by_offset));
  EXPECT_TRUE(heap.is_object(by_address));
  EXPECT_FALSE(heap.is_object(by_nothing));
  heap.mark_conservative(by_nothing + 8); // now inside a free block: nothing to keep
  heap.mark_conservative(by_offset);
  heap.trace_and_sweep();
  EXPECT_TRUE(heap.is_object(by_offset));
  EXPECT_FALSE(heap.is_object(by_address));
}

} // namespace

namespace {

// Incremental marking (gc_heap.h): objects made while marking are born marked, the barrier keeps
// what an overwrite would have hidden, and a long array is traced in several steps.
constexpr uint32_t kRefsArray =
    runtime::kGcArrayBit | runtime::kGcRefsBit | (3u << runtime::kGcElemShift);

TEST(GcHeapIncremental, ObjectsMadeWhileMarkingAreBornMarked) {
  GcHeap heap(1u << 20);
  heap.begin_marking();
  EXPECT_TRUE(heap.marking());
  const uint32_t young = heap.allocate(16, kPlain, 16); // nothing refers to it yet
  EXPECT_TRUE(heap.mark_step(1024));
  heap.trace_and_sweep();
  EXPECT_FALSE(heap.marking());
  EXPECT_TRUE(heap.is_object(young));
  heap.trace_and_sweep(); // a collection that is not marking: unmarked, freed
  EXPECT_FALSE(heap.is_object(young));
}

TEST(GcHeapIncremental, TheBarrierKeepsAnOverwrittenReference) {
  for (const bool with_barrier : {true, false}) {
    GcHeap heap(1u << 20);
    const uint32_t child = heap.allocate(16, kPlain, 16);
    const uint32_t root = heap.allocate(16, kRefsArray, 1);
    const uint64_t elem = child;
    std::memcpy(heap.base() + root + 8, &elem, 8);
    heap.begin_marking();
    heap.mark(root); // grey: its element not traced yet
    // The program moves the child elsewhere (somewhere already traced) and clears the element.
    if (with_barrier) heap.barrier(child);
    std::memset(heap.base() + root + 8, 0, 8);
    heap.trace_and_sweep();
    EXPECT_EQ(heap.is_object(child), with_barrier) << "with_barrier=" << with_barrier;
    EXPECT_TRUE(heap.is_object(root));
  }
}

TEST(GcHeapIncremental, TheBarrierDoesNothingWhenNotMarking) {
  GcHeap heap(1u << 20);
  const uint32_t a = heap.allocate(16, kPlain, 16);
  heap.barrier(a);
  heap.trace_and_sweep();
  EXPECT_FALSE(heap.is_object(a));
}

TEST(GcHeapIncremental, LongArraysAreTracedInSteps) {
  GcHeap heap(4u << 20);
  constexpr uint32_t kN = 10'000;
  std::vector<uint32_t> children;
  for (uint32_t i = 0; i < kN; ++i)
    children.push_back(heap.allocate(8, kPlain, 8));
  const uint32_t array = heap.allocate(8 + kN * 8, kRefsArray, kN);
  for (uint32_t i = 0; i < kN; ++i) {
    const uint64_t v = children[i];
    std::memcpy(heap.base() + array + 8 + uint64_t{i} * 8, &v, 8);
  }
  heap.begin_marking();
  heap.mark(array);
  int steps = 0;
  while (!heap.mark_step(1)) // one chunk per step
    ++steps;
  EXPECT_EQ(steps, 2); // 10,000 elements: chunks of 4,096, 4,096 and 1,808
  heap.trace_and_sweep();
  for (uint32_t c : children)
    ASSERT_TRUE(heap.is_object(c));
}

} // namespace

// GcShadowStack: a store's stack of GC root slots for compiled code (docs/gc.md, "Roots"). A
// compiled function that holds GC references across a call that may collect stores them into
// 8-byte slots here before the call and publishes their end as `top` (llvm/translate_gc_roots.cpp:
// functions pass the first free slot down as a parameter); runtime code called by compiled code
// pushes what it holds on the code's behalf above `top` (the `gc` helper's operands while it
// allocates, a host function's arguments while it runs). The collector marks every slot below
// `top` as a reference (GcHeap::mark), so compiled frames need no scan of the native stack.
// Objects never move, so nothing is written back after a call.
//
// One per store: a store runs on one thread at a time, and its activations nest (the interpreter
// calling compiled code calling the interpreter...), so their frames stack up in order. Every
// exit of an activation (a return, a trap, an uncaught exception) puts back the `top` it had on
// entry (the Activation in llvm/jit_context.h).
#pragma once

#include <cstddef>
#include <cstdint>

namespace wasmcap::runtime {

class GcHeap;

struct GcShadowStack {
  // Read and written by compiled code (HostLayout::gc_shadow_top, gc_shadow_limit): the first
  // free slot and one past the last. Both null until the first push reserves the stack.
  uint64_t* top = nullptr;
  uint64_t* limit = nullptr;
  uint64_t* base = nullptr;
  // The most slots its frames may take (StoreLimits::stack_slots, the interpreter's value stack's
  // budget too). Every data member is public, so the layout is standard (offsetof).
  uint64_t capacity;

  // Nothing is reserved before the first push.
  explicit GcShadowStack(uint64_t capacity_slots) : capacity(capacity_slots) {}
  ~GcShadowStack();
  GcShadowStack(const GcShadowStack&) = delete;
  GcShadowStack& operator=(const GcShadowStack&) = delete;

  bool reserved() const { return base != nullptr; }
  // Reserves the stack now (as the first push would); false when the address space is not there.
  bool reserve() { return base != nullptr || push_slow(0) != nullptr; }

  // Pushes `n` slots (a compiled frame's, or runtime code's to fill), reserving the stack on
  // first use; null when they do not fit (the caller reports "call stack exhausted"). Popped by
  // pop_to() with the `top` read before.
  uint64_t* push(size_t n) {
    if (static_cast<size_t>(limit - top) < n) return push_slow(n);
    uint64_t* at = top;
    top += n;
    return at;
  }

  // Pops back to `saved`, a `top` read before pushing: null if the stack was not reserved then,
  // which is its base now.
  void pop_to(uint64_t* saved) { top = saved != nullptr ? saved : base; }

  // Hands every slot below `top` to the collector.
  void trace(GcHeap& heap) const;

private:
  uint64_t* push_slow(size_t n);
};

} // namespace wasmcap::runtime

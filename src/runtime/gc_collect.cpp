// A store's garbage collection (docs/gc.md, "Roots"): where the roots are, and when to collect.
// Roots held by the runtime (globals, tables, element segments) are read by their types, the
// interpreter's frames through its stack maps (TierState::trace_gc_roots), compiled frames through
// the shadow stack (gc_shadow_stack.h). Exception payloads, and unless WASMCAP_GC_PRECISE (or
// StoreLimits::gc_precise) the native stack (host code), are scanned conservatively: every word
// that is the offset of an object, or an address in it, keeps it, which is safe because objects
// never move. Fields inside the heap are traced precisely (gc_heap.cpp).
#include <pthread.h>
#include <setjmp.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "runtime/store.h"
#include "runtime/trap.h"

namespace wasmcap::runtime {

namespace {

// An environment switch: set, non-empty and not "0".
bool env_flag(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' && *v != '0';
}
bool stats_from_environment() {
  static const bool on = env_flag("WASMCAP_GC_STATS");
  return on;
}
bool stress_from_environment() {
  static const bool on = env_flag("WASMCAP_GC_STRESS");
  return on;
}
bool precise_from_environment() {
  static const bool on = env_flag("WASMCAP_GC_PRECISE");
  return on;
}

// The highest address of the running thread's stack (it grows down from there).
uintptr_t stack_end() {
  thread_local uintptr_t end = [] {
    pthread_attr_t attr;
    void* addr = nullptr;
    size_t size = 0;
    if (pthread_getattr_np(pthread_self(), &attr) != 0) return uintptr_t{0};
    pthread_attr_getstack(&attr, &addr, &size);
    pthread_attr_destroy(&attr);
    return reinterpret_cast<uintptr_t>(addr) + size;
  }();
  return end;
}

// Every 8-byte word from this function's frame to the stack's end. Not instrumented: the words
// between frames are not the scanner's to judge (AddressSanitizer's redzones among them).
[[gnu::noinline]] __attribute__((no_sanitize("address"))) void scan_from_here(GcHeap& heap) {
  auto at = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
  const uintptr_t end = stack_end();
  for (at &= ~uintptr_t{7}; at + 8 <= end; at += 8)
    heap.mark_conservative(*reinterpret_cast<const uint64_t*>(at));
}

// Compiled code may keep references in callee-saved registers: setjmp puts them into a buffer
// on this frame, which the scan (a frame further down) covers.
[[gnu::noinline]] void scan_native_stack(GcHeap& heap) {
  jmp_buf registers;
  setjmp(registers);
  scan_from_here(heap);
  asm volatile("" : : "r"(&registers) : "memory"); // keeps the buffer alive until here
}

} // namespace

support::Result<uint32_t> Store::gc_allocate(uint32_t bytes, uint32_t word0, uint32_t word1) {
  if (!gc_heap_) {
    gc_heap_ = std::make_unique<GcHeap>(limits_.max_gc_heap);
    gc_heap_->set_stress(limits_.gc_stress || stress_from_environment());
    gc_base_ = gc_heap_->base();
  }
  GcHeap& heap = *gc_heap_;
  if (!heap.reserved()) return make_exhaustion(trap_text::kGcHeapLimit);
  if (heap.wants_collection()) collect_garbage();
  if (uint32_t at = heap.allocate(bytes, word0, word1)) return at;
  collect_garbage();
  if (uint32_t at = heap.allocate(bytes, word0, word1)) return at;
  return make_exhaustion(trap_text::kGcHeapLimit);
}

void Store::report_gc_stats() const {
  if (!gc_heap_ || !stats_from_environment()) return;
  const GcHeap::Stats& s = gc_heap_->stats();
  std::fprintf(stderr,
               "wasmcap gc: %llu collections, pause max %.3f ms, total %.3f ms; heap %.1f MiB "
               "used, %.1f MiB live after the last collection\n",
               static_cast<unsigned long long>(s.collections), s.max_pause_ns / 1e6,
               s.total_pause_ns / 1e6, gc_heap_->used_bytes() / 1048576.0,
               s.live_bytes / 1048576.0);
}

void Store::collect_garbage() {
  if (!gc_heap_ || gc_no_collect_ != 0) return;
  const auto start = std::chrono::steady_clock::now();
  GcHeap& heap = *gc_heap_;
  for (const Global& g : globals_) {
    if (gc_traced(g.type.type)) heap.mark(reinterpret_cast<uintptr_t>(g.value.ref));
  }
  for (const auto& table : tables_) {
    if (!gc_traced(table->elem_type())) continue;
    for (uint32_t i = 0; i < table->size(); ++i) {
      void* ref = nullptr;
      table->get(i, ref);
      heap.mark(reinterpret_cast<uintptr_t>(ref));
    }
  }
  for (const auto& instance : instances_) {
    for (const ElemInstance& e : instance->elems) {
      if (!gc_traced(e.type)) continue;
      for (void* ref : e.refs)
        heap.mark(reinterpret_cast<uintptr_t>(ref));
    }
  }
  for (const auto& x : exceptions_) {
    for (uint64_t slot : x->payload)
      heap.mark(slot);
  }
  if (tier_state_) tier_state_->trace_gc_roots(heap);
  gc_shadow_.trace(heap); // compiled frames (gc_shadow_stack.h)
  if (!limits_.gc_precise && !precise_from_environment()) scan_native_stack(heap);
  heap.trace_and_sweep();
  const auto ns = static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start)
          .count());
  GcHeap::Stats& stats = heap.stats();
  ++stats.collections;
  stats.total_pause_ns += ns;
  stats.max_pause_ns = std::max(stats.max_pause_ns, ns);
}

} // namespace wasmcap::runtime

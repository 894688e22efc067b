// A store's garbage collection (docs/gc.md, "Roots"): where the roots are, and when to collect.
// Roots held by the runtime (globals, tables, element segments) are read by their types, the
// interpreter's frames through its stack maps (TierState::trace_gc_roots), compiled frames through
// the shadow stack (gc_shadow_stack.h), the host's references through its root table (GcRef).
// Exception payloads are marked slot by slot, whatever their types; and with
// StoreLimits::gc_precise off (or WASMCAP_GC_PRECISE=0) the native stack is scanned
// conservatively too: every word that is the offset of an object, or an address in it, keeps
// it, which is safe because objects never move. Fields inside the heap are traced precisely
// (gc_heap.cpp).
#include <pthread.h>
#include <setjmp.h>
#include <time.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "runtime/store.h"
#include "runtime/trap.h"

namespace wasmcap::runtime {

namespace {

// An environment variable's text, empty when unset.
std::string_view env_text(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr ? v : "";
}
// An environment switch: set, non-empty and not "0".
bool env_flag(const char* name) {
  const std::string_view v = env_text(name);
  return !v.empty() && v.front() != '0';
}
bool stats_from_environment() {
  static const bool on = env_flag("WASMCAP_GC_STATS");
  return on;
}
// WASMCAP_GC_STRESS=1: a whole collection at every allocation; =incremental: a marking always
// under way, a little of it at every allocation (the write barrier's test).
GcStress stress_from_environment() {
  static const GcStress mode = env_text("WASMCAP_GC_STRESS") == "incremental"
                                   ? GcStress::Incremental
                               : env_flag("WASMCAP_GC_STRESS") ? GcStress::Full
                                                               : GcStress::Off;
  return mode;
}
// WASMCAP_GC_INCREMENTAL=0: stop-the-world collections (to compare pauses).
bool incremental_from_environment() {
  static const bool on = env_text("WASMCAP_GC_INCREMENTAL") != "0";
  return on;
}
// WASMCAP_GC_PRECISE=0: scan the native stack conservatively as well (see StoreLimits).
bool conservative_from_environment() {
  static const bool on = env_text("WASMCAP_GC_PRECISE") == "0";
  return on;
}
constexpr uint64_t kMarkRatio = 8;
constexpr uint64_t kSweepRatio = 32;
constexpr uint64_t kStepDebt = 64 * 1024;

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

// The pause a collection, or a step of one, takes: counted into the heap's statistics, overall
// and for its kind, in wall time and in the thread's CPU time (on a loaded machine a step the
// scheduler interrupts looks long in wall time; CPU time says what the collector did).
class Pause {
public:
  Pause(GcHeap::Stats& stats, uint64_t GcHeap::Stats::* kind)
      : stats_(stats), kind_(kind), start_(std::chrono::steady_clock::now()),
        cpu_(thread_cpu_ns()) {}
  ~Pause() {
    const auto ns = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                              std::chrono::steady_clock::now() - start_)
                                              .count());
    stats_.total_pause_ns += ns;
    stats_.max_pause_ns = std::max(stats_.max_pause_ns, ns);
    stats_.max_pause_cpu_ns = std::max(stats_.max_pause_cpu_ns, thread_cpu_ns() - cpu_);
    stats_.*kind_ = std::max(stats_.*kind_, ns);
  }
  Pause(const Pause&) = delete;
  Pause& operator=(const Pause&) = delete;

private:
  GcHeap::Stats& stats_;
  uint64_t GcHeap::Stats::* kind_;
  std::chrono::steady_clock::time_point start_;
  uint64_t cpu_;
  static uint64_t thread_cpu_ns() {
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return static_cast<uint64_t>(t.tv_sec) * 1'000'000'000u + static_cast<uint64_t>(t.tv_nsec);
  }
};

// The heap, made on first use (an allocation, a watched host reference).
GcHeap& Store::ensure_gc_heap() {
  if (!gc_heap_) {
    gc_heap_ = std::make_unique<GcHeap>(limits_.max_gc_heap);
    gc_stress_ = limits_.gc_stress != GcStress::Off ? limits_.gc_stress : stress_from_environment();
    gc_heap_->set_stress(gc_stress_ != GcStress::Off);
    gc_incremental_ =
        gc_stress_ == GcStress::Incremental ||
        (gc_stress_ == GcStress::Off && limits_.gc_incremental && incremental_from_environment());
    gc_base_ = gc_heap_->base();
  }
  return *gc_heap_;
}

support::Result<uint32_t> Store::gc_allocate(uint32_t bytes, uint32_t word0, uint32_t word1) {
  GcHeap& heap = ensure_gc_heap();
  if (!heap.reserved()) return make_exhaustion(trap_text::kGcHeapLimit);
  if (gc_no_collect_ == 0) gc_step(bytes);
  if (uint32_t at = heap.allocate(bytes, word0, word1)) return at;
  collect_garbage();
  if (uint32_t at = heap.allocate(bytes, word0, word1)) return at;
  return make_exhaustion(trap_text::kGcHeapLimit);
}

// The collector's share of an allocation of `bytes`. Marking and sweeping keep pace with
// allocation, kMarkRatio bytes of fields traced or kSweepRatio bytes of heap swept for every
// byte allocated, in steps of at least kStepDebt's worth (the incremental stress mode: a little
// at every allocation), so a collection ends long before the next is due.
void Store::gc_step(uint32_t bytes) {
  GcHeap& heap = *gc_heap_;
  const bool stress = gc_stress_ == GcStress::Incremental;
  if (heap.marking() || heap.sweeping()) {
    const bool marking = heap.marking();
    gc_debt_ += uint64_t{bytes} * (marking ? kMarkRatio : kSweepRatio);
    if (gc_debt_ < kStepDebt && !stress) return;
    Pause pause(heap.stats(), &GcHeap::Stats::max_step_ns);
    ++heap.stats().steps;
    const uint64_t budget = stress ? (marking ? 1 : 1024) : gc_debt_;
    gc_debt_ = 0;
    if (!marking) {
      heap.sweep_step(budget);
    } else if (heap.mark_step(budget)) {
      end_marking();
    }
  } else if (heap.wants_collection()) {
    if (gc_incremental_) {
      begin_gc_cycle();
    } else {
      collect_garbage();
    }
  }
}

void Store::report_gc_stats() const {
  if (!gc_heap_ || !stats_from_environment()) return;
  const GcHeap::Stats& s = gc_heap_->stats();
  std::fprintf(stderr,
               "wasmcap gc: %llu collections (%s), pause max %.3f ms (CPU %.3f ms; roots %.3f, "
               "%llu steps %.3f, end of marking %.3f), total %.3f ms; heap %.1f MiB used, %.1f "
               "MiB live after the last collection\n",
               static_cast<unsigned long long>(s.collections),
               gc_incremental_ ? "incremental" : "stop-the-world", s.max_pause_ns / 1e6,
               s.max_pause_cpu_ns / 1e6, s.max_roots_ns / 1e6,
               static_cast<unsigned long long>(s.steps), s.max_step_ns / 1e6, s.max_end_ns / 1e6,
               s.total_pause_ns / 1e6, gc_heap_->used_bytes() / 1048576.0,
               s.live_bytes / 1048576.0);
}

// The roots, each marked once when a collection begins (the snapshot incremental marking keeps:
// what they reach later was reachable then or was allocated since, born marked).
void Store::mark_gc_roots() {
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
  for (uint64_t bits : gc_roots_)
    heap.mark(bits);
  if (tier_state_) tier_state_->trace_gc_roots(heap);
  gc_shadow_.trace(heap); // compiled frames (gc_shadow_stack.h)
  if (!limits_.gc_precise || conservative_from_environment()) scan_native_stack(heap);
}

uint32_t Store::add_gc_root(uint64_t bits) {
  // Rooted while marking: marked now (the host may hold what marking has not met yet).
  if (gc_heap_ && gc_heap_->marking()) gc_heap_->mark(bits);
  if (!free_gc_roots_.empty()) {
    const uint32_t slot = free_gc_roots_.back();
    free_gc_roots_.pop_back();
    gc_roots_[slot] = bits;
    return slot;
  }
  gc_roots_.push_back(bits);
  return static_cast<uint32_t>(gc_roots_.size() - 1);
}

void Store::remove_gc_root(uint32_t slot) {
  gc_roots_[slot] = 0;
  free_gc_roots_.push_back(slot);
}

bool Store::watch_host_ref(uint64_t bits, std::function<bool()> release) {
  if (host_ref_releases_.count(bits) != 0) return false;
  ensure_gc_heap().watch(bits);
  host_ref_releases_[bits] = std::move(release);
  return true;
}

// After a marking: the watched host references it did not meet are released (their release
// callbacks run here, after the heap's own bookkeeping, so a callback that makes another
// watched reference finds the heap consistent).
void Store::release_unreachable_host_refs() {
  if (!gc_heap_->watching()) return;
  for (uint64_t bits : gc_heap_->unmet_watched()) {
    auto it = host_ref_releases_.find(bits);
    if (it == host_ref_releases_.end()) continue;
    std::function<bool()> release = std::move(it->second); // the callback may touch the map
    if (release()) {
      gc_heap_->unwatch(bits);
      host_ref_releases_.erase(bits);
    } else {
      host_ref_releases_[bits] = std::move(release);
    }
  }
}

void Store::begin_gc_cycle() {
  Pause pause(gc_heap_->stats(), &GcHeap::Stats::max_roots_ns);
  gc_heap_->sweep_step(UINT64_MAX); // the last collection's sweep, if it is not over
  gc_heap_->begin_marking();
  gc_marking_ = 1;
  gc_debt_ = 0;
  mark_gc_roots();
}

void Store::end_marking() {
  gc_heap_->finish_marking();
  gc_marking_ = 0;
  gc_debt_ = 0;
  ++gc_heap_->stats().collections;
  release_unreachable_host_refs();
}

void Store::collect_garbage() {
  if (!gc_heap_ || gc_no_collect_ != 0) return;
  if (!gc_heap_->marking()) begin_gc_cycle();
  Pause pause(gc_heap_->stats(), &GcHeap::Stats::max_end_ns);
  end_marking();
  gc_heap_->sweep_step(UINT64_MAX);
}

} // namespace wasmcap::runtime

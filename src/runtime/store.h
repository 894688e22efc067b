// Store: owns every runtime object (instances, functions, tables, memories, globals, tags,
// exceptions) at a stable address for its whole lifetime, plus the host limits and per-store
// tier state.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "runtime/deadline_timer.h"
#include "runtime/exception.h"
#include "runtime/func.h"
#include "runtime/gc_heap.h"
#include "runtime/gc_shadow_stack.h"
#include "runtime/global.h"
#include "runtime/memory.h"
#include "runtime/module_instance.h"
#include "runtime/table.h"
#include "support/result.h"

namespace wasmcap::runtime {

// The collector's stress modes (tests): a whole collection at every allocation, or a marking
// always under way with a little of it done at every allocation.
enum class GcStress : uint8_t { Off, Full, Incremental };

struct StoreLimits {
  uint32_t max_memory_pages = ir::kMaxPages; // host cap on every memory (grow fails beyond)
  uint32_t max_table_elems = 10'000'000;     // host cap on every table
  uint32_t max_call_depth = 100'000;         // wasm frames before "call stack exhausted"
  uint64_t stack_slots = 1u << 20;           // 8-byte value slots for all live wasm frames
  std::optional<uint64_t> fuel;              // initial fuel; unset = unlimited
  std::optional<uint64_t> timeout_ms;        // wall-clock budget of each outermost call
  // Memories the embedder creates (create_memory(type)) reserve 8 GiB for guard-page code (the
  // engine runs the LLVM tier); a module's own memories follow its code (wants_guard_pages).
  bool guard_pages = false;
  // The GC heap (docs/gc.md): the most bytes its objects may take (an allocation past it, after
  // a collection, traps "GC heap limit reached"); whether marking runs in steps between
  // allocations (short pauses) or all at once; the stress modes (WASMCAP_GC_STRESS sets one for
  // every store).
  uint64_t max_gc_heap = GcHeap::kMaxLimit;
  bool gc_incremental = true;
  GcStress gc_stress = GcStress::Off;
  // Roots only where they are known precisely: every tier's frames (docs/gc.md, "Roots") and
  // the host's GcRef roots, no conservative scan of the native stack. False (or
  // WASMCAP_GC_PRECISE=0 for every store) scans it too, for hosts that keep raw references (not
  // GcRefs) in C++ variables across calls that collect.
  bool gc_precise = true;
};

// Per-store state a tier keeps (e.g. the interpreter's value stack), created lazily by the tier.
class TierState {
public:
  virtual ~TierState() = default;
  // The wasm frames this tier is running now, innermost first, for a profile sample taken in
  // code of another tier that this tier's frames called (compiled code called from an
  // interpreted loop under Tier::Auto).
  virtual void append_running_frames(std::vector<TraceFrame>& out) const { (void)out; }
  // Hands the collector every value this tier's frames may hold (GcHeap::mark ignores what is
  // not a reference, so a tier may scan its stack conservatively).
  virtual void trace_gc_roots(GcHeap& heap) const { (void)heap; }
};

// Work another thread asks the store's own thread to do between two wasm instructions: tiering
// (src/api/tier_up.h) switches an instance over to code compiled in the background. run() returns
// false once the hook is done (it is then dropped).
class PollHook {
public:
  virtual ~PollHook() = default;
  virtual bool run(Store& store) = 0;
};

// Where a sampling profiler's samples go (include/wasmcap/profiler.h): the tier that sees a
// sample request (Store::kSampleRequested) at one of its checks hands it the running wasm frames,
// innermost first. Called on the store's own thread.
class SampleSink {
public:
  virtual ~SampleSink() = default;
  virtual void sample(std::span<const TraceFrame> frames) = 0;
};

// The flag other threads raise to have a store run its poll hooks. It stays raised while the
// store has code whose calls must take the checked path (see Store::poll_requested).
using PollFlag = std::atomic<bool>;

class Store {
public:
  explicit Store(StoreLimits limits = {});
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  const StoreLimits& limits() const { return limits_; }

  // --- host objects for the embedder ---------------------------------------------------------
  FuncInstance* create_host_function(ir::FuncType type, HostCallback callback);
  // The same with a type shared by many functions and its canonical id already known
  // (ir::canonical_func_type of it): nothing copied, nothing looked up.
  FuncInstance* create_host_function(std::shared_ptr<const ir::FuncType> type, uint32_t type_id,
                                     HostCallback callback);
  support::Result<Memory*> create_memory(const ir::MemoryType& type); // guarded per limits
  support::Result<Memory*> create_memory(const ir::MemoryType& type, bool guarded,
                                         std::shared_ptr<const MemoryImage> image = nullptr);
  Table* create_table(const ir::TableType& type, void* init = nullptr);
  Global* create_global(const ir::GlobalType& type, Value value);
  Tag* create_tag(const ir::FuncType& type); // a new exception identity

  // --- exceptions (exception handling) -------------------------------------------------------
  // --- the GC heap (docs/gc.md) ---------------------------------------------------------------
  // Its base, or nullptr while the store has made no GC object (a reference is an offset from it).
  const uint8_t* gc_base() const { return gc_base_; }
  uint8_t* gc_base() { return gc_base_; }
  // Where that base is kept, for compiled code (it reads the base through this, so code compiled
  // before the first object sees it).
  uint8_t* const* gc_base_cell() const { return &gc_base_; }
  // Non-zero while a collection is marking (for compiled code's write barrier, as gc_base_cell).
  const uint8_t* gc_marking_cell() const { return &gc_marking_; }
  // The heap while it is marking, for a store into a traced field (GcHeap::barrier), else null.
  GcHeap* gc_barrier() { return gc_marking_ != 0 ? gc_heap_.get() : nullptr; }
  GcHeap* gc_heap() { return gc_heap_.get(); }
  const GcHeap* gc_heap() const { return gc_heap_.get(); }
  // A zeroed object of `bytes` with its header words (gc_layout.h): its offset. Collects first
  // when the heap asks for it, and again before giving up with "GC heap limit reached". Whoever
  // calls this must have every reference it holds where the collector looks (gc_collect.cpp):
  // the interpreter's frames at a GcExit, the shadow stack, globals, tables, segments (and the
  // native stack, scanned conservatively unless StoreLimits::gc_precise).
  support::Result<uint32_t> gc_allocate(uint32_t bytes, uint32_t word0, uint32_t word1);
  // A whole collection now (the rest of one under way).
  void collect_garbage(); // gc_collect.cpp

  // --- references the host holds (docs/gc.md, "The host's references") ---
  // Root slots: each keeps a reference (a reference slot's bits) alive across collections.
  uint32_t add_gc_root(uint64_t bits);
  void remove_gc_root(uint32_t slot);
  uint64_t gc_root(uint32_t slot) const { return gc_roots_[slot]; }
  // A host reference (its bits, host-in-any tag clear) with something to do once nothing holds
  // it: after a collection finds no global, table, object, frame or root holding it, `release`
  // runs (on this thread, inside the collection: it must not use the store) and says whether
  // the watch ends (true) or goes on (false: the host still has it).
  // False (nothing changes) when `bits` is watched already.
  bool watch_host_ref(uint64_t bits, std::function<bool()> release);
  // Compiled code's GC roots (gc_shadow_stack.h), reserved by the LLVM tier on first use with
  // room for StoreLimits::stack_slots slots.
  GcShadowStack& gc_shadow_stack() { return gc_shadow_; }
  // WASMCAP_GC_STATS=1: one line on stderr when the store goes (collections, pauses, sizes).
  void report_gc_stats() const;
  // While one lives, allocation never collects (instantiation: constant expressions hold
  // objects in places the collector does not look).
  class NoCollectScope {
  public:
    explicit NoCollectScope(Store& store) : store_(store) { ++store_.gc_no_collect_; }
    ~NoCollectScope() { --store_.gc_no_collect_; }
    NoCollectScope(const NoCollectScope&) = delete;
    NoCollectScope& operator=(const NoCollectScope&) = delete;

  private:
    Store& store_;
  };

  // A new exception of `tag` (payload slots sized, not filled). Exceptions live as long as the
  // store (exnref values are plain pointers), except that release() lets one be reused.
  Exception* new_exception(Tag* tag);
  // A catch took only the payload: unless the exception is exposed (an exnref) or an Error
  // still holds it, the object is reused by the next new_exception.
  void release_exception(Exception* exception);
  // The owning pointer, for Error::exception (null if this store did not make it).
  std::shared_ptr<Exception> exception_owner(const Exception* exception) const {
    const uint32_t i = exception->pool_index;
    if (i < exceptions_.size() && exceptions_[i].get() == exception) return exceptions_[i];
    return nullptr;
  }

  // --- used by instantiation and tiers -----------------------------------------------------
  // Equal function types get equal ids (call_indirect compares ids).
  uint32_t intern_type(const ir::FuncType& type);
  FuncInstance* new_func();
  ModuleInstance* new_instance();

  std::unique_ptr<TierState>& tier_state() { return tier_state_; }

  // --- fuel and interruption -----------------------------------------------------------------
  // Tiers charge work to a fast counter of their own and call refuel() only when it drops below
  // zero, so the common path is one subtraction and branch. refuel() handles interruption, the
  // deadline and moves up to kFuelChunk units from the reserve into the counter.
  static constexpr int64_t kFuelChunk = 1 << 16;
  support::Status refuel(int64_t& counter);
  // Moves the counter's unspent units back to the reserve (before host code may look at fuel).
  void return_fuel(int64_t& counter);
  void set_fuel(uint64_t fuel); // also enables fuel accounting
  std::optional<uint64_t> fuel() const;
  // The counter compiled code charges (the LLVM tier's fuel checks): one per store, shared by
  // every compiled activation, given back to the reserve (return_fuel) whenever compiled code
  // leaves for the runtime, so the interpreter and hosts see the true fuel.
  int64_t& compiled_fuel() { return compiled_fuel_; }

  // The interrupt state (deadline_timer.h): its word, non-zero, asks running wasm to stop at its
  // next check; its trigger is what compiled code with interruption checks compares at every
  // function entry and loop header (no clock read), calling check_interrupt() when raised; the
  // interpreter's metered code reads the word in refuel(). interrupt() raises
  // kInterruptRequested; the timeout's timer thread raises kDeadlineReached at the deadline.
  static constexpr uint32_t kInterruptRequested = 1;
  static constexpr uint32_t kDeadlineReached = 2;
  // Set with kInterruptRequested by a signal handler (the CLI's Ctrl-C) for compiled code that
  // has no interruption checks: its calls into the runtime look for it on the way back in
  // (wasmcap_jit_call), so a guest interrupted in a host call stops when the call returns.
  static constexpr uint32_t kSignalInterrupt = 4;
  // Raised by a sampling profiler's timer: the next check (the interpreter's refuel(), compiled
  // code's interruption check) records the wasm stack in the sample sink and runs on. Never a
  // trap: check_interrupt() ignores it.
  static constexpr uint32_t kSampleRequested = 8;
  InterruptState& interrupt_state() { return *interrupt_state_; }
  // Thread-safe and async-signal-safe (two atomic stores): the running (or next) wasm call traps
  // "interrupted".
  void interrupt() { interrupt_state_->raise(kInterruptRequested); }
  // The interrupt word was seen set: the trap "interrupted" when asked for or past the deadline
  // (consuming an interrupt() request), else ok (a stale deadline bit is cleared).
  support::Status check_interrupt();

  // --- sampling (a profiler) -------------------------------------------------------------------
  // The sink a profiler installs (nullptr: none). A tier that finds kSampleRequested raised calls
  // take_sample_request() and, when it returns true, sample_sink()->sample(frames).
  void set_sample_sink(SampleSink* sink) { sample_sink_ = sink; }
  SampleSink* sample_sink() const { return sample_sink_; }
  bool take_sample_request() {
    if ((interrupt_state_->word.load(std::memory_order_relaxed) & kSampleRequested) == 0) {
      return false;
    }
    interrupt_state_->word.fetch_and(~kSampleRequested, std::memory_order_relaxed);
    return sample_sink_ != nullptr;
  }

  // A tier's call() enters wasm (begin_call) and leaves it (end_call); the outermost entry of
  // the store, whichever tier it is, arms the timeout's deadline.
  // It also records the running thread, for a signal handler forwarding an interruption.
  void begin_call() {
    if (call_depth_++ == 0) begin_outermost_call();
  }
  void end_call() {
    if (--call_depth_ == 0) interrupt_state_->running.store(false, std::memory_order_release);
  }

  // --- poll hooks (tiering) ------------------------------------------------------------------
  // Safe points check poll_flag() (one relaxed load) and then call run_poll_hooks(): refuel(),
  // invoke_into(), and the interpreter's calls in code lowered for tiering. Once raised the flag
  // stays raised: code switched over to another tier leaves interpreter frames whose calls
  // must keep looking the callee up (their direct calls would run the old code).
  void add_poll_hook(std::unique_ptr<PollHook> hook);
  const std::shared_ptr<PollFlag>& poll_flag() const { return poll_flag_; }
  bool poll_requested() const { return poll_flag_->load(std::memory_order_relaxed); }
  void run_poll_hooks() {
    if (!poll_hooks_.empty()) run_poll_hooks_now();
  }

private:
  StoreLimits limits_;
  bool fuel_enabled_ = false;
  uint64_t fuel_reserve_ = 0;
  // Without a fuel limit the chunk is shortened by up to 4095 units, varying (a linear
  // congruential sequence): refuels are where the interpreter samples the running functions for
  // tiering (FunctionCode::samples), and a fixed period would alias with a loop's own, always
  // landing in the same few functions of it.
  uint64_t chunk_jitter_ = 0x9e3779b97f4a7c15u;
  int64_t compiled_fuel_ = 0;
  // Shared with the timer thread, which may fire after the store is gone.
  std::shared_ptr<InterruptState> interrupt_state_ = std::make_shared<InterruptState>();
  std::optional<std::chrono::steady_clock::time_point> deadline_;
  uint64_t deadline_timer_ = 0; // DeadlineTimer id, 0 = none armed
  uint32_t call_depth_ = 0;
  SampleSink* sample_sink_ = nullptr;
  void begin_outermost_call();
  std::deque<FuncInstance> funcs_;
  std::deque<Global> globals_;
  std::deque<Tag> tags_;
  std::vector<std::shared_ptr<Exception>> exceptions_;
  std::vector<uint32_t> free_exceptions_; // indices into exceptions_
  std::vector<std::unique_ptr<Table>> tables_;
  std::vector<std::unique_ptr<Memory>> memories_;
  std::vector<std::unique_ptr<ModuleInstance>> instances_;
  std::unique_ptr<TierState> tier_state_;
  std::unique_ptr<GcHeap> gc_heap_;
  uint8_t* gc_base_ = nullptr; // gc_heap_->base() once the heap exists
  uint32_t gc_no_collect_ = 0;
  uint8_t gc_marking_ = 0; // gc_heap_->marking(), where compiled code reads it
  GcStress gc_stress_ = GcStress::Off;
  bool gc_incremental_ = true;
  uint64_t gc_debt_ = 0;           // bytes of work the collector is owed by allocations (gc_step)
  std::vector<uint64_t> gc_roots_; // add_gc_root's slots (0: free)
  std::vector<uint32_t> free_gc_roots_;
  std::unordered_map<uint64_t, std::function<bool()>> host_ref_releases_;
  GcHeap& ensure_gc_heap();
  void release_unreachable_host_refs();
  void gc_step(uint32_t bytes);
  void mark_gc_roots();
  void begin_gc_cycle();
  void end_marking();
  GcShadowStack gc_shadow_{limits_.stack_slots};
  // Shared: a background compile may outlive the store and still raise it.
  std::shared_ptr<PollFlag> poll_flag_ = std::make_shared<PollFlag>(false);
  std::vector<std::unique_ptr<PollHook>> poll_hooks_;
  bool running_poll_hooks_ = false;
  void run_poll_hooks_now();
};

// begin_call() and end_call() around one tier's call().
class CallScope {
public:
  explicit CallScope(Store& store) : store_(store) { store_.begin_call(); }
  ~CallScope() { store_.end_call(); }
  CallScope(const CallScope&) = delete;
  CallScope& operator=(const CallScope&) = delete;

private:
  Store& store_;
};

} // namespace wasmcap::runtime

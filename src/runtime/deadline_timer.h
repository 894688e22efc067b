// InterruptState, a store's request to stop running wasm, and DeadlineTimer: one process-wide
// thread that raises it when a store's timeout passes, so compiled code, which reads no clock,
// stops within one function entry or loop iteration of the deadline. Started on the first arm().
#pragma once

#include <pthread.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>

namespace wasmcap::runtime {

// Shared by a store, the timer thread (which may fire after the store is gone) and a signal
// handler: raise() is two relaxed atomic stores, async-signal-safe.
struct InterruptState {
  // Why: Store::kInterruptRequested and/or kDeadlineReached bits, read by Store::check_interrupt.
  std::atomic<uint32_t> word{0};
  // What compiled code compares (kCheckInterrupt): at function entries the stack pointer against
  // it, in place of the plain stack limit; at loop headers it against kRaised. The runtime keeps
  // it at the running thread's stack limit, raise() sets it to kRaised, so a pending interrupt
  // costs the entry nothing beyond the stack check it already makes (V8's stack guard works so).
  std::atomic<uintptr_t> trigger{0};
  static constexpr uintptr_t kRaised = UINTPTR_MAX;
  // The thread running the store's outermost call, while `running` (set after `thread`): where a
  // signal handler on another thread forwards an interruption (Store::interrupt_from_signal),
  // since only a handler on that thread can stop its compiled code.
  std::atomic<bool> running{false};
  std::atomic<pthread_t> thread{};

  void raise(uint32_t bits) {
    word.fetch_or(bits, std::memory_order_relaxed);
    trigger.store(kRaised, std::memory_order_relaxed);
  }
  // Back to `stack_limit` unless raised again meanwhile (by the running thread, on entry to
  // compiled code and after seeing kRaised).
  void arm(uintptr_t stack_limit) {
    uintptr_t seen = trigger.load(std::memory_order_relaxed);
    if (seen != kRaised) trigger.compare_exchange_strong(seen, stack_limit);
  }
  void disarm(uintptr_t stack_limit) {
    uintptr_t raised = kRaised;
    trigger.compare_exchange_strong(raised, stack_limit);
  }
};

class DeadlineTimer {
public:
  using Clock = std::chrono::steady_clock;
  // At `at`, raises `bits` in `state` unless cancelled first or the state is gone (a store may be
  // destroyed with its timer armed). Returns an id for cancel(), never 0.
  static uint64_t arm(std::weak_ptr<InterruptState> state, uint32_t bits, Clock::time_point at);
  static void cancel(uint64_t id); // no effect once fired, or for 0
};

} // namespace wasmcap::runtime

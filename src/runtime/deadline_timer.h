// DeadlineTimer: one process-wide thread that raises a store's interrupt word when its timeout's
// deadline passes, so compiled code, which only compares that word (no clock reads), stops
// within one function entry or loop iteration of the deadline. Started on the first arm().
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>

namespace wasmcap::runtime {

class DeadlineTimer {
public:
  using Clock = std::chrono::steady_clock;
  // At `at`, ORs `bits` into `*word` unless cancelled first or the word is gone (a store may be
  // destroyed with its timer armed). Returns an id for cancel(), never 0.
  static uint64_t arm(std::weak_ptr<std::atomic<uint32_t>> word, uint32_t bits,
                      Clock::time_point at);
  static void cancel(uint64_t id); // no effect once fired, or for 0
};

} // namespace wasmcap::runtime

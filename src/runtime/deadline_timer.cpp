// DeadlineTimer: a sleeping thread and a table of armed deadlines; it wakes at the earliest, raises
// the words that are due and sleeps again. One thread serves every store of the process, however
// many run with a timeout, and it costs nothing until a store arms it.
#include "runtime/deadline_timer.h"

#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

namespace wasmcap::runtime {

namespace {

struct Entry {
  std::weak_ptr<InterruptState> state;
  uint32_t bits;
  DeadlineTimer::Clock::time_point at;
};

// Never destroyed: the thread may still wait on it while the process runs its exit handlers.
struct TimerState {
  std::mutex mutex;
  std::condition_variable changed;
  std::map<uint64_t, Entry> entries; // by id
  uint64_t next_id = 1;
  bool started = false;

  void run() {
    std::unique_lock<std::mutex> lock(mutex);
    for (;;) {
      if (entries.empty()) {
        changed.wait(lock);
        continue;
      }
      auto earliest = entries.begin();
      for (auto it = entries.begin(); it != entries.end(); ++it)
        if (it->second.at < earliest->second.at) earliest = it;
      const DeadlineTimer::Clock::time_point at = earliest->second.at;
      if (DeadlineTimer::Clock::now() < at) {
        changed.wait_until(lock, at); // re-examines the table: an arm or cancel may come first
        continue;
      }
      if (auto target = earliest->second.state.lock()) target->raise(earliest->second.bits);
      entries.erase(earliest);
    }
  }
};

TimerState& state() {
  static TimerState* s = new TimerState;
  return *s;
}

} // namespace

uint64_t DeadlineTimer::arm(std::weak_ptr<InterruptState> target, uint32_t bits,
                            Clock::time_point at) {
  TimerState& s = state();
  std::lock_guard<std::mutex> lock(s.mutex);
  if (!s.started) {
    s.started = true;
    std::thread([&s] { s.run(); }).detach();
  }
  const uint64_t id = s.next_id++;
  s.entries.emplace(id, Entry{std::move(target), bits, at});
  s.changed.notify_one();
  return id;
}

void DeadlineTimer::cancel(uint64_t id) {
  if (id == 0) return;
  TimerState& s = state();
  std::lock_guard<std::mutex> lock(s.mutex);
  s.entries.erase(id);
  // No notify: the thread wakes at the cancelled deadline at worst and finds nothing due.
}

} // namespace wasmcap::runtime

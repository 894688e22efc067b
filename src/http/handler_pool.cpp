// The handler thread pool (handler_pool.h).
#include "http/handler_pool.h"

#include <algorithm>

namespace wasmcap::http {

HandlerPool::HandlerPool(unsigned threads, unsigned max_queue) : max_queue_(max_queue) {
  threads_.reserve(threads);
  for (unsigned i = 0; i < threads; ++i)
    threads_.emplace_back([this] { run(); });
}

HandlerPool::~HandlerPool() {
  join();
}

bool HandlerPool::submit(std::function<void()> task) {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return false;
    // Idle slots take a task at once, so a task only really waits beyond them.
    size_t idle = threads_.size() - std::min<size_t>(running_, threads_.size());
    if (queue_.size() >= max_queue_ + idle) return false;
    queue_.push_back(std::move(task));
  }
  cv_.notify_one();
  return true;
}

bool HandlerPool::try_begin_inline() {
  std::lock_guard lock(mu_);
  if (stopping_ || running_ >= threads_.size() || !queue_.empty()) return false;
  ++running_;
  return true;
}

void HandlerPool::end_inline() {
  bool waiting;
  {
    std::lock_guard lock(mu_);
    --running_;
    waiting = !queue_.empty();
  }
  if (waiting) cv_.notify_one(); // a queued task may run now
}

void HandlerPool::join() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_)
    if (t.joinable()) t.join();
}

uint64_t HandlerPool::running() const {
  std::lock_guard lock(mu_);
  return running_;
}

uint64_t HandlerPool::queued() const {
  std::lock_guard lock(mu_);
  size_t idle = threads_.size() - std::min<size_t>(running_, threads_.size());
  return queue_.size() > idle ? queue_.size() - idle : 0;
}

void HandlerPool::run() {
  std::unique_lock lock(mu_);
  for (;;) {
    // A slot taken by an inline handler leaves one of the threads idle: it waits for the slot.
    cv_.wait(lock, [&] {
      return (stopping_ && queue_.empty()) || (!queue_.empty() && running_ < threads_.size());
    });
    if (queue_.empty()) return; // stopping, nothing left
    auto task = std::move(queue_.front());
    queue_.pop_front();
    ++running_;
    lock.unlock();
    task();
    task = nullptr; // release what the task holds before counting it done
    lock.lock();
    --running_;
  }
}

} // namespace wasmcap::http

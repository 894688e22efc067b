// The handler threads of the HTTP server: a fixed pool running one exchange per thread at a time,
// with a bounded queue in front (docs/serve.md, "Threads"). Full queue: submit refuses and the
// connection answers 503. Handlers run WebAssembly synchronously, so they never share the I/O
// threads.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace wasmcap::http {

class HandlerPool {
public:
  HandlerPool(unsigned threads, unsigned max_queue);
  ~HandlerPool(); // joins (after running the queued tasks)
  HandlerPool(const HandlerPool&) = delete;
  HandlerPool& operator=(const HandlerPool&) = delete;

  // Queues a task; false when every thread is busy and max_queue tasks already wait.
  bool submit(std::function<void()> task);
  // A handler run by the caller itself (inline, on an I/O thread) takes one of the pool's slots
  // so that at most `threads` handlers run at once either way: true if a slot was free and
  // nothing waits in the queue (the queue's tasks come first). end_inline gives the slot back.
  bool try_begin_inline();
  void end_inline();
  // Runs what is queued, then ends the threads; idempotent.
  void join();

  uint64_t running() const;
  uint64_t queued() const;

private:
  void run();

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
  std::vector<std::thread> threads_;
  unsigned max_queue_;
  unsigned running_ = 0; // tasks running on the pool's threads and inline handlers
  bool stopping_ = false;
};

} // namespace wasmcap::http

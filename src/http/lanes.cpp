// The threads that run the HTTP server's lanes (server_impl.h; docs/serve.md, "Threads"). A
// request without a body runs its handler inline, on the thread that read it, which saves two
// thread switches per request (to a handler thread and back). While it runs, that thread does
// no I/O for the lane's other connections; so a handler that is about to wait for I/O, or has
// run longer than kTakeOverAfter (the watchdog looks), has its lane handed to a spare thread,
// and its own thread leaves the lane when the handler returns and becomes a spare.
#include "http/server_impl.h"

namespace wasmcap::http {

namespace {

// An inline handler running longer than this holds up its lane's other connections no longer.
constexpr std::chrono::microseconds kTakeOverAfter{1000};
// How often the watchdog looks while handlers run inline; after a second without any it sleeps
// until the next one starts.
constexpr std::chrono::microseconds kWatchEvery{500};
constexpr std::chrono::seconds kWatchIdleAfter{1};

uint64_t now_ns() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                   std::chrono::steady_clock::now().time_since_epoch())
                                   .count()) |
         1; // never 0, which means "none"
}

} // namespace

void Server::Impl::start_threads(unsigned spares) {
  {
    std::lock_guard lock(runners_mu);
    for (auto& lane : lanes)
      assignments.emplace_back(lane.get(), lane->token.load());
  }
  for (size_t i = 0; i < lanes.size() + spares; ++i)
    io_threads.emplace_back([this] { run_lanes(); });
  watchdog = std::thread([this] { watch(); });
}

void Server::Impl::run_lanes() {
  for (;;) {
    Lane* lane;
    uint64_t token;
    {
      std::unique_lock lock(runners_mu);
      runners_cv.wait(lock, [&] { return runners_stop || !assignments.empty(); });
      if (runners_stop) return;
      std::tie(lane, token) = assignments.front();
      assignments.pop_front();
    }
    // One handler at a time, so that a thread whose inline handler lost the lane stops here.
    while (!lane->ioc.stopped() && lane->token.load() == token)
      lane->ioc.run_one();
  }
}

Server::Impl::InlineRun Server::Impl::begin_inline(Lane& lane, std::shared_ptr<ExchangeImpl> ex) {
  InlineRun run{now_ns(), lane.token.load()};
  // Before the lane shows the handler, so that a takeover finds the exchange in inline mode.
  ex->begin_inline([this, &lane, since = run.since] {
    (void)take_over(lane, since); // the exchange is the caller
  });
  {
    std::lock_guard lock(runners_mu);
    lane.inline_exchange = std::move(ex);
    lane.inline_since.store(run.since);
  }
  // After the store, so that the watchdog going idle either sees this handler or is woken.
  if (watch_idle.load()) {
    {
      std::lock_guard lock(watch_mu);
      watch_idle = false;
    }
    watch_cv.notify_one();
  }
  return run;
}

bool Server::Impl::end_inline(Lane& lane, InlineRun run) {
  std::shared_ptr<ExchangeImpl> ex; // released after the lock
  std::lock_guard lock(runners_mu);
  if (lane.inline_since.load() == run.since) {
    lane.inline_since.store(0);
    ex = std::move(lane.inline_exchange);
  }
  return lane.token.load() != run.token;
}

std::shared_ptr<ExchangeImpl> Server::Impl::take_over(Lane& lane, uint64_t since) {
  std::shared_ptr<ExchangeImpl> ex;
  {
    std::lock_guard lock(runners_mu);
    // Ended already, or taken over already (the lane's new runner may run its own by now).
    if (lane.inline_since.load() != since) return nullptr;
    lane.inline_since.store(0);
    ex = std::move(lane.inline_exchange);
    assignments.emplace_back(&lane, ++lane.token);
  }
  runners_cv.notify_one();
  return ex;
}

void Server::Impl::watch() {
  std::unique_lock lock(watch_mu);
  auto last_busy = std::chrono::steady_clock::now();
  while (!watch_stop) {
    if (watch_idle)
      watch_cv.wait(lock, [&] { return watch_stop || !watch_idle; });
    else
      watch_cv.wait_for(lock, kWatchEvery);
    if (watch_stop) break;
    const uint64_t now = now_ns();
    bool running = false;
    for (auto& lane : lanes) {
      const uint64_t since = lane->inline_since.load();
      if (since == 0) continue;
      running = true;
      if (now - since >= static_cast<uint64_t>(std::chrono::nanoseconds(kTakeOverAfter).count())) {
        lock.unlock();
        // The handler computes: its response so far goes out now, by the lane's new runner.
        if (auto ex = take_over(*lane, since)) ex->leave_inline();
        lock.lock();
      }
    }
    const auto t = std::chrono::steady_clock::now();
    if (running) {
      last_busy = t;
    } else if (t - last_busy > kWatchIdleAfter) {
      // Idle first, then look again: a handler starting meanwhile either is seen here or sees
      // the flag (begin_inline) and wakes the watchdog.
      watch_idle = true;
      for (auto& lane : lanes)
        if (lane->inline_since.load() != 0) watch_idle = false;
    }
  }
}

void Server::Impl::note_handler_time(std::chrono::steady_clock::duration took) {
  // An exponential moving average over the last ~16 handlers; concurrent updates may lose one
  // another's sample, which only makes the average a little less exact.
  const auto ns =
      static_cast<int64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(took).count());
  const auto avg = static_cast<int64_t>(handler_avg_ns.load(std::memory_order_relaxed));
  handler_avg_ns.store(static_cast<uint64_t>(avg + (ns - avg) / 16), std::memory_order_relaxed);
}

void Server::Impl::stop_threads() {
  {
    std::lock_guard lock(runners_mu);
    runners_stop = true;
  }
  runners_cv.notify_all();
  {
    std::lock_guard lock(watch_mu);
    watch_stop = true;
  }
  watch_cv.notify_all();
  for (auto& t : io_threads)
    if (t.joinable()) t.join();
  if (watchdog.joinable()) watchdog.join();
}

} // namespace wasmcap::http

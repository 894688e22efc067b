// The HTTP server's insides (docs/serve.md): Server::Impl (io_contexts, acceptor, handler pool,
// the registry of open connections) and Connection, the per-socket state machine that runs on one
// io_context's thread. Only src/http/*.cpp include this (it pulls in Asio and Beast).
#pragma once

#include "http/exchange.h"
#include "http/handler_pool.h"
#include "http/server.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/parser.hpp>

#include <atomic>
#include <deque>
#include <optional>
#include <thread>
#include <unordered_map>
#include <vector>

namespace wasmcap::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

class Connection;

// One io_context and what lets a thread running it hand it over (lanes.cpp): a connection lives
// on one lane for its whole life, and one thread at a time runs the lane (its "runner"), so the
// connection's completion handlers never run concurrently and need no strand. A handler run
// inline holds the runner; if it blocks or runs long, another thread becomes the runner and the
// first leaves the lane when its handler returns.
struct Lane {
  asio::io_context ioc;
  // Runner generation: a thread runs the lane while this is the value it was given (changed
  // under Impl::runners_mu).
  std::atomic<uint64_t> token{0};
  // When the runner's inline handler started (steady-clock ns), 0 = none; cleared under
  // Impl::runners_mu.
  std::atomic<uint64_t> inline_since{0};
  // That handler's exchange (under Impl::runners_mu): a takeover makes it post its kicks again.
  std::shared_ptr<ExchangeImpl> inline_exchange;
};

struct Server::Impl {
  ServerOptions options;
  Handler handler;
  std::vector<std::unique_ptr<Lane>> lanes;
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards;
  // Threads that run lanes (one per lane plus spares taking over from inline handlers), and the
  // watchdog that makes them take over from a handler running long.
  std::vector<std::thread> io_threads;
  std::mutex runners_mu;
  std::condition_variable runners_cv;
  std::deque<std::pair<Lane*, uint64_t>> assignments; // a lane and the token to run it with
  bool runners_stop = false;
  std::thread watchdog;
  std::mutex watch_mu;
  std::condition_variable watch_cv;
  bool watch_stop = false;
  std::atomic<bool> watch_idle{false};
  std::optional<tcp::acceptor> acceptor;
  std::optional<asio::steady_timer> accept_retry;
  size_t next_lane = 0;
  uint16_t bound_port = 0;
  std::unique_ptr<HandlerPool> pool;

  std::atomic<bool> stopping{false};
  std::atomic<uint64_t> requests{0}, rejected_503{0}, bad_requests{0};
  std::atomic<unsigned> open_connections{0};

  // Open connections (for stop) and those with a request in flight (for the grace period).
  std::mutex conns_mu;
  std::condition_variable conns_cv;
  std::unordered_map<Connection*, std::weak_ptr<Connection>> conns;
  unsigned busy = 0;

  std::mutex stop_mu; // one stop at a time; wait() waits on stopped
  std::condition_variable stopped_cv;
  bool stop_started = false, stopped = false;

  ~Impl();
  // lanes.cpp: the threads' loop, and handing a lane to another thread.
  void start_threads(unsigned spares);
  void run_lanes();
  void watch();
  // A handler starts or ends inline on `lane`, on its runner.
  struct InlineRun {
    uint64_t since; // what take_over is given
    uint64_t token; // the runner's
  };
  InlineRun begin_inline(Lane& lane, std::shared_ptr<ExchangeImpl> ex);
  // True if the lane was taken over meanwhile: the thread is no longer its runner, and must
  // not touch its connections' state.
  bool end_inline(Lane& lane, InlineRun run);
  // How long handlers of bodiless requests take, wherever they run (a moving average): run
  // inline only while that is short. A long handler gains nothing from running inline (the
  // hand-off costs microseconds) and would have its lane taken over, each time; under a
  // sanitizer or with the JavaScript handler (milliseconds each) every request would be.
  void note_handler_time(std::chrono::steady_clock::duration took);
  bool inline_worthwhile() const {
    return handler_avg_ns.load(std::memory_order_relaxed) < kInlineBelowNs;
  }
  static constexpr uint64_t kInlineBelowNs = 500'000;
  std::atomic<uint64_t> handler_avg_ns{0};
  // Another thread becomes the lane's runner, if the handler started at `since` still runs:
  // then its exchange is returned (its noted kicks must go to the new runner), else null.
  std::shared_ptr<ExchangeImpl> take_over(Lane& lane, uint64_t since);
  void stop_threads();
  void do_accept();
  void on_accept(Lane& lane, const boost::system::error_code& ec, tcp::socket socket);
  void stop(std::chrono::milliseconds grace);
  void set_busy(bool on);
};

class Connection : public std::enable_shared_from_this<Connection> {
public:
  Connection(Server::Impl& server, Lane& lane, tcp::socket socket);
  void start();
  // Server stop: an idle connection closes now, a busy one after its response.
  void on_stop();
  void close_now();
  tcp::socket::executor_type executor() { return socket_.get_executor(); }

private:
  using Parser = bhttp::request_parser<bhttp::buffer_body>;

  void read_head();
  void read_head_now();
  void on_head(boost::system::error_code ec);
  void dispatch();
  void run_inline(std::function<void()> task);
  void pump();
  void start_write();
  void start_body_read();
  void on_body(boost::system::error_code ec);
  void complete_request();
  void respond_error(uint16_t status, std::string_view message);
  void linger_close();
  void linger_read();
  void arm(asio::steady_timer& timer, std::chrono::milliseconds after, unsigned& generation);
  // Writes wbuf_ under the body timeout; then `linger` ? linger_close() : pump().
  void write_wbuf(bool linger);
  void log(uint16_t status, uint64_t bytes);

  Server::Impl& server_;
  Lane& lane_;
  tcp::socket socket_;
  asio::steady_timer read_timer_, write_timer_;
  unsigned read_gen_ = 0, write_gen_ = 0;
  beast::flat_buffer buffer_;
  std::optional<Parser> parser_;
  size_t head_fields_ = 0;
  std::shared_ptr<ExchangeImpl> ex_;
  // The connection itself, while a request is being handled: a handler on a handler thread holds
  // only the exchange, and no read or timer of the connection may be pending meanwhile (before,
  // the head's stale timer kept it alive, so a handler outlasting --header-timeout found its
  // connection closed and the client got no response). Released by complete_request and
  // close_now, on the lane.
  std::shared_ptr<Connection> self_while_handling_;
  // Body bytes read from the socket; allocated on the first body read, so an idle connection
  // costs little (max_connections of them may be open).
  std::vector<char> rbuf_;
  std::string wbuf_; // the write in flight
  std::string remote_;
  std::string request_line_; // for the access log
  std::chrono::steady_clock::time_point started_at_;
  unsigned requests_ = 0;
  uint64_t drained_ = 0;
  bool handling_ = false, reading_ = false, writing_ = false, draining_ = false;
  bool body_failed_ = false, closed_ = false, lingering_ = false;
};

} // namespace wasmcap::http

// The HTTP/1.1 server core under `wasmcap serve` (docs/serve.md): accepts connections on I/O
// threads, parses requests with limits, and hands each request to a Handler on a separate pool of
// handler threads through a blocking Exchange. Knows nothing about WebAssembly. Boost stays out of
// this header (the implementation is behind pimpl) so only src/http/*.cpp compile Beast.
#pragma once

#include "support/result.h"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace wasmcap::http {

using support::Error;
using support::Result;
using support::Status;

// Header fields in the order they were sent; a name sent twice appears twice.
using Headers = std::vector<std::pair<std::string, std::string>>;

struct RequestHead {
  std::string method;    // as sent, e.g. "GET"
  std::string target;    // path and query as sent, e.g. "/a/b?x=1"
  std::string scheme;    // "http"
  std::string authority; // the Host header ("" for an HTTP/1.0 request without one)
  Headers headers;
  std::string remote;    // the peer, "ip:port"
  unsigned version = 11; // 11 = HTTP/1.1, 10 = HTTP/1.0
};

struct Limits {
  size_t max_header_bytes = 64 * 1024;     // the whole request head; over: 431
  uint64_t max_request_body = 64ull << 20; // over: 413 (connection closed if the response started)
  // Handlers running at once; 0 = handler_threads. Never more than handler_threads, since a
  // handler holds its thread for the whole exchange. Beyond it, requests queue up to max_queue;
  // beyond that they get 503.
  unsigned max_concurrent = 0;
  unsigned max_queue = 1024;
  std::chrono::milliseconds header_timeout{10000}; // the whole head must arrive within (slowloris)
  std::chrono::milliseconds idle_timeout{30000};   // keep-alive: the next request's first byte
  std::chrono::milliseconds body_timeout{30000};   // max gap between body bytes, both directions
  unsigned max_connections = 10000;                // more are accepted and closed at once
};

struct ServerOptions {
  std::string addr = "0.0.0.0:8080"; // "ip:port" or "[ipv6]:port"; port 0 picks a free one
  unsigned io_threads = 0;           // 0 = hardware cores
  unsigned handler_threads = 0;      // 0 = hardware cores
  // A request without a body runs its handler on the I/O thread that read it when a handler
  // slot is free (no hand-off between threads); the I/O thread's other work is taken over by a
  // spare thread if the handler blocks on I/O or runs longer than a moment (docs/serve.md,
  // "Threads"). false: every handler runs on the handler threads.
  bool inline_handlers = true;
  Limits limits;
  // One line per request, called from the I/O threads (concurrently: it must be thread-safe,
  // and quick); empty = no log.
  // Format: `127.0.0.1:5123 "GET /path HTTP/1.1" 200 1234 0.52ms` (bytes = response body bytes
  // sent).
  std::function<void(const std::string& line)> access_log;
};

// One request and its response, used from the handler thread that runs the Handler. The calls
// block on the connection's I/O thread underneath; all are for that handler thread only.
class Exchange {
public:
  virtual ~Exchange() = default;
  virtual const RequestHead& request() const = 0;
  virtual std::optional<uint64_t> request_content_length() const = 0;

  // Request body. The first call of any of these sends `100 Continue` if the client asked for it.
  // read_body: the next bytes into buf, blocking until some arrive; 0 = end of the body. An error
  // when the client went away, stopped sending for body_timeout, sent a malformed chunk, or went
  // over max_request_body (the server then answers 413 or 400 itself when the handler returns).
  virtual Result<size_t> read_body(std::span<uint8_t> buf) = 0;
  // Non-blocking: the bytes available now; 0 with *ended = false when none have arrived yet,
  // 0 with *ended = true at the end of the body.
  virtual Result<size_t> try_read_body(std::span<uint8_t> buf, bool* ended) = 0;
  // Blocks until try_read_body has something to say (bytes, the end, or an error) or the deadline
  // passes: true = readable, false = deadline.
  virtual Result<bool> wait_readable(std::chrono::steady_clock::time_point deadline) = 0;
  // The request's trailer fields (chunked bodies); complete once the body has ended.
  virtual Headers request_trailers() const = 0;

  // Response. start_response once: with a Content-Length header the body has that length,
  // otherwise it is chunked (HTTP/1.0: delimited by closing the connection). Transfer-Encoding
  // given by the handler is ignored (the server frames the body); `Connection: close` is honoured;
  // Date is added when missing. Header names and values with CR, LF or NUL are an error.
  virtual Status start_response(uint16_t status, const Headers& headers) = 0;
  // Blocks while the exchange's send buffer is full (bounded: 32 KiB queued + one write in
  // flight), so a slow client slows the handler down. More bytes than Content-Length: an error.
  virtual Status write_body(std::span<const uint8_t> data) = 0;
  // Bytes write_body would take now without blocking (0 when full), and a wait for room.
  virtual Result<size_t> write_capacity() = 0;
  virtual Result<bool> wait_writable(std::chrono::steady_clock::time_point deadline) = 0;
  // Ends the response; trailers are sent only with chunked encoding. Like write_body it only
  // queues (an error: the connection is gone before the last chunk could be queued). Fewer bytes
  // than Content-Length: an error, and the connection is closed (a truncated response).
  virtual Status finish(const Headers& trailers) = 0;
  virtual bool response_started() const = 0;
  // The handler failed (trap, limit): if nothing was sent, a `status` response with `message` as
  // its text/plain body; otherwise the connection is closed (a truncated response).
  virtual void fail(uint16_t status, std::string_view message) = 0;
};

// Runs on a handler thread. Returning without finish(): the server finishes the response, or
// sends 500 if none was started.
using Handler = std::function<void(Exchange&)>;

class Server {
public:
  struct Impl;
  // Binds (an Io error naming the address when it cannot) and starts the threads.
  static Result<std::unique_ptr<Server>> start(ServerOptions options, Handler handler);
  ~Server(); // stop(0) if still running
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  uint16_t port() const; // the bound port
  // Stops accepting and closes idle connections at once; in-flight requests may finish within
  // grace (their connections then close); then every connection is closed and the threads are
  // joined. Idempotent; callable from any thread except the server's own (e.g. a signal watcher).
  // A handler that never returns (no I/O, endless compute) keeps stop waiting: interrupt it.
  void stop(std::chrono::milliseconds grace);
  void wait(); // until stop() has finished

  struct Stats {
    uint64_t requests = 0;     // requests whose head was parsed and that were handed on
    uint64_t active = 0;       // handlers running now
    uint64_t queued = 0;       // requests waiting for a handler thread now
    uint64_t rejected_503 = 0; // answered 503 because the queue was full
    uint64_t bad_requests = 0; // answered 400/431/413 before reaching a handler
  };
  Stats stats() const;

private:
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

} // namespace wasmcap::http

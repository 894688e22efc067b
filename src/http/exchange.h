// One request/response of the HTTP server: the Exchange a handler thread uses, and the state it
// shares with the connection's I/O thread (bounded body buffers both ways, flags, errors), guarded
// by one mutex. The handler side blocks on a condition variable; the I/O side is woken by a post
// to the connection's io_context (`kick`). No Boost here: the connection is reached through a
// callback.
#pragma once

#include "http/server.h"

#include <atomic>
#include <condition_variable>
#include <mutex>

namespace wasmcap::http {

// Request bytes buffered ahead of the handler, and response bytes queued behind it (one write of
// up to this much may be in flight on top).
inline constexpr size_t kInCap = 32 * 1024;
inline constexpr size_t kOutCap = 32 * 1024;

// What the connection knows about the request when it creates the exchange.
struct RequestInfo {
  RequestHead head;
  std::optional<uint64_t> content_length;
  bool head_method = false;
  bool keep_alive = false;      // the client allows another request on the connection
  bool expect_continue = false; // `Expect: 100-continue`
  bool body_empty = false;      // no body at all (the parser is done after the head)
};

class ExchangeImpl final : public Exchange {
public:
  // `kick` asks the connection's I/O thread to look at the state again (safe from any thread; it
  // does nothing once the connection is gone). `stopping` is the server's flag (no keep-alive).
  ExchangeImpl(RequestInfo info, std::function<void()> kick, const std::atomic<bool>* stopping);

  const RequestHead& request() const override { return info_.head; }
  std::optional<uint64_t> request_content_length() const override { return info_.content_length; }
  Result<size_t> read_body(std::span<uint8_t> buf) override;
  Result<size_t> try_read_body(std::span<uint8_t> buf, bool* ended) override;
  Result<bool> wait_readable(std::chrono::steady_clock::time_point deadline) override;
  Headers request_trailers() const override;
  Status start_response(uint16_t status, const Headers& headers) override;
  Status write_body(std::span<const uint8_t> data) override;
  Result<size_t> write_capacity() override;
  Result<bool> wait_writable(std::chrono::steady_clock::time_point deadline) override;
  Status finish(const Headers& trailers) override;
  bool response_started() const override;
  void fail(uint16_t status, std::string_view message) override;

  // After the handler returned (on its thread): completes or replaces the response.
  void handler_returned();

  // A handler run inline on its connection's I/O thread (connection.cpp): until end_inline, the
  // I/O thread is busy running it, so kicks are only noted (the thread pumps once the handler
  // returns), and before the handler would wait for the I/O side, `hand_off` is called (another
  // thread takes the I/O thread's work over) and the noted kick is posted.
  void begin_inline(std::function<void()> hand_off);
  // After the handler returned; true if a kick was noted and not posted (the caller pumps, or
  // calls kick if it cannot).
  bool end_inline();
  void kick();
  // Leaves inline mode from another thread, once the lane was taken over (lanes.cpp): the
  // noted kick is posted.
  void leave_inline();

  // The state the I/O thread reads and updates, under mu.
  struct Shared {
    // Request body.
    std::string in;              // received, not yet taken by the handler (<= kInCap + a read)
    bool body_requested = false; // the handler asked for the body (read-ahead may start)
    bool body_ended = false;
    Headers trailers;
    std::optional<Error> in_error;
    uint16_t poison_status = 0; // 413/400 from the body: the server's answer, not the handler's
    // Response.
    std::string out;       // serialized bytes waiting for the I/O thread
    bool started = false;  // head queued
    bool finished = false; // nothing more will be queued
    bool aborted = false;  // close now, the response is truncated
    bool must_close = false;
    bool returned = false; // the handler returned
    uint16_t status = 0;
    uint64_t body_bytes = 0; // response body bytes the handler gave (for the access log)
    std::optional<Error> out_error;
    bool dead = false; // the connection is closed
    bool kick_posted = false;
  };
  mutable std::mutex mu;
  std::condition_variable cv;
  Shared s;

  // Called by the I/O thread, under mu, when the connection closes: wakes the handler with errors.
  void mark_dead_locked(const std::string& why);
  const RequestInfo& info() const { return info_; }

private:
  enum class Framing { None, Fixed, Chunked, UntilClose };
  void request_body_locked();
  void kick_locked();
  void leave_inline_locked();
  // cv.wait/wait_until, leaving inline mode first when the wait would block.
  template <class Pred> void wait_locked(std::unique_lock<std::mutex>& lock, Pred pred);
  template <class Pred>
  bool wait_until_locked(std::unique_lock<std::mutex>& lock,
                         std::chrono::steady_clock::time_point deadline, Pred pred);
  Status io_error_locked() const;
  void queue_full_response_locked(uint16_t status, std::string_view content_type,
                                  std::string_view body, bool close);

  RequestInfo info_;
  std::function<void()> kick_;
  const std::atomic<bool>* stopping_;
  // Inline mode (under mu): see begin_inline.
  bool inline_ = false, kick_noted_ = false;
  std::function<void()> hand_off_;
  Framing framing_ = Framing::None;
  uint64_t fixed_length_ = 0;
};

// Response head helpers (exchange.cpp), shared with the connection's own error responses.
std::string http_date_now();
std::string status_line(uint16_t status);
bool valid_field_name(std::string_view name);
bool valid_field_value(std::string_view value);

} // namespace wasmcap::http

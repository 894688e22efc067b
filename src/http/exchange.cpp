// The handler side of an exchange (exchange.h): blocking body reads and writes over the state
// shared with the connection's I/O thread, and the serialization of the response head and body
// framing (fixed length, chunked with trailers, or until close for HTTP/1.0).
#include "http/exchange.h"

#include <boost/beast/http/status.hpp>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <ctime>

namespace wasmcap::http {

namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return (x | 0x20) == (y | 0x20);
         });
}

Error io_error(std::string message) {
  return make_error(support::ErrorKind::Io, std::move(message));
}
Error usage_error(std::string message) {
  return make_error(support::ErrorKind::Usage, std::move(message));
}

// A header list the server can put on the wire as it is.
Status check_fields(const Headers& headers) {
  for (const auto& [name, value] : headers) {
    if (!valid_field_name(name)) return usage_error("invalid header name: " + name);
    if (!valid_field_value(value)) return usage_error("invalid value for header " + name);
  }
  return ok();
}

void append_fields(std::string& out, const Headers& headers) {
  for (const auto& [name, value] : headers) {
    out += name;
    out += ": ";
    out += value;
    out += "\r\n";
  }
}

} // namespace

bool valid_field_name(std::string_view name) {
  if (name.empty()) return false;
  // RFC 9110 token characters.
  for (unsigned char c : name) {
    if (std::isalnum(c)) continue;
    if (!std::strchr("!#$%&'*+-.^_`|~", c) || c == 0) return false;
  }
  return true;
}

bool valid_field_value(std::string_view value) {
  for (unsigned char c : value)
    if (c == '\r' || c == '\n' || c == 0) return false;
  return true;
}

std::string http_date_now() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  size_t n = std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return std::string(buf, n);
}

std::string status_line(uint16_t status) {
  auto reason = boost::beast::http::obsolete_reason(boost::beast::http::int_to_status(status));
  std::string line = "HTTP/1.1 " + std::to_string(status) + " ";
  // Unknown codes get "<unknown-status>" from Beast; an empty reason is valid HTTP.
  if (reason.find('<') == std::string_view::npos) line.append(reason.data(), reason.size());
  line += "\r\n";
  return line;
}

ExchangeImpl::ExchangeImpl(RequestInfo info, std::function<void()> kick,
                           const std::atomic<bool>* stopping)
    : info_(std::move(info)), kick_(std::move(kick)), stopping_(stopping) {
  s.body_ended = info_.body_empty;
}

void ExchangeImpl::kick_locked() {
  if (s.kick_posted || s.dead) return;
  s.kick_posted = true;
  if (inline_) {
    kick_noted_ = true; // the I/O thread is this one: it pumps when the handler returns
    return;
  }
  kick_();
}

void ExchangeImpl::kick() {
  std::lock_guard lock(mu);
  kick_locked();
}

void ExchangeImpl::begin_inline(std::function<void()> hand_off) {
  std::lock_guard lock(mu);
  inline_ = true;
  hand_off_ = std::move(hand_off);
}

bool ExchangeImpl::end_inline() {
  std::lock_guard lock(mu);
  const bool noted = inline_ && kick_noted_;
  inline_ = kick_noted_ = false;
  hand_off_ = nullptr;
  if (noted) s.kick_posted = false; // the caller pumps now, as the posted kick would have
  return noted;
}

void ExchangeImpl::leave_inline_locked() {
  if (!inline_) return;
  hand_off_(); // another thread runs the I/O from now on
  inline_ = false;
  hand_off_ = nullptr;
  if (kick_noted_) {
    kick_noted_ = false;
    kick_();
  }
}

void ExchangeImpl::leave_inline() {
  std::lock_guard lock(mu);
  if (!inline_) return;
  inline_ = false;
  hand_off_ = nullptr;
  if (kick_noted_) {
    kick_noted_ = false;
    kick_();
  }
}

template <class Pred>
void ExchangeImpl::wait_locked(std::unique_lock<std::mutex>& lock, Pred pred) {
  if (pred()) return;
  leave_inline_locked();
  cv.wait(lock, pred);
}

template <class Pred>
bool ExchangeImpl::wait_until_locked(std::unique_lock<std::mutex>& lock,
                                     std::chrono::steady_clock::time_point deadline, Pred pred) {
  if (pred()) return true;
  leave_inline_locked();
  return cv.wait_until(lock, deadline, pred);
}

void ExchangeImpl::mark_dead_locked(const std::string& why) {
  if (s.dead) return;
  s.dead = true;
  if (!s.out_error) s.out_error = io_error(why);
  if (!s.in_error && !s.body_ended) s.in_error = io_error(why);
  cv.notify_all();
}

Status ExchangeImpl::io_error_locked() const {
  if (s.out_error) return *s.out_error;
  return ok();
}

// The first look at the body: read-ahead may start, and a client waiting for `100 Continue`
// gets it now (not at the head, so a handler that answers without reading saves the upload).
void ExchangeImpl::request_body_locked() {
  if (s.body_requested) return;
  s.body_requested = true;
  if (info_.expect_continue && !s.started && !s.body_ended)
    s.out += "HTTP/1.1 100 Continue\r\n\r\n";
  kick_locked();
}

Result<size_t> ExchangeImpl::read_body(std::span<uint8_t> buf) {
  std::unique_lock lock(mu);
  request_body_locked();
  wait_locked(lock, [&] { return !s.in.empty() || s.body_ended || s.in_error || s.dead; });
  bool ended = false;
  lock.unlock();
  return try_read_body(buf, &ended);
}

Result<size_t> ExchangeImpl::try_read_body(std::span<uint8_t> buf, bool* ended) {
  std::lock_guard lock(mu);
  request_body_locked();
  *ended = false;
  if (!s.in.empty()) {
    if (buf.empty()) return size_t{0};
    size_t n = std::min(buf.size(), s.in.size());
    bool was_full = s.in.size() >= kInCap;
    std::memcpy(buf.data(), s.in.data(), n);
    s.in.erase(0, n);
    if (was_full && s.in.size() < kInCap) kick_locked(); // the read-ahead paused on a full buffer
    return n;
  }
  if (s.in_error) return *s.in_error;
  if (s.body_ended) {
    *ended = true;
    return size_t{0};
  }
  return size_t{0};
}

Result<bool> ExchangeImpl::wait_readable(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(mu);
  request_body_locked();
  bool ready = wait_until_locked(
      lock, deadline, [&] { return !s.in.empty() || s.body_ended || s.in_error || s.dead; });
  return ready;
}

Headers ExchangeImpl::request_trailers() const {
  std::lock_guard lock(mu);
  return s.trailers;
}

bool ExchangeImpl::response_started() const {
  std::lock_guard lock(mu);
  return s.started;
}

Status ExchangeImpl::start_response(uint16_t status, const Headers& headers) {
  if (status < 200 || status > 599)
    return usage_error("invalid response status " + std::to_string(status));
  WASMCAP_TRY(check_fields(headers));
  std::lock_guard lock(mu);
  if (s.started) return usage_error("the response was already started");
  WASMCAP_TRY(io_error_locked());
  if (s.poison_status)
    return io_error("the request body was rejected; the server answers " +
                    std::to_string(s.poison_status));

  std::optional<uint64_t> length;
  bool close = false, has_date = false;
  Headers fields;
  fields.reserve(headers.size() + 3);
  for (const auto& [name, value] : headers) {
    if (iequals(name, "content-length")) {
      uint64_t v = 0;
      if (value.empty() || value.size() > 19 ||
          !std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return usage_error("invalid Content-Length: " + value);
      v = std::stoull(value);
      if (length && *length != v) return usage_error("two different Content-Length values");
      length = v;
      continue; // written once, below
    } else if (iequals(name, "transfer-encoding")) {
      continue; // the server frames the body
    } else if (iequals(name, "connection")) {
      if (value.find("close") != std::string::npos) close = true;
      continue; // rewritten below
    } else if (iequals(name, "date")) {
      has_date = true;
    }
    fields.emplace_back(name, value);
  }

  bool no_body = info_.head_method || status == 204 || status == 304;
  if (no_body)
    framing_ = Framing::None;
  else if (length)
    framing_ = Framing::Fixed, fixed_length_ = *length;
  else if (info_.head.version >= 11)
    framing_ = Framing::Chunked;
  else
    framing_ = Framing::UntilClose, close = true;
  // A client still waiting for `100 Continue` may or may not send its body: only closing the
  // connection after the response keeps the next request's bytes apart from it.
  if (info_.expect_continue && !s.body_requested && !s.body_ended) close = true;
  if (!info_.keep_alive || stopping_->load()) close = true;

  std::string head = status_line(status);
  append_fields(head, fields);
  if (framing_ == Framing::Fixed || (no_body && length))
    head += "Content-Length: " + std::to_string(*length) + "\r\n";
  if (framing_ == Framing::Chunked) head += "Transfer-Encoding: chunked\r\n";
  if (close)
    head += "Connection: close\r\n";
  else if (info_.head.version < 11)
    head += "Connection: keep-alive\r\n";
  if (!has_date) head += "Date: " + http_date_now() + "\r\n";
  head += "\r\n";

  s.out += head;
  s.started = true;
  s.status = status;
  s.must_close = s.must_close || close;
  if (framing_ == Framing::Fixed && fixed_length_ == 0) {
    // Nothing more to send, but the handler may still call finish(); it is not an error.
  }
  kick_locked();
  return ok();
}

Status ExchangeImpl::write_body(std::span<const uint8_t> data) {
  std::unique_lock lock(mu);
  if (!s.started) return usage_error("write_body before start_response");
  if (s.finished) return usage_error("write_body after finish");
  WASMCAP_TRY(io_error_locked());
  if (framing_ == Framing::Fixed && s.body_bytes + data.size() > fixed_length_)
    return usage_error("response body longer than its Content-Length");
  if (framing_ == Framing::None) return ok(); // HEAD, 204, 304: dropped
  while (!data.empty()) {
    wait_locked(lock, [&] { return s.out.size() < kOutCap || s.out_error || s.dead; });
    WASMCAP_TRY(io_error_locked());
    size_t n = std::min(data.size(), kOutCap - s.out.size());
    if (framing_ == Framing::Chunked) {
      char size_line[24];
      int len = std::snprintf(size_line, sizeof size_line, "%zx\r\n", n);
      s.out.append(size_line, static_cast<size_t>(len));
    }
    s.out.append(reinterpret_cast<const char*>(data.data()), n);
    if (framing_ == Framing::Chunked) s.out += "\r\n";
    s.body_bytes += n;
    data = data.subspan(n);
    kick_locked();
  }
  return ok();
}

Result<size_t> ExchangeImpl::write_capacity() {
  std::lock_guard lock(mu);
  if (!s.started) return usage_error("write_capacity before start_response");
  WASMCAP_TRY(io_error_locked());
  if (s.finished) return usage_error("write_capacity after finish");
  return s.out.size() < kOutCap ? kOutCap - s.out.size() : size_t{0};
}

Result<bool> ExchangeImpl::wait_writable(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(mu);
  return wait_until_locked(lock, deadline,
                           [&] { return s.out.size() < kOutCap || s.out_error || s.dead; });
}

Status ExchangeImpl::finish(const Headers& trailers) {
  WASMCAP_TRY(check_fields(trailers));
  std::lock_guard lock(mu);
  if (!s.started) return usage_error("finish before start_response");
  if (s.finished) return usage_error("the response was already finished");
  s.finished = true;
  if (framing_ == Framing::Fixed && s.body_bytes < fixed_length_) {
    s.aborted = true; // the client must not wait for the missing bytes
    kick_locked();
    return usage_error("response body shorter than its Content-Length");
  }
  // Like write_body, finish only queues: it fails when its own bytes (the last chunk) cannot go
  // out; a complete fixed-length body has none, whatever happens to the connection afterwards.
  Status status = ok();
  if (framing_ == Framing::Chunked) {
    status = io_error_locked();
    if (status) {
      s.out += "0\r\n";
      append_fields(s.out, trailers);
      s.out += "\r\n";
    }
  }
  kick_locked();
  return status;
}

void ExchangeImpl::queue_full_response_locked(uint16_t status, std::string_view content_type,
                                              std::string_view body, bool close) {
  close = close || !info_.keep_alive || stopping_->load() ||
          (info_.expect_continue && !s.body_requested && !s.body_ended);
  std::string out = status_line(status);
  out += "Content-Type: ";
  out += content_type;
  out += "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
  if (close)
    out += "Connection: close\r\n";
  else if (info_.head.version < 11)
    out += "Connection: keep-alive\r\n";
  out += "Date: " + http_date_now() + "\r\n\r\n";
  if (!info_.head_method) out += body;
  s.out += out;
  s.started = s.finished = true;
  s.status = status;
  s.body_bytes = info_.head_method ? 0 : body.size();
  s.must_close = s.must_close || close;
  kick_locked();
}

void ExchangeImpl::fail(uint16_t status, std::string_view message) {
  std::lock_guard lock(mu);
  if (!s.started) {
    // A rejected request body decides the answer, whatever the handler made of it.
    if (s.poison_status) {
      queue_full_response_locked(
          s.poison_status, "text/plain; charset=utf-8",
          s.poison_status == 413 ? "request body too large\n" : "malformed request body\n", true);
      return;
    }
    if (status < 200 || status > 599) status = 500;
    std::string body(message);
    body += "\n";
    queue_full_response_locked(status, "text/plain; charset=utf-8", body, false);
  } else if (!s.finished) {
    s.finished = s.aborted = true;
    kick_locked();
  }
}

void ExchangeImpl::handler_returned() {
  bool started, finished;
  {
    std::lock_guard lock(mu);
    started = s.started;
    finished = s.finished;
  }
  if (!started)
    fail(500, "the handler returned without a response");
  else if (!finished)
    (void)finish({}); // a short fixed-length body aborts the connection inside finish
  std::lock_guard lock(mu);
  s.returned = true;
  kick_locked();
}

} // namespace wasmcap::http

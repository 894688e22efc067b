// One HTTP/1.x connection's state machine, run on its io_context's thread (server_impl.h): read a
// head within header_timeout, hand the request to the handler pool, then move bytes between the
// socket and the exchange's bounded buffers as the handler asks (`pump`), drain or close, and
// read the next head. Requests on a connection are handled one after the other, so pipelined
// requests are answered in order (the next head waits in the read buffer).
#include "http/server_impl.h"

#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/read.hpp>

#include <cstdio>

namespace wasmcap::http {

namespace {

// A request body left unread by the handler is read and dropped up to this much, so the
// connection can be kept; beyond it the connection is closed.
constexpr uint64_t kDrainLimit = 256 * 1024;
// Closing after an error response: the client's remaining bytes are read for this long (so our
// response is not lost to a reset), at most kLingerLimit of them.
constexpr std::chrono::milliseconds kLingerTime{500};
constexpr uint64_t kLingerLimit = 1 << 20;
// One socket read of body bytes.
constexpr size_t kReadPiece = 16 * 1024;

bool is_http_error(const boost::system::error_code& ec) {
  return &ec.category() == &bhttp::make_error_code(bhttp::error::bad_version).category();
}

std::string endpoint_string(const tcp::endpoint& ep) {
  auto addr = ep.address();
  std::string s = addr.is_v6() ? "[" + addr.to_string() + "]" : addr.to_string();
  return s + ":" + std::to_string(ep.port());
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if ((a[i] | 0x20) != (b[i] | 0x20)) return false;
  return true;
}

} // namespace

Connection::Connection(Server::Impl& server, Lane& lane, tcp::socket socket)
    : server_(server), lane_(lane), socket_(std::move(socket)), read_timer_(socket_.get_executor()),
      write_timer_(socket_.get_executor()) {
  boost::system::error_code ec;
  auto ep = socket_.remote_endpoint(ec);
  remote_ = ec ? "-" : endpoint_string(ep);
  // Responses are written whole or in 32 KiB pieces: Nagle would only add latency.
  socket_.set_option(tcp::no_delay(true), ec);
}

void Connection::start() {
  read_head();
}

void Connection::arm(asio::steady_timer& timer, std::chrono::milliseconds after,
                     unsigned& generation) {
  unsigned gen = ++generation;
  timer.expires_after(after);
  timer.async_wait([self = shared_from_this(), &generation, gen](boost::system::error_code ec) {
    // A newer arm or a disarm (both bump the generation) makes this wait stale.
    if (!ec && generation == gen) self->close_now();
  });
}

void Connection::on_stop() {
  if (!handling_) close_now();
}

void Connection::close_now() {
  if (closed_) return;
  // Released when this returns: the caller may hold the last other reference.
  const auto keep = std::move(self_while_handling_);
  closed_ = true;
  boost::system::error_code ignored;
  socket_.shutdown(tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
  ++read_gen_, ++write_gen_;
  read_timer_.cancel();
  write_timer_.cancel();
  if (ex_) {
    uint16_t status;
    uint64_t bytes;
    {
      std::lock_guard lock(ex_->mu);
      ex_->mark_dead_locked("the connection was closed");
      status = ex_->s.status;
      bytes = ex_->s.body_bytes;
    }
    if (handling_) log(status, bytes);
  }
  if (handling_) {
    handling_ = false;
    server_.set_busy(false);
  }
  std::lock_guard lock(server_.conns_mu);
  if (server_.conns.erase(this)) --server_.open_connections;
}

void Connection::read_head() {
  if (closed_) return;
  if (server_.stopping) return close_now();
  if (requests_ > 0 && buffer_.size() == 0) {
    // Keep-alive: the next request may take idle_timeout to begin, then header_timeout.
    arm(read_timer_, server_.options.limits.idle_timeout, read_gen_);
    reading_ = true;
    socket_.async_wait(tcp::socket::wait_read,
                       [self = shared_from_this()](boost::system::error_code ec) {
                         self->reading_ = false;
                         ++self->read_gen_;
                         if (ec || self->closed_) return self->close_now();
                         self->read_head_now();
                       });
    return;
  }
  read_head_now();
}

void Connection::read_head_now() {
  const Limits& limits = server_.options.limits;
  parser_.emplace();
  request_line_.clear();
  parser_->header_limit(
      static_cast<uint32_t>(std::min<size_t>(limits.max_header_bytes, UINT32_MAX)));
  parser_->body_limit(limits.max_request_body);
  arm(read_timer_, limits.header_timeout, read_gen_);
  reading_ = true;
  started_at_ = std::chrono::steady_clock::now();
  bhttp::async_read_header(socket_, buffer_, *parser_,
                           [self = shared_from_this()](boost::system::error_code ec, size_t) {
                             self->reading_ = false;
                             ++self->read_gen_;
                             self->on_head(ec);
                           });
}

void Connection::on_head(boost::system::error_code ec) {
  if (closed_) return;
  if (ec) {
    if (ec == bhttp::error::header_limit) return respond_error(431, "request head too large");
    if (ec == bhttp::error::body_limit) return respond_error(413, "request body too large");
    // end_of_stream before any byte: the client closed between requests.
    if (is_http_error(ec) && ec != bhttp::error::end_of_stream &&
        ec != bhttp::error::partial_message)
      return respond_error(400, "malformed request");
    return close_now();
  }
  auto& req = parser_->get();
  request_line_ = std::string(req.method_string()) + " " + std::string(req.target()) + " HTTP/" +
                  std::to_string(req.version() / 10) + "." + std::to_string(req.version() % 10);
  if (req.version() != 10 && req.version() != 11)
    return respond_error(505, "HTTP version not supported");

  RequestInfo info;
  info.head.method = std::string(req.method_string());
  info.head.target = std::string(req.target());
  info.head.scheme = "http";
  info.head.remote = remote_;
  info.head.version = req.version();
  unsigned hosts = 0;
  head_fields_ = 0;
  for (const auto& field : req) {
    info.head.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    if (field.name() == bhttp::field::host)
      ++hosts, info.head.authority = std::string(field.value());
    // HTTP/1.0 clients cannot ask for 100 Continue (RFC 9110 10.1.1).
    if (field.name() == bhttp::field::expect && req.version() == 11 &&
        iequals(field.value(), "100-continue"))
      info.expect_continue = true;
    ++head_fields_;
  }
  // RFC 9112 3.2: exactly one Host in HTTP/1.1.
  if (hosts > 1 || (hosts == 0 && req.version() == 11))
    return respond_error(400, "missing or repeated Host header");
  // RFC 9112 6.3: a request whose last transfer coding is not chunked has no knowable length
  // (Beast would read it as bodiless, which a proxy in front may not).
  if (req.find(bhttp::field::transfer_encoding) != req.end() && !parser_->chunked())
    return respond_error(400, "unsupported Transfer-Encoding");
  if (auto length = parser_->content_length()) info.content_length = *length;
  info.head_method = req.method() == bhttp::verb::head;
  info.keep_alive = req.keep_alive();
  info.body_empty = parser_->is_done();
  if (info.body_empty) info.expect_continue = false;

  ++requests_;
  unsigned gen = requests_;
  auto kick = [weak = weak_from_this(), gen] {
    if (auto self = weak.lock())
      asio::post(self->socket_.get_executor(), [self, gen] {
        if (gen != self->requests_ || !self->ex_) return; // a finished exchange's late kick
        {
          std::lock_guard lock(self->ex_->mu);
          self->ex_->s.kick_posted = false;
        }
        self->pump();
      });
  };
  ex_ = std::make_shared<ExchangeImpl>(std::move(info), std::move(kick), &server_.stopping);
  dispatch();
}

void Connection::dispatch() {
  auto ex = ex_;
  Handler* handler = &server_.handler;
  // Busy before the handler can run: stop() must not see an idle connection in between.
  handling_ = true;
  self_while_handling_ = shared_from_this();
  server_.set_busy(true);
  const bool bodiless = ex->info().body_empty;
  auto task = [ex, handler, bodiless, server = &server_] {
    {
      std::lock_guard lock(ex->mu);
      if (ex->s.dead) return; // the client left while the request was queued
    }
    const auto started = std::chrono::steady_clock::now();
    try {
      (*handler)(*ex);
    } catch (...) {
      // Handlers report errors as values; this only keeps a stray exception off the thread.
      ex->fail(500, "the handler failed");
    }
    if (bodiless) server->note_handler_time(std::chrono::steady_clock::now() - started);
    ex->handler_returned();
  };
  // A request with a body would wait for it at once: it goes to a handler thread; so do
  // requests while handlers take long (Impl::inline_worthwhile).
  if (server_.options.inline_handlers && bodiless && server_.inline_worthwhile() &&
      server_.pool->try_begin_inline()) {
    ++server_.requests;
    return run_inline(std::move(task));
  }
  bool accepted = server_.pool->submit(std::move(task));
  if (!accepted) {
    const auto keep = std::move(self_while_handling_); // respond_error's write holds it next
    handling_ = false;
    server_.set_busy(false);
    ex_.reset();
    ++server_.rejected_503;
    return respond_error(503, "server busy");
  }
  ++server_.requests;
}

// The handler on this thread, the lane's runner (lanes.cpp). Until it returns no other
// completion handler of the lane runs here, unless the lane is taken over (the handler blocked
// or ran long): then another thread runs them meanwhile, and this one must leave this
// connection's state alone afterwards, as a handler thread would. Called last by dispatch.
void Connection::run_inline(std::function<void()> task) {
  const auto ex = ex_;
  const auto run = server_.begin_inline(lane_, ex);
  task();
  server_.pool->end_inline();
  const bool pump_now = ex->end_inline();
  if (server_.end_inline(lane_, run)) {
    // No longer the runner: the noted kick goes the ordinary way, to the lane's new runner.
    if (pump_now) ex->kick();
    return;
  }
  if (pump_now) pump();
}

// Moves what can move now: queued response bytes to the socket, request body bytes into the
// exchange while the handler wants them and there is room, and ends the request when all is done.
void Connection::pump() {
  if (closed_ || !ex_) return;
  bool aborted, returned, finished, must_close, want_read;
  {
    std::lock_guard lock(ex_->mu);
    auto& s = ex_->s;
    aborted = s.aborted;
    returned = s.returned;
    finished = s.finished;
    must_close = s.must_close;
    want_read = s.body_requested && s.in.size() < kInCap;
  }
  if (aborted) return close_now();
  if (!writing_) start_write();
  if (closed_) return;
  bool body_done = parser_->is_done() || body_failed_;
  if (!reading_ && !body_done && (draining_ || want_read)) start_body_read();
  if (!returned || !finished || writing_ || reading_) return;
  if (must_close || body_failed_) return complete_request();
  if (!parser_->is_done()) {
    // The handler left part of the body unread: drop it (bounded) to keep the connection.
    if (!draining_) {
      draining_ = true;
      start_body_read();
    }
    return;
  }
  complete_request();
}

void Connection::start_write() {
  {
    std::lock_guard lock(ex_->mu);
    if (ex_->s.out.empty()) return;
    wbuf_.clear();
    wbuf_.swap(ex_->s.out);
    ex_->cv.notify_all(); // room for write_body
  }
  write_wbuf(/*linger=*/false);
}

void Connection::write_wbuf(bool linger) {
  writing_ = true;
  arm(write_timer_, server_.options.limits.body_timeout, write_gen_);
  asio::async_write(socket_, asio::buffer(wbuf_),
                    [self = shared_from_this(), linger](boost::system::error_code ec, size_t) {
                      self->writing_ = false;
                      ++self->write_gen_;
                      if (ec || self->closed_) return self->close_now();
                      if (linger) return self->linger_close();
                      self->pump();
                    });
}

void Connection::start_body_read() {
  reading_ = true;
  rbuf_.resize(kReadPiece);
  auto& body = parser_->get().body();
  body.data = rbuf_.data();
  body.size = rbuf_.size();
  arm(read_timer_, server_.options.limits.body_timeout, read_gen_);
  bhttp::async_read_some(socket_, buffer_, *parser_,
                         [self = shared_from_this()](boost::system::error_code ec, size_t) {
                           self->reading_ = false;
                           ++self->read_gen_;
                           self->on_body(ec);
                         });
}

void Connection::on_body(boost::system::error_code ec) {
  if (closed_) return;
  if (ec == bhttp::error::need_buffer) ec = {};
  size_t got = rbuf_.size() - parser_->get().body().size;
  if (ec) {
    uint16_t status = ec == bhttp::error::body_limit ? 413 : is_http_error(ec) ? 400 : 0;
    // The client went away or stalled mid-body: nothing more can be said to it.
    if (status == 0 || ec == bhttp::error::partial_message || draining_) return close_now();
    body_failed_ = true;
    std::lock_guard lock(ex_->mu);
    auto& s = ex_->s;
    s.in_error = make_error(support::ErrorKind::Io,
                            status == 413 ? "request body too large" : "malformed request body");
    s.must_close = true;
    if (s.started)
      s.aborted = true; // too late for 413: the client sees a truncated response
    else
      s.poison_status = status;
    ex_->cv.notify_all();
  } else if (draining_) {
    drained_ += got;
    if (drained_ > kDrainLimit) {
      std::lock_guard lock(ex_->mu);
      ex_->s.must_close = true;
    }
  } else {
    std::lock_guard lock(ex_->mu);
    auto& s = ex_->s;
    s.in.append(rbuf_.data(), got);
    if (parser_->is_done()) {
      s.body_ended = true;
      size_t i = 0;
      for (const auto& field : parser_->get())
        if (i++ >= head_fields_)
          s.trailers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    ex_->cv.notify_all();
  }
  pump();
}

void Connection::complete_request() {
  uint16_t status;
  uint64_t bytes;
  bool close;
  {
    std::lock_guard lock(ex_->mu);
    status = ex_->s.status;
    bytes = ex_->s.body_bytes;
    close = ex_->s.must_close || body_failed_ || !parser_->is_done();
  }
  log(status, bytes);
  // Released when this returns, after linger_close or read_head has taken its own reference.
  const auto keep = std::move(self_while_handling_);
  ex_.reset();
  handling_ = false;
  server_.set_busy(false);
  draining_ = false;
  drained_ = 0;
  // A large head or body piece is not kept for the connection's idle time.
  if (buffer_.size() == 0) buffer_.shrink_to_fit();
  if (close || server_.stopping) return linger_close();
  read_head();
}

void Connection::respond_error(uint16_t status, std::string_view message) {
  if (status != 503) ++server_.bad_requests;
  std::string out = status_line(status);
  out += "Content-Type: text/plain; charset=utf-8\r\nContent-Length: " +
         std::to_string(message.size() + 1) + "\r\nConnection: close\r\nDate: " + http_date_now() +
         "\r\n\r\n";
  out += message;
  out += "\n";
  wbuf_ = std::move(out);
  if (request_line_.empty()) request_line_ = "-";
  log(status, message.size() + 1);
  write_wbuf(/*linger=*/true);
}

// Half-close, then read and drop what the client still sends for a moment: closing a socket with
// unread bytes resets the connection, which can destroy the response before the client reads it.
void Connection::linger_close() {
  if (closed_) return;
  lingering_ = true;
  drained_ = 0;
  boost::system::error_code ignored;
  socket_.shutdown(tcp::socket::shutdown_send, ignored);
  arm(read_timer_, kLingerTime, read_gen_);
  linger_read();
}

void Connection::linger_read() {
  rbuf_.resize(kReadPiece);
  socket_.async_read_some(asio::buffer(rbuf_),
                          [self = shared_from_this()](boost::system::error_code ec, size_t n) {
                            self->drained_ += n;
                            if (ec || self->closed_ || self->drained_ > kLingerLimit)
                              return self->close_now();
                            self->linger_read();
                          });
}

void Connection::log(uint16_t status, uint64_t bytes) {
  if (!server_.options.access_log) return;
  double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started_at_)
          .count();
  char tail[64];
  std::snprintf(tail, sizeof tail, " %u %llu %.2fms", unsigned(status),
                static_cast<unsigned long long>(bytes), ms);
  server_.options.access_log(remote_ + " \"" + request_line_ + "\"" + tail);
}

} // namespace wasmcap::http

// The HTTP client (client.h): one connection per request on a private io_context, driven
// synchronously by the calling thread; every step runs an asynchronous Asio/Beast operation
// under a timer, which closes the connection when it fires (Asio's blocking calls have no
// timeouts). HTTPS is the same code over an OpenSSL stream.
#include "http/client.h"
#include "http/exchange.h" // valid_field_name/value

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>

#include <openssl/ssl.h>

#include <array>
#include <cstdio>

namespace wasmcap::http {

namespace {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using boost::system::error_code;

Error io_error(std::string message) {
  return make_error(support::ErrorKind::Io, std::move(message));
}
Error usage_error(std::string message) {
  return make_error(support::ErrorKind::Usage, std::move(message));
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if ((a[i] | 0x20) != (b[i] | 0x20)) return false;
  return true;
}

struct Target {
  std::string host; // without brackets
  std::string port;
  bool tls = false;
};

Result<Target> parse_target(const ClientRequest& request) {
  Target t;
  if (request.scheme == "http")
    t.port = "80";
  else if (request.scheme == "https")
    t.port = "443", t.tls = true;
  else
    return usage_error("unsupported URL scheme: " + request.scheme);
  std::string_view a = request.authority;
  if (a.empty()) return usage_error("the request has no authority (host)");
  if (a.find('@') != std::string_view::npos) return usage_error("user info in the authority");
  size_t port_colon = std::string_view::npos;
  if (a.front() == '[') {
    size_t close = a.find(']');
    if (close == std::string_view::npos)
      return usage_error("invalid authority: " + request.authority);
    t.host = std::string(a.substr(1, close - 1));
    if (close + 1 < a.size()) {
      if (a[close + 1] != ':') return usage_error("invalid authority: " + request.authority);
      port_colon = close + 1;
    }
  } else {
    port_colon = a.rfind(':');
    t.host = std::string(a.substr(0, port_colon));
  }
  if (port_colon != std::string_view::npos) {
    std::string port(a.substr(port_colon + 1));
    if (port.empty() || port.size() > 5 ||
        port.find_first_not_of("0123456789") != std::string::npos || std::stoul(port) == 0 ||
        std::stoul(port) > 65535)
      return usage_error("invalid port in authority: " + request.authority);
    t.port = port;
  }
  if (t.host.empty()) return usage_error("invalid authority: " + request.authority);
  return t;
}

// The request head, with the framing the client chooses.
Result<std::string> request_head(const ClientRequest& request, bool chunked) {
  if (!valid_field_name(request.method)) return usage_error("invalid method: " + request.method);
  const std::string& path = request.path_with_query.empty() ? "/" : request.path_with_query;
  for (unsigned char c : path)
    if (c <= ' ' || c == 0x7f) return usage_error("invalid character in the request target");
  if (!valid_field_value(request.authority)) return usage_error("invalid authority");
  std::string head =
      request.method + " " + path + " HTTP/1.1\r\nHost: " + request.authority + "\r\n";
  for (const auto& [name, value] : request.headers) {
    if (!valid_field_name(name) || !valid_field_value(value))
      return usage_error("invalid request header: " + name);
    if (iequals(name, "host") || iequals(name, "content-length") ||
        iequals(name, "transfer-encoding") || iequals(name, "connection"))
      continue;
    head += name + ": " + value + "\r\n";
  }
  if (request.content_length)
    head += "Content-Length: " + std::to_string(*request.content_length) + "\r\n";
  else if (chunked)
    head += "Transfer-Encoding: chunked\r\n";
  head += "Connection: close\r\n\r\n"; // one request per connection
  return head;
}

// The io_context (and TLS context) come before the stream that uses them.
struct IoBase {
  asio::io_context ioc{1};
  ssl::context tls{ssl::context::tls_client};
};

template <class Stream> class Call final : private IoBase, public ClientCall {
public:
  explicit Call(const ClientTimeouts& timeouts) : stream_(make_stream()), timeouts_(timeouts) {}

  Status connect(const Target& target) {
    auto deadline = std::chrono::steady_clock::now() + timeouts_.connect;
    tcp::resolver resolver(ioc);
    tcp::resolver::results_type endpoints;
    error_code ec = run(
        deadline,
        [&](auto done) {
          resolver.async_resolve(target.host, target.port,
                                 [&, done](error_code e, tcp::resolver::results_type r) {
                                   endpoints = std::move(r);
                                   done(e);
                                 });
        },
        &resolver);
    if (ec) return io_error("cannot resolve " + target.host + ": " + message(ec));
    ec = run(deadline, [&](auto done) {
      asio::async_connect(socket(), endpoints,
                          [done](error_code e, const tcp::endpoint&) { done(e); });
    });
    if (ec)
      return io_error("cannot connect to " + target.host + ":" + target.port + ": " + message(ec));
    error_code ignored;
    socket().set_option(tcp::no_delay(true), ignored);
    if constexpr (kTls) {
      // SNI only for names: an IP address is not sent (RFC 6066).
      error_code not_ip;
      asio::ip::make_address(target.host, not_ip);
      if (not_ip && !SSL_set_tlsext_host_name(stream_.native_handle(), target.host.c_str()))
        return io_error("TLS: cannot set the server name");
      stream_.set_verify_mode(ssl::verify_peer);
      stream_.set_verify_callback(ssl::host_name_verification(target.host));
      ec = run(deadline, [&](auto done) {
        stream_.async_handshake(ssl::stream_base::client, [done](error_code e) { done(e); });
      });
      if (ec) return io_error("TLS handshake with " + target.host + " failed: " + message(ec));
    }
    return ok();
  }

  // The head is held until the first body bytes or finish(), so a request that turns out to
  // have no body is sent without chunked framing.
  void set_request(const ClientRequest& request) {
    request_ = request;
    request_.body = nullptr;
    chunked_ = !request.content_length;
  }

  Status write_body(std::span<const uint8_t> data) override {
    if (finished_) return usage_error("write_body after finish");
    if (failed_) return io_error("the request failed earlier");
    if (data.empty()) return ok();
    if (request_.content_length && sent_ + data.size() > *request_.content_length)
      return usage_error("request body longer than its Content-Length");
    std::string out;
    if (!head_sent_) {
      WASMCAP_ASSIGN(out, take_head(/*empty_body=*/false));
    }
    char line[24];
    int len = chunked_ ? std::snprintf(line, sizeof line, "%zx\r\n", data.size()) : 0;
    out.append(line, static_cast<size_t>(len));
    sent_ += data.size();
    std::array<asio::const_buffer, 3> pieces{
        asio::buffer(out), asio::buffer(data),
        asio::buffer(chunked_ ? "\r\n" : "", chunked_ ? 2 : 0)};
    return write(pieces);
  }

  Status finish(const Headers& trailers) override {
    if (finished_) return usage_error("the request was already finished");
    finished_ = true;
    if (failed_) return io_error("the request failed earlier");
    if (request_.content_length && sent_ < *request_.content_length)
      return usage_error("request body shorter than its Content-Length");
    std::string out;
    if (!head_sent_) {
      WASMCAP_ASSIGN(out, take_head(/*empty_body=*/true));
    }
    if (chunked_) {
      out += "0\r\n";
      for (const auto& [name, value] : trailers) {
        if (!valid_field_name(name) || !valid_field_value(value))
          return usage_error("invalid trailer: " + name);
        out += name + ": " + value + "\r\n";
      }
      out += "\r\n";
    }
    std::array<asio::const_buffer, 1> pieces{asio::buffer(out)};
    return write(pieces);
  }

  Status receive_head() override {
    if (!finished_) return usage_error("receive_head before finish");
    if (status_) return usage_error("the response head was already received");
    return read_head(request_.method == "HEAD");
  }

  // Pulls the body from request.body (if any) and finishes.
  Status send_body(const ClientRequest& request) {
    if (request.body) {
      std::vector<uint8_t> buf(16 * 1024);
      for (;;) {
        WASMCAP_ASSIGN(size_t n, request.body(buf));
        if (n > buf.size()) return usage_error("the body source returned more than asked");
        if (n == 0) break;
        WASMCAP_TRY(write_body({buf.data(), n}));
      }
    }
    return finish(request.trailers);
  }

  Status read_head(bool head_request) {
    auto deadline = std::chrono::steady_clock::now() + timeouts_.first_byte;
    for (;;) {
      parser_.emplace();
      parser_->header_limit(64 * 1024);
      parser_->body_limit(boost::none); // streamed: the reader decides how much it wants
      if (head_request) parser_->skip(true);
      error_code ec = run(deadline, [&](auto done) {
        bhttp::async_read_header(stream_, buffer_, *parser_,
                                 [done](error_code e, size_t) { done(e); });
      });
      if (ec) return io_error("reading the response head: " + message(ec));
      unsigned status = parser_->get().result_int();
      if (status / 100 != 1 || status == 101) break;
      // 100 Continue and other interim responses: the final one follows.
    }
    auto& res = parser_->get();
    if (res.result_int() < 100 || res.result_int() > 999)
      return io_error("invalid response status");
    status_ = static_cast<uint16_t>(res.result_int());
    for (const auto& field : res)
      headers_.emplace_back(std::string(field.name_string()), std::string(field.value()));
    head_fields_ = headers_.size();
    return ok();
  }

  uint16_t status() const override { return status_; }
  const Headers& headers() const override { return headers_; }
  Headers trailers() const override { return trailers_; }

  Result<size_t> read_body(std::span<uint8_t> buf) override {
    if (failed_) return io_error("the response body failed earlier");
    if (buf.empty()) return size_t{0};
    while (!parser_->is_done()) {
      auto& body = parser_->get().body();
      body.data = buf.data();
      body.size = buf.size();
      auto deadline = std::chrono::steady_clock::now() + timeouts_.between_bytes;
      error_code ec = run(deadline, [&](auto done) {
        bhttp::async_read_some(stream_, buffer_, *parser_,
                               [done](error_code e, size_t) { done(e); });
      });
      if (ec == bhttp::error::need_buffer) ec = {};
      // A TLS peer that closes without close_notify ends a body delimited by the close.
      if (ec == ssl::error::stream_truncated && parser_->need_eof()) parser_->put_eof(ec);
      size_t got = buf.size() - parser_->get().body().size;
      if (ec) {
        failed_ = true;
        return io_error("reading the response body: " + message(ec));
      }
      if (parser_->is_done()) collect_trailers();
      if (got) return got;
    }
    return size_t{0};
  }

private:
  static constexpr bool kTls = !std::is_same_v<Stream, tcp::socket>;

  Stream make_stream() {
    if constexpr (kTls) {
      tls.set_default_verify_paths();
      error_code ignored;
      tls.add_verify_path("/etc/ssl/certs", ignored); // Debian's store, whatever OpenSSL's default
      return Stream(ioc, tls);
    } else {
      return Stream(ioc);
    }
  }

  tcp::socket& socket() {
    if constexpr (kTls)
      return stream_.next_layer();
    else
      return stream_;
  }

  static std::string message(const error_code& ec) {
    if (ec == asio::error::timed_out) return "timed out";
    return ec.message();
  }

  // Runs one asynchronous operation to completion or until the deadline, when the connection is
  // closed (so the operation ends) and the result is timed_out.
  // `resolver`, when given, is cancelled too; getaddrinfo itself cannot be interrupted, so a
  // resolution can overrun its deadline by the resolver's own timeouts (resolv.conf).
  template <class Start>
  error_code run(std::chrono::steady_clock::time_point deadline, Start start,
                 tcp::resolver* resolver = nullptr) {
    error_code result;
    bool timed_out = false;
    asio::steady_timer timer(ioc, deadline);
    timer.async_wait([&](error_code ec) {
      if (ec) return;
      timed_out = true;
      error_code ignored;
      socket().close(ignored);
      if (resolver) resolver->cancel();
    });
    start([&](error_code ec) {
      result = ec;
      timer.cancel();
    });
    ioc.restart();
    ioc.run();
    if (timed_out) {
      failed_ = true;
      return asio::error::timed_out;
    }
    return result;
  }

  template <class Buffers> Status write(const Buffers& buffers) {
    auto deadline = std::chrono::steady_clock::now() + timeouts_.between_bytes;
    error_code ec = run(deadline, [&](auto done) {
      asio::async_write(stream_, buffers, [done](error_code e, size_t) { done(e); });
    });
    if (ec) {
      failed_ = true;
      return io_error("sending the request: " + message(ec));
    }
    return ok();
  }

  Result<std::string> take_head(bool empty_body) {
    // A request found to have no body: no chunked framing, and Content-Length: 0 only for methods
    // that usually carry one.
    if (empty_body && chunked_) {
      chunked_ = false;
      const std::string& m = request_.method;
      if (m != "GET" && m != "HEAD" && m != "DELETE" && m != "OPTIONS" && m != "TRACE")
        request_.content_length = 0;
    }
    head_sent_ = true;
    return request_head(request_, chunked_);
  }

  void collect_trailers() {
    size_t i = 0;
    for (const auto& field : parser_->get())
      if (i++ >= head_fields_)
        trailers_.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }

  Stream stream_;
  ClientTimeouts timeouts_;
  boost::beast::flat_buffer buffer_;
  std::optional<bhttp::response_parser<bhttp::buffer_body>> parser_;
  uint16_t status_ = 0;
  Headers headers_, trailers_;
  size_t head_fields_ = 0;
  ClientRequest request_;
  bool chunked_ = false, head_sent_ = false, finished_ = false, failed_ = false;
  uint64_t sent_ = 0;
};

template <class Stream>
Result<std::unique_ptr<Call<Stream>>> start_on(const ClientRequest& request, const Target& target,
                                               const ClientTimeouts& timeouts) {
  auto call = std::make_unique<Call<Stream>>(timeouts);
  call->set_request(request);
  WASMCAP_TRY(call->connect(target));
  return call;
}

template <class Stream>
Result<std::unique_ptr<ClientResponse>> send_on(const ClientRequest& request, const Target& target,
                                                const ClientTimeouts& timeouts) {
  WASMCAP_ASSIGN(auto call, start_on<Stream>(request, target, timeouts));
  WASMCAP_TRY(call->send_body(request));
  WASMCAP_TRY(call->receive_head());
  return std::unique_ptr<ClientResponse>(std::move(call));
}

} // namespace

Result<std::unique_ptr<ClientCall>> start(const ClientRequest& request,
                                          const ClientTimeouts& timeouts) {
  WASMCAP_ASSIGN(Target target, parse_target(request));
  // Checked now rather than at the first write: a bad head is the caller's error, not the peer's.
  WASMCAP_TRY(request_head(request, true));
  if (target.tls) {
    WASMCAP_ASSIGN(auto call, start_on<ssl::stream<tcp::socket>>(request, target, timeouts));
    return std::unique_ptr<ClientCall>(std::move(call));
  }
  WASMCAP_ASSIGN(auto call, start_on<tcp::socket>(request, target, timeouts));
  return std::unique_ptr<ClientCall>(std::move(call));
}

Result<std::unique_ptr<ClientResponse>> send(const ClientRequest& request,
                                             const ClientTimeouts& timeouts) {
  WASMCAP_ASSIGN(Target target, parse_target(request));
  WASMCAP_TRY(request_head(request, true));
  if (target.tls) return send_on<ssl::stream<tcp::socket>>(request, target, timeouts);
  return send_on<tcp::socket>(request, target, timeouts);
}

} // namespace wasmcap::http

// Serving wasi:http (WASI 0.2's `wasi:http/proxy` world), the way `wasmcap serve` does it:
// an HttpProxy holds a component checked once (decoded, validated, compiled, its imports known
// to be servable) and handles each request on a fresh Store and instance, as `wasmtime serve`
// does (a handler answers once per instance). The request and its response travel through an
// HttpExchange, which the HTTP server implements (src/http, docs/serve.md); this header is
// standard-library only, so the server, the WASI host and embedders share it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "wasmcap/error.h"

namespace wasmcap {

class Engine;
class Component;
struct WasiConfig;

// Header fields in order, names as sent (compared case-insensitively), a name may repeat.
using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

struct HttpRequestHead {
  std::string method;    // "GET", "POST", ... as sent
  std::string target;    // path and query as sent ("/a/b?x=1")
  std::string scheme;    // "http" or "https"
  std::string authority; // the Host header ("" if none)
  HttpHeaders headers;
  std::string remote; // the peer's "ip:port"
};

// One request and its response, driven from the thread that runs the handler. Blocking calls
// wait for the connection underneath; errors mean the client is gone, a timeout or a limit.
class HttpExchange {
public:
  virtual ~HttpExchange() = default;
  virtual const HttpRequestHead& request() const = 0;
  // The request body's length if the client declared one.
  virtual std::optional<uint64_t> request_content_length() const = 0;
  // The next bytes of the request body into `buf`, waiting for at least one; 0 = the end.
  virtual Result<size_t> read_body(std::span<uint8_t> buf) = 0;
  // Waits up to `timeout_ms` (-1: no limit) until read_body would not block; true if so.
  virtual bool wait_body(int timeout_ms) = 0;
  // Starts the response: `headers` with a Content-Length give a fixed-length body, otherwise
  // the body is chunked. Once.
  virtual Status start_response(uint16_t status, const HttpHeaders& headers) = 0;
  // Sends body bytes, waiting while the client is not reading (back-pressure).
  virtual Status write_body(std::span<const uint8_t> data) = 0;
  // Ends the body (trailers only with a chunked body).
  virtual Status finish(const HttpHeaders& trailers) = 0;
  virtual bool response_started() const = 0;
  // The handler failed: a `status` response with `message` as its text body if nothing was sent
  // yet; otherwise the connection is closed, so the client sees an incomplete response.
  virtual void fail(uint16_t status, std::string_view message) = 0;
};

// Which hosts a guest may send requests to (wasi:http/outgoing-handler). Nothing by default.
// A pattern is `HOST` or `HOST:PORT`; HOST may start with `*.` (any subdomain, not the domain
// itself) or be `*` (any host); without a port, 80 and 443 are allowed.
struct HttpGrants {
  std::vector<std::string> hosts;
  bool allows(std::string_view host, uint16_t port) const;
  bool empty() const { return hosts.empty(); }
};
// Checks one --allow-http pattern (Usage error saying what is expected).
Status check_http_pattern(std::string_view pattern);

class HttpProxy {
public:
  // Checks that `component` exports wasi:http/incoming-handler (any 0.2.x) and that every import
  // can be served under `config` (by instantiating it once).
  static Result<HttpProxy> create(const Engine& engine, const Component& component,
                                  const WasiConfig& config);
  // Handles one request on a fresh Store and instance of the engine's limits (fuel, timeout,
  // memory apply per request). Thread-safe. An error (the handler trapped, hit a limit, or never
  // answered) has already been answered: a 500 if nothing was sent, else a closed connection.
  Status handle(HttpExchange& exchange) const;
  // Interrupts every handler running now (they end with the trap "interrupted"; the engine must
  // compile interruption checks: Config::interruptible, timeout_ms or fuel). For shutdown.
  void interrupt_all() const;

private:
  struct Impl;
  explicit HttpProxy(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<const Impl> impl_;
};

} // namespace wasmcap

// A small blocking HTTP/1.1 client for outgoing requests (wasi:http/outgoing-handler under
// `wasmcap serve`, docs/serve.md): one connection per request, a streamed request body (pulled
// from a callback by send(), or pushed through a ClientCall), a streamed response body,
// connect/first-byte/between-bytes timeouts, and HTTPS through OpenSSL (certificates checked
// against the system store, SNI, host name check). Boost stays out of this header.
#pragma once

#include "http/server.h"

namespace wasmcap::http {

struct ClientRequest {
  std::string method = "GET";
  std::string scheme = "http"; // "http" or "https"
  std::string authority;       // "host" or "host:port" (the Host header); "[v6]:port" too
  std::string path_with_query = "/";
  Headers headers; // Host, Content-Length and Transfer-Encoding are set by the client
  // The body's length when known (sent as Content-Length); else the body is chunked, or sent
  // without framing when it turns out empty.
  std::optional<uint64_t> content_length;
  // For send(): the body, pulled in pieces: fills buf and returns the count, 0 at the end.
  // Empty = no body.
  std::function<Result<size_t>(std::span<uint8_t> buf)> body;
  Headers trailers; // sent after a chunked body
};

struct ClientTimeouts {
  std::chrono::milliseconds connect{10000};       // resolve + TCP connect + TLS handshake
  std::chrono::milliseconds first_byte{30000};    // request sent -> response head complete
  std::chrono::milliseconds between_bytes{30000}; // max gap while sending or receiving a body
};

class ClientResponse {
public:
  virtual ~ClientResponse() = default;
  virtual uint16_t status() const = 0;
  virtual const Headers& headers() const = 0;
  // The next body bytes into buf, blocking; 0 = end of the body.
  virtual Result<size_t> read_body(std::span<uint8_t> buf) = 0;
  // The trailers of a chunked body, complete once read_body returned 0.
  virtual Headers trailers() const = 0;
};

// A request whose body is pushed by the caller (wasi:http's outgoing-body is written by the guest):
// start() connects; the head goes out with the first body bytes or finish(); after finish(),
// receive_head() waits for the response head, and the call is then read as a ClientResponse.
// Framing: request.content_length given = fixed length (a mismatch is an error), else chunked
// (or no body at all when finish() comes before any bytes).
class ClientCall : public ClientResponse {
public:
  virtual Status write_body(std::span<const uint8_t> data) = 0; // blocks (between_bytes)
  virtual Status finish(const Headers& trailers) = 0;           // trailers only when chunked
  virtual Status receive_head() = 0;                            // waits up to first_byte
};

// Errors: Io (DNS, connect, TLS, timeouts, malformed response), Usage (a bad request: unknown
// scheme, invalid header, a body of the wrong length). request.body is not used by start().
Result<std::unique_ptr<ClientCall>> start(const ClientRequest& request,
                                          const ClientTimeouts& timeouts);
// The whole exchange up to the response head, pulling the body from request.body; the response
// body is then read from the result.
Result<std::unique_ptr<ClientResponse>> send(const ClientRequest& request,
                                             const ClientTimeouts& timeouts);

} // namespace wasmcap::http

// Test helper for the HTTP tests: a blocking TCP connection with a receive timeout, and a parser
// of HTTP/1.1 responses that is independent of the server's code (so the tests see the bytes).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace wasmcap::http::test {

struct RawResponse {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers; // names lower-cased
  std::string body;
  std::vector<std::pair<std::string, std::string>> trailers;
  bool chunked = false;
  // The first value of a header, or nullopt.
  std::optional<std::string> header(const std::string& lower_name) const;
  size_t count(const std::string& lower_name) const;
};

class RawSocket {
public:
  explicit RawSocket(uint16_t port,
                     std::chrono::milliseconds recv_timeout = std::chrono::seconds(5));
  ~RawSocket();
  RawSocket(const RawSocket&) = delete;
  RawSocket& operator=(const RawSocket&) = delete;

  bool ok() const { return fd_ >= 0; }
  bool send(const std::string& bytes); // false on an error (e.g. the server closed)
  // One response; nullopt on timeout, close before a whole head, or a malformed response.
  // head_request: no body follows (the answer to HEAD).
  std::optional<RawResponse> read_response(bool head_request = false);
  // True when the server closed the connection (EOF or reset) within the receive timeout,
  // after any buffered bytes.
  bool closed_by_peer();
  void shutdown_write();
  void close();
  std::string& pending() { return buf_; }

private:
  bool fill(); // reads more into buf_; false on EOF/error/timeout
  bool read_line(std::string* line);
  bool read_exact(size_t n, std::string* out);

  int fd_ = -1;
  std::string buf_;
  bool eof_ = false;
};

} // namespace wasmcap::http::test

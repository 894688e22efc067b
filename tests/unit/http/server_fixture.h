// Shared by the HTTP server tests: a server on 127.0.0.1 port 0 with short timeouts and small
// thread counts, plus handler helpers.
#pragma once

#include "http/server.h"
#include "raw_socket.h"

#include <gtest/gtest.h>

#include <string>

namespace wasmcap::http::test {

inline ServerOptions test_options() {
  ServerOptions o;
  o.addr = "127.0.0.1:0";
  o.io_threads = 2;
  o.handler_threads = 4;
  o.limits.header_timeout = std::chrono::milliseconds(2000);
  o.limits.idle_timeout = std::chrono::milliseconds(2000);
  o.limits.body_timeout = std::chrono::milliseconds(2000);
  return o;
}

inline std::unique_ptr<Server> start_server(Handler handler, ServerOptions o = test_options()) {
  auto server = Server::start(std::move(o), std::move(handler));
  EXPECT_TRUE(server.has_value()) << (server ? "" : server.error().to_string());
  return server ? std::move(server).value() : nullptr;
}

// Reads the whole request body; "" with *error set on failure.
inline std::string read_all(Exchange& ex, std::string* error = nullptr) {
  std::string body;
  uint8_t buf[8192];
  for (;;) {
    auto n = ex.read_body(buf);
    if (!n) {
      if (error) *error = n.error().message;
      return body;
    }
    if (*n == 0) return body;
    body.append(reinterpret_cast<const char*>(buf), *n);
  }
}

inline std::span<const uint8_t> bytes(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

// A whole response with a Content-Length.
inline void respond(Exchange& ex, uint16_t status, const std::string& body, Headers headers = {}) {
  headers.emplace_back("Content-Length", std::to_string(body.size()));
  auto started = ex.start_response(status, headers);
  ASSERT_TRUE(started) << started.error().message;
  auto written = ex.write_body(bytes(body));
  ASSERT_TRUE(written) << written.error().message;
  auto finished = ex.finish({});
  ASSERT_TRUE(finished) << finished.error().message;
}

inline std::string get_request(const std::string& target, const std::string& extra = "") {
  return "GET " + target + " HTTP/1.1\r\nHost: test\r\n" + extra + "\r\n";
}

} // namespace wasmcap::http::test

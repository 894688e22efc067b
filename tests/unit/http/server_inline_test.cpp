// Handlers run inline on the I/O thread that read their request (ServerOptions::inline_handlers,
// src/http/lanes.cpp): a handler that runs long or waits does not hold up the other connections
// of its I/O thread (the thread's work is taken over), many short and long ones mixed on one
// I/O thread are all answered in order, and the same requests are served with inline handlers
// off.
#include "server_fixture.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

namespace wasmcap::http::test {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

ServerOptions one_io_thread(bool inline_handlers) {
  auto o = test_options();
  o.io_threads = 1; // every connection on the same lane
  o.handler_threads = 2;
  o.inline_handlers = inline_handlers;
  return o;
}

class InlineTest : public ::testing::TestWithParam<bool> {};

// /slow computes (sleeps, no I/O) for 600 ms; a request on another connection of the same I/O
// thread is answered meanwhile, well before /slow is.
TEST_P(InlineTest, ALongHandlerDoesNotHoldUpItsIoThread) {
  std::atomic<bool> slow_entered{false};
  auto server = start_server(
      [&](Exchange& ex) {
        if (ex.request().target == "/slow") {
          slow_entered = true;
          std::this_thread::sleep_for(600ms);
        }
        respond(ex, 200, ex.request().target);
      },
      one_io_thread(GetParam()));
  RawSocket a(server->port()), b(server->port());
  ASSERT_TRUE(a.send(get_request("/slow")));
  for (int i = 0; i < 200 && !slow_entered; ++i)
    std::this_thread::sleep_for(5ms);
  ASSERT_TRUE(slow_entered);
  const auto t0 = Clock::now();
  ASSERT_TRUE(b.send(get_request("/fast")));
  auto rb = b.read_response();
  const auto waited = Clock::now() - t0;
  ASSERT_TRUE(rb);
  EXPECT_EQ(rb->body, "/fast");
  EXPECT_LT(waited, 400ms) << "the fast request waited for the slow one";
  auto ra = a.read_response();
  ASSERT_TRUE(ra);
  EXPECT_EQ(ra->body, "/slow");
}

// A response written before the handler computes for a while reaches the client before the
// handler returns (the I/O thread's new runner sends it).
TEST_P(InlineTest, WhatWasWrittenGoesOutWhileTheHandlerComputes) {
  std::atomic<bool> client_saw_first{false};
  auto server = start_server(
      [&](Exchange& ex) {
        ASSERT_TRUE(ex.start_response(200, {}));
        ASSERT_TRUE(ex.write_body(bytes("first;")));
        for (int i = 0; i < 400 && !client_saw_first; ++i)
          std::this_thread::sleep_for(5ms);
        ASSERT_TRUE(ex.write_body(bytes(client_saw_first ? "seen" : "unseen")));
        ASSERT_TRUE(ex.finish({}));
      },
      one_io_thread(GetParam()));
  // By hand: RawSocket reads whole responses, this needs the first bytes as they come.
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(server->port());
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  const std::string req = get_request("/", "Connection: close\r\n");
  ASSERT_EQ(::send(fd, req.data(), req.size(), MSG_NOSIGNAL), static_cast<ssize_t>(req.size()));
  std::string got;
  const auto deadline = Clock::now() + 3s;
  while (Clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 50) <= 0) continue;
    char buf[4096];
    const ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    got.append(buf, static_cast<size_t>(n));
    if (got.find("first;") != std::string::npos) client_saw_first = true;
  }
  close(fd);
  EXPECT_NE(got.find("first;"), std::string::npos) << got;
  EXPECT_NE(got.find("seen"), std::string::npos) << got;
  EXPECT_EQ(got.find("unseen"), std::string::npos) << "first; reached the client only at the end";
}

// Four keep-alive clients on one I/O thread, every tenth request computing for 2 ms (so the
// I/O thread changes hands again and again): every answer is the right one, in order.
TEST_P(InlineTest, ShortAndLongHandlersMixedOnOneIoThread) {
  std::atomic<int> count{0};
  auto server = start_server(
      [&](Exchange& ex) {
        if (++count % 10 == 0) std::this_thread::sleep_for(2ms);
        respond(ex, 200, ex.request().target);
      },
      one_io_thread(GetParam()));
  std::atomic<int> wrong{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < 4; ++c) {
    clients.emplace_back([&, c] {
      RawSocket s(server->port());
      for (int i = 0; i < 60; ++i) {
        const std::string target = "/" + std::to_string(c) + "/" + std::to_string(i);
        if (!s.send(get_request(target))) return (void)++wrong;
        auto r = s.read_response();
        if (!r || r->status != 200 || r->body != target) ++wrong;
      }
    });
  }
  for (auto& t : clients)
    t.join();
  EXPECT_EQ(wrong, 0);
  EXPECT_EQ(count, 240);
  EXPECT_EQ(server->stats().requests, 240u);
}

INSTANTIATE_TEST_SUITE_P(Handlers, InlineTest, ::testing::Values(true, false),
                         [](const auto& info) {
                           return info.param ? "Inline" : "OnHandlerThreads";
                         });

} // namespace
} // namespace wasmcap::http::test

// The HTTP server's limits and failure paths: 400/431/413/503, slowloris and idle timeouts,
// clients that vanish mid-body or mid-response, stop() with requests in flight, many
// connections at once, bind errors.
#include "server_fixture.h"

#include <atomic>
#include <future>
#include <thread>

namespace wasmcap::http::test {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

TEST(HttpServerLimits, GarbageGets400AndClose) {
  std::atomic<int> calls{0};
  auto server = start_server([&](Exchange& ex) { ++calls, respond(ex, 200, ""); });
  RawSocket s(server->port());
  ASSERT_TRUE(s.send("\x01\x02 NOT HTTP\r\n\r\n"));
  auto r = s.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(r->header("connection"), "close");
  EXPECT_TRUE(s.closed_by_peer());
  EXPECT_EQ(calls, 0);
  EXPECT_EQ(server->stats().bad_requests, 1u);
}

TEST(HttpServerLimits, MissingHostIn11Is400) {
  auto server = start_server([](Exchange& ex) { respond(ex, 200, ""); });
  RawSocket s(server->port());
  ASSERT_TRUE(s.send("GET / HTTP/1.1\r\n\r\n"));
  auto r = s.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
}

// Request smuggling: framing the server and a proxy in front could read differently.
TEST(HttpServerLimits, AmbiguousBodyFramingIs400) {
  std::atomic<int> calls{0};
  auto server = start_server([&](Exchange& ex) { ++calls, respond(ex, 200, ""); });
  for (const char* head :
       {"Content-Length: 3\r\nTransfer-Encoding: chunked\r\n",
        "Content-Length: 3\r\nContent-Length: 4\r\n", "Transfer-Encoding: gzip\r\n"}) {
    RawSocket s(server->port());
    ASSERT_TRUE(s.send(std::string("POST / HTTP/1.1\r\nHost: t\r\n") + head + "\r\n0\r\n\r\n"));
    auto r = s.read_response();
    ASSERT_TRUE(r) << head;
    EXPECT_EQ(r->status, 400) << head;
  }
  EXPECT_EQ(calls, 0);
}

TEST(HttpServerLimits, HugeHeadIs431) {
  auto options = test_options();
  options.limits.max_header_bytes = 4096;
  auto server = start_server([](Exchange& ex) { respond(ex, 200, ""); }, options);
  RawSocket s(server->port());
  ASSERT_TRUE(s.send("GET / HTTP/1.1\r\nHost: t\r\nX-Big: " + std::string(8000, 'a') + "\r\n\r\n"));
  auto r = s.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 431);
  EXPECT_TRUE(s.closed_by_peer());
}

TEST(HttpServerLimits, DeclaredBodyOverTheLimitIs413WithoutCallingTheHandler) {
  auto options = test_options();
  options.limits.max_request_body = 1000;
  std::atomic<int> calls{0};
  auto server = start_server([&](Exchange& ex) { ++calls, respond(ex, 200, ""); }, options);
  RawSocket s(server->port());
  ASSERT_TRUE(s.send("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 5000\r\n\r\n" +
                     std::string(5000, 'x')));
  auto r = s.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_EQ(calls, 0);
}

TEST(HttpServerLimits, ChunkedBodyOverTheLimitIs413AndTheHandlerSeesAnError) {
  auto options = test_options();
  options.limits.max_request_body = 1000;
  std::promise<std::string> error;
  auto server = start_server(
      [&](Exchange& ex) {
        std::string why;
        read_all(ex, &why);
        error.set_value(why);
        ex.fail(500, "the handler's own answer"); // the server's 413 wins
      },
      options);
  RawSocket s(server->port());
  std::string chunk = "400\r\n" + std::string(1024, 'y') + "\r\n";
  ASSERT_TRUE(
      s.send("POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk + chunk));
  auto r = s.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  auto f = error.get_future();
  ASSERT_EQ(f.wait_for(2s), std::future_status::ready);
  EXPECT_NE(f.get().find("too large"), std::string::npos);
}

TEST(HttpServerLimits, MalformedChunkIs400) {
  auto server = start_server([](Exchange& ex) {
    std::string why;
    read_all(ex, &why);
    EXPECT_FALSE(why.empty());
  });
  RawSocket s(server->port());
  ASSERT_TRUE(s.send("POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"));
  auto r = s.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
}

TEST(HttpServerLimits, FullQueueGets503) {
  auto options = test_options();
  options.handler_threads = 1;
  options.limits.max_queue = 1;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<int> entered{0};
  auto server = start_server(
      [&](Exchange& ex) {
        ++entered;
        released.wait();
        respond(ex, 200, "done");
      },
      options);
  RawSocket a(server->port()), b(server->port()), c(server->port());
  ASSERT_TRUE(a.send(get_request("/a")));
  for (int i = 0; i < 200 && entered == 0; ++i)
    std::this_thread::sleep_for(5ms);
  ASSERT_TRUE(b.send(get_request("/b")));
  for (int i = 0; i < 200 && server->stats().queued == 0; ++i)
    std::this_thread::sleep_for(5ms);
  EXPECT_EQ(server->stats().active, 1u);
  EXPECT_EQ(server->stats().queued, 1u);
  ASSERT_TRUE(c.send(get_request("/c")));
  auto rc = c.read_response();
  ASSERT_TRUE(rc);
  EXPECT_EQ(rc->status, 503);
  release.set_value();
  auto ra = a.read_response(), rb = b.read_response();
  ASSERT_TRUE(ra && rb);
  EXPECT_EQ(ra->status, 200);
  EXPECT_EQ(rb->status, 200);
  EXPECT_EQ(server->stats().rejected_503, 1u);
}

// Slowloris: one header byte every 100 ms never completes a head within header_timeout.
TEST(HttpServerLimits, SlowHeadIsCutOffAtTheHeaderTimeout) {
  auto options = test_options();
  options.limits.header_timeout = 300ms;
  auto server = start_server([](Exchange& ex) { respond(ex, 200, ""); }, options);
  RawSocket s(server->port(), 50ms);
  std::string head = get_request("/", "X-Slow: " + std::string(100, 's') + "\r\n");
  auto start = Clock::now();
  bool cut = false;
  for (char c : head) {
    if (!s.send(std::string(1, c)) || s.closed_by_peer()) {
      cut = true;
      break;
    }
    if (Clock::now() - start > 2s) break;
    std::this_thread::sleep_for(50ms); // with the 50 ms receive wait: a byte per ~100 ms
  }
  auto took = Clock::now() - start;
  EXPECT_TRUE(cut);
  EXPECT_GE(took, 250ms);
  EXPECT_LT(took, 900ms);
}

TEST(HttpServerLimits, IdleKeepAliveConnectionIsClosed) {
  auto options = test_options();
  options.limits.idle_timeout = 200ms;
  auto server = start_server([](Exchange& ex) { respond(ex, 200, ""); }, options);
  RawSocket s(server->port(), 2s);
  ASSERT_TRUE(s.send(get_request("/")));
  ASSERT_TRUE(s.read_response());
  auto start = Clock::now();
  EXPECT_TRUE(s.closed_by_peer());
  EXPECT_LT(Clock::now() - start, 1s);
  EXPECT_GE(Clock::now() - start, 150ms);
}

TEST(HttpServerLimits, ClientGoneMidBodyMakesReadBodyFail) {
  std::promise<std::string> error;
  auto server = start_server([&](Exchange& ex) {
    std::string why;
    std::string got = read_all(ex, &why);
    error.set_value(why.empty() ? "no error after " + std::to_string(got.size()) : "error");
  });
  {
    RawSocket s(server->port());
    ASSERT_TRUE(s.send("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 100000\r\n\r\n" +
                       std::string(1000, 'x')));
    std::this_thread::sleep_for(50ms);
  } // closed
  auto f = error.get_future();
  ASSERT_EQ(f.wait_for(2s), std::future_status::ready);
  EXPECT_EQ(f.get(), "error");
}

TEST(HttpServerLimits, StalledBodyTimesOut) {
  auto options = test_options();
  options.limits.body_timeout = 200ms;
  std::promise<std::string> error;
  auto server = start_server(
      [&](Exchange& ex) {
        std::string why;
        read_all(ex, &why);
        error.set_value(why);
      },
      options);
  RawSocket s(server->port());
  ASSERT_TRUE(s.send("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\nabc"));
  auto f = error.get_future();
  ASSERT_EQ(f.wait_for(2s), std::future_status::ready);
  EXPECT_FALSE(f.get().empty());
}

// The client closes while the handler streams a large response: write_body fails (and SIGPIPE
// does not end the process).
TEST(HttpServerLimits, ClientGoneMidResponseMakesWriteBodyFail) {
  std::promise<bool> failed;
  auto server = start_server([&](Exchange& ex) {
    ASSERT_TRUE(ex.start_response(200, {}));
    std::vector<uint8_t> piece(64 * 1024, 'z');
    for (int i = 0; i < 4096; ++i)
      if (!ex.write_body(piece)) return failed.set_value(true);
    failed.set_value(false);
  });
  {
    RawSocket s(server->port());
    ASSERT_TRUE(s.send(get_request("/")));
    std::this_thread::sleep_for(50ms);
  }
  auto f = failed.get_future();
  ASSERT_EQ(f.wait_for(5s), std::future_status::ready);
  EXPECT_TRUE(f.get());
}

TEST(HttpServerLimits, StopLetsAnInFlightRequestFinish) {
  std::promise<void> entered;
  auto server = start_server([&](Exchange& ex) {
    entered.set_value();
    std::this_thread::sleep_for(200ms);
    respond(ex, 200, "finished");
  });
  RawSocket s(server->port());
  ASSERT_TRUE(s.send(get_request("/")));
  entered.get_future().wait();
  auto start = Clock::now();
  std::thread stopper([&] { server->stop(5s); });
  auto r = s.read_response();
  stopper.join();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "finished");
  EXPECT_EQ(r->header("connection"), "close"); // no keep-alive while stopping
  EXPECT_LT(Clock::now() - start, 3s);
  server->wait(); // returns: stopped
  RawSocket after(server->port());
  EXPECT_FALSE(after.ok() && after.send(get_request("/")) && after.read_response());
}

TEST(HttpServerLimits, StopClosesWhatOutlivesTheGrace) {
  std::promise<std::string> error;
  auto server = start_server([&](Exchange& ex) {
    std::string why;
    read_all(ex, &why); // the body never comes
    error.set_value(why);
  });
  RawSocket s(server->port());
  ASSERT_TRUE(s.send("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\n"));
  std::this_thread::sleep_for(50ms);
  auto start = Clock::now();
  server->stop(100ms);
  EXPECT_LT(Clock::now() - start, 1s);
  auto f = error.get_future();
  ASSERT_EQ(f.wait_for(1s), std::future_status::ready);
  EXPECT_FALSE(f.get().empty());
  server->stop(0ms); // idempotent
}

TEST(HttpServerLimits, TwoHundredConcurrentConnections) {
  auto server = start_server([](Exchange& ex) { respond(ex, 200, ex.request().target); });
  std::vector<std::unique_ptr<RawSocket>> sockets;
  for (int i = 0; i < 200; ++i) {
    sockets.push_back(std::make_unique<RawSocket>(server->port()));
    ASSERT_TRUE(sockets.back()->ok());
  }
  for (int i = 0; i < 200; ++i)
    ASSERT_TRUE(sockets[i]->send(get_request("/" + std::to_string(i))));
  for (int i = 0; i < 200; ++i) {
    auto r = sockets[i]->read_response();
    ASSERT_TRUE(r) << i;
    EXPECT_EQ(r->body, "/" + std::to_string(i));
  }
  EXPECT_EQ(server->stats().requests, 200u);
}

TEST(HttpServerLimits, ConnectionsOverTheLimitAreClosed) {
  auto options = test_options();
  options.limits.max_connections = 2;
  auto server = start_server([](Exchange& ex) { respond(ex, 200, "ok"); }, options);
  RawSocket a(server->port()), b(server->port());
  ASSERT_TRUE(a.send(get_request("/")) && a.read_response()); // both registered
  ASSERT_TRUE(b.send(get_request("/")) && b.read_response());
  RawSocket c(server->port(), 1s);
  c.send(get_request("/"));
  EXPECT_FALSE(c.read_response());
}

TEST(HttpServerLimits, BindErrorsAreValuesNamingTheAddress) {
  auto first = start_server([](Exchange&) {});
  auto options = test_options();
  options.addr = "127.0.0.1:" + std::to_string(first->port());
  auto second = Server::start(options, [](Exchange&) {});
  ASSERT_FALSE(second);
  EXPECT_NE(second.error().message.find(options.addr), std::string::npos);
  options.addr = "not-an-ip:80";
  EXPECT_FALSE(Server::start(options, [](Exchange&) {}));
  options.addr = "127.0.0.1";
  EXPECT_FALSE(Server::start(options, [](Exchange&) {}));
}

} // namespace
} // namespace wasmcap::http::test

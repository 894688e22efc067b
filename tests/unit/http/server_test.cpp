// The HTTP server's protocol behaviour seen from raw sockets: requests and heads as the handler
// sees them, bodies both ways (fixed, chunked, trailers, several MB with back-pressure),
// keep-alive, pipelining, HEAD, HTTP/1.0, 100-continue, handler failures, the access log.
#include "server_fixture.h"

#include <atomic>
#include <future>
#include <regex>
#include <thread>

namespace wasmcap::http::test {
namespace {

TEST(HttpServer, GetSeesMethodTargetQueryAndMultiValuedHeaders) {
  auto server = start_server([](Exchange& ex) {
    const auto& r = ex.request();
    std::string body = r.method + " " + r.target + " " + r.scheme + " " + r.authority;
    for (const auto& [n, v] : r.headers)
      if (n == "X-Multi") body += " " + v;
    body += r.remote.rfind("127.0.0.1:", 0) == 0 ? " local" : " remote?";
    respond(ex, 200, body, {{"Set-Cookie", "a=1"}, {"Set-Cookie", "b=2"}});
  });
  RawSocket s(server->port());
  ASSERT_TRUE(s.send("GET /p/q?x=1&y=%20 HTTP/1.1\r\nHost: example.org:81\r\nX-Multi: one\r\n"
                     "X-Multi: two\r\n\r\n"));
  auto r = s.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "GET /p/q?x=1&y=%20 http example.org:81 one two local");
  EXPECT_EQ(r->count("set-cookie"), 2u);
  EXPECT_TRUE(r->header("date"));
}

TEST(HttpServer, PostWithContentLengthIsEchoed) {
  auto server = start_server([](Exchange& ex) {
    EXPECT_EQ(ex.request_content_length(), std::optional<uint64_t>(11));
    respond(ex, 201, "got:" + read_all(ex));
  });
  RawSocket s(server->port());
  ASSERT_TRUE(s.send("POST /x HTTP/1.1\r\nHost: t\r\nContent-Length: 11\r\n\r\nhello world"));
  auto r = s.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 201);
  EXPECT_EQ(r->body, "got:hello world");
}

TEST(HttpServer, ChunkedBodiesAndTrailersBothWays) {
  auto server = start_server([](Exchange& ex) {
    EXPECT_FALSE(ex.request_content_length());
    std::string body = read_all(ex);
    Headers trailers = ex.request_trailers();
    ASSERT_TRUE(ex.start_response(200, {{"X-Head", "h"}}));
    ASSERT_TRUE(ex.write_body(bytes(body)));
    ASSERT_TRUE(ex.write_body(bytes("!")));
    std::string got = trailers.size() == 1 ? trailers[0].first + "=" + trailers[0].second : "none";
    ASSERT_TRUE(ex.finish({{"X-Trailer", "ok"}, {"X-Got", got}}));
  });
  RawSocket s(server->port());
  ASSERT_TRUE(s.send("POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                     "5\r\nhello\r\n6\r\n world\r\n0\r\nX-Sum: 42\r\n\r\n"));
  auto r = s.read_response();
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->chunked);
  EXPECT_EQ(r->body, "hello world!");
  ASSERT_EQ(r->trailers.size(), 2u);
  EXPECT_EQ(r->trailers[0], (std::pair<std::string, std::string>{"x-trailer", "ok"}));
  EXPECT_EQ(r->trailers[1].second, "X-Sum=42");
}

// 8 MiB up and back down at once: the handler echoes piece by piece while the client is still
// sending, so neither side can buffer the whole thing.
TEST(HttpServer, LargeStreamedEchoBothWays) {
  auto server = start_server([](Exchange& ex) {
    ASSERT_TRUE(ex.start_response(200, {}));
    uint8_t buf[16384];
    for (;;) {
      auto n = ex.read_body(buf);
      ASSERT_TRUE(n);
      if (*n == 0) break;
      ASSERT_TRUE(ex.write_body({buf, *n}));
    }
    ASSERT_TRUE(ex.finish({}));
  });
  constexpr size_t kSize = 8 << 20;
  std::string body(kSize, '\0');
  for (size_t i = 0; i < kSize; ++i)
    body[i] = static_cast<char>(i * 7 + i / 4096);
  RawSocket s(server->port());
  std::thread writer([&] {
    s.send("PUT /echo HTTP/1.1\r\nHost: t\r\nContent-Length: " + std::to_string(kSize) +
           "\r\n\r\n");
    for (size_t off = 0; off < kSize; off += 100000)
      s.send(body.substr(off, 100000));
  });
  auto r = s.read_response();
  writer.join();
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->chunked);
  EXPECT_EQ(r->body.size(), kSize);
  EXPECT_TRUE(r->body == body);
}

// A client that does not read holds the handler back: write_body blocks once the socket buffers
// and the exchange's bounded queue are full.
TEST(HttpServer, WriteBodyBlocksWhileTheClientDoesNotRead) {
  constexpr size_t kTotal = 48 << 20;
  std::atomic<size_t> written{0};
  auto server = start_server([&](Exchange& ex) {
    ASSERT_TRUE(ex.start_response(200, {{"Content-Length", std::to_string(kTotal)}}));
    std::vector<uint8_t> piece(1 << 20, 'x');
    for (size_t i = 0; i < kTotal / piece.size(); ++i) {
      ASSERT_TRUE(ex.write_body(piece));
      written += piece.size();
    }
    ASSERT_TRUE(ex.finish({}));
  });
  RawSocket s(server->port());
  ASSERT_TRUE(s.send(get_request("/big")));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  // Kernel buffers on loopback hold a few MiB at most; far from all 48.
  EXPECT_LT(written.load(), kTotal / 2);
  auto r = s.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body.size(), kTotal);
  EXPECT_EQ(written.load(), kTotal);
}

TEST(HttpServer, KeepAliveServesSeveralRequestsOnOneConnection) {
  std::atomic<int> count{0};
  auto server = start_server([&](Exchange& ex) {
    respond(ex, 200, ex.request().target + " #" + std::to_string(++count));
  });
  RawSocket s(server->port());
  for (int i = 1; i <= 3; ++i) {
    ASSERT_TRUE(s.send(get_request("/r" + std::to_string(i))));
    auto r = s.read_response();
    ASSERT_TRUE(r) << i;
    EXPECT_EQ(r->body, "/r" + std::to_string(i) + " #" + std::to_string(i));
    EXPECT_FALSE(r->header("connection"));
  }
  EXPECT_EQ(server->stats().requests, 3u);
}

TEST(HttpServer, PipelinedRequestsAreAnsweredInOrder) {
  auto server = start_server([](Exchange& ex) {
    // The first one is slowest: order must come from the server, not from timing.
    if (ex.request().target == "/1") std::this_thread::sleep_for(std::chrono::milliseconds(50));
    respond(ex, 200, ex.request().target + ":" + read_all(ex));
  });
  RawSocket s(server->port());
  ASSERT_TRUE(s.send(get_request("/1") +
                     "POST /2 HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc" +
                     get_request("/3")));
  for (const char* want : {"/1:", "/2:abc", "/3:"}) {
    auto r = s.read_response();
    ASSERT_TRUE(r) << want;
    EXPECT_EQ(r->body, want);
  }
}

TEST(HttpServer, HeadSendsHeadersWithoutBody) {
  auto server = start_server([](Exchange& ex) { respond(ex, 200, "hello"); });
  RawSocket s(server->port());
  ASSERT_TRUE(s.send("HEAD / HTTP/1.1\r\nHost: t\r\n\r\n"));
  auto r = s.read_response(/*head_request=*/true);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->header("content-length"), "5");
  // Had the body been sent, it would be read as the start of this response.
  ASSERT_TRUE(s.send(get_request("/")));
  r = s.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "hello");
}

// Regression: a handler's Content-Length (any case) was sent as well as the server's own.
TEST(HttpServer, ContentLengthFromTheHandlerIsSentOnce) {
  auto server = start_server([](Exchange& ex) {
    ASSERT_TRUE(ex.start_response(200, {{"content-length", "2"}}));
    const uint8_t body[] = {'o', 'k'};
    ASSERT_TRUE(ex.write_body(body));
    ASSERT_TRUE(ex.finish({}));
  });
  RawSocket s(server->port());
  ASSERT_TRUE(s.send(get_request("/")));
  auto r = s.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->count("content-length"), 1u);
  EXPECT_EQ(r->body, "ok");
}

TEST(HttpServer, Http10GetsAClosingResponse) {
  auto server = start_server([](Exchange& ex) {
    EXPECT_EQ(ex.request().version, 10u);
    ASSERT_TRUE(ex.start_response(200, {}));
    ASSERT_TRUE(ex.write_body(bytes("old school")));
    ASSERT_TRUE(ex.finish({}));
  });
  RawSocket s(server->port());
  ASSERT_TRUE(s.send("GET / HTTP/1.0\r\n\r\n"));
  auto r = s.read_response();
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->chunked);
  EXPECT_EQ(r->body, "old school");
  EXPECT_EQ(r->header("connection"), "close");
}

TEST(HttpServer, Http10KeepAliveWithContentLength) {
  auto server = start_server([](Exchange& ex) { respond(ex, 200, "x"); });
  RawSocket s(server->port());
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(s.send("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
    auto r = s.read_response();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->header("connection"), "keep-alive");
  }
}

TEST(HttpServer, ExpectContinueIsAnsweredWhenTheHandlerReads) {
  auto server = start_server([](Exchange& ex) { respond(ex, 200, read_all(ex)); });
  RawSocket s(server->port());
  ASSERT_TRUE(s.send("POST / HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\n"
                     "Content-Length: 4\r\n\r\n"));
  auto r = s.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 100);
  ASSERT_TRUE(s.send("data"));
  r = s.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "data");
}

TEST(HttpServer, ExpectContinueWithoutReadingClosesAfterTheResponse) {
  auto server = start_server([](Exchange& ex) { respond(ex, 403, "no"); });
  RawSocket s(server->port());
  ASSERT_TRUE(s.send("POST / HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\n"
                     "Content-Length: 4\r\n\r\n"));
  auto r = s.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403); // no 100 first
  EXPECT_EQ(r->header("connection"), "close");
  EXPECT_TRUE(s.closed_by_peer());
}

TEST(HttpServer, UnreadBodyIsDrainedAndTheConnectionKept) {
  auto server = start_server([](Exchange& ex) { respond(ex, 200, ex.request().target); });
  RawSocket s(server->port());
  std::string body(20000, 'b');
  ASSERT_TRUE(s.send("POST /a HTTP/1.1\r\nHost: t\r\nContent-Length: 20000\r\n\r\n" + body));
  auto r = s.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "/a");
  ASSERT_TRUE(s.send(get_request("/b")));
  r = s.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "/b");
}

TEST(HttpServer, FailBeforeStartSendsTheStatusAndMessage) {
  auto server = start_server([](Exchange& ex) { ex.fail(502, "wasm trap: unreachable"); });
  RawSocket s(server->port());
  ASSERT_TRUE(s.send(get_request("/")));
  auto r = s.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 502);
  EXPECT_EQ(r->body, "wasm trap: unreachable\n");
  EXPECT_EQ(r->header("content-type"), "text/plain; charset=utf-8");
}

TEST(HttpServer, FailAfterStartTruncatesAndCloses) {
  auto server = start_server([](Exchange& ex) {
    ASSERT_TRUE(ex.start_response(200, {}));
    ASSERT_TRUE(ex.write_body(bytes("partial")));
    ex.fail(500, "trap");
    EXPECT_FALSE(ex.write_body(bytes("more")));
  });
  RawSocket s(server->port());
  ASSERT_TRUE(s.send(get_request("/")));
  EXPECT_FALSE(s.read_response()); // no terminating chunk
  EXPECT_TRUE(s.closed_by_peer());
}

TEST(HttpServer, ReturningWithoutResponseIs500AndWithoutFinishIsFinished) {
  auto server = start_server([](Exchange& ex) {
    if (ex.request().target == "/nothing") return;
    ASSERT_TRUE(ex.start_response(200, {}));
    ASSERT_TRUE(ex.write_body(bytes("unfinished")));
  });
  RawSocket s(server->port());
  ASSERT_TRUE(s.send(get_request("/nothing")));
  auto r = s.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 500);
  ASSERT_TRUE(s.send(get_request("/unfinished")));
  r = s.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "unfinished");
}

TEST(HttpServer, ShortFixedLengthBodyClosesTheConnection) {
  auto server = start_server([](Exchange& ex) {
    ASSERT_TRUE(ex.start_response(200, {{"Content-Length", "10"}}));
    ASSERT_TRUE(ex.write_body(bytes("12345")));
    EXPECT_FALSE(ex.write_body(bytes("123456"))); // over the length
    EXPECT_FALSE(ex.finish({}));                  // under it
  });
  RawSocket s(server->port());
  ASSERT_TRUE(s.send(get_request("/")));
  EXPECT_FALSE(s.read_response());
  EXPECT_TRUE(s.closed_by_peer());
}

TEST(HttpServer, InvalidResponseHeadersAreRefused) {
  auto server = start_server([](Exchange& ex) {
    EXPECT_FALSE(ex.start_response(200, {{"X-Evil", "a\r\nSet-Cookie: x"}}));
    EXPECT_FALSE(ex.start_response(200, {{"Bad Name", "v"}}));
    EXPECT_FALSE(ex.start_response(42, {}));
    respond(ex, 200, "fine");
  });
  RawSocket s(server->port());
  ASSERT_TRUE(s.send(get_request("/")));
  auto r = s.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "fine");
  EXPECT_FALSE(r->header("set-cookie"));
}

TEST(HttpServer, TryReadAndWaitReadable) {
  auto server = start_server([](Exchange& ex) {
    uint8_t buf[16];
    bool ended = true;
    auto n = ex.try_read_body(buf, &ended);
    ASSERT_TRUE(n);
    EXPECT_EQ(*n, 0u); // nothing sent yet
    EXPECT_FALSE(ended);
    auto soon = std::chrono::steady_clock::now() + std::chrono::milliseconds(20);
    auto ready = ex.wait_readable(soon);
    ASSERT_TRUE(ready);
    EXPECT_FALSE(*ready);
    ready = ex.wait_readable(std::chrono::steady_clock::now() + std::chrono::seconds(5));
    ASSERT_TRUE(ready);
    EXPECT_TRUE(*ready);
    respond(ex, 200, read_all(ex));
  });
  RawSocket s(server->port());
  ASSERT_TRUE(s.send("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\n"));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  ASSERT_TRUE(s.send("ok"));
  auto r = s.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "ok");
}

TEST(HttpServer, AccessLogHasOneLinePerRequest) {
  std::mutex mu;
  std::vector<std::string> lines;
  auto options = test_options();
  options.access_log = [&](const std::string& line) {
    std::lock_guard lock(mu);
    lines.push_back(line);
  };
  auto server = start_server([](Exchange& ex) { respond(ex, 200, "1234"); }, options);
  RawSocket s(server->port());
  ASSERT_TRUE(s.send(get_request("/path?q=1")));
  ASSERT_TRUE(s.read_response());
  ASSERT_TRUE(s.send("garbage\r\n\r\n"));
  ASSERT_TRUE(s.read_response());
  server->stop(std::chrono::milliseconds(0));
  std::lock_guard lock(mu);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_TRUE(std::regex_match(
      lines[0], std::regex(R"(127\.0\.0\.1:\d+ "GET /path\?q=1 HTTP/1\.1" 200 4 \d+\.\d\dms)")))
      << lines[0];
  EXPECT_TRUE(std::regex_match(lines[1], std::regex(R"(127\.0\.0\.1:\d+ "-" 400 \d+ .*ms)")))
      << lines[1];
}

// A stopped server no longer listens: a client is refused at once rather than connecting and
// waiting for an answer that never comes. Repeated because stop() used to post the close to an
// io_context it was stopping, so the close sometimes never ran (the socket stayed listening).
TEST(HttpServer, StopClosesTheListeningSocket) {
  for (int i = 0; i < 20; ++i) {
    auto server = start_server([](Exchange& ex) { respond(ex, 200, "hi"); });
    ASSERT_TRUE(server);
    const uint16_t port = server->port();
    server->stop(std::chrono::milliseconds(0));
    RawSocket s(port);
    EXPECT_FALSE(s.ok()) << "round " << i << ": port " << port << " still accepts connections";
  }
}

} // namespace
} // namespace wasmcap::http::test

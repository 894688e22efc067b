// HttpProxy (include/wasmcap/http.h) with the C test handler (handler.c) and an in-memory
// exchange: the wasi:http host's request, response, body and outparam rules, without sockets.
// The same handler is served over real sockets by the serve tests (serve_test.py).
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <iterator>
#include <thread>

#include "http/outgoing_client.h"
#include "http/server.h"
#include "wasmcap/http.h"
#include "wasmcap/wasmcap.hpp"

namespace wasmcap {
namespace {

class FakeExchange final : public HttpExchange {
public:
  FakeExchange(std::string method, std::string target, std::string body = "",
               HttpHeaders headers = {}) {
    head_.method = std::move(method);
    head_.target = std::move(target);
    head_.scheme = "http";
    head_.authority = "localhost";
    head_.headers = std::move(headers);
    head_.remote = "127.0.0.1:1";
    request_body_ = std::move(body);
  }
  const HttpRequestHead& request() const override { return head_; }
  std::optional<uint64_t> request_content_length() const override { return request_body_.size(); }
  Result<size_t> read_body(std::span<uint8_t> buf) override {
    const size_t n = std::min(buf.size(), request_body_.size() - read_);
    std::copy_n(request_body_.data() + read_, n, buf.data());
    read_ += n;
    return n;
  }
  bool wait_body(int) override { return true; }
  Status start_response(uint16_t code, const HttpHeaders& fields) override {
    if (started) return make_error(ErrorKind::Usage, "started twice");
    started = true;
    status = code;
    headers = fields;
    return ok();
  }
  Status write_body(std::span<const uint8_t> data) override {
    if (!started || finished) return make_error(ErrorKind::Usage, "write outside the body");
    body.append(reinterpret_cast<const char*>(data.data()), data.size());
    return ok();
  }
  Status finish(const HttpHeaders&) override {
    if (!started || finished) return make_error(ErrorKind::Usage, "finish twice");
    finished = true;
    return ok();
  }
  bool response_started() const override { return started; }
  void fail(uint16_t code, std::string_view message) override {
    failed = true;
    if (!started) {
      status = code;
      body = std::string(message);
    }
  }

  std::string header(std::string_view name) const {
    for (const auto& [n, v] : headers) {
      if (n == name) return v;
    }
    return "";
  }

  bool started = false, finished = false, failed = false;
  uint16_t status = 0;
  HttpHeaders headers;
  std::string body;

private:
  HttpRequestHead head_;
  std::string request_body_;
  size_t read_ = 0;
};

std::vector<uint8_t> handler_bytes() {
  std::ifstream in(WASMCAP_HTTP_HANDLER, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

// A request the handler must answer; on failure the message says why (the trap, the host error).
#define ASSERT_HANDLED(ex)                                                                         \
  do {                                                                                             \
    const Status handled_ = handle(ex);                                                            \
    ASSERT_TRUE(handled_) << handled_.error().to_string();                                         \
  } while (0)
#define EXPECT_HANDLED(ex)                                                                         \
  do {                                                                                             \
    const Status handled_ = handle(ex);                                                            \
    EXPECT_TRUE(handled_) << handled_.error().to_string();                                         \
  } while (0)

class ProxyTest : public ::testing::Test {
protected:
  void make(Config config = {}, WasiConfig wasi = {}) {
    engine_.emplace(config);
    auto c = Component::from_binary(*engine_, handler_bytes());
    ASSERT_TRUE(c) << c.error().to_string();
    component_.emplace(std::move(*c));
    auto p = HttpProxy::create(*engine_, *component_, wasi);
    ASSERT_TRUE(p) << p.error().to_string();
    proxy_.emplace(std::move(*p));
  }
  Status handle(FakeExchange& ex) { return proxy_->handle(ex); }

  std::optional<Engine> engine_;
  std::optional<Component> component_;
  std::optional<HttpProxy> proxy_;
};

TEST_F(ProxyTest, HelloHasStatusHeadersAndBody) {
  make();
  FakeExchange ex("GET", "/?x=1");
  ASSERT_HANDLED(ex);
  EXPECT_EQ(ex.status, 200);
  EXPECT_EQ(ex.body, "hello from a wasm handler\n");
  EXPECT_EQ(ex.header("content-type"), "text/plain");
  EXPECT_EQ(ex.header("content-length"), "26");
  EXPECT_TRUE(ex.finished);
  EXPECT_FALSE(ex.failed);
}

TEST_F(ProxyTest, EchoStreamsTheBodyBack) {
  make();
  std::string big(300000, '\0');
  for (size_t i = 0; i < big.size(); ++i)
    big[i] = static_cast<char>('a' + i % 26);
  FakeExchange ex("POST", "/echo", big);
  ASSERT_HANDLED(ex);
  EXPECT_EQ(ex.status, 200);
  EXPECT_EQ(ex.header("x-method"), "POST");
  EXPECT_EQ(ex.body, big);
  EXPECT_TRUE(ex.finished);
}

TEST_F(ProxyTest, OtherMethodsKeepTheirName) {
  make();
  FakeExchange ex("PROPFIND", "/echo");
  ASSERT_HANDLED(ex);
  EXPECT_EQ(ex.header("x-method"), "PROPFIND");
}

TEST_F(ProxyTest, HeadersAreListedLowerCasedAndMultiValued) {
  make();
  FakeExchange ex("GET", "/headers", "", {{"X-One", "1"}, {"x-two", "a"}, {"X-Two", "b"}});
  ASSERT_HANDLED(ex);
  EXPECT_EQ(ex.body, "x-one: 1\nx-two: a\nx-two: b\n");
}

TEST_F(ProxyTest, ResponseWithoutBodyIsComplete) {
  make();
  FakeExchange ex("GET", "/status/204");
  ASSERT_HANDLED(ex);
  EXPECT_EQ(ex.status, 204);
  EXPECT_TRUE(ex.finished);
  EXPECT_EQ(ex.body, "");
}

TEST_F(ProxyTest, BigBodyArrivesWhole) {
  make();
  FakeExchange ex("GET", "/big/1000000");
  ASSERT_HANDLED(ex);
  EXPECT_EQ(ex.body.size(), 1000000u);
  EXPECT_TRUE(ex.finished);
}

TEST_F(ProxyTest, TrapGives500AndTheTrap) {
  make();
  FakeExchange ex("GET", "/trap");
  auto s = handle(ex);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().kind, ErrorKind::Trap);
  EXPECT_TRUE(ex.failed);
  EXPECT_EQ(ex.status, 500);
  // The proxy keeps serving: the next request gets a fresh instance.
  FakeExchange next("GET", "/");
  EXPECT_HANDLED(next);
  EXPECT_EQ(next.status, 200);
}

TEST_F(ProxyTest, NoResponseIsA500) {
  make();
  FakeExchange ex("GET", "/silent");
  auto s = handle(ex);
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("set no response"), std::string::npos) << s.error().message;
  EXPECT_TRUE(ex.failed);
  EXPECT_EQ(ex.status, 500);
}

TEST_F(ProxyTest, UnfinishedBodyBreaksTheResponse) {
  make();
  FakeExchange ex("GET", "/unfinished");
  auto s = handle(ex);
  ASSERT_FALSE(s);
  EXPECT_TRUE(ex.started);
  EXPECT_TRUE(ex.failed);
  EXPECT_FALSE(ex.finished);
}

TEST_F(ProxyTest, OutgoingRequestWithoutGrantIsDenied) {
  make();
  FakeExchange ex("GET", "/outgoing/example.com");
  ASSERT_HANDLED(ex);
  EXPECT_EQ(ex.status, 403);
  EXPECT_EQ(ex.body, "denied\n");
}

TEST_F(ProxyTest, OutgoingRequestToAGrantedHostIsNotDenied) {
  WasiConfig wasi;
  wasi.http.hosts = {"*.example.com"};
  make({}, wasi);
  FakeExchange denied("GET", "/outgoing/example.com"); // *. matches subdomains only
  ASSERT_HANDLED(denied);
  EXPECT_EQ(denied.status, 403);
  FakeExchange granted("GET", "/outgoing/api.example.com");
  ASSERT_HANDLED(granted);
  EXPECT_NE(granted.status, 403);
}

// The handler's GET to a granted upstream (a server of src/http on a free port) goes out through
// the client `wasmcap serve` uses; the handler answers with what came back.
TEST_F(ProxyTest, OutgoingRequestReachesAGrantedUpstream) {
  http::ServerOptions so;
  so.addr = "127.0.0.1:0";
  so.io_threads = so.handler_threads = 1;
  auto upstream = http::Server::start(so, [](http::Exchange& ex) {
    const std::string body = "upstream says hi to " + ex.request().target;
    ASSERT_TRUE(ex.start_response(201, {{"content-length", std::to_string(body.size())}}));
    ASSERT_TRUE(ex.write_body({reinterpret_cast<const uint8_t*>(body.data()), body.size()}));
    ASSERT_TRUE(ex.finish({}));
  });
  ASSERT_TRUE(upstream) << upstream.error().to_string();
  const std::string host = "127.0.0.1:" + std::to_string((*upstream)->port());
  WasiConfig wasi;
  wasi.http.hosts = {host};
  wasi.http_client = http::make_outgoing_client();
  make({}, wasi);
  FakeExchange ex("GET", "/outgoing/" + host);
  ASSERT_HANDLED(ex);
  EXPECT_EQ(ex.status, 200);
  EXPECT_EQ(ex.body, "upstream 201: upstream says hi to /");
  // A port nobody listens on: connection-refused (error-code case 6) comes back to the guest.
  (*upstream)->stop(std::chrono::milliseconds(0));
  FakeExchange refused("GET", "/outgoing/" + host);
  ASSERT_HANDLED(refused);
  EXPECT_EQ(refused.status, 502);
  EXPECT_EQ(refused.body, "6");
}

TEST_F(ProxyTest, DeadlineStopsALoopingHandler) {
  Config config;
  config.timeout_ms = 100;
  make(config);
  FakeExchange ex("GET", "/loop");
  auto s = handle(ex);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().message, "interrupted");
  EXPECT_EQ(ex.status, 500);
}

TEST_F(ProxyTest, ConcurrentRequestsEachGetTheirOwnInstance) {
  make();
  std::vector<std::thread> threads;
  std::atomic<int> good{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 25; ++i) {
        FakeExchange ex("POST", "/echo", "request " + std::to_string(i));
        if (handle(ex) && ex.body == "request " + std::to_string(i)) ++good;
      }
    });
  }
  for (auto& t : threads)
    t.join();
  EXPECT_EQ(good.load(), 100);
}

// Nothing a handler changes survives its request: its data (a counter and a text in data
// segments, mapped from the module's copy-on-write image) and its zeroed memory (bss) read as
// initialised on every request, on each tier, also with requests running side by side.
TEST_F(ProxyTest, EveryRequestSeesTheInitialMemory) {
  for (Tier tier : {Tier::Interpreter, Tier::Jit}) {
    if (tier == Tier::Jit && Engine::jit_unavailable_reason()) continue;
    Config config;
    config.tier = tier;
    make(config);
    for (int i = 0; i < 5; ++i) {
      FakeExchange ex("GET", "/state");
      ASSERT_TRUE(handle(ex));
      EXPECT_EQ(ex.body, "counter 42, text initial, zeroed 1") << "request " << i;
    }
    std::vector<std::thread> threads;
    std::atomic<int> good{0};
    for (int t = 0; t < 3; ++t) {
      threads.emplace_back([&] {
        for (int i = 0; i < 20; ++i) {
          FakeExchange ex("GET", "/state");
          if (handle(ex) && ex.body == "counter 42, text initial, zeroed 1") ++good;
        }
      });
    }
    for (auto& t : threads)
      t.join();
    EXPECT_EQ(good.load(), 60);
  }
}

// Limits still hold per request on the pre-instantiated path: fuel runs out in /loop (a 500),
// and the next request has its own fuel again.
TEST_F(ProxyTest, LimitsStillApplyPerRequest) {
  Config fuel;
  fuel.fuel = 200000;
  make(fuel);
  FakeExchange loop("GET", "/loop");
  auto s = handle(loop);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().kind, ErrorKind::Exhaustion) << s.error().to_string();
  EXPECT_EQ(loop.status, 500);
  FakeExchange hello("GET", "/");
  ASSERT_TRUE(handle(hello)) << "fuel is per request";
  EXPECT_EQ(hello.status, 200);
}

TEST(HttpGrantsTest, Patterns) {
  HttpGrants g;
  g.hosts = {"example.com", "*.test.org", "localhost:8080", "[::1]:9000"};
  EXPECT_TRUE(g.allows("example.com", 443));
  EXPECT_TRUE(g.allows("EXAMPLE.com", 80));
  EXPECT_FALSE(g.allows("example.com", 8080));
  EXPECT_FALSE(g.allows("www.example.com", 443));
  EXPECT_TRUE(g.allows("a.b.test.org", 443));
  EXPECT_FALSE(g.allows("test.org", 443));
  EXPECT_TRUE(g.allows("localhost", 8080));
  EXPECT_FALSE(g.allows("localhost", 80));
  EXPECT_TRUE(g.allows("::1", 9000));
  EXPECT_TRUE(check_http_pattern("*"));
  EXPECT_FALSE(check_http_pattern("a*.com"));
  EXPECT_FALSE(check_http_pattern("host:0"));
  EXPECT_FALSE(check_http_pattern("host/path"));
}

} // namespace
} // namespace wasmcap

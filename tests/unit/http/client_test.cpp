// The HTTP client (src/http/client.h) against the local server: bodies both ways (fixed,
// chunked, several MB streamed, trailers), HEAD, timeouts, refused connections, and TLS against
// a port that does not speak it.
#include "http/client.h"
#include "server_fixture.h"

#include <cstring>
#include <thread>

namespace wasmcap::http::test {
namespace {

using namespace std::chrono_literals;

ClientRequest local(uint16_t port, std::string method = "GET", std::string path = "/") {
  ClientRequest r;
  r.method = std::move(method);
  r.authority = "127.0.0.1:" + std::to_string(port);
  r.path_with_query = std::move(path);
  return r;
}

std::string read_all(ClientResponse& res, std::string* error = nullptr) {
  std::string body;
  uint8_t buf[7000]; // odd size: pieces do not line up with the server's
  for (;;) {
    auto n = res.read_body(buf);
    if (!n) {
      if (error) *error = n.error().message;
      return body;
    }
    if (*n == 0) return body;
    body.append(reinterpret_cast<const char*>(buf), *n);
  }
}

// A body source over a string, handing out at most `piece` bytes a call.
std::function<Result<size_t>(std::span<uint8_t>)> source(std::shared_ptr<std::string> data,
                                                         size_t piece = 5000) {
  auto off = std::make_shared<size_t>(0);
  return [data, off, piece](std::span<uint8_t> buf) -> Result<size_t> {
    size_t n = std::min({buf.size(), piece, data->size() - *off});
    std::memcpy(buf.data(), data->data() + *off, n);
    *off += n;
    return n;
  };
}

TEST(HttpClient, GetWithHeadersAndQuery) {
  auto server = start_server([](Exchange& ex) {
    std::string seen =
        ex.request().method + " " + ex.request().target + " " + ex.request().authority;
    for (const auto& [n, v] : ex.request().headers)
      if (n == "X-A") seen += " " + v;
    respond(ex, 203, seen, {{"X-Multi", "1"}, {"X-Multi", "2"}});
  });
  auto req = local(server->port(), "GET", "/q?a=1");
  req.headers = {{"X-A", "one"}, {"X-A", "two"}};
  auto res = send(req, {});
  ASSERT_TRUE(res) << res.error().to_string();
  EXPECT_EQ((*res)->status(), 203);
  int multi = 0;
  for (const auto& [n, v] : (*res)->headers())
    multi += n == "X-Multi";
  EXPECT_EQ(multi, 2);
  EXPECT_EQ(read_all(**res), "GET /q?a=1 127.0.0.1:" + std::to_string(server->port()) + " one two");
}

TEST(HttpClient, PostWithContentLength) {
  auto server = start_server([](Exchange& ex) {
    EXPECT_EQ(ex.request_content_length(), std::optional<uint64_t>(12));
    respond(ex, 200, "echo:" + test::read_all(ex));
  });
  auto req = local(server->port(), "POST");
  req.content_length = 12;
  req.body = source(std::make_shared<std::string>("hello, world"), 3);
  auto res = send(req, {});
  ASSERT_TRUE(res) << res.error().to_string();
  EXPECT_EQ(read_all(**res), "echo:hello, world");
}

TEST(HttpClient, LargeChunkedBodiesBothWaysWithTrailers) {
  auto server = start_server([](Exchange& ex) {
    ASSERT_TRUE(ex.start_response(200, {}));
    std::string body = test::read_all(ex);
    Headers got = ex.request_trailers();
    for (size_t off = 0; off < body.size(); off += 60000)
      ASSERT_TRUE(ex.write_body(bytes(body.substr(off, 60000))));
    ASSERT_TRUE(ex.finish({{"X-Echo", got.empty() ? "none" : got[0].second}}));
  });
  auto data = std::make_shared<std::string>(5 << 20, '\0');
  for (size_t i = 0; i < data->size(); ++i)
    (*data)[i] = static_cast<char>(i % 251);
  auto req = local(server->port(), "PUT");
  req.body = source(data, 9000);
  req.trailers = {{"X-Sum", "s"}};
  auto res = send(req, {});
  ASSERT_TRUE(res) << res.error().to_string();
  std::string back = read_all(**res);
  EXPECT_EQ(back.size(), data->size());
  EXPECT_TRUE(back == *data);
  auto trailers = (*res)->trailers();
  ASSERT_EQ(trailers.size(), 1u);
  EXPECT_EQ(trailers[0].second, "s");
}

TEST(HttpClient, PushedBodyIsChunkedWithTrailers) {
  auto server = start_server([](Exchange& ex) {
    std::string te;
    for (const auto& [n, v] : ex.request().headers)
      if (n == "Transfer-Encoding") te = v;
    std::string body = test::read_all(ex);
    auto trailers = ex.request_trailers();
    respond(ex, 200, te + ":" + body + ":" + (trailers.empty() ? "" : trailers[0].second));
  });
  auto call = start(local(server->port(), "POST"), {});
  ASSERT_TRUE(call) << call.error().to_string();
  ASSERT_TRUE((*call)->write_body(bytes("abc")));
  ASSERT_TRUE((*call)->write_body(bytes("def")));
  EXPECT_FALSE((*call)->receive_head()); // before finish
  ASSERT_TRUE((*call)->finish({{"X-T", "tv"}}));
  ASSERT_TRUE((*call)->receive_head());
  EXPECT_EQ((*call)->status(), 200);
  EXPECT_EQ(read_all(**call), "chunked:abcdef:tv");
}

TEST(HttpClient, RequestWithoutBodyHasNoFraming) {
  auto server = start_server([](Exchange& ex) {
    std::string framing;
    for (const auto& [n, v] : ex.request().headers)
      if (n == "Transfer-Encoding" || n == "Content-Length") framing += n + "=" + v + " ";
    respond(ex, 200, ex.request().method + ":" + framing);
  });
  for (const char* method : {"GET", "POST"}) {
    auto call = start(local(server->port(), method), {});
    ASSERT_TRUE(call) << call.error().to_string();
    ASSERT_TRUE((*call)->finish({}));
    ASSERT_TRUE((*call)->receive_head());
    EXPECT_EQ(read_all(**call),
              std::string(method) + ":" + (method[0] == 'P' ? "Content-Length=0 " : ""));
  }
}

TEST(HttpClient, BodyLengthMustMatchContentLength) {
  auto server = start_server([](Exchange& ex) { test::read_all(ex); }); // the client leaves
  auto req = local(server->port(), "PUT");
  req.content_length = 4;
  auto call = start(req, {});
  ASSERT_TRUE(call);
  ASSERT_TRUE((*call)->write_body(bytes("abc")));
  EXPECT_FALSE((*call)->write_body(bytes("de"))); // 5 > 4
  EXPECT_FALSE((*call)->finish({}));              // 3 < 4
}

TEST(HttpClient, HeadHasNoBody) {
  auto server = start_server([](Exchange& ex) { respond(ex, 200, "ignored"); });
  auto res = send(local(server->port(), "HEAD"), {});
  ASSERT_TRUE(res) << res.error().to_string();
  EXPECT_EQ((*res)->status(), 200);
  EXPECT_EQ(read_all(**res), "");
}

TEST(HttpClient, RefusedConnectionIsAnError) {
  uint16_t port;
  {
    auto server = start_server([](Exchange&) {});
    port = server->port();
  }
  auto res = send(local(port), {});
  ASSERT_FALSE(res);
  EXPECT_EQ(res.error().kind, ErrorKind::Io);
}

TEST(HttpClient, FirstByteTimeout) {
  auto server = start_server([](Exchange& ex) {
    std::this_thread::sleep_for(400ms);
    (void)ex.start_response(200, {}); // the client gave up (the server learns on writing)
  });
  ClientTimeouts t;
  t.first_byte = 100ms;
  auto start = std::chrono::steady_clock::now();
  auto res = send(local(server->port()), t);
  ASSERT_FALSE(res);
  EXPECT_NE(res.error().message.find("timed out"), std::string::npos) << res.error().message;
  // The error itself shows the timeout fired before the answer (at 400 ms); the bound is loose
  // for a loaded machine.
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
}

TEST(HttpClient, BetweenBytesTimeout) {
  auto server = start_server([](Exchange& ex) {
    ASSERT_TRUE(ex.start_response(200, {}));
    ASSERT_TRUE(ex.write_body(bytes("first")));
    std::this_thread::sleep_for(400ms);
    (void)ex.write_body(bytes("second"));
  });
  ClientTimeouts t;
  t.between_bytes = 100ms;
  auto res = send(local(server->port()), t);
  ASSERT_TRUE(res) << res.error().to_string();
  std::string error;
  EXPECT_EQ(read_all(**res, &error), "first");
  EXPECT_NE(error.find("timed out"), std::string::npos) << error;
}

TEST(HttpClient, TlsToAPlainPortFailsWithAnError) {
  auto server = start_server([](Exchange& ex) { respond(ex, 200, ""); });
  auto req = local(server->port());
  req.scheme = "https";
  ClientTimeouts t;
  t.connect = 2s;
  auto res = send(req, t);
  ASSERT_FALSE(res);
  EXPECT_EQ(res.error().kind, ErrorKind::Io);
  EXPECT_NE(res.error().message.find("TLS"), std::string::npos) << res.error().message;
}

TEST(HttpClient, BadRequestsAreUsageErrors) {
  auto req = local(1);
  req.scheme = "ftp";
  EXPECT_FALSE(send(req, {}));
  req = local(1);
  req.headers = {{"X-Bad", "a\r\nb"}};
  auto res = send(req, {});
  ASSERT_FALSE(res);
  EXPECT_EQ(res.error().kind, ErrorKind::Usage); // checked before connecting (nothing on port 1)
  req = local(1);
  req.authority = "[::1";
  res = send(req, {});
  ASSERT_FALSE(res);
  EXPECT_EQ(res.error().kind, ErrorKind::Usage);
}

} // namespace
} // namespace wasmcap::http::test

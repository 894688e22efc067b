// wasi:sockets host functions called directly with component values, on loopback only, every
// wait bounded: TCP listen/accept/connect and bytes both ways through the streams, refused
// connections, access-denied for endpoints without a grant (nothing reaches the network, an
// audit line says why), name lookup with and without its grant, UDP datagrams, the state
// machine's errors, and the registry against the WIT table.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "wasi/p2/host.h"
#include "wasi/p2/values.h"
#include "wasi/wasi_ctx.h"
#include "wit/wasi_table.h"

namespace wasmcap::wasi::p2 {
namespace {

constexpr std::string_view kErr = "wasi:sockets/network.error-code";
constexpr std::string_view kSockAddr = "wasi:sockets/network.ip-socket-address";
constexpr std::string_view kTcp = "wasi:sockets/tcp@0.2.3"; // any 0.2.x is served
constexpr std::string_view kUdp = "wasi:sockets/udp";
// Bounded waits: a loopback operation that takes longer than this is a failure, not a hang.
constexpr int kTries = 200;
constexpr auto kPause = std::chrono::milliseconds(10);

NetRule rule(const std::string& spec) {
  auto r = parse_net_rule(spec);
  EXPECT_TRUE(r) << spec;
  return r ? *r : NetRule{};
}

// A loopback port nothing listens on right now (bound, read, closed).
uint16_t free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

Val v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d, uint16_t port) {
  return variant_val(kSockAddr, "ipv4",
                     record_val({Val::make(Val::Kind::U16, port),
                                 tuple_val({u8_val(a), u8_val(b), u8_val(c), u8_val(d)})}));
}

Val v6_loopback(uint16_t port) {
  std::vector<Val> w(8, Val::make(Val::Kind::U16, 0));
  w[7].bits = 1;
  return variant_val(kSockAddr, "ipv6",
                     record_val({Val::make(Val::Kind::U16, port), u32_val(0),
                                 tuple_val(std::move(w)), u32_val(0)}));
}

Val family(bool v6) {
  return enum_val("wasi:sockets/network.ip-address-family", v6 ? "ipv6" : "ipv4");
}

// The port of an ip-socket-address value.
uint16_t port_of(const Val& addr) {
  return static_cast<uint16_t>(addr.payload().items[0].bits);
}

class SocketsTest : public ::testing::Test {
public:
  void TearDown() override {
    for (int fd : audit_)
      if (fd >= 0) ::close(fd);
  }

  // A context whose guest holds `grants` (and an audit log in a pipe).
  void make(const NetGrants& grants, bool net_group = true, bool learn = false) {
    ASSERT_EQ(::pipe2(audit_, O_NONBLOCK | O_CLOEXEC), 0);
    WasiConfig c;
    c.learn = learn;
    c.stdin_fd = c.stdout_fd = c.stderr_fd = -1;
    c.net = grants;
    c.audit_fd = audit_[1];
    if (!net_group) c.allowed.remove(Group::Net);
    auto ctx = WasiCtx::create(c);
    ASSERT_TRUE(ctx);
    ctx_ = std::move(*ctx);
    cx_ = std::make_unique<P2Ctx>(*ctx_);
    net_ = call("wasi:sockets/instance-network", "instance-network", {});
  }

  support::Result<std::optional<Val>> raw(std::string_view iface, std::string_view name,
                                          std::vector<Val> args) {
    const HostFunction* f = find_host_function(iface, name);
    EXPECT_NE(f, nullptr) << iface << " " << name;
    if (!f) return make_error(ErrorKind::Trap, "no such function");
    return f->fn(*cx_, args);
  }
  Val call(std::string_view iface, std::string_view name, std::vector<Val> args) {
    auto r = raw(iface, name, std::move(args));
    EXPECT_TRUE(r) << name << ": " << (r ? "" : r.error().message);
    return r && *r ? **r : Val{};
  }
  Val tcp(std::string_view method, std::vector<Val> args) {
    return call(kTcp, "[method]tcp-socket." + std::string(method), std::move(args));
  }
  Val tcp_socket(bool v6 = false) {
    const Val r = call("wasi:sockets/tcp-create-socket", "create-tcp-socket", {family(v6)});
    EXPECT_TRUE(is_ok(r));
    return r.payload();
  }
  Val udp_socket() {
    const Val r = call("wasi:sockets/udp-create-socket", "create-udp-socket", {family(false)});
    EXPECT_TRUE(is_ok(r));
    return r.payload();
  }

  static bool is_ok(const Val& r) { return r.kind == Val::Kind::Result && r.bits == 0; }
  static bool is_err(const Val& r, std::string_view code) {
    return r.kind == Val::Kind::Result && r.bits == 1 && r.has_payload() &&
           r.payload().bits == case_index(kErr, code);
  }

  // Calls a finish-* (or accept) until it stops saying would-block (bounded).
  Val until_done(std::string_view method, const Val& sock) {
    Val r;
    for (int i = 0; i < kTries; ++i) {
      r = tcp(method, {sock});
      if (!is_err(r, "would-block")) return r;
      std::this_thread::sleep_for(kPause);
    }
    ADD_FAILURE() << method << " still would-block";
    return r;
  }

  // A listening socket bound to 127.0.0.1:port; returns it.
  Val listener(uint16_t port) {
    const Val l = tcp_socket();
    EXPECT_TRUE(is_ok(tcp("start-bind", {l, net_, v4(127, 0, 0, 1, port)})));
    EXPECT_TRUE(is_ok(tcp("finish-bind", {l})));
    EXPECT_TRUE(is_ok(tcp("start-listen", {l})));
    EXPECT_TRUE(is_ok(tcp("finish-listen", {l})));
    return l;
  }

  // Up to `want` bytes from an input stream, waiting (bounded) until they arrive or it closes.
  std::string read_bytes(const Val& in, size_t want) {
    std::string got;
    for (int i = 0; i < kTries && got.size() < want; ++i) {
      const Val r = call("wasi:io/streams", "[method]input-stream.read", {in, u64_val(want)});
      if (!is_ok(r)) break;
      got += val_bytes(r.payload());
      if (got.size() < want) std::this_thread::sleep_for(kPause);
    }
    return got;
  }
  Val write(const Val& out, const std::string& data) {
    return call("wasi:io/streams", "[method]output-stream.blocking-write-and-flush",
                {out, Val::bytes(data)});
  }

  std::string audit() {
    char buf[4096];
    const ssize_t n = ::read(audit_[0], buf, sizeof buf);
    return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
  }

  int audit_[2] = {-1, -1};
  std::unique_ptr<WasiCtx> ctx_;
  std::unique_ptr<P2Ctx> cx_;
  Val net_;
};

TEST_F(SocketsTest, TcpListenAcceptConnectAndBytesBothWays) {
  const uint16_t port = free_port();
  NetGrants g;
  g.tcp_listen.push_back(rule("127.0.0.1:" + std::to_string(port)));
  g.tcp_connect.push_back(rule("127.0.0.1:" + std::to_string(port)));
  make(g);
  const Val l = listener(port);
  EXPECT_EQ(tcp("is-listening", {l}).bits, 1u);
  const Val local = tcp("local-address", {l});
  ASSERT_TRUE(is_ok(local));
  EXPECT_EQ(port_of(local.payload()), port);

  const Val c = tcp_socket();
  EXPECT_TRUE(is_err(tcp("finish-connect", {c}), "not-in-progress"));
  ASSERT_TRUE(is_ok(tcp("start-connect", {c, net_, v4(127, 0, 0, 1, port)})));
  EXPECT_TRUE(
      is_err(tcp("start-connect", {c, net_, v4(127, 0, 0, 1, port)}), "concurrency-conflict"));
  const Val conn = until_done("finish-connect", c);
  ASSERT_TRUE(is_ok(conn));
  const Val& c_in = conn.payload().items[0];
  const Val& c_out = conn.payload().items[1];
  const Val remote = tcp("remote-address", {c});
  ASSERT_TRUE(is_ok(remote));
  EXPECT_EQ(port_of(remote.payload()), port);

  const Val acc = until_done("accept", l);
  ASSERT_TRUE(is_ok(acc));
  ASSERT_EQ(acc.payload().items.size(), 3u);
  const Val& s = acc.payload().items[0];
  const Val& s_in = acc.payload().items[1];
  const Val& s_out = acc.payload().items[2];
  EXPECT_TRUE(is_ok(tcp("remote-address", {s})));

  EXPECT_TRUE(is_ok(write(c_out, "hello, server")));
  EXPECT_EQ(read_bytes(s_in, 13), "hello, server");
  EXPECT_TRUE(is_ok(write(s_out, "hi")));
  EXPECT_EQ(read_bytes(c_in, 2), "hi");

  // Shutting down the client's sending side ends the server's input stream.
  EXPECT_TRUE(is_ok(tcp("shutdown", {c, enum_val("wasi:sockets/tcp.shutdown-type", "send")})));
  EXPECT_TRUE(is_ok(tcp("shutdown", {c, enum_val("wasi:sockets/tcp.shutdown-type", "send")})));
  Val r;
  for (int i = 0; i < kTries; ++i) {
    r = call("wasi:io/streams", "[method]input-stream.read", {s_in, u64_val(16)});
    if (!is_ok(r)) break;
    std::this_thread::sleep_for(kPause);
  }
  EXPECT_EQ(r.bits, 1u); // err(closed)
  EXPECT_EQ(r.payload().bits, case_index("wasi:io/streams.stream-error", "closed"));
  EXPECT_TRUE(is_err(tcp("accept", {l}), "would-block")); // nothing else is pending
  EXPECT_EQ(audit(), "");
  // Every handle is the host's to drop.
  for (const Val* h : {&c_in, &s_in})
    EXPECT_TRUE(cx_->drop(resources::kInputStream, h->bits));
  for (const Val* h : {&c_out, &s_out})
    EXPECT_TRUE(cx_->drop(resources::kOutputStream, h->bits));
  for (const Val* h : {&s, &c, &l})
    EXPECT_TRUE(cx_->drop(resources::kTcpSocket, h->bits));
}

TEST_F(SocketsTest, TcpSubscribeWaitsForAPendingConnection) {
  const uint16_t port = free_port();
  NetGrants g;
  g.tcp_listen.push_back(rule("127.0.0.1:*"));
  g.tcp_connect.push_back(rule("127.0.0.0/8:" + std::to_string(port)));
  make(g);
  const Val l = listener(port);
  const Val p = tcp("subscribe", {l});
  EXPECT_EQ(call("wasi:io/poll", "[method]pollable.ready", {p}).bits, 0u);
  const Val c = tcp_socket();
  ASSERT_TRUE(is_ok(tcp("start-connect", {c, net_, v4(127, 0, 0, 1, port)})));
  bool ready = false;
  for (int i = 0; i < kTries && !ready; ++i) {
    ready = call("wasi:io/poll", "[method]pollable.ready", {p}).bits == 1;
    if (!ready) std::this_thread::sleep_for(kPause);
  }
  EXPECT_TRUE(ready);
  const Val list = call("wasi:io/poll", "poll", {list_val({p})});
  ASSERT_EQ(list.items.size(), 1u);
  EXPECT_TRUE(is_ok(until_done("accept", l)));
  EXPECT_TRUE(is_ok(until_done("finish-connect", c)));
}

TEST_F(SocketsTest, ConnectToAClosedPortIsRefused) {
  const uint16_t port = free_port();
  NetGrants g;
  g.tcp_connect.push_back(rule("127.0.0.1:" + std::to_string(port)));
  make(g);
  const Val c = tcp_socket();
  ASSERT_TRUE(is_ok(tcp("start-connect", {c, net_, v4(127, 0, 0, 1, port)})));
  EXPECT_TRUE(is_err(until_done("finish-connect", c), "connection-refused"));
  // A failed connect leaves the socket closed: nothing is in progress any more.
  EXPECT_TRUE(is_err(tcp("finish-connect", {c}), "not-in-progress"));
  EXPECT_TRUE(is_err(tcp("start-connect", {c, net_, v4(127, 0, 0, 1, port)}), "invalid-state"));
}

TEST_F(SocketsTest, ConnectWithoutAGrantIsDeniedBeforeAnyPacket) {
  // A host listener on loopback: had the guest's connect been issued, it would be pending here.
  const int host = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(host, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  ASSERT_EQ(::listen(host, 4), 0);
  socklen_t len = sizeof a;
  ::getsockname(host, reinterpret_cast<sockaddr*>(&a), &len);
  const uint16_t port = ntohs(a.sin_port);

  NetGrants g;
  g.tcp_connect.push_back(rule("10.0.0.0/8:*"));                          // not loopback
  g.tcp_connect.push_back(rule("127.0.0.1:" + std::to_string(port + 1))); // not this port
  g.tcp_listen.push_back(rule("127.0.0.1:" + std::to_string(port)));      // not a connect grant
  make(g);
  const Val c = tcp_socket();
  EXPECT_TRUE(is_err(tcp("start-connect", {c, net_, v4(127, 0, 0, 1, port)}), "access-denied"));
  EXPECT_TRUE(is_err(tcp("finish-connect", {c}), "not-in-progress"));
  EXPECT_TRUE(is_err(tcp("local-address", {c}), "invalid-state")); // not even bound

  pollfd p{host, POLLIN, 0};
  EXPECT_EQ(::poll(&p, 1, 100), 0) << "a connection reached the listener";
  ::close(host);

  const std::string line = audit();
  const std::string where = "127.0.0.1:" + std::to_string(port);
  EXPECT_NE(line.find("\"event\":\"refused\""), std::string::npos) << line;
  EXPECT_NE(line.find("\"module\":\"wasi:sockets/tcp\""), std::string::npos) << line;
  EXPECT_NE(line.find("\"func\":\"[method]tcp-socket.start-connect\""), std::string::npos) << line;
  EXPECT_NE(line.find("\"args\":{\"grant\":\"tcp-connect\",\"address\":\"" + where + "\"}"),
            std::string::npos)
      << line;
  EXPECT_NE(line.find("\"error\":\"access-denied\""), std::string::npos) << line;
  EXPECT_NE(line.find("\"reason\":\"no network grant for " + where + "\""), std::string::npos)
      << line;
  EXPECT_NE(line.find("\"group\":\"net\""), std::string::npos) << line;
  EXPECT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1); // one line
}

TEST_F(SocketsTest, BindWithoutAListenGrantIsDenied) {
  NetGrants g;
  g.tcp_connect.push_back(rule("*:*")); // connecting anywhere is not listening anywhere
  make(g);
  const Val l = tcp_socket();
  EXPECT_TRUE(is_err(tcp("start-bind", {l, net_, v4(127, 0, 0, 1, 0)}), "access-denied"));
  EXPECT_TRUE(is_err(tcp("start-listen", {l}), "invalid-state"));
  EXPECT_NE(audit().find("\"grant\":\"tcp-listen\""), std::string::npos);
}

TEST_F(SocketsTest, PolicyWithoutTheNetGroupDeniesEvenAGrantedAddress) {
  NetGrants g;
  g.grant_all_sockets();
  g.ip_name_lookup = true;
  make(g, /*net_group=*/false);
  const Val c = tcp_socket();
  EXPECT_TRUE(is_err(tcp("start-connect", {c, net_, v4(127, 0, 0, 1, 9)}), "access-denied"));
  EXPECT_TRUE(is_err(
      call("wasi:sockets/ip-name-lookup", "resolve-addresses", {net_, Val::string("localhost")}),
      "access-denied"));
  const std::string lines = audit();
  EXPECT_NE(lines.find("\"reason\":\"denied by policy\""), std::string::npos) << lines;
}

TEST_F(SocketsTest, StateMachineAndArgumentErrors) {
  NetGrants g;
  g.grant_all_sockets();
  make(g);
  const Val s = tcp_socket();
  EXPECT_TRUE(is_err(tcp("finish-bind", {s}), "not-in-progress"));
  EXPECT_TRUE(is_err(tcp("finish-listen", {s}), "not-in-progress"));
  EXPECT_TRUE(is_err(tcp("start-listen", {s}), "invalid-state"));
  EXPECT_TRUE(is_err(tcp("accept", {s}), "invalid-state"));
  EXPECT_TRUE(is_err(tcp("remote-address", {s}), "invalid-state"));
  EXPECT_TRUE(is_err(tcp("shutdown", {s, enum_val("wasi:sockets/tcp.shutdown-type", "both")}),
                     "invalid-state"));
  EXPECT_TRUE(is_err(tcp("start-connect", {s, net_, v4(127, 0, 0, 1, 0)}), "invalid-argument"));
  EXPECT_TRUE(is_err(tcp("start-connect", {s, net_, v4(0, 0, 0, 0, 80)}), "invalid-argument"));
  EXPECT_TRUE(is_err(tcp("start-connect", {s, net_, v6_loopback(80)}), "invalid-argument"));
  EXPECT_TRUE(is_err(tcp("start-bind", {s, net_, v6_loopback(0)}), "invalid-argument"));
  EXPECT_EQ(tcp("address-family", {s}).bits,
            case_index("wasi:sockets/network.ip-address-family", "ipv4"));
  EXPECT_TRUE(is_ok(tcp("start-bind", {s, net_, v4(127, 0, 0, 1, 0)})));
  EXPECT_TRUE(is_err(tcp("start-bind", {s, net_, v4(127, 0, 0, 1, 0)}), "concurrency-conflict"));
  EXPECT_TRUE(is_ok(tcp("finish-bind", {s})));
  EXPECT_TRUE(is_err(tcp("start-bind", {s, net_, v4(127, 0, 0, 1, 0)}), "invalid-state"));
  // Options map onto setsockopt.
  EXPECT_TRUE(is_err(tcp("set-hop-limit", {s, u8_val(0)}), "invalid-argument"));
  EXPECT_TRUE(is_ok(tcp("set-hop-limit", {s, u8_val(42)})));
  EXPECT_EQ(tcp("hop-limit", {s}).payload().bits, 42u);
  EXPECT_TRUE(is_ok(tcp("set-keep-alive-enabled", {s, bool_val(true)})));
  EXPECT_EQ(tcp("keep-alive-enabled", {s}).payload().bits, 1u);
  EXPECT_TRUE(is_ok(tcp("set-keep-alive-idle-time", {s, u64_val(30'000'000'000)})));
  EXPECT_EQ(tcp("keep-alive-idle-time", {s}).payload().bits, 30'000'000'000u);
  EXPECT_TRUE(is_err(tcp("set-keep-alive-count", {s, u32_val(0)}), "invalid-argument"));
  EXPECT_TRUE(is_ok(tcp("set-keep-alive-count", {s, u32_val(5)})));
  EXPECT_EQ(tcp("keep-alive-count", {s}).payload().bits, 5u);
  EXPECT_TRUE(is_err(tcp("set-receive-buffer-size", {s, u64_val(0)}), "invalid-argument"));
  EXPECT_TRUE(is_ok(tcp("set-receive-buffer-size", {s, u64_val(65536)})));
  EXPECT_GE(tcp("receive-buffer-size", {s}).payload().bits, 65536u);
  EXPECT_TRUE(is_err(tcp("set-listen-backlog-size", {s, u64_val(0)}), "invalid-argument"));
  EXPECT_TRUE(is_ok(tcp("set-listen-backlog-size", {s, u64_val(16)})));
}

TEST_F(SocketsTest, Ipv6LoopbackConnect) {
  const int probe = ::socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in6 a{};
  a.sin6_family = AF_INET6;
  a.sin6_addr = in6addr_loopback;
  const bool have_v6 = probe >= 0 && ::bind(probe, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  socklen_t len = sizeof a;
  if (have_v6) ::getsockname(probe, reinterpret_cast<sockaddr*>(&a), &len);
  if (probe >= 0) ::close(probe);
  if (!have_v6) GTEST_SKIP() << "no IPv6 loopback here";
  const uint16_t port = ntohs(a.sin6_port);
  NetGrants g;
  g.tcp_listen.push_back(rule("[::1]:" + std::to_string(port)));
  g.tcp_connect.push_back(rule("[::1/128]:" + std::to_string(port)));
  make(g);
  const Val l = tcp_socket(true);
  ASSERT_TRUE(is_ok(tcp("start-bind", {l, net_, v6_loopback(port)})));
  ASSERT_TRUE(is_ok(tcp("finish-bind", {l})));
  ASSERT_TRUE(is_ok(tcp("start-listen", {l})));
  ASSERT_TRUE(is_ok(tcp("finish-listen", {l})));
  const Val c = tcp_socket(true);
  EXPECT_TRUE(is_err(tcp("start-connect", {c, net_, v4(127, 0, 0, 1, port)}), "invalid-argument"));
  ASSERT_TRUE(is_ok(tcp("start-connect", {c, net_, v6_loopback(port)})));
  EXPECT_TRUE(is_ok(until_done("finish-connect", c)));
  EXPECT_TRUE(is_ok(until_done("accept", l)));
  EXPECT_EQ(tcp("address-family", {c}).bits,
            case_index("wasi:sockets/network.ip-address-family", "ipv6"));
}

// All the addresses a resolve-address-stream yields (bounded).
std::vector<Val> drain(SocketsTest& t, const Val& stream) {
  std::vector<Val> out;
  for (int i = 0; i < 64; ++i) {
    const Val r = t.call("wasi:sockets/ip-name-lookup",
                         "[method]resolve-address-stream.resolve-next-address", {stream});
    if (!SocketsTest::is_ok(r) || r.payload().bits == 0) break;
    out.push_back(r.payload().payload());
  }
  return out;
}

TEST_F(SocketsTest, ResolveLocalhostNeedsTheLookupGrant) {
  make(NetGrants{});
  const Val denied =
      call("wasi:sockets/ip-name-lookup", "resolve-addresses", {net_, Val::string("localhost")});
  EXPECT_TRUE(is_err(denied, "access-denied"));
  const std::string line = audit();
  EXPECT_NE(line.find("\"func\":\"resolve-addresses\""), std::string::npos) << line;
  EXPECT_NE(line.find("\"args\":{\"name\":\"localhost\"}"), std::string::npos) << line;
  EXPECT_NE(line.find("\"reason\":\"no ip-name-lookup grant\""), std::string::npos) << line;
}

TEST_F(SocketsTest, ResolveLocalhostWithTheGrant) {
  NetGrants g;
  g.ip_name_lookup = true;
  make(g);
  const Val r =
      call("wasi:sockets/ip-name-lookup", "resolve-addresses", {net_, Val::string("localhost")});
  ASSERT_TRUE(is_ok(r));
  const std::vector<Val> addrs = drain(*this, r.payload());
  ASSERT_FALSE(addrs.empty());
  bool loopback = false;
  const uint32_t v4 = case_index("wasi:sockets/network.ip-address", "ipv4");
  for (const Val& a : addrs) {
    if (a.bits == v4) {
      loopback |= a.payload().items[0].bits == 127;
    } else {
      loopback |= a.payload().items[7].bits == 1; // ::1
    }
  }
  EXPECT_TRUE(loopback);
  // A literal comes back as it is; a malformed name is invalid-argument.
  const Val lit =
      call("wasi:sockets/ip-name-lookup", "resolve-addresses", {net_, Val::string("192.0.2.1")});
  ASSERT_TRUE(is_ok(lit));
  const std::vector<Val> one = drain(*this, lit.payload());
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].payload().items[3].bits, 1u);
  EXPECT_TRUE(
      is_err(call("wasi:sockets/ip-name-lookup", "resolve-addresses", {net_, Val::string("")}),
             "invalid-argument"));
  EXPECT_TRUE(is_err(
      call("wasi:sockets/ip-name-lookup", "resolve-addresses", {net_, Val::string("bad name")}),
      "invalid-argument"));
  EXPECT_EQ(audit(), "");
}

TEST_F(SocketsTest, UdpDatagramsOnLoopback) {
  NetGrants g;
  g.udp.push_back(rule("127.0.0.1:*"));
  make(g);
  auto udp = [&](std::string_view method, std::vector<Val> args) {
    return call(kUdp, std::string(method), std::move(args));
  };
  const Val a = udp_socket();
  const Val b = udp_socket();
  EXPECT_TRUE(is_err(udp("[method]udp-socket.stream", {a, none_val()}), "invalid-state"));
  for (const Val* s : {&a, &b}) {
    ASSERT_TRUE(is_ok(udp("[method]udp-socket.start-bind", {*s, net_, v4(127, 0, 0, 1, 0)})));
    ASSERT_TRUE(is_ok(udp("[method]udp-socket.finish-bind", {*s})));
  }
  const Val a_addr = udp("[method]udp-socket.local-address", {a}).payload();
  const Val b_addr = udp("[method]udp-socket.local-address", {b}).payload();
  const Val a_streams = udp("[method]udp-socket.stream", {a, none_val()});
  const Val b_streams = udp("[method]udp-socket.stream", {b, some_val(a_addr)});
  ASSERT_TRUE(is_ok(a_streams));
  ASSERT_TRUE(is_ok(b_streams));
  EXPECT_EQ(port_of(udp("[method]udp-socket.remote-address", {b}).payload()), port_of(a_addr));
  const Val& a_out = a_streams.payload().items[1];
  const Val& b_in = b_streams.payload().items[0];
  const Val& b_out = b_streams.payload().items[1];
  const Val& a_in = a_streams.payload().items[0];

  // Sending more than check-send permitted traps.
  auto dg = [](const std::string& data, std::optional<Val> to) {
    return record_val({Val::bytes(data), to ? some_val(*to) : none_val()});
  };
  EXPECT_FALSE(
      raw(kUdp, "[method]outgoing-datagram-stream.send", {a_out, list_val({dg("x", b_addr)})}));
  EXPECT_EQ(udp("[method]outgoing-datagram-stream.check-send", {a_out}).payload().bits, 64u);
  const Val sent = udp("[method]outgoing-datagram-stream.send",
                       {a_out, list_val({dg("ping", b_addr), dg("pong", b_addr)})});
  ASSERT_TRUE(is_ok(sent));
  EXPECT_EQ(sent.payload().bits, 2u);
  std::vector<Val> got;
  for (int i = 0; i < kTries && got.size() < 2; ++i) {
    const Val r = udp("[method]incoming-datagram-stream.receive", {b_in, u64_val(8)});
    ASSERT_TRUE(is_ok(r));
    for (const Val& d : r.payload().items)
      got.push_back(d);
    if (got.size() < 2) std::this_thread::sleep_for(kPause);
  }
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(val_bytes(got[0].items[0]), "ping");
  EXPECT_EQ(val_bytes(got[1].items[0]), "pong");
  EXPECT_EQ(port_of(got[0].items[1]), port_of(a_addr));
  EXPECT_TRUE(is_ok(udp("[method]incoming-datagram-stream.receive", {b_in, u64_val(0)})));

  // The connected side sends with no address (or its own peer's), never to another.
  EXPECT_EQ(udp("[method]outgoing-datagram-stream.check-send", {b_out}).payload().bits, 64u);
  EXPECT_TRUE(is_err(udp("[method]outgoing-datagram-stream.send",
                         {b_out, list_val({dg("no", v4(127, 0, 0, 1, 9))})}),
                     "invalid-argument"));
  EXPECT_EQ(udp("[method]outgoing-datagram-stream.check-send", {b_out}).payload().bits, 64u);
  EXPECT_EQ(udp("[method]outgoing-datagram-stream.send", {b_out, list_val({dg("back", {})})})
                .payload()
                .bits,
            1u);
  std::string back;
  for (int i = 0; i < kTries && back.empty(); ++i) {
    const Val r = udp("[method]incoming-datagram-stream.receive", {a_in, u64_val(1)});
    if (is_ok(r) && !r.payload().items.empty()) back = val_bytes(r.payload().items[0].items[0]);
    if (back.empty()) std::this_thread::sleep_for(kPause);
  }
  EXPECT_EQ(back, "back");
  EXPECT_EQ(port_of(b_addr), port_of(udp("[method]udp-socket.local-address", {b}).payload()));

  // A destination outside the grant: nothing is sent, the refusal is audited.
  EXPECT_EQ(udp("[method]outgoing-datagram-stream.check-send", {a_out}).payload().bits, 64u);
  EXPECT_TRUE(is_err(udp("[method]outgoing-datagram-stream.send",
                         {a_out, list_val({dg("leak", v4(10, 1, 2, 3, 53))})}),
                     "access-denied"));
  EXPECT_NE(audit().find("\"address\":\"10.1.2.3:53\""), std::string::npos);
  const Val c = udp_socket();
  EXPECT_TRUE(is_err(udp("[method]udp-socket.start-bind", {c, net_, v4(127, 0, 0, 2, 0)}),
                     "access-denied"));
  // The wildcard with port 0 (a client's bind) is allowed by any udp grant.
  EXPECT_TRUE(is_ok(udp("[method]udp-socket.start-bind", {c, net_, v4(0, 0, 0, 0, 0)})));
}

TEST_F(SocketsTest, PeerGoneIsAStreamErrorWithANetworkErrorCode) {
  const uint16_t port = free_port();
  NetGrants g;
  g.tcp_listen.push_back(rule("127.0.0.1:" + std::to_string(port)));
  g.tcp_connect.push_back(rule("127.0.0.1:" + std::to_string(port)));
  make(g, true, /*learn=*/true);
  const Val l = listener(port);
  const Val c = tcp_socket();
  ASSERT_TRUE(is_ok(tcp("start-connect", {c, net_, v4(127, 0, 0, 1, port)})));
  const Val conn = until_done("finish-connect", c);
  ASSERT_TRUE(is_ok(conn));
  const Val acc = until_done("accept", l);
  ASSERT_TRUE(is_ok(acc));
  // The server side goes away entirely (socket and both streams).
  ASSERT_TRUE(cx_->drop(resources::kInputStream, acc.payload().items[1].bits));
  ASSERT_TRUE(cx_->drop(resources::kOutputStream, acc.payload().items[2].bits));
  ASSERT_TRUE(cx_->drop(resources::kTcpSocket, acc.payload().items[0].bits));
  // Writing on: the host must not die of SIGPIPE; the stream fails with an error whose
  // network-error-code says what happened.
  const Val& out = conn.payload().items[1];
  Val r;
  for (int i = 0; i < kTries; ++i) {
    r = write(out, std::string(1024, 'x'));
    if (!is_ok(r)) break;
    std::this_thread::sleep_for(kPause);
  }
  ASSERT_EQ(r.bits, 1u);
  ASSERT_EQ(r.payload().bits, case_index("wasi:io/streams.stream-error", "last-operation-failed"));
  const Val code = call("wasi:sockets/network", "network-error-code", {r.payload().payload()});
  ASSERT_EQ(code.bits, 1u); // some(...)
  EXPECT_EQ(code.payload().bits, case_index(kErr, "connection-reset"));
  // Learn mode saw the endpoints used.
  const Usage& u = ctx_->usage();
  ASSERT_EQ(u.net.tcp_connect.size(), 1u);
  EXPECT_EQ(format_net_rule(u.net.tcp_connect[0]), "127.0.0.1:" + std::to_string(port));
  ASSERT_EQ(u.net.tcp_listen.size(), 1u);
  EXPECT_TRUE(u.groups.has(Group::Net));
}

TEST_F(SocketsTest, PollMixesSocketsAndTimers) {
  const uint16_t port = free_port();
  NetGrants g;
  g.tcp_listen.push_back(rule("127.0.0.1:" + std::to_string(port)));
  make(g);
  const Val l = listener(port);
  const Val idle = tcp("subscribe", {l}); // nothing will connect
  const Val timer =
      call("wasi:clocks/monotonic-clock", "subscribe-duration", {u64_val(20'000'000)});
  const auto start = std::chrono::steady_clock::now();
  const Val ready = call("wasi:io/poll", "poll", {list_val({idle, timer})});
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_EQ(ready.items.size(), 1u);
  EXPECT_EQ(ready.items[0].bits, 1u); // the timer
  EXPECT_GE(took, std::chrono::milliseconds(15));
  EXPECT_LT(took, std::chrono::seconds(5));
}

TEST_F(SocketsTest, WrongHandlesTrap) {
  NetGrants g;
  make(g);
  const Val pollable = call("wasi:clocks/monotonic-clock", "subscribe-duration", {u64_val(0)});
  auto r = raw(kTcp, "[method]tcp-socket.finish-bind", {pollable});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::Trap);
  const Val s = tcp_socket();
  r = raw(kTcp, "[method]tcp-socket.start-bind", {s, pollable, v4(127, 0, 0, 1, 0)});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::Trap);
  // A value without the WIT's shape (a runtime bug, never a guest's doing) is a trap too.
  r = raw(kTcp, "[method]tcp-socket.start-connect", {s, net_, u32_val(1)});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::Trap);
  const Val u = udp_socket();
  r = raw(kUdp, "[method]udp-socket.stream", {u, Val::make(Val::Kind::Option, 1)});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::Trap);
  ASSERT_TRUE(cx_->drop(resources::kTcpSocket, s.bits));
  EXPECT_FALSE(raw(kTcp, "[method]tcp-socket.finish-bind", {s})); // dropped
}

TEST(SocketsRegistry, MatchesTheWitTable) {
  size_t registered = 0;
  for (const HostFunction& f : host_functions()) {
    if (f.interface.substr(0, 13) != "wasi:sockets/") continue;
    ++registered;
    EXPECT_NE(wit::table::find_function(std::string(f.interface) + "@0.2.12", f.name), nullptr)
        << f.interface << " " << f.name;
  }
  size_t in_wit = 0;
  for (const wit::table::Function& f : wit::table::functions()) {
    const std::string_view iface = f.interface;
    if (iface.substr(0, 13) != "wasi:sockets/") continue;
    ++in_wit;
    EXPECT_NE(find_host_function(iface, f.name), nullptr) << iface << " " << f.name;
  }
  EXPECT_EQ(registered, in_wit);
  EXPECT_GT(registered, 50u);
  for (std::string_view r : {"network"}) {
    EXPECT_NE(find_host_resource("wasi:sockets/network@0.2.0", r), nullptr);
  }
  EXPECT_NE(find_host_resource("wasi:sockets/tcp", "tcp-socket"), nullptr);
  EXPECT_NE(find_host_resource("wasi:sockets/udp", "outgoing-datagram-stream"), nullptr);
  EXPECT_NE(find_host_resource("wasi:sockets/ip-name-lookup", "resolve-address-stream"), nullptr);
}

} // namespace
} // namespace wasmcap::wasi::p2

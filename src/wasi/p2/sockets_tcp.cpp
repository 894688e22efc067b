// wasi:sockets/tcp and tcp-create-socket: the tcp-socket resource and its state machine
// (unbound, bind-in-progress, bound, listen-in-progress, listening, connect-in-progress,
// connected, closed) over a host socket.
//
// Asynchrony: bind and listen happen in start-* (their results are immediate on the host);
// finish-* only completes the state change. Connect is really non-blocking: start-connect
// issues connect(2) with O_NONBLOCK, finish-connect returns would-block until the socket is
// writable, then the result; subscribe's pollable waits on the socket. accept returns
// would-block when nothing is pending. Once connected, the socket is blocking again: its
// streams are io.cpp's fd streams (blocking-read waits, read does not).
//
// Grants (checked before the syscall): start-connect needs a tcp-connect rule for the remote
// endpoint; start-bind a tcp-listen rule for the local one (so listening does too, as it needs
// a bound socket). An implicit bind by connect needs nothing more.
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>

#include <cerrno>

#include "wasi/p2/objects.h"
#include "wasi/p2/sockets.h"
#include "wasi/wasi_ctx.h"

namespace wasmcap::wasi::p2 {

namespace {

constexpr std::string_view kTcp = "wasi:sockets/tcp";

enum class TcpState : uint8_t {
  Unbound,
  BindStarted,
  Bound,
  ListenStarted,
  Listening,
  ConnectStarted,
  Connected,
  Closed,
};

struct TcpSocket : HostObject {
  TcpSocket() { type = &resources::kTcpSocket; }
  sandbox::UniqueFd fd;
  bool v6 = false;
  TcpState state = TcpState::Unbound;
  int connect_errno = 0; // a connect that failed at once: finish-connect reports it
  int backlog = 128;
};

support::Result<TcpSocket*> tcp(P2Ctx& cx, const Val& h) {
  WASMCAP_ASSIGN(const uint32_t rep, handle_rep(h, resources::kTcpSocket));
  return cx.get_as<TcpSocket>(rep, resources::kTcpSocket);
}

Val own_socket(P2Ctx& cx, std::unique_ptr<TcpSocket> s) {
  return own_val(resources::kTcpSocket, cx.add(std::move(s)));
}

Ret create_tcp_socket(P2Ctx& cx, std::span<const Val> a) {
  const bool v6 = a[0].bits == case_index("wasi:sockets/network.ip-address-family", "ipv6");
  const int fd = ::socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return fail_errno(errno);
  auto s = std::make_unique<TcpSocket>();
  s->fd.reset(fd);
  s->v6 = v6;
  if (v6) { // the WIT: IPV6_V6ONLY is always on
    const int one = 1;
    ::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
  }
  return done(ok_val(own_socket(cx, std::move(s))));
}

// The checks every address argument gets: its family, and no IPv4-mapped IPv6 address.
bool bad_family(const TcpSocket& s, const SocketAddress& a) {
  return a.ep.v6 != s.v6 || is_v4_mapped(a.ep);
}

bool in_progress(TcpState st) {
  return st == TcpState::BindStarted || st == TcpState::ListenStarted ||
         st == TcpState::ConnectStarted;
}

Ret start_bind(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(TcpSocket * s, tcp(cx, a[0]));
  WASMCAP_TRY(check_network(cx, a[1]));
  WASMCAP_ASSIGN(const SocketAddress addr, socket_address(a[2]));
  if (in_progress(s->state)) return fail("concurrency-conflict");
  if (s->state != TcpState::Unbound) return fail("invalid-state");
  if (bad_family(*s, addr)) return fail("invalid-argument");
  if (!net_granted(cx, NetOp::TcpListen, addr.ep, kTcp, "[method]tcp-socket.start-bind")) {
    return fail("access-denied");
  }
  // The WIT's implementors' note: a recently closed socket's TIME_WAIT must not block a bind.
  const int one = 1;
  ::setsockopt(s->fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_storage ss;
  const socklen_t len = to_sockaddr(addr, ss);
  if (::bind(s->fd.get(), reinterpret_cast<sockaddr*>(&ss), len) != 0) return fail_errno(errno);
  s->state = TcpState::BindStarted;
  return done(ok_val());
}

Ret finish_bind(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(TcpSocket * s, tcp(cx, a[0]));
  if (s->state != TcpState::BindStarted) return fail("not-in-progress");
  s->state = TcpState::Bound;
  return done(ok_val());
}

Ret start_connect(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(TcpSocket * s, tcp(cx, a[0]));
  WASMCAP_TRY(check_network(cx, a[1]));
  WASMCAP_ASSIGN(const SocketAddress addr, socket_address(a[2]));
  if (in_progress(s->state)) return fail("concurrency-conflict");
  if (s->state != TcpState::Unbound && s->state != TcpState::Bound) return fail("invalid-state");
  if (bad_family(*s, addr) || is_unspecified(addr.ep) || addr.ep.port == 0) {
    return fail("invalid-argument");
  }
  if (!net_granted(cx, NetOp::TcpConnect, addr.ep, kTcp, "[method]tcp-socket.start-connect")) {
    return fail("access-denied");
  }
  sockaddr_storage ss;
  const socklen_t len = to_sockaddr(addr, ss);
  const int fd = s->fd.get();
  const int flags = ::fcntl(fd, F_GETFL);
  ::fcntl(fd, F_SETFL, flags | O_NONBLOCK);
  int rc;
  do {
    rc = ::connect(fd, reinterpret_cast<sockaddr*>(&ss), len);
  } while (rc != 0 && errno == EINTR);
  s->connect_errno = rc == 0 || errno == EINPROGRESS ? 0 : errno;
  s->state = TcpState::ConnectStarted;
  return done(ok_val());
}

Val stream_pair(P2Ctx& cx, int fd) {
  auto in = std::make_unique<InputStream>();
  in->fd.reset(::fcntl(fd, F_DUPFD_CLOEXEC, 3));
  in->socket = true;
  in->closed = !in->fd.valid();
  auto out = std::make_unique<OutputStream>();
  out->fd.reset(::fcntl(fd, F_DUPFD_CLOEXEC, 3));
  out->socket = true;
  out->closed = !out->fd.valid();
  return tuple_val({own_val(resources::kInputStream, cx.add(std::move(in))),
                    own_val(resources::kOutputStream, cx.add(std::move(out)))});
}

Ret finish_connect(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(TcpSocket * s, tcp(cx, a[0]));
  if (s->state != TcpState::ConnectStarted) return fail("not-in-progress");
  const int fd = s->fd.get();
  int err = s->connect_errno;
  if (err == 0) {
    pollfd p{fd, POLLOUT, 0};
    if (::poll(&p, 1, 0) == 0) return fail("would-block");
    socklen_t len = sizeof err;
    if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
  }
  if (err != 0) {
    s->state = TcpState::Closed; // the WIT: a failed connect leaves only drop
    return fail_errno(err);
  }
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  s->state = TcpState::Connected;
  return done(ok_val(stream_pair(cx, fd)));
}

Ret start_listen(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(TcpSocket * s, tcp(cx, a[0]));
  if (in_progress(s->state)) return fail("concurrency-conflict");
  if (s->state != TcpState::Bound) return fail("invalid-state");
  if (::listen(s->fd.get(), s->backlog) != 0) return fail_errno(errno);
  s->state = TcpState::ListenStarted;
  return done(ok_val());
}

Ret finish_listen(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(TcpSocket * s, tcp(cx, a[0]));
  if (s->state != TcpState::ListenStarted) return fail("not-in-progress");
  s->state = TcpState::Listening;
  return done(ok_val());
}

Ret accept(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(TcpSocket * s, tcp(cx, a[0]));
  if (s->state != TcpState::Listening) return fail("invalid-state");
  pollfd p{s->fd.get(), POLLIN, 0};
  if (::poll(&p, 1, 0) == 0) return fail("would-block");
  int fd;
  do {
    fd = ::accept4(s->fd.get(), nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) return fail_errno(errno); // EAGAIN (the peer gave up): would-block
  // Non-blocking only for accept4's sake (a connection reset before accept must not hang it).
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  auto c = std::make_unique<TcpSocket>();
  c->fd.reset(fd);
  c->v6 = s->v6;
  c->state = TcpState::Connected;
  Val streams = stream_pair(cx, fd);
  std::vector<Val> items{own_socket(cx, std::move(c))};
  for (Val& v : streams.items)
    items.push_back(std::move(v));
  return done(ok_val(tuple_val(std::move(items))));
}

Ret local_address(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(TcpSocket * s, tcp(cx, a[0]));
  if (s->state == TcpState::Unbound || s->state == TcpState::BindStarted ||
      s->state == TcpState::Closed) {
    return fail("invalid-state");
  }
  return done(local_address_val(s->fd.get()));
}

Ret remote_address(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(TcpSocket * s, tcp(cx, a[0]));
  if (s->state != TcpState::Connected) return fail("invalid-state");
  return done(peer_address_val(s->fd.get()));
}

Ret is_listening(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(TcpSocket * s, tcp(cx, a[0]));
  return done(bool_val(s->state == TcpState::Listening));
}

Ret address_family(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(TcpSocket * s, tcp(cx, a[0]));
  return done(family_val(s->v6));
}

Ret set_listen_backlog_size(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(TcpSocket * s, tcp(cx, a[0]));
  if (a[1].u() == 0) return fail("invalid-argument");
  if (s->state == TcpState::ConnectStarted || s->state == TcpState::Connected) {
    return fail("invalid-state");
  }
  s->backlog = static_cast<int>(std::min<uint64_t>(a[1].u(), SOMAXCONN));
  // Linux lets a listening socket's backlog change by listening again.
  if (s->state == TcpState::Listening && ::listen(s->fd.get(), s->backlog) != 0) {
    return fail_errno(errno);
  }
  return done(ok_val());
}

// An int socket option as a u64 result re-typed as `kind` (bool, u32 or a duration in ns).
Ret get_option(P2Ctx& cx, const Val& h, int level, int name, Val::Kind kind, uint64_t scale = 1) {
  WASMCAP_ASSIGN(TcpSocket * s, tcp(cx, h));
  Val r = get_int_option(s->fd.get(), level, name);
  if (r.bits == 0) {
    const uint64_t v = r.items[0].bits;
    r.items[0] = Val::make(kind, kind == Val::Kind::Bool ? (v != 0) : v * scale);
  }
  return done(std::move(r));
}

// Sets an int option from a positive value (0 is invalid-argument), divided by `scale` and
// clamped to [1, max]: the WIT allows rounding and clamping.
Ret set_option(P2Ctx& cx, const Val& h, const Val& value, int level, int name, uint64_t scale,
               uint64_t max) {
  WASMCAP_ASSIGN(TcpSocket * s, tcp(cx, h));
  if (value.u() == 0) return fail("invalid-argument");
  const uint64_t v = std::clamp<uint64_t>(value.u() / scale, 1, max);
  return done(set_int_option(s->fd.get(), level, name, static_cast<int>(v)));
}

constexpr uint64_t kNsPerSecond = 1000000000;

Ret keep_alive_enabled(P2Ctx& cx, std::span<const Val> a) {
  return get_option(cx, a[0], SOL_SOCKET, SO_KEEPALIVE, Val::Kind::Bool);
}
Ret set_keep_alive_enabled(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(TcpSocket * s, tcp(cx, a[0]));
  return done(set_int_option(s->fd.get(), SOL_SOCKET, SO_KEEPALIVE, a[1].bits != 0 ? 1 : 0));
}
Ret keep_alive_idle_time(P2Ctx& cx, std::span<const Val> a) {
  return get_option(cx, a[0], IPPROTO_TCP, TCP_KEEPIDLE, Val::Kind::U64, kNsPerSecond);
}
Ret set_keep_alive_idle_time(P2Ctx& cx, std::span<const Val> a) {
  return set_option(cx, a[0], a[1], IPPROTO_TCP, TCP_KEEPIDLE, kNsPerSecond, 32767);
}
Ret keep_alive_interval(P2Ctx& cx, std::span<const Val> a) {
  return get_option(cx, a[0], IPPROTO_TCP, TCP_KEEPINTVL, Val::Kind::U64, kNsPerSecond);
}
Ret set_keep_alive_interval(P2Ctx& cx, std::span<const Val> a) {
  return set_option(cx, a[0], a[1], IPPROTO_TCP, TCP_KEEPINTVL, kNsPerSecond, 32767);
}
Ret keep_alive_count(P2Ctx& cx, std::span<const Val> a) {
  return get_option(cx, a[0], IPPROTO_TCP, TCP_KEEPCNT, Val::Kind::U32);
}
Ret set_keep_alive_count(P2Ctx& cx, std::span<const Val> a) {
  return set_option(cx, a[0], a[1], IPPROTO_TCP, TCP_KEEPCNT, 1, 127);
}
Ret hop_limit(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(TcpSocket * s, tcp(cx, a[0]));
  return done(get_hop_limit(s->fd.get(), s->v6));
}
Ret set_hop_limit_(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(TcpSocket * s, tcp(cx, a[0]));
  return done(set_hop_limit(s->fd.get(), s->v6, static_cast<uint8_t>(a[1].bits)));
}
Ret receive_buffer_size(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(TcpSocket * s, tcp(cx, a[0]));
  return done(get_buffer_size(s->fd.get(), SO_RCVBUF));
}
Ret set_receive_buffer_size(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(TcpSocket * s, tcp(cx, a[0]));
  return done(set_buffer_size(s->fd.get(), SO_RCVBUF, a[1].u()));
}
Ret send_buffer_size(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(TcpSocket * s, tcp(cx, a[0]));
  return done(get_buffer_size(s->fd.get(), SO_SNDBUF));
}
Ret set_send_buffer_size(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(TcpSocket * s, tcp(cx, a[0]));
  return done(set_buffer_size(s->fd.get(), SO_SNDBUF, a[1].u()));
}

// Ready when an operation in progress can finish: a connect completed (writable), a
// connection is waiting (readable); otherwise at once (poll reports POLLOUT|POLLHUP for a
// socket that is neither connecting nor listening).
Ret subscribe(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(TcpSocket * s, tcp(cx, a[0]));
  if (s->state == TcpState::ConnectStarted || s->state == TcpState::Listening) {
    const short events = s->state == TcpState::Listening ? POLLIN : POLLOUT;
    return done(own_val(resources::kPollable, add_fd_pollable(cx, s->fd.get(), events)));
  }
  return done(own_val(resources::kPollable, cx.add(std::make_unique<Pollable>())));
}

Ret shutdown(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(TcpSocket * s, tcp(cx, a[0]));
  if (s->state != TcpState::Connected) return fail("invalid-state");
  constexpr std::string_view kType = "wasi:sockets/tcp.shutdown-type";
  const int how = a[1].bits == case_index(kType, "receive") ? SHUT_RD
                  : a[1].bits == case_index(kType, "send")  ? SHUT_WR
                                                            : SHUT_RDWR;
  // ENOTCONN after the peer reset the connection: the direction is shut already.
  if (::shutdown(s->fd.get(), how) != 0 && errno != ENOTCONN) return fail_errno(errno);
  return done(ok_val());
}

const HostFunction kTcpFns[] = {
    {"wasi:sockets/tcp-create-socket", "create-tcp-socket", create_tcp_socket},
    {"wasi:sockets/tcp", "[method]tcp-socket.start-bind", start_bind},
    {"wasi:sockets/tcp", "[method]tcp-socket.finish-bind", finish_bind},
    {"wasi:sockets/tcp", "[method]tcp-socket.start-connect", start_connect},
    {"wasi:sockets/tcp", "[method]tcp-socket.finish-connect", finish_connect},
    {"wasi:sockets/tcp", "[method]tcp-socket.start-listen", start_listen},
    {"wasi:sockets/tcp", "[method]tcp-socket.finish-listen", finish_listen},
    {"wasi:sockets/tcp", "[method]tcp-socket.accept", accept},
    {"wasi:sockets/tcp", "[method]tcp-socket.local-address", local_address},
    {"wasi:sockets/tcp", "[method]tcp-socket.remote-address", remote_address},
    {"wasi:sockets/tcp", "[method]tcp-socket.is-listening", is_listening},
    {"wasi:sockets/tcp", "[method]tcp-socket.address-family", address_family},
    {"wasi:sockets/tcp", "[method]tcp-socket.set-listen-backlog-size", set_listen_backlog_size},
    {"wasi:sockets/tcp", "[method]tcp-socket.keep-alive-enabled", keep_alive_enabled},
    {"wasi:sockets/tcp", "[method]tcp-socket.set-keep-alive-enabled", set_keep_alive_enabled},
    {"wasi:sockets/tcp", "[method]tcp-socket.keep-alive-idle-time", keep_alive_idle_time},
    {"wasi:sockets/tcp", "[method]tcp-socket.set-keep-alive-idle-time", set_keep_alive_idle_time},
    {"wasi:sockets/tcp", "[method]tcp-socket.keep-alive-interval", keep_alive_interval},
    {"wasi:sockets/tcp", "[method]tcp-socket.set-keep-alive-interval", set_keep_alive_interval},
    {"wasi:sockets/tcp", "[method]tcp-socket.keep-alive-count", keep_alive_count},
    {"wasi:sockets/tcp", "[method]tcp-socket.set-keep-alive-count", set_keep_alive_count},
    {"wasi:sockets/tcp", "[method]tcp-socket.hop-limit", hop_limit},
    {"wasi:sockets/tcp", "[method]tcp-socket.set-hop-limit", set_hop_limit_},
    {"wasi:sockets/tcp", "[method]tcp-socket.receive-buffer-size", receive_buffer_size},
    {"wasi:sockets/tcp", "[method]tcp-socket.set-receive-buffer-size", set_receive_buffer_size},
    {"wasi:sockets/tcp", "[method]tcp-socket.send-buffer-size", send_buffer_size},
    {"wasi:sockets/tcp", "[method]tcp-socket.set-send-buffer-size", set_send_buffer_size},
    {"wasi:sockets/tcp", "[method]tcp-socket.subscribe", subscribe},
    {"wasi:sockets/tcp", "[method]tcp-socket.shutdown", shutdown},
};

} // namespace

std::span<const HostFunction> tcp_functions() {
  return kTcpFns;
}

} // namespace wasmcap::wasi::p2

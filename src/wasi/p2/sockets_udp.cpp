// wasi:sockets/udp and udp-create-socket: the udp-socket resource (unbound, bind-in-progress,
// bound) and its datagram streams. Bind happens in start-bind (finish-bind completes the state
// change); receive and send never block (MSG_DONTWAIT), as the WIT says.
//
// Grants (checked before the syscall): a bind needs a udp rule for the local endpoint, except
// the wildcard address with port 0 (what a client's implicit bind is), which any udp grant
// allows; `stream` with a remote address, and every datagram sent to an address of its own,
// need a udp rule for that remote endpoint. Received datagrams are not filtered: receiving on
// a bound port is what the bind granted.
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>

#include <cerrno>

#include "wasi/p2/objects.h"
#include "wasi/p2/sockets.h"
#include "wasi/wasi_ctx.h"

namespace wasmcap::wasi::p2 {

namespace {

constexpr std::string_view kUdp = "wasi:sockets/udp";
// The most datagrams one receive returns, and one check-send permits.
constexpr uint64_t kMaxDatagrams = 64;
constexpr size_t kMaxDatagramSize = 65536;

enum class UdpState : uint8_t { Unbound, BindStarted, Bound };

struct UdpSocket : HostObject {
  UdpSocket() { type = &resources::kUdpSocket; }
  sandbox::UniqueFd fd;
  bool v6 = false;
  UdpState state = UdpState::Unbound;
  std::optional<SocketAddress> remote; // set by `stream` with a remote address
};

struct IncomingDatagramStream : HostObject {
  IncomingDatagramStream() { type = &resources::kIncomingDatagramStream; }
  sandbox::UniqueFd fd; // a duplicate: the stream may outlive its socket
  std::optional<SocketAddress> remote;
};

struct OutgoingDatagramStream : HostObject {
  OutgoingDatagramStream() { type = &resources::kOutgoingDatagramStream; }
  sandbox::UniqueFd fd;
  bool v6 = false;
  std::optional<SocketAddress> remote;
  uint64_t permitted = 0; // what the last check-send allowed, spent by send
};

support::Result<UdpSocket*> udp(P2Ctx& cx, const Val& h) {
  WASMCAP_ASSIGN(const uint32_t rep, handle_rep(h, resources::kUdpSocket));
  return cx.get_as<UdpSocket>(rep, resources::kUdpSocket);
}

// An option<ip-socket-address> argument; a Trap error when it does not have that shape.
support::Result<std::optional<SocketAddress>> optional_address(const Val& v) {
  if (v.kind != Val::Kind::Option || (v.bits == 1 && !v.has_payload())) {
    return make_error(ErrorKind::Trap, "malformed option<ip-socket-address> value");
  }
  if (v.bits == 0) return std::optional<SocketAddress>();
  WASMCAP_ASSIGN(const SocketAddress a, socket_address(v.payload()));
  return std::optional<SocketAddress>(a);
}

bool same_endpoint(const SocketAddress& a, const SocketAddress& b) {
  return a.ep.v6 == b.ep.v6 && a.ep.address == b.ep.address && a.ep.port == b.ep.port;
}

Ret create_udp_socket(P2Ctx& cx, std::span<const Val> a) {
  const bool v6 = a[0].bits == case_index("wasi:sockets/network.ip-address-family", "ipv6");
  const int fd = ::socket(v6 ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return fail_errno(errno);
  auto s = std::make_unique<UdpSocket>();
  s->fd.reset(fd);
  s->v6 = v6;
  if (v6) {
    const int one = 1;
    ::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
  }
  return done(ok_val(own_val(resources::kUdpSocket, cx.add(std::move(s)))));
}

Ret start_bind(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(UdpSocket * s, udp(cx, a[0]));
  WASMCAP_TRY(check_network(cx, a[1]));
  WASMCAP_ASSIGN(const SocketAddress addr, socket_address(a[2]));
  if (s->state == UdpState::BindStarted) return fail("concurrency-conflict");
  if (s->state != UdpState::Unbound) return fail("invalid-state");
  if (addr.ep.v6 != s->v6 || is_v4_mapped(addr.ep)) return fail("invalid-argument");
  const auto& config = cx.wasi().config();
  const bool client_bind = is_unspecified(addr.ep) && addr.ep.port == 0 &&
                           !config.net.udp.empty() && config.allowed.has(Group::Net);
  if (!client_bind &&
      !net_granted(cx, NetOp::Udp, addr.ep, kUdp, "[method]udp-socket.start-bind")) {
    return fail("access-denied");
  }
  sockaddr_storage ss;
  const socklen_t len = to_sockaddr(addr, ss);
  if (::bind(s->fd.get(), reinterpret_cast<sockaddr*>(&ss), len) != 0) return fail_errno(errno);
  s->state = UdpState::BindStarted;
  return done(ok_val());
}

Ret finish_bind(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(UdpSocket * s, udp(cx, a[0]));
  if (s->state != UdpState::BindStarted) return fail("not-in-progress");
  s->state = UdpState::Bound;
  return done(ok_val());
}

// Whether `addr` may be a destination of socket family `v6` (the WIT's invalid-argument cases).
bool valid_remote(bool v6, const SocketAddress& addr) {
  return addr.ep.v6 == v6 && !is_v4_mapped(addr.ep) && !is_unspecified(addr.ep) &&
         addr.ep.port != 0;
}

Ret stream(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(UdpSocket * s, udp(cx, a[0]));
  WASMCAP_ASSIGN(const std::optional<SocketAddress> remote, optional_address(a[1]));
  if (s->state != UdpState::Bound) return fail("invalid-state");
  if (remote) {
    if (!valid_remote(s->v6, *remote)) return fail("invalid-argument");
    if (!net_granted(cx, NetOp::Udp, remote->ep, kUdp, "[method]udp-socket.stream")) {
      return fail("access-denied");
    }
  }
  const int fd = s->fd.get();
  if (s->remote) { // dissolve the earlier association (connect to AF_UNSPEC)
    sockaddr_storage none{};
    none.ss_family = AF_UNSPEC;
    ::connect(fd, reinterpret_cast<sockaddr*>(&none), sizeof none);
    s->remote.reset();
  }
  if (remote) {
    sockaddr_storage ss;
    const socklen_t len = to_sockaddr(*remote, ss);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0) return fail_errno(errno);
    s->remote = remote;
  }
  auto in = std::make_unique<IncomingDatagramStream>();
  in->fd.reset(::fcntl(fd, F_DUPFD_CLOEXEC, 3));
  in->remote = remote;
  auto out = std::make_unique<OutgoingDatagramStream>();
  out->fd.reset(::fcntl(fd, F_DUPFD_CLOEXEC, 3));
  out->v6 = s->v6;
  out->remote = remote;
  if (!in->fd.valid() || !out->fd.valid()) return fail("new-socket-limit");
  return done(
      ok_val(tuple_val({own_val(resources::kIncomingDatagramStream, cx.add(std::move(in))),
                        own_val(resources::kOutgoingDatagramStream, cx.add(std::move(out)))})));
}

Ret local_address(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(UdpSocket * s, udp(cx, a[0]));
  if (s->state != UdpState::Bound) return fail("invalid-state");
  return done(local_address_val(s->fd.get()));
}

Ret remote_address(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(UdpSocket * s, udp(cx, a[0]));
  if (!s->remote) return fail("invalid-state");
  return done(peer_address_val(s->fd.get()));
}

Ret address_family(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(UdpSocket * s, udp(cx, a[0]));
  return done(family_val(s->v6));
}

Ret unicast_hop_limit(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(UdpSocket * s, udp(cx, a[0]));
  return done(get_hop_limit(s->fd.get(), s->v6));
}

Ret set_unicast_hop_limit(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(UdpSocket * s, udp(cx, a[0]));
  return done(set_hop_limit(s->fd.get(), s->v6, static_cast<uint8_t>(a[1].bits)));
}

Ret receive_buffer_size(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(UdpSocket * s, udp(cx, a[0]));
  return done(get_buffer_size(s->fd.get(), SO_RCVBUF));
}

Ret set_receive_buffer_size(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(UdpSocket * s, udp(cx, a[0]));
  return done(set_buffer_size(s->fd.get(), SO_RCVBUF, a[1].u()));
}

Ret send_buffer_size(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(UdpSocket * s, udp(cx, a[0]));
  return done(get_buffer_size(s->fd.get(), SO_SNDBUF));
}

Ret set_send_buffer_size(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(UdpSocket * s, udp(cx, a[0]));
  return done(set_buffer_size(s->fd.get(), SO_SNDBUF, a[1].u()));
}

Ret socket_subscribe(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_TRY(udp(cx, a[0]));
  return done(own_val(resources::kPollable, cx.add(std::make_unique<Pollable>())));
}

Ret receive(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(const uint32_t rep, handle_rep(a[0], resources::kIncomingDatagramStream));
  WASMCAP_ASSIGN(auto* in,
                 cx.get_as<IncomingDatagramStream>(rep, resources::kIncomingDatagramStream));
  const uint64_t max = std::min(a[1].u(), kMaxDatagrams);
  std::vector<Val> out;
  std::string buf(kMaxDatagramSize, '\0');
  while (out.size() < max) {
    sockaddr_storage from{};
    socklen_t len = sizeof from;
    const ssize_t n = ::recvfrom(in->fd.get(), buf.data(), buf.size(), MSG_DONTWAIT,
                                 reinterpret_cast<sockaddr*>(&from), &len);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      if (errno == EAGAIN || !out.empty()) break;
      return fail_errno(errno);
    }
    const SocketAddress source = from_sockaddr(from);
    if (in->remote && !same_endpoint(source, *in->remote)) continue; // the kernel filters too
    out.push_back(record_val(
        {Val::bytes(buf.substr(0, static_cast<size_t>(n))), socket_address_val(source)}));
  }
  return done(ok_val(list_val(std::move(out))));
}

Ret incoming_subscribe(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(const uint32_t rep, handle_rep(a[0], resources::kIncomingDatagramStream));
  WASMCAP_ASSIGN(auto* in,
                 cx.get_as<IncomingDatagramStream>(rep, resources::kIncomingDatagramStream));
  return done(own_val(resources::kPollable, add_fd_pollable(cx, in->fd.get(), POLLIN)));
}

support::Result<OutgoingDatagramStream*> outgoing(P2Ctx& cx, const Val& h) {
  WASMCAP_ASSIGN(const uint32_t rep, handle_rep(h, resources::kOutgoingDatagramStream));
  return cx.get_as<OutgoingDatagramStream>(rep, resources::kOutgoingDatagramStream);
}

Ret check_send(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(OutgoingDatagramStream * out, outgoing(cx, a[0]));
  pollfd p{out->fd.get(), POLLOUT, 0};
  ::poll(&p, 1, 0);
  out->permitted = (p.revents & POLLOUT) ? kMaxDatagrams : 0;
  return done(ok_val(u64_val(out->permitted)));
}

// Sends one datagram (record {data, remote-address: option}); 0, or the error-code case.
support::Result<std::string_view> send_one(P2Ctx& cx, OutgoingDatagramStream& out, const Val& dg) {
  if (dg.items.size() != 2) return make_error(ErrorKind::Trap, "malformed outgoing-datagram");
  WASMCAP_ASSIGN(const std::optional<SocketAddress> to, optional_address(dg.items[1]));
  if (to) {
    if (!valid_remote(out.v6, *to)) return std::string_view("invalid-argument");
    if (out.remote && !same_endpoint(*to, *out.remote)) return std::string_view("invalid-argument");
  } else if (!out.remote) {
    return std::string_view("invalid-argument");
  }
  // A datagram to the stream's own remote address was granted by `stream`.
  if (to && !out.remote &&
      !net_granted(cx, NetOp::Udp, to->ep, kUdp, "[method]outgoing-datagram-stream.send")) {
    return std::string_view("access-denied");
  }
  const std::string data = val_bytes(dg.items[0]);
  ssize_t n;
  do {
    if (to && !out.remote) {
      sockaddr_storage ss;
      const socklen_t len = to_sockaddr(*to, ss);
      n = ::sendto(out.fd.get(), data.data(), data.size(), MSG_DONTWAIT | MSG_NOSIGNAL,
                   reinterpret_cast<sockaddr*>(&ss), len);
    } else {
      n = ::send(out.fd.get(), data.data(), data.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
    }
  } while (n < 0 && errno == EINTR);
  if (n < 0) return errno == EAGAIN ? std::string_view("would-block") : errno_error_code(errno);
  return std::string_view();
}

Ret send(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(OutgoingDatagramStream * out, outgoing(cx, a[0]));
  const Val& list = a[1];
  if (list.items.size() > out->permitted) {
    return make_error(ErrorKind::Trap, "outgoing-datagram-stream.send of more datagrams than "
                                       "check-send permitted");
  }
  out->permitted = 0;
  uint64_t sent = 0;
  for (const Val& dg : list.items) {
    WASMCAP_ASSIGN(const std::string_view err, send_one(cx, *out, dg));
    if (err == "would-block") break; // the WIT: send never returns would-block
    if (!err.empty()) {
      if (sent > 0) break;
      return fail(err);
    }
    ++sent;
  }
  return done(ok_val(u64_val(sent)));
}

Ret outgoing_subscribe(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(OutgoingDatagramStream * out, outgoing(cx, a[0]));
  return done(own_val(resources::kPollable, add_fd_pollable(cx, out->fd.get(), POLLOUT)));
}

const HostFunction kUdpFns[] = {
    {"wasi:sockets/udp-create-socket", "create-udp-socket", create_udp_socket},
    {"wasi:sockets/udp", "[method]udp-socket.start-bind", start_bind},
    {"wasi:sockets/udp", "[method]udp-socket.finish-bind", finish_bind},
    {"wasi:sockets/udp", "[method]udp-socket.stream", stream},
    {"wasi:sockets/udp", "[method]udp-socket.local-address", local_address},
    {"wasi:sockets/udp", "[method]udp-socket.remote-address", remote_address},
    {"wasi:sockets/udp", "[method]udp-socket.address-family", address_family},
    {"wasi:sockets/udp", "[method]udp-socket.unicast-hop-limit", unicast_hop_limit},
    {"wasi:sockets/udp", "[method]udp-socket.set-unicast-hop-limit", set_unicast_hop_limit},
    {"wasi:sockets/udp", "[method]udp-socket.receive-buffer-size", receive_buffer_size},
    {"wasi:sockets/udp", "[method]udp-socket.set-receive-buffer-size", set_receive_buffer_size},
    {"wasi:sockets/udp", "[method]udp-socket.send-buffer-size", send_buffer_size},
    {"wasi:sockets/udp", "[method]udp-socket.set-send-buffer-size", set_send_buffer_size},
    {"wasi:sockets/udp", "[method]udp-socket.subscribe", socket_subscribe},
    {"wasi:sockets/udp", "[method]incoming-datagram-stream.receive", receive},
    {"wasi:sockets/udp", "[method]incoming-datagram-stream.subscribe", incoming_subscribe},
    {"wasi:sockets/udp", "[method]outgoing-datagram-stream.check-send", check_send},
    {"wasi:sockets/udp", "[method]outgoing-datagram-stream.send", send},
    {"wasi:sockets/udp", "[method]outgoing-datagram-stream.subscribe", outgoing_subscribe},
};

} // namespace

std::span<const HostFunction> udp_functions() {
  return kUdpFns;
}

} // namespace wasmcap::wasi::p2

// wasi:sockets: the network resource and instance-network, the address and error conversions
// the TCP and UDP files share, the grant check, and ip-name-lookup (getaddrinfo). The network
// is a capability granted per address (WasiConfig::net): every call that could reach the
// network checks its endpoint first and returns the WIT's access-denied, logged, when no grant
// covers it.
#include "wasi/p2/sockets.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "wasi/p2/objects.h"
#include "wasi/p2/registry.h"
#include "wasi/wasi_ctx.h"

namespace wasmcap::wasi::p2 {

namespace {

constexpr std::string_view kIpSocketAddress = "wasi:sockets/network.ip-socket-address";
constexpr std::string_view kIpAddress = "wasi:sockets/network.ip-address";

Val u16_val(uint16_t v) {
  return Val::make(Val::Kind::U16, v);
}

// A record/tuple member list of the expected size, or a Trap (a malformed lifted value).
support::Result<const std::vector<Val>*> members(const Val& v, size_t n) {
  if (v.items.size() != n) {
    return make_error(ErrorKind::Trap, "malformed ip-socket-address value");
  }
  return &v.items;
}

} // namespace

Val error_code(std::string_view name) {
  return err_val(enum_val(kSocketErrorCode, name));
}

Ret fail(std::string_view name) {
  return done(error_code(name));
}

std::string_view errno_error_code(int err) {
  switch (err) {
  case EACCES:
  case EPERM: return "access-denied";
  case EOPNOTSUPP:
  case EAFNOSUPPORT:
  case EPROTONOSUPPORT: return "not-supported";
  case EINVAL:
  case EDESTADDRREQ: return "invalid-argument";
  case ENOMEM:
  case ENOBUFS: return "out-of-memory";
  case ETIMEDOUT: return "timeout";
  case EALREADY: return "concurrency-conflict";
  case EAGAIN:
  case EINPROGRESS: return "would-block";
  case EISCONN:
  case ENOTCONN: return "invalid-state";
  case EMFILE:
  case ENFILE: return "new-socket-limit";
  case EADDRNOTAVAIL: return "address-not-bindable";
  case EADDRINUSE: return "address-in-use";
  case EHOSTUNREACH:
  case EHOSTDOWN:
  case ENETUNREACH:
  case ENETDOWN:
  case ENONET: return "remote-unreachable";
  case ECONNREFUSED: return "connection-refused";
  case ECONNRESET:
  case EPIPE: return "connection-reset";
  case ECONNABORTED: return "connection-aborted";
  case EMSGSIZE: return "datagram-too-large";
  default: return "unknown";
  }
}

Ret fail_errno(int err) {
  return fail(errno_error_code(err));
}

support::Result<SocketAddress> socket_address(const Val& v) {
  if (v.kind != Val::Kind::Variant || !v.has_payload()) {
    return make_error(ErrorKind::Trap, "malformed ip-socket-address value");
  }
  SocketAddress a;
  const Val& rec = v.payload();
  if (v.bits == case_index(kIpSocketAddress, "ipv4")) {
    WASMCAP_ASSIGN(const std::vector<Val>* f, members(rec, 2));
    WASMCAP_ASSIGN(const std::vector<Val>* b, members((*f)[1], 4));
    a.ep.port = static_cast<uint16_t>((*f)[0].bits);
    for (size_t i = 0; i < 4; ++i)
      a.ep.address[i] = static_cast<uint8_t>((*b)[i].bits);
    return a;
  }
  WASMCAP_ASSIGN(const std::vector<Val>* f, members(rec, 4));
  WASMCAP_ASSIGN(const std::vector<Val>* w, members((*f)[2], 8));
  a.ep.v6 = true;
  a.ep.port = static_cast<uint16_t>((*f)[0].bits);
  a.flow_info = static_cast<uint32_t>((*f)[1].bits);
  for (size_t i = 0; i < 8; ++i) {
    a.ep.address[2 * i] = static_cast<uint8_t>((*w)[i].bits >> 8);
    a.ep.address[2 * i + 1] = static_cast<uint8_t>((*w)[i].bits);
  }
  a.scope_id = static_cast<uint32_t>((*f)[3].bits);
  return a;
}

namespace {

Val ipv4_tuple(const NetEndpoint& ep) {
  return tuple_val(
      {u8_val(ep.address[0]), u8_val(ep.address[1]), u8_val(ep.address[2]), u8_val(ep.address[3])});
}

Val ipv6_tuple(const NetEndpoint& ep) {
  std::vector<Val> w;
  for (size_t i = 0; i < 8; ++i) {
    w.push_back(u16_val(static_cast<uint16_t>(ep.address[2 * i] << 8 | ep.address[2 * i + 1])));
  }
  return tuple_val(std::move(w));
}

} // namespace

Val socket_address_val(const SocketAddress& a) {
  if (!a.ep.v6) {
    return variant_val(kIpSocketAddress, "ipv4",
                       record_val({u16_val(a.ep.port), ipv4_tuple(a.ep)}));
  }
  return variant_val(kIpSocketAddress, "ipv6",
                     record_val({u16_val(a.ep.port), u32_val(a.flow_info), ipv6_tuple(a.ep),
                                 u32_val(a.scope_id)}));
}

socklen_t to_sockaddr(const SocketAddress& a, sockaddr_storage& out) {
  std::memset(&out, 0, sizeof out);
  if (!a.ep.v6) {
    auto* s = reinterpret_cast<sockaddr_in*>(&out);
    s->sin_family = AF_INET;
    s->sin_port = htons(a.ep.port);
    std::memcpy(&s->sin_addr, a.ep.address.data(), 4);
    return sizeof(sockaddr_in);
  }
  auto* s = reinterpret_cast<sockaddr_in6*>(&out);
  s->sin6_family = AF_INET6;
  s->sin6_port = htons(a.ep.port);
  s->sin6_flowinfo = htonl(a.flow_info);
  std::memcpy(&s->sin6_addr, a.ep.address.data(), 16);
  s->sin6_scope_id = a.scope_id;
  return sizeof(sockaddr_in6);
}

SocketAddress from_sockaddr(const sockaddr_storage& s) {
  SocketAddress a;
  if (s.ss_family == AF_INET6) {
    const auto* in = reinterpret_cast<const sockaddr_in6*>(&s);
    a.ep.v6 = true;
    a.ep.port = ntohs(in->sin6_port);
    a.flow_info = ntohl(in->sin6_flowinfo);
    std::memcpy(a.ep.address.data(), &in->sin6_addr, 16);
    a.scope_id = in->sin6_scope_id;
  } else {
    const auto* in = reinterpret_cast<const sockaddr_in*>(&s);
    a.ep.port = ntohs(in->sin_port);
    std::memcpy(a.ep.address.data(), &in->sin_addr, 4);
  }
  return a;
}

Val local_address_val(int fd) {
  sockaddr_storage s{};
  socklen_t len = sizeof s;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&s), &len) != 0) {
    return error_code(errno_error_code(errno));
  }
  return ok_val(socket_address_val(from_sockaddr(s)));
}

Val peer_address_val(int fd) {
  sockaddr_storage s{};
  socklen_t len = sizeof s;
  if (::getpeername(fd, reinterpret_cast<sockaddr*>(&s), &len) != 0) {
    return error_code(errno_error_code(errno));
  }
  return ok_val(socket_address_val(from_sockaddr(s)));
}

bool is_unspecified(const NetEndpoint& ep) {
  const size_t n = ep.v6 ? 16 : 4;
  return std::all_of(ep.address.begin(), ep.address.begin() + static_cast<long>(n),
                     [](uint8_t b) { return b == 0; });
}

bool is_v4_mapped(const NetEndpoint& ep) {
  static constexpr uint8_t kPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  return ep.v6 && std::memcmp(ep.address.data(), kPrefix, sizeof kPrefix) == 0;
}

Val family_val(bool v6) {
  return enum_val("wasi:sockets/network.ip-address-family", v6 ? "ipv6" : "ipv4");
}

namespace {

// The audit line for a refused use of the network.
void audit_refusal(P2Ctx& cx, std::string_view interface, std::string_view func,
                   std::string_view grant, std::string_view target, const std::string& reason) {
  std::string args;
  append_json_string(args, "grant");
  args += ':';
  append_json_string(args, grant);
  args += ',';
  append_json_string(args, "address");
  args += ':';
  append_json_string(args, target);
  cx.wasi().observer().refused_p2(interface, func, args, reason, Group::Net);
}

} // namespace

bool net_granted(P2Ctx& cx, NetOp op, const NetEndpoint& ep, std::string_view interface,
                 std::string_view func) {
  const std::string target = format_endpoint(ep);
  if (!cx.wasi().config().allowed.has(Group::Net)) {
    audit_refusal(cx, interface, func, net_op_name(op), target, "denied by policy");
    return false;
  }
  if (!net_allows(cx.wasi().config().net, op, ep)) {
    audit_refusal(cx, interface, func, net_op_name(op), target, "no network grant for " + target);
    return false;
  }
  cx.wasi().observer().learn_net(op, ep);
  return true;
}

support::Status check_network(P2Ctx& cx, const Val& v) {
  WASMCAP_ASSIGN(const uint32_t rep, handle_rep(v, resources::kNetwork));
  WASMCAP_TRY(cx.get(rep, resources::kNetwork));
  return ok();
}

Val get_int_option(int fd, int level, int name) {
  int value = 0;
  socklen_t len = sizeof value;
  if (::getsockopt(fd, level, name, &value, &len) != 0) return error_code(errno_error_code(errno));
  return ok_val(Val::make(Val::Kind::U64, static_cast<uint64_t>(value)));
}

Val set_int_option(int fd, int level, int name, int value) {
  if (::setsockopt(fd, level, name, &value, sizeof value) != 0) {
    return error_code(errno_error_code(errno));
  }
  return ok_val();
}

Val get_hop_limit(int fd, bool v6) {
  Val r = get_int_option(fd, v6 ? IPPROTO_IPV6 : IPPROTO_IP, v6 ? IPV6_UNICAST_HOPS : IP_TTL);
  if (r.bits == 0) r.items[0] = u8_val(static_cast<uint8_t>(r.items[0].bits));
  return r;
}

Val set_hop_limit(int fd, bool v6, uint8_t value) {
  if (value == 0) return error_code("invalid-argument");
  return set_int_option(fd, v6 ? IPPROTO_IPV6 : IPPROTO_IP, v6 ? IPV6_UNICAST_HOPS : IP_TTL, value);
}

Val get_buffer_size(int fd, int name) {
  return get_int_option(fd, SOL_SOCKET, name); // already a u64
}

Val set_buffer_size(int fd, int name, uint64_t value) {
  if (value == 0) return error_code("invalid-argument");
  // The kernel doubles what it is given (for its bookkeeping) and clamps to its maximum.
  const int v = static_cast<int>(std::min<uint64_t>(value, INT32_MAX / 2));
  return set_int_option(fd, SOL_SOCKET, name, v);
}

namespace {

// ---- wasi:sockets/network, instance-network ----

Ret instance_network(P2Ctx& cx, std::span<const Val>) {
  return done(own_val(resources::kNetwork, cx.add(std::make_unique<Network>())));
}

Ret network_error_code(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(const uint32_t rep, handle_rep(a[0], resources::kError));
  WASMCAP_ASSIGN(ErrorObject * e, cx.get_as<ErrorObject>(rep, resources::kError));
  if (e->host_errno == 0) return done(none_val());
  return done(some_val(enum_val(kSocketErrorCode, errno_error_code(e->host_errno))));
}

// ---- wasi:sockets/ip-name-lookup ----

constexpr std::string_view kLookup = "wasi:sockets/ip-name-lookup";

// The addresses of one name, resolved when resolve-addresses was called (getaddrinfo blocks:
// the WIT's "never blocks" is traded for one simple synchronous call), handed out one by one.
struct ResolveAddressStream : HostObject {
  ResolveAddressStream() { type = &resources::kResolveAddressStream; }
  std::vector<NetEndpoint> addresses;
  size_t next = 0;
  std::string_view error; // an error-code case, reported by the first resolve-next-address
};

Val ip_address_val(const NetEndpoint& ep) {
  return ep.v6 ? variant_val(kIpAddress, "ipv6", ipv6_tuple(ep))
               : variant_val(kIpAddress, "ipv4", ipv4_tuple(ep));
}

std::string_view gai_error_code(int rc) {
  switch (rc) {
  case EAI_NONAME:
  case EAI_NODATA:
  case EAI_ADDRFAMILY: return "name-unresolvable";
  case EAI_AGAIN: return "temporary-resolver-failure";
  case EAI_FAIL: return "permanent-resolver-failure";
  case EAI_MEMORY: return "out-of-memory";
  default: return "unknown";
  }
}

// A host name as the resolver takes it: printable ASCII without spaces, 1..253 characters.
// (IDNA conversion of Unicode names is not done: such a name is invalid-argument.)
bool valid_name(std::string_view name) {
  if (name.empty() || name.size() > 253) return false;
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return c > 0x20 && c < 0x7f && c != '/' && c != '\\'; });
}

Ret resolve_addresses(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_TRY(check_network(cx, a[0]));
  const std::string& name = a[1].str;
  const auto& config = cx.wasi().config();
  if (!config.allowed.has(Group::Net) || !config.net.ip_name_lookup) {
    std::string args;
    append_json_string(args, "name");
    args += ':';
    append_json_string(args, name);
    cx.wasi().observer().refused_p2(kLookup, "resolve-addresses", args,
                                    config.allowed.has(Group::Net) ? "no ip-name-lookup grant"
                                                                   : "denied by policy",
                                    Group::Net);
    return fail("access-denied");
  }
  if (!valid_name(name)) return fail("invalid-argument");
  cx.wasi().observer().learn_name_lookup();
  auto s = std::make_unique<ResolveAddressStream>();
  NetEndpoint literal;
  if (::inet_pton(AF_INET, name.c_str(), literal.address.data()) == 1) {
    s->addresses.push_back(literal);
  } else if (::inet_pton(AF_INET6, name.c_str(), literal.address.data()) == 1) {
    literal.v6 = true;
    s->addresses.push_back(literal);
  } else {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM; // one entry per address, not one per socket type
    addrinfo* res = nullptr;
    const int rc = ::getaddrinfo(name.c_str(), nullptr, &hints, &res);
    if (rc != 0) {
      s->error = gai_error_code(rc);
    } else {
      for (const addrinfo* r = res; r; r = r->ai_next) {
        if (r->ai_family != AF_INET && r->ai_family != AF_INET6) continue;
        sockaddr_storage ss{};
        std::memcpy(&ss, r->ai_addr, std::min<size_t>(r->ai_addrlen, sizeof ss));
        NetEndpoint ep = from_sockaddr(ss).ep;
        ep.port = 0;
        if (is_v4_mapped(ep)) { // never returned, says the WIT: the IPv4 address it maps
          std::memmove(ep.address.data(), ep.address.data() + 12, 4);
          std::fill(ep.address.begin() + 4, ep.address.end(), 0);
          ep.v6 = false;
        }
        const bool seen = std::any_of(s->addresses.begin(), s->addresses.end(), [&](auto& x) {
          return x.v6 == ep.v6 && x.address == ep.address;
        });
        if (!seen) s->addresses.push_back(ep);
      }
      ::freeaddrinfo(res);
      if (s->addresses.empty()) s->error = "name-unresolvable";
    }
  }
  return done(ok_val(own_val(resources::kResolveAddressStream, cx.add(std::move(s)))));
}

Ret resolve_next_address(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(const uint32_t rep, handle_rep(a[0], resources::kResolveAddressStream));
  WASMCAP_ASSIGN(auto* s, cx.get_as<ResolveAddressStream>(rep, resources::kResolveAddressStream));
  if (!s->error.empty()) {
    const std::string_view e = s->error;
    s->error = {};
    return fail(e);
  }
  if (s->next >= s->addresses.size()) return done(ok_val(none_val()));
  return done(ok_val(some_val(ip_address_val(s->addresses[s->next++]))));
}

Ret resolve_subscribe(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(const uint32_t rep, handle_rep(a[0], resources::kResolveAddressStream));
  WASMCAP_TRY(cx.get(rep, resources::kResolveAddressStream));
  return done(own_val(resources::kPollable, cx.add(std::make_unique<Pollable>())));
}

const HostFunction kNetworkFns[] = {
    {"wasi:sockets/instance-network", "instance-network", instance_network},
    {"wasi:sockets/network", "network-error-code", network_error_code},
    {"wasi:sockets/ip-name-lookup", "resolve-addresses", resolve_addresses},
    {"wasi:sockets/ip-name-lookup", "[method]resolve-address-stream.resolve-next-address",
     resolve_next_address},
    {"wasi:sockets/ip-name-lookup", "[method]resolve-address-stream.subscribe", resolve_subscribe},
};

} // namespace

std::span<const HostFunction> sockets_functions() {
  static const std::vector<HostFunction> all = [] {
    std::vector<HostFunction> v(std::begin(kNetworkFns), std::end(kNetworkFns));
    for (auto list : {tcp_functions(), udp_functions()})
      v.insert(v.end(), list.begin(), list.end());
    return v;
  }();
  return all;
}

} // namespace wasmcap::wasi::p2

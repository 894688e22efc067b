// What the wasi:sockets files share (sockets.cpp: network, addresses, errors, grants and name
// lookup; sockets_tcp.cpp; sockets_udp.cpp): the socket objects, the conversions between the
// WIT's address values and host socket addresses, and the grant check every call that could
// reach the network makes before its syscall.
#pragma once

#include <sys/socket.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "wasi/net_grants.h"
#include "wasi/p2/host.h"
#include "wasi/p2/values.h"
#include "wasi/sandbox/unique_fd.h"

namespace wasmcap::wasi::p2 {

inline constexpr std::string_view kSocketErrorCode = "wasi:sockets/network.error-code";

// The instance's network: a token the WIT's calls take; what it reaches is WasiConfig::net.
struct Network : HostObject {
  Network() { type = &resources::kNetwork; }
};

// An ip-socket-address: the endpoint the grants speak of, plus IPv6's flow info and scope.
struct SocketAddress {
  NetEndpoint ep;
  uint32_t flow_info = 0, scope_id = 0;
};

// The WIT's error-code case `name` as `err(...)`.
Val error_code(std::string_view name);
Ret fail(std::string_view name);
// A host errno as the WIT's error-code (connection-refused for ECONNREFUSED, ...).
std::string_view errno_error_code(int err);
Ret fail_errno(int err);
inline Ret done(Val v) {
  return std::optional<Val>(std::move(v));
}

// An ip-socket-address argument; a Trap error when the value does not have its shape.
support::Result<SocketAddress> socket_address(const Val& v);
Val socket_address_val(const SocketAddress& a);
socklen_t to_sockaddr(const SocketAddress& a, sockaddr_storage& out);
SocketAddress from_sockaddr(const sockaddr_storage& s);
// getsockname / getpeername as a result<ip-socket-address, error-code>.
Val local_address_val(int fd);
Val peer_address_val(int fd);
bool is_unspecified(const NetEndpoint& ep);
bool is_v4_mapped(const NetEndpoint& ep);
Val family_val(bool v6);

// Checks `ep` against the guest's grants for `op` (and that the policy allows the net group).
// A refusal is written to the audit log as `interface`.`func` and the caller returns
// access-denied; an allowed use is recorded for learn mode.
bool net_granted(P2Ctx& cx, NetOp op, const NetEndpoint& ep, std::string_view interface,
                 std::string_view func);

// A borrowed network argument (only checked: every network is the same instance network).
support::Status check_network(P2Ctx& cx, const Val& v);

// Socket options shared by TCP and UDP: an int option read or set as the WIT's result.
Val get_int_option(int fd, int level, int name);
Val set_int_option(int fd, int level, int name, int value);
// The unicast hop limit (IP_TTL or IPV6_UNICAST_HOPS).
Val get_hop_limit(int fd, bool v6);
Val set_hop_limit(int fd, bool v6, uint8_t value);
// SO_RCVBUF / SO_SNDBUF (a value of 0 is invalid-argument; larger ones are clamped).
Val get_buffer_size(int fd, int name);
Val set_buffer_size(int fd, int name, uint64_t value);

std::span<const HostFunction> tcp_functions(); // sockets_tcp.cpp
std::span<const HostFunction> udp_functions(); // sockets_udp.cpp

} // namespace wasmcap::wasi::p2

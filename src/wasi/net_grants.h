// Matching a socket operation's endpoint against the guest's network grants (NetGrants,
// include/wasmcap/net_grants.h): the one check every wasi:sockets call that could reach the
// network makes before its syscall.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "wasmcap/net_grants.h"

namespace wasmcap::wasi {

// What a socket is about to do with an endpoint: the grant list that must cover it.
enum class NetOp : uint8_t { TcpConnect, TcpListen, Udp };

// An IP endpoint as the host sees it (addresses in network byte order; IPv4 in bytes 0-3).
struct NetEndpoint {
  bool v6 = false;
  std::array<uint8_t, 16> address{};
  uint16_t port = 0;
};

// True when a rule of `op`'s list covers `ep`. An IPv4-mapped IPv6 endpoint is matched as the
// IPv4 endpoint it is (so a v4 rule cannot be dodged, and a v4 grant is reachable through it).
bool net_allows(const NetGrants& grants, NetOp op, const NetEndpoint& ep);
bool rule_matches(const NetRule& rule, const NetEndpoint& ep);
// "127.0.0.1:80", "[::1]:80" (for audit lines).
std::string format_endpoint(const NetEndpoint& ep);
// The grant's name as the CLI spells it ("tcp-connect", "tcp-listen", "udp").
const char* net_op_name(NetOp op);

} // namespace wasmcap::wasi

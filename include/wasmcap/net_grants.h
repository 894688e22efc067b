// The network as a capability: which addresses a guest may connect to, listen on and exchange
// datagrams with, and whether it may look names up (WASI 0.2's wasi:sockets). Nothing is
// granted by default; each rule names an address or CIDR block (IPv4 or IPv6, or `*`) and a
// port or port range. The CLI's --tcp-connect/--tcp-listen/--udp/--allow-ip-name-lookup and
// the policy file's lines of the same names fill this in (docs/security.md).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "wasmcap/error.h"

namespace wasmcap {

// One rule: the endpoints whose address lies in `address`/`prefix` and whose port lies in
// [port_lo, port_hi]. IPv4 rules keep their address in the first 4 bytes. An IPv4-mapped IPv6
// rule (::ffff:a.b.c.d) is stored as the IPv4 rule it means.
struct NetRule {
  bool any_address = false;              // `*`: every address of both families
  bool v6 = false;                       // the family of `address`
  std::array<uint8_t, 16> address{};     // network byte order
  uint8_t prefix = 0;                    // the leading bits of `address` that must match
  uint16_t port_lo = 0, port_hi = 65535; // port 0 is "a port the host picks" (bind)
};

struct NetGrants {
  std::vector<NetRule> tcp_connect; // remote endpoints of outgoing TCP connections
  std::vector<NetRule> tcp_listen;  // local endpoints TCP sockets may bind (and so listen) on
  std::vector<NetRule> udp;         // local endpoints to bind, remote endpoints to send to
  bool ip_name_lookup = false;      // wasi:sockets/ip-name-lookup (getaddrinfo on the host)

  bool empty() const {
    return tcp_connect.empty() && tcp_listen.empty() && udp.empty() && !ip_name_lookup;
  }
  // Every address and port for all three (`-S inherit-network`).
  void grant_all_sockets();
  // Appends `other`'s rules (and its lookup grant).
  void merge(const NetGrants& other);
};

// Parses `ADDR:PORT`: ADDR is an IPv4 address or CIDR block (`10.0.0.0/8`), a bracketed IPv6
// address or block (`[::1]`, `[fd00::]/8` or `[fd00::/8]`) or `*`; PORT is a number, a range
// `LO-HI`, or `*`. Errors are Usage errors saying what is expected.
Result<NetRule> parse_net_rule(std::string_view spec);
// The rule in the syntax parse_net_rule reads (a single address has no prefix).
std::string format_net_rule(const NetRule& rule);

} // namespace wasmcap

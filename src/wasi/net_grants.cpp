// Network grants (include/wasmcap/net_grants.h, wasi/net_grants.h): the rule syntax the CLI and
// policy files use, and the match a socket call makes before it reaches the network.
#include "wasi/net_grants.h"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>

namespace wasmcap {

namespace {

constexpr std::array<uint8_t, 12> kV4MappedPrefix = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

Error rule_error(std::string_view spec, std::string_view why) {
  return make_error(ErrorKind::Usage,
                    std::string(spec) + ": " + std::string(why) +
                        " (expected ADDR:PORT: ADDR an IPv4 address or CIDR, a bracketed IPv6 "
                        "address or CIDR, or *; PORT a number, LO-HI or *)");
}

bool parse_number(std::string_view s, uint32_t max, uint32_t& out) {
  if (s.empty()) return false;
  const auto r = std::from_chars(s.data(), s.data() + s.size(), out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size() && out <= max;
}

bool is_v4_mapped(const std::array<uint8_t, 16>& a) {
  return std::memcmp(a.data(), kV4MappedPrefix.data(), kV4MappedPrefix.size()) == 0;
}

// Clears the bits after the prefix, so matching compares whole bytes and a block written with
// host bits (10.1.2.3/8) means the block it names.
void mask(std::array<uint8_t, 16>& a, unsigned prefix) {
  for (unsigned i = 0; i < 16; ++i) {
    const unsigned keep = prefix >= 8 * (i + 1) ? 8 : prefix > 8 * i ? prefix - 8 * i : 0;
    a[i] &= static_cast<uint8_t>(keep == 0 ? 0 : 0xff << (8 - keep));
  }
}

// Whether the first `prefix` bits of a and b agree.
bool prefix_equal(const uint8_t* a, const uint8_t* b, unsigned prefix) {
  const unsigned whole = prefix / 8, rest = prefix % 8;
  if (std::memcmp(a, b, whole) != 0) return false;
  if (rest == 0) return true;
  const auto m = static_cast<uint8_t>(0xff << (8 - rest));
  return (a[whole] & m) == (b[whole] & m);
}

} // namespace

void NetGrants::grant_all_sockets() {
  NetRule all;
  all.any_address = true;
  tcp_connect.push_back(all);
  tcp_listen.push_back(all);
  udp.push_back(all);
}

void NetGrants::merge(const NetGrants& other) {
  tcp_connect.insert(tcp_connect.end(), other.tcp_connect.begin(), other.tcp_connect.end());
  tcp_listen.insert(tcp_listen.end(), other.tcp_listen.begin(), other.tcp_listen.end());
  udp.insert(udp.end(), other.udp.begin(), other.udp.end());
  ip_name_lookup = ip_name_lookup || other.ip_name_lookup;
}

Result<NetRule> parse_net_rule(std::string_view spec) {
  NetRule rule;
  std::string_view host, prefix, port;
  if (!spec.empty() && spec.front() == '[') {
    const size_t close = spec.find(']');
    if (close == std::string_view::npos) return rule_error(spec, "no closing ]");
    host = spec.substr(1, close - 1);
    std::string_view after = spec.substr(close + 1);
    if (!after.empty() && after.front() == '/') {
      const size_t colon = after.find(':');
      prefix = after.substr(1, colon == std::string_view::npos ? after.size() : colon - 1);
      after = colon == std::string_view::npos ? std::string_view() : after.substr(colon);
    }
    if (after.empty() || after.front() != ':') return rule_error(spec, "no :PORT");
    port = after.substr(1);
    if (const size_t slash = host.find('/'); slash != std::string_view::npos) {
      if (!prefix.empty()) return rule_error(spec, "two prefix lengths");
      prefix = host.substr(slash + 1);
      host = host.substr(0, slash);
    }
    rule.v6 = true;
  } else {
    const size_t colon = spec.rfind(':');
    if (colon == std::string_view::npos) return rule_error(spec, "no :PORT");
    host = spec.substr(0, colon);
    port = spec.substr(colon + 1);
    if (host.find(':') != std::string_view::npos) {
      return rule_error(spec, "an IPv6 address is written in brackets, e.g. [::1]:80");
    }
    if (const size_t slash = host.find('/'); slash != std::string_view::npos) {
      prefix = host.substr(slash + 1);
      host = host.substr(0, slash);
    }
  }
  if (host == "*") {
    if (!prefix.empty()) return rule_error(spec, "* takes no prefix length");
    rule.any_address = true;
    rule.v6 = false;
  } else {
    const std::string h(host);
    const int family = rule.v6 ? AF_INET6 : AF_INET;
    if (::inet_pton(family, h.c_str(), rule.address.data()) != 1) {
      return rule_error(spec, "\"" + h + "\" is not an IP" + (rule.v6 ? "v6" : "v4") +
                                  " address (host names are not accepted)");
    }
    const uint32_t bits = rule.v6 ? 128 : 32;
    uint32_t p = bits;
    if (!prefix.empty() && !parse_number(prefix, bits, p)) {
      return rule_error(spec, "the prefix length is 0.." + std::to_string(bits));
    }
    rule.prefix = static_cast<uint8_t>(p);
    mask(rule.address, p);
    if (rule.v6 && p >= 96 && is_v4_mapped(rule.address)) {
      // ::ffff:a.b.c.d/N is the IPv4 block a.b.c.d/(N-96): stored as one, so it is matched
      // the way IPv4 endpoints are.
      std::array<uint8_t, 16> v4{};
      std::memcpy(v4.data(), rule.address.data() + 12, 4);
      rule.address = v4;
      rule.prefix = static_cast<uint8_t>(p - 96);
      rule.v6 = false;
    }
  }
  if (port == "*") {
    rule.port_lo = 0;
    rule.port_hi = 65535;
  } else {
    const size_t dash = port.find('-');
    uint32_t lo = 0, hi = 0;
    if (!parse_number(port.substr(0, dash), 65535, lo) ||
        !parse_number(dash == std::string_view::npos ? port.substr(0, dash) : port.substr(dash + 1),
                      65535, hi)) {
      return rule_error(spec, "the port is 0..65535, a range LO-HI, or *");
    }
    if (lo > hi) return rule_error(spec, "the port range is empty (LO > HI)");
    rule.port_lo = static_cast<uint16_t>(lo);
    rule.port_hi = static_cast<uint16_t>(hi);
  }
  return rule;
}

std::string format_net_rule(const NetRule& rule) {
  std::string out;
  if (rule.any_address) {
    out = "*";
  } else {
    char buf[INET6_ADDRSTRLEN] = {};
    ::inet_ntop(rule.v6 ? AF_INET6 : AF_INET, rule.address.data(), buf, sizeof buf);
    const unsigned bits = rule.v6 ? 128 : 32;
    out = rule.v6 ? "[" + std::string(buf) + "]" : std::string(buf);
    if (rule.prefix != bits) out += "/" + std::to_string(rule.prefix);
  }
  out += ':';
  if (rule.port_lo == 0 && rule.port_hi == 65535) {
    out += '*';
  } else {
    out += std::to_string(rule.port_lo);
    if (rule.port_hi != rule.port_lo) out += "-" + std::to_string(rule.port_hi);
  }
  return out;
}

namespace wasi {

bool rule_matches(const NetRule& rule, const NetEndpoint& raw) {
  NetEndpoint ep = raw;
  if (ep.v6 && is_v4_mapped(ep.address)) {
    std::array<uint8_t, 16> v4{};
    std::memcpy(v4.data(), ep.address.data() + 12, 4);
    ep.address = v4;
    ep.v6 = false;
  }
  if (ep.port < rule.port_lo || ep.port > rule.port_hi) return false;
  if (rule.any_address) return true;
  if (rule.v6 != ep.v6) return false;
  return prefix_equal(rule.address.data(), ep.address.data(), rule.prefix);
}

bool net_allows(const NetGrants& grants, NetOp op, const NetEndpoint& ep) {
  const std::vector<NetRule>& rules = op == NetOp::TcpConnect  ? grants.tcp_connect
                                      : op == NetOp::TcpListen ? grants.tcp_listen
                                                               : grants.udp;
  for (const NetRule& r : rules) {
    if (rule_matches(r, ep)) return true;
  }
  return false;
}

std::string format_endpoint(const NetEndpoint& ep) {
  char buf[INET6_ADDRSTRLEN] = {};
  ::inet_ntop(ep.v6 ? AF_INET6 : AF_INET, ep.address.data(), buf, sizeof buf);
  const std::string a = ep.v6 ? "[" + std::string(buf) + "]" : std::string(buf);
  return a + ":" + std::to_string(ep.port);
}

const char* net_op_name(NetOp op) {
  switch (op) {
  case NetOp::TcpConnect: return "tcp-connect";
  case NetOp::TcpListen: return "tcp-listen";
  case NetOp::Udp: return "udp";
  }
  return "udp";
}

} // namespace wasi

} // namespace wasmcap

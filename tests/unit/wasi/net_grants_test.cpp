// Network grant rules (include/wasmcap/net_grants.h, src/wasi/net_grants.h): the rule syntax
// and its edge cases, and matching endpoints of both families against them.
#include <arpa/inet.h>
#include <gtest/gtest.h>

#include "wasi/net_grants.h"

namespace wasmcap::wasi {
namespace {

NetRule rule(const char* spec) {
  auto r = parse_net_rule(spec);
  EXPECT_TRUE(r) << spec << ": " << (r ? "" : r.error().message);
  return r ? *r : NetRule{};
}

NetEndpoint ep(const char* addr, uint16_t port) {
  NetEndpoint e;
  e.port = port;
  if (::inet_pton(AF_INET, addr, e.address.data()) != 1) {
    EXPECT_EQ(::inet_pton(AF_INET6, addr, e.address.data()), 1) << addr;
    e.v6 = true;
  }
  return e;
}

TEST(NetGrants, SingleAddressAndPort) {
  const NetRule r = rule("127.0.0.1:8080");
  EXPECT_TRUE(rule_matches(r, ep("127.0.0.1", 8080)));
  EXPECT_FALSE(rule_matches(r, ep("127.0.0.1", 8081)));
  EXPECT_FALSE(rule_matches(r, ep("127.0.0.2", 8080)));
  EXPECT_FALSE(rule_matches(r, ep("::1", 8080)));
  EXPECT_EQ(format_net_rule(r), "127.0.0.1:8080");
}

TEST(NetGrants, Ipv4Cidr) {
  const NetRule r = rule("10.0.0.0/8:53");
  EXPECT_TRUE(rule_matches(r, ep("10.0.0.0", 53)));
  EXPECT_TRUE(rule_matches(r, ep("10.255.255.255", 53)));
  EXPECT_FALSE(rule_matches(r, ep("11.0.0.0", 53)));
  EXPECT_FALSE(rule_matches(r, ep("9.255.255.255", 53)));
  // Host bits are cleared: the block is the one the prefix names.
  EXPECT_EQ(format_net_rule(rule("10.1.2.3/8:53")), "10.0.0.0/8:53");
  const NetRule odd = rule("10.0.0.0/31:*");
  EXPECT_TRUE(rule_matches(odd, ep("10.0.0.1", 1)));
  EXPECT_FALSE(rule_matches(odd, ep("10.0.0.2", 1)));
  const NetRule all = rule("0.0.0.0/0:*");
  EXPECT_TRUE(rule_matches(all, ep("203.0.113.9", 65535)));
  EXPECT_FALSE(rule_matches(all, ep("2001:db8::1", 1))); // a v4 rule never covers IPv6
  const NetRule one = rule("192.0.2.7/32:1");
  EXPECT_TRUE(rule_matches(one, ep("192.0.2.7", 1)));
  EXPECT_FALSE(rule_matches(one, ep("192.0.2.6", 1)));
}

TEST(NetGrants, Ipv6AndCidr) {
  EXPECT_TRUE(rule_matches(rule("[::1]:80"), ep("::1", 80)));
  EXPECT_FALSE(rule_matches(rule("[::1]:80"), ep("127.0.0.1", 80)));
  for (const char* spec : {"[fd00::]/8:1-1024", "[fd00::/8]:1-1024"}) {
    const NetRule r = rule(spec);
    EXPECT_TRUE(rule_matches(r, ep("fdab::1", 1024))) << spec;
    EXPECT_TRUE(rule_matches(r, ep("fd00::", 1))) << spec;
    EXPECT_FALSE(rule_matches(r, ep("fdab::1", 1025))) << spec;
    EXPECT_FALSE(rule_matches(r, ep("fe00::1", 80))) << spec;
    EXPECT_EQ(format_net_rule(r), "[fd00::]/8:1-1024");
  }
  // A prefix that ends inside a byte.
  const NetRule r65 = rule("[2001:db8:0:0:8000::]/65:*");
  EXPECT_TRUE(rule_matches(r65, ep("2001:db8::ffff:ffff:ffff:ffff", 9)));
  EXPECT_FALSE(rule_matches(r65, ep("2001:db8::7fff:ffff:ffff:ffff", 9)));
  const NetRule r127 = rule("[::2]/127:*");
  EXPECT_TRUE(rule_matches(r127, ep("::3", 9)));
  EXPECT_FALSE(rule_matches(r127, ep("::4", 9)));
}

TEST(NetGrants, V4MappedIpv6IsIpv4) {
  // A v4 grant covers the same address written as ::ffff:a.b.c.d ...
  EXPECT_TRUE(rule_matches(rule("127.0.0.1:80"), ep("::ffff:127.0.0.1", 80)));
  // ... a mapped rule is the IPv4 block it names ...
  const NetRule mapped = rule("[::ffff:10.0.0.0]/104:*");
  EXPECT_FALSE(mapped.v6);
  EXPECT_EQ(format_net_rule(mapped), "10.0.0.0/8:*");
  EXPECT_TRUE(rule_matches(mapped, ep("10.1.1.1", 5)));
  EXPECT_TRUE(rule_matches(mapped, ep("::ffff:10.1.1.1", 5)));
  EXPECT_FALSE(rule_matches(mapped, ep("11.1.1.1", 5)));
  // ... and "all of IPv6" does not reach IPv4 through the mapped range.
  EXPECT_FALSE(rule_matches(rule("[::]/0:*"), ep("::ffff:127.0.0.1", 80)));
  EXPECT_TRUE(rule_matches(rule("[::]/0:*"), ep("2001:db8::1", 80)));
}

TEST(NetGrants, StarAndPortRanges) {
  const NetRule any = rule("*:*");
  EXPECT_TRUE(any.any_address);
  EXPECT_TRUE(rule_matches(any, ep("1.2.3.4", 0)));
  EXPECT_TRUE(rule_matches(any, ep("::1", 65535)));
  EXPECT_EQ(format_net_rule(any), "*:*");
  const NetRule https = rule("*:443");
  EXPECT_TRUE(rule_matches(https, ep("::1", 443)));
  EXPECT_FALSE(rule_matches(https, ep("::1", 444)));
  const NetRule range = rule("0.0.0.0:8000-8010");
  EXPECT_TRUE(rule_matches(range, ep("0.0.0.0", 8000)));
  EXPECT_TRUE(rule_matches(range, ep("0.0.0.0", 8010)));
  EXPECT_FALSE(rule_matches(range, ep("0.0.0.0", 7999)));
  EXPECT_FALSE(rule_matches(range, ep("0.0.0.0", 8011)));
  EXPECT_FALSE(rule_matches(range, ep("127.0.0.1", 8005))); // 0.0.0.0 is an address, not "any"
  EXPECT_EQ(format_net_rule(range), "0.0.0.0:8000-8010");
  // Port 0 (the host picks) is only covered by a rule that includes it.
  EXPECT_TRUE(rule_matches(rule("127.0.0.1:0"), ep("127.0.0.1", 0)));
  EXPECT_FALSE(rule_matches(rule("127.0.0.1:1-65535"), ep("127.0.0.1", 0)));
}

TEST(NetGrants, RejectsMalformedRules) {
  for (const char* bad :
       {"127.0.0.1", "::1:80", "1.2.3.4/33:80", "[::1]/129:80", "1.2.3.4:70000", "1.2.3.4:90-80",
        "example.com:80", "[::1:80", "*/8:80", "1.2.3.4:", "1.2.3.4:abc", "[::1]", "[1.2.3.4]:80",
        "[::1]/8/8:80", "[::1/64]/64:80", ":80", "1.2.3.4:-5", ""}) {
    EXPECT_FALSE(parse_net_rule(bad)) << bad;
  }
  auto e = parse_net_rule("example.com:80");
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().kind, ErrorKind::Usage);
  EXPECT_NE(e.error().message.find("host names are not accepted"), std::string::npos);
}

TEST(NetGrants, ListsAreKeptApart) {
  NetGrants g;
  g.tcp_connect.push_back(rule("127.0.0.1:80"));
  EXPECT_TRUE(net_allows(g, NetOp::TcpConnect, ep("127.0.0.1", 80)));
  EXPECT_FALSE(net_allows(g, NetOp::TcpListen, ep("127.0.0.1", 80)));
  EXPECT_FALSE(net_allows(g, NetOp::Udp, ep("127.0.0.1", 80)));
  EXPECT_FALSE(net_allows(NetGrants{}, NetOp::TcpConnect, ep("127.0.0.1", 80)));
  NetGrants all;
  all.grant_all_sockets();
  EXPECT_FALSE(all.ip_name_lookup);
  for (NetOp op : {NetOp::TcpConnect, NetOp::TcpListen, NetOp::Udp}) {
    EXPECT_TRUE(net_allows(all, op, ep("2001:db8::1", 1)));
  }
  g.merge(all);
  EXPECT_TRUE(net_allows(g, NetOp::Udp, ep("1.1.1.1", 53)));
  EXPECT_EQ(format_endpoint(ep("::1", 9)), "[::1]:9");
  EXPECT_EQ(format_endpoint(ep("127.0.0.1", 9)), "127.0.0.1:9");
}

} // namespace
} // namespace wasmcap::wasi

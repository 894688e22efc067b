// HTTP grants (include/wasmcap/http.h): which hosts wasi:http/outgoing-handler may send requests
// to. A pattern is HOST or HOST:PORT; HOST is a name, `*.` and a name (any subdomain of it, not
// the name itself: as TLS wildcards and wasmtime's --allow-http... patterns read), an IP address
// (IPv6 in brackets) or `*`. Without a port, the web's two default ports, 80 and 443.
#include <charconv>
#include <string>

#include "wasmcap/http.h"

namespace wasmcap {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  }
  return out;
}

struct Pattern {
  std::string host; // lower-case, brackets removed
  int port = -1;    // -1: 80 and 443
};

bool parse(std::string_view text, Pattern& out) {
  std::string_view host = text;
  const size_t bracket = text.rfind(']');
  const size_t colon = text.rfind(':');
  if (colon != std::string_view::npos && (bracket == std::string_view::npos || colon > bracket) &&
      (text.front() == '[' || text.find(':') == colon)) {
    const std::string_view port = text.substr(colon + 1);
    unsigned p = 0;
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), p);
    if (port.empty() || ec != std::errc() || end != port.data() + port.size() || p == 0 ||
        p > 65535) {
      return false;
    }
    out.port = static_cast<int>(p);
    host = text.substr(0, colon);
  }
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (host.empty()) return false;
  for (char c : host) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '.' || c == ':' || c == '*' || c == '_';
    if (!ok) return false;
  }
  const size_t star = host.find('*');
  if (star != std::string_view::npos && !(host == "*" || (star == 0 && host.substr(0, 2) == "*." &&
                                                          host.find('*', 1) == host.npos))) {
    return false;
  }
  out.host = lower(host);
  return true;
}

bool host_matches(const std::string& pattern, const std::string& host) {
  if (pattern == "*") return true;
  if (pattern.rfind("*.", 0) == 0) {
    const std::string_view suffix = std::string_view(pattern).substr(1); // ".example.com"
    return host.size() > suffix.size() &&
           host.compare(host.size() - suffix.size(), suffix.size(), suffix) == 0;
  }
  return pattern == host;
}

} // namespace

bool HttpGrants::allows(std::string_view host, uint16_t port) const {
  const std::string h = lower(host);
  for (const std::string& text : hosts) {
    Pattern p;
    if (!parse(text, p)) continue;
    const bool port_ok = p.port < 0 ? (port == 80 || port == 443) : p.port == port;
    if (port_ok && host_matches(p.host, h)) return true;
  }
  return false;
}

Status check_http_pattern(std::string_view pattern) {
  Pattern p;
  if (!parse(pattern, p)) {
    return make_error(ErrorKind::Usage,
                      std::string(pattern) +
                          ": not a host pattern (expected HOST or HOST:PORT: HOST a name, "
                          "*.NAME for its subdomains, an IP address ([::1] for IPv6) or *)");
  }
  return ok();
}

} // namespace wasmcap

// Extern names (names.h): the lexical grammar of Explainer.md's externname, checked by hand
// (it is small), and the strongly-unique key.
#include "component/names.h"

#include <cctype>

namespace wasmcap::component {

namespace {

Error bad(uint64_t at, std::string message) {
  return make_error(ErrorKind::Invalid, std::move(message), at);
}

bool is_lower_digit(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}
bool is_upper_digit(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// A fragment: all [0-9a-z] or all [0-9A-Z]; the first fragment must start with a letter.
bool fragment_ok(std::string_view f, bool first) {
  if (f.empty()) return false;
  if (first && !std::isalpha(static_cast<unsigned char>(f[0]))) return false;
  bool lower = true, upper = true;
  for (const char c : f) {
    lower = lower && is_lower_digit(c);
    upper = upper && is_upper_digit(c);
  }
  return lower || upper;
}

// words ::= first-word ('-' word)*: lowercase only.
bool is_words(std::string_view s) {
  if (s.empty()) return false;
  bool first = true;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == '-') {
      const std::string_view f = s.substr(start, i - start);
      if (f.empty() || (first && !(f[0] >= 'a' && f[0] <= 'z'))) return false;
      for (const char c : f) {
        if (!is_lower_digit(c)) return false;
      }
      first = false;
      start = i + 1;
    }
  }
  return true;
}

bool is_digits(std::string_view s) {
  if (s.empty()) return false;
  for (const char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

bool numeric_ok(std::string_view s) { // no leading zeros
  return is_digits(s) && (s.size() == 1 || s[0] != '0');
}

// Semantic Versioning 2.0: MAJOR.MINOR.PATCH(-pre)?(+build)?
bool is_semver(std::string_view v) {
  std::string_view build, pre;
  if (const size_t plus = v.find('+'); plus != std::string_view::npos) {
    build = v.substr(plus + 1);
    v = v.substr(0, plus);
    if (build.empty()) return false;
  }
  if (const size_t dash = v.find('-'); dash != std::string_view::npos) {
    pre = v.substr(dash + 1);
    v = v.substr(0, dash);
    if (pre.empty()) return false;
  }
  int parts = 0;
  size_t start = 0;
  for (size_t i = 0; i <= v.size(); ++i) {
    if (i == v.size() || v[i] == '.') {
      if (!numeric_ok(v.substr(start, i - start))) return false;
      ++parts;
      start = i + 1;
    }
  }
  if (parts != 3) return false;
  auto idents_ok = [](std::string_view s, bool numeric_rule) {
    size_t st = 0;
    for (size_t i = 0; i <= s.size(); ++i) {
      if (i == s.size() || s[i] == '.') {
        const std::string_view id = s.substr(st, i - st);
        if (id.empty()) return false;
        for (const char c : id) {
          if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') return false;
        }
        if (numeric_rule && is_digits(id) && !numeric_ok(id)) return false;
        st = i + 1;
      }
    }
    return true;
  };
  return (pre.empty() || idents_ok(pre, true)) && (build.empty() || idents_ok(build, false));
}

} // namespace

bool is_kebab_label(std::string_view s) {
  if (s.empty()) return false;
  bool first = true;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == '-') {
      if (!fragment_ok(s.substr(start, i - start), first)) return false;
      first = false;
      start = i + 1;
    }
  }
  return true;
}

support::Status check_interface_name(std::string_view name, uint64_t offset) {
  const size_t colon = name.find(':');
  if (colon == std::string_view::npos)
    return bad(offset, "`" + std::string(name) +
                           "` is not a valid extern name (an interface name needs `ns:pkg/iface`)");
  const std::string_view ns = name.substr(0, colon);
  std::string_view rest = name.substr(colon + 1);
  if (!is_words(ns)) return bad(offset, "`" + std::string(ns) + "` is not in kebab case");
  std::string_view version;
  if (const size_t at = rest.find('@'); at != std::string_view::npos) {
    version = rest.substr(at + 1);
    rest = rest.substr(0, at);
    if (!is_semver(version)) {
      // 🔗 canonical versions: "1", "0.1", "0.0.1", "0.0.0".
      const bool canon = numeric_ok(version) ||
                         (version.substr(0, 2) == "0." && numeric_ok(version.substr(2)) &&
                          version.substr(2) != "0") ||
                         (version.substr(0, 4) == "0.0." && is_digits(version.substr(4)) &&
                          numeric_ok(version.substr(4)));
      if (!canon) return bad(offset, "`" + std::string(version) + "` is not a valid semver");
    }
  }
  const size_t slash = rest.find('/');
  if (slash == std::string_view::npos)
    return bad(offset, "`" + std::string(name) + "` is not a valid extern name (missing `/`)");
  const std::string_view pkg = rest.substr(0, slash);
  const std::string_view iface = rest.substr(slash + 1);
  if (pkg.find(':') != std::string_view::npos || iface.find('/') != std::string_view::npos) {
    return bad(offset,
               "nested namespaces and packages are not supported: `" + std::string(name) + "`");
  }
  if (!is_words(pkg)) return bad(offset, "`" + std::string(pkg) + "` is not in kebab case");
  if (!is_kebab_label(iface))
    return bad(offset, "`" + std::string(iface) + "` is not in kebab case");
  return ok();
}

support::Result<ParsedName> parse_extern_name(std::string_view name, uint64_t offset) {
  ParsedName p;
  if (name.find(':') != std::string_view::npos) {
    WASMCAP_TRY(check_interface_name(name, offset));
    p.kind = ParsedName::Kind::Interface;
    return p;
  }
  auto label = [&](std::string_view l) -> support::Status {
    if (!is_kebab_label(l)) return bad(offset, "`" + std::string(l) + "` is not in kebab case");
    return ok();
  };
  auto two = [&](std::string_view body) -> support::Status {
    const size_t dot = body.find('.');
    if (dot == std::string_view::npos)
      return bad(offset, "failed to find `.` character in `" + std::string(name) + "`");
    p.resource = std::string(body.substr(0, dot));
    p.field = std::string(body.substr(dot + 1));
    WASMCAP_TRY(label(p.resource));
    return label(p.field);
  };
  if (name.substr(0, 13) == "[constructor]") {
    p.kind = ParsedName::Kind::Constructor;
    p.resource = std::string(name.substr(13));
    WASMCAP_TRY(label(p.resource));
    return p;
  }
  if (name.substr(0, 8) == "[method]") {
    p.kind = ParsedName::Kind::Method;
    WASMCAP_TRY(two(name.substr(8)));
    return p;
  }
  if (name.substr(0, 8) == "[static]") {
    p.kind = ParsedName::Kind::Static;
    WASMCAP_TRY(two(name.substr(8)));
    return p;
  }
  if (!name.empty() && name[0] == '[')
    return bad(offset,
               "`" + std::string(name) + "` is not a valid extern name (unknown annotation)");
  WASMCAP_TRY(label(name));
  p.field = std::string(name);
  return p;
}

std::string strongly_unique_key(std::string_view name) {
  std::string s(name);
  for (char& c : s)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const char* prefix : {"[method]", "[static]"}) {
    const std::string_view pre(prefix);
    if (s.compare(0, pre.size(), pre) == 0) {
      std::string body = s.substr(pre.size());
      const size_t dot = body.find('.');
      if (dot != std::string::npos && body.substr(0, dot) == body.substr(dot + 1))
        return body.substr(0, dot);
      return body;
    }
  }
  return s;
}

} // namespace wasmcap::component

// The WASI policy text format (include/wasmcap/policy.h): parsing, printing, and the policy a
// learn-mode run needed. Line-based so a person can read and edit a learned policy.
#include "wasmcap/policy.h"

namespace wasmcap {

namespace {

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t\r");
  return s.substr(first, last - first + 1);
}

Error usage_error(std::string message) {
  return make_error(ErrorKind::Usage, std::move(message));
}

} // namespace

CapabilitySet WasiPolicy::allowed() const {
  CapabilitySet s = has_allow_list ? allow : CapabilitySet::all();
  for (size_t i = 0; i < kCapabilityGroupCount; ++i) {
    if (deny.has(static_cast<CapabilityGroup>(i))) s.remove(static_cast<CapabilityGroup>(i));
  }
  return s;
}

void WasiPolicy::merge(const WasiPolicy& other) {
  if (other.has_allow_list) {
    has_allow_list = true;
    for (size_t i = 0; i < kCapabilityGroupCount; ++i) {
      if (other.allow.has(static_cast<CapabilityGroup>(i)))
        allow.add(static_cast<CapabilityGroup>(i));
    }
  }
  for (size_t i = 0; i < kCapabilityGroupCount; ++i) {
    if (other.deny.has(static_cast<CapabilityGroup>(i))) deny.add(static_cast<CapabilityGroup>(i));
  }
  dirs.insert(dirs.end(), other.dirs.begin(), other.dirs.end());
  if (other.max_gc_heap)
    max_gc_heap = std::min(max_gc_heap.value_or(UINT64_MAX), *other.max_gc_heap);
  net.merge(other.net);
  http.hosts.insert(http.hosts.end(), other.http.hosts.begin(), other.http.hosts.end());
}

void WasiPolicy::apply(WasiConfig& config) const {
  config.allowed = allowed();
  config.net.merge(net);
  config.http.hosts.insert(config.http.hosts.end(), http.hosts.begin(), http.hosts.end());
  for (const WasiPreopen& d : dirs) {
    bool merged = false;
    for (WasiPreopen& p : config.preopens) {
      if (p.host_path == d.host_path && p.guest_path == d.guest_path) {
        p.read_only = p.read_only || d.read_only;
        merged = true;
      }
    }
    if (!merged) config.preopens.push_back(d);
  }
}

Result<CapabilitySet> parse_group_list(std::string_view list) {
  CapabilitySet s;
  std::string unknown;
  size_t i = 0;
  while (i <= list.size()) {
    size_t j = list.find(',', i);
    if (j == std::string_view::npos) j = list.size();
    const std::string_view name = trim(list.substr(i, j - i));
    i = j + 1;
    if (name.empty() || name == "none") continue;
    if (name == "all") {
      s = CapabilitySet::all();
    } else if (auto g = parse_capability_group(name)) {
      s.add(*g);
    } else {
      unknown += (unknown.empty() ? "" : ", ") + std::string(name);
    }
  }
  if (!unknown.empty()) {
    std::string known;
    for (const auto& g : kCapabilityGroupNames)
      known += (known.empty() ? "" : ", ") + std::string(g.name);
    return usage_error("unknown capability group(s) " + unknown + " (groups: " + known + ")");
  }
  return s;
}

Result<WasiPreopen> parse_dir_grant(std::string_view spec) {
  WasiPreopen p;
  const size_t sep = spec.find("::");
  p.host_path = std::string(spec.substr(0, sep));
  std::string_view guest = sep == std::string_view::npos ? spec : spec.substr(sep + 2);
  const size_t mode = guest.find("::");
  if (mode != std::string_view::npos) {
    const std::string_view m = guest.substr(mode + 2);
    if (m != "ro" && m != "rw") {
      return usage_error("dir " + std::string(spec) + ": the mode is \"::ro\" or \"::rw\"");
    }
    p.read_only = m == "ro";
    guest = guest.substr(0, mode);
  }
  p.guest_path = std::string(guest);
  if (p.host_path.empty() || p.guest_path.empty()) {
    return usage_error("dir " + std::string(spec) + ": expected HOST[::GUEST[::ro|::rw]]");
  }
  return p;
}

Result<uint64_t> parse_byte_size(std::string_view text) {
  const std::string quoted = "\"" + std::string(text) + "\"";
  size_t i = 0;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9')
    ++i;
  if (i == 0 || i > 19) return usage_error(quoted + " is not a number");
  const uint64_t n = std::strtoull(std::string(text.substr(0, i)).c_str(), nullptr, 10);
  const std::string_view s = text.substr(i);
  uint64_t unit;
  if (s.empty() || s == "B")
    unit = 1;
  else if (s == "K" || s == "KB" || s == "KiB")
    unit = 1ull << 10;
  else if (s == "M" || s == "MB" || s == "MiB")
    unit = 1ull << 20;
  else if (s == "G" || s == "GB" || s == "GiB")
    unit = 1ull << 30;
  else
    return usage_error(quoted + ": unknown size suffix (use KiB, MiB or GiB)");
  if (n > UINT64_MAX / unit) return usage_error(quoted + " is too large");
  return n * unit;
}

void WasiPolicy::apply_limits(Config& config) const {
  if (max_gc_heap) config.max_gc_heap = std::min(config.max_gc_heap, *max_gc_heap);
}

Result<WasiPolicy> parse_policy(std::string_view text) {
  WasiPolicy policy;
  size_t line_no = 0, pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (const size_t hash = line.find('#'); hash != std::string_view::npos) {
      line = line.substr(0, hash);
    }
    line = trim(line);
    if (line.empty()) continue;
    if (line == "ip-name-lookup") {
      policy.net.ip_name_lookup = true;
      continue;
    }
    const size_t sp = line.find_first_of(" \t");
    const std::string_view word = line.substr(0, sp);
    const std::string_view rest = sp == std::string_view::npos ? "" : trim(line.substr(sp));
    const std::string where = "policy line " + std::to_string(line_no) + ": ";
    if (word == "ip-name-lookup") return usage_error(where + "ip-name-lookup takes no value");
    if (rest.empty()) return usage_error(where + "\"" + std::string(word) + "\" needs a value");
    if (word == "allow" || word == "deny") {
      auto groups = parse_group_list(rest);
      if (!groups) return usage_error(where + groups.error().message);
      WasiPolicy one;
      if (word == "allow") {
        one.has_allow_list = true;
        one.allow = *groups;
      } else {
        one.deny = *groups;
      }
      policy.merge(one);
    } else if (word == "dir") {
      auto dir = parse_dir_grant(rest);
      if (!dir) return usage_error(where + dir.error().message);
      policy.dirs.push_back(std::move(*dir));
    } else if (word == "tcp-connect" || word == "tcp-listen" || word == "udp") {
      auto rule = parse_net_rule(rest);
      if (!rule) return usage_error(where + std::string(word) + " " + rule.error().message);
      auto& list = word == "tcp-connect"  ? policy.net.tcp_connect
                   : word == "tcp-listen" ? policy.net.tcp_listen
                                          : policy.net.udp;
      list.push_back(*rule);
    } else if (word == "allow-http") {
      if (auto s = check_http_pattern(rest); !s) return usage_error(where + s.error().message);
      policy.http.hosts.emplace_back(rest);
    } else if (word == "max-gc-heap") {
      auto bytes = parse_byte_size(rest);
      if (!bytes) return usage_error(where + "max-gc-heap " + bytes.error().message);
      WasiPolicy one;
      one.max_gc_heap = *bytes;
      policy.merge(one);
    } else {
      return usage_error(where + "unknown directive \"" + std::string(word) +
                         "\" (expected allow, deny, dir, tcp-connect, tcp-listen, udp, "
                         "ip-name-lookup, allow-http or max-gc-heap)");
    }
  }
  return policy;
}

std::string format_policy(const WasiPolicy& policy) {
  auto list = [](CapabilitySet s) {
    std::string out;
    for (size_t i = 0; i < kCapabilityGroupCount; ++i) {
      const auto g = static_cast<CapabilityGroup>(i);
      if (s.has(g)) out += (out.empty() ? "" : ",") + std::string(capability_group_name(g));
    }
    return out.empty() ? std::string("none") : out;
  };
  std::string text;
  if (policy.has_allow_list) text += "allow " + list(policy.allow) + "\n";
  if (!policy.deny.empty()) text += "deny " + list(policy.deny) + "\n";
  for (const WasiPreopen& d : policy.dirs) {
    text += "dir " + d.host_path + "::" + d.guest_path + (d.read_only ? "::ro" : "::rw") + "\n";
  }
  for (const auto& [word, rules] :
       {std::pair{"tcp-connect", &policy.net.tcp_connect},
        std::pair{"tcp-listen", &policy.net.tcp_listen}, std::pair{"udp", &policy.net.udp}}) {
    for (const NetRule& r : *rules)
      text += std::string(word) + " " + format_net_rule(r) + "\n";
  }
  if (policy.net.ip_name_lookup) text += "ip-name-lookup\n";
  for (const std::string& h : policy.http.hosts)
    text += "allow-http " + h + "\n";
  if (policy.max_gc_heap) text += "max-gc-heap " + std::to_string(*policy.max_gc_heap) + "\n";
  return text;
}

WasiPolicy learned_policy(const WasiConfig& config, const WasiUsage& usage) {
  WasiPolicy p;
  p.has_allow_list = true;
  p.allow = usage.groups;
  for (size_t i = 0; i < config.preopens.size() && i < usage.preopens.size(); ++i) {
    if (usage.preopens[i] == PreopenUse::Unused) continue;
    WasiPreopen d = config.preopens[i];
    d.read_only = d.read_only || usage.preopens[i] == PreopenUse::Read;
    p.dirs.push_back(std::move(d));
  }
  p.net = usage.net;
  return p;
}

} // namespace wasmcap

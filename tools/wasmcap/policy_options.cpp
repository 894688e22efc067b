// The run command's policy options (see policy_options.h and docs/cli.md): capability groups,
// policy files, strict mode, the audit and trace logs, and learn mode.
#include "policy_options.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string_view>
#include <tuple>
#include <vector>

#include "subcommands.h"
#include "wasi_options.h"
#include "wasmcap/capabilities.h"
#include "wasmcap/policy.h"

namespace wasmcap::cli {

namespace {

Result<int> open_log(const std::string& option, const std::string& path) {
  // O_APPEND: every line is one write at the end, even if the host shares the file.
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) {
    return make_error(ErrorKind::Usage,
                      option + " " + path + ": cannot open " + path + ": " + std::strerror(errno));
  }
  return fd;
}

// A network grant from the command line: ADDR:PORT as parse_net_rule reads it, or NAME:PORT
// with a host name, resolved once, now, to one rule per address it has (the guest's grant is
// those addresses; a later change of the name's addresses is not followed).
Status add_net_rules(const std::string& option, const std::string& spec,
                     std::vector<NetRule>& out) {
  auto rule = parse_net_rule(spec);
  if (rule) {
    out.push_back(*rule);
    return ok();
  }
  const size_t colon = spec.rfind(':');
  const std::string host = colon == std::string::npos ? std::string() : spec.substr(0, colon);
  const bool name = !host.empty() && host.find_first_of(":[]/*") == std::string::npos &&
                    host.find_first_not_of("0123456789.") != std::string::npos;
  if (!name) return make_error(ErrorKind::Usage, option + " " + rule.error().message);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  if (const int rc = ::getaddrinfo(host.c_str(), nullptr, &hints, &res); rc != 0) {
    return make_error(ErrorKind::Usage,
                      option + " " + spec + ": cannot resolve " + host + ": " + ::gai_strerror(rc));
  }
  Status status = ok();
  for (const addrinfo* r = res; r && status; r = r->ai_next) {
    char buf[INET6_ADDRSTRLEN] = {};
    const void* a =
        r->ai_family == AF_INET6
            ? static_cast<const void*>(
                  &reinterpret_cast<const sockaddr_in6*>(r->ai_addr)->sin6_addr)
            : static_cast<const void*>(&reinterpret_cast<const sockaddr_in*>(r->ai_addr)->sin_addr);
    if (r->ai_family != AF_INET && r->ai_family != AF_INET6) continue;
    ::inet_ntop(r->ai_family, a, buf, sizeof buf);
    const std::string addr =
        r->ai_family == AF_INET6 ? "[" + std::string(buf) + "]" : std::string(buf);
    auto resolved = parse_net_rule(addr + spec.substr(colon));
    if (!resolved) {
      status = make_error(ErrorKind::Usage, option + " " + resolved.error().message);
    } else {
      out.push_back(*resolved);
    }
  }
  ::freeaddrinfo(res);
  return status;
}

// wasmtime's -S keys wasmcap accepts (docs/cli.md maps each onto the capability model).
constexpr const char* kWasiSettings[] = {"inherit-network",
                                         "allow-ip-name-lookup",
                                         "inherit-env",
                                         "cli",
                                         "preview2",
                                         "http",
                                         "tcp",
                                         "udp"};

// Levenshtein distance, for "did you mean".
size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j)
    row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

// -S KEY[=VALUE]: wasmtime's WASI settings. The grants (network, environment) are granted; the
// interface switches (cli, preview2, http, tcp, udp) are accepted, since wasmcap links every
// interface and lets grants decide, except that tcp=n / udp=n drop those socket grants.
Status apply_wasi_setting(const std::string& setting, WasiConfig& config) {
  const size_t eq = setting.find('=');
  const std::string key = setting.substr(0, eq);
  const std::string value = eq == std::string::npos ? "y" : setting.substr(eq + 1);
  if (key == "tcplisten") {
    // Preview1's preopened listener: bound when the Wasi is made (a bad address is reported
    // then, as a --dir that does not exist is).
    if (eq == std::string::npos || value.empty()) {
      return make_error(ErrorKind::Usage, "-S tcplisten needs an address: -S tcplisten=HOST:PORT");
    }
    config.tcp_listeners.push_back(value);
    return ok();
  }
  bool on = false;
  if (value == "y" || value == "yes" || value == "true" || value == "1") {
    on = true;
  } else if (value != "n" && value != "no" && value != "false" && value != "0") {
    return make_error(ErrorKind::Usage,
                      "-S " + setting + ": expected a boolean (y/n, yes/no, true/false, 1/0)");
  }
  NetGrants& net = config.net;
  if (key == "inherit-network") {
    if (on) net.grant_all_sockets();
  } else if (key == "allow-ip-name-lookup") {
    net.ip_name_lookup = net.ip_name_lookup || on;
  } else if (key == "inherit-env") {
    // The whole host environment, after what --env set (an --env value wins).
    if (on) inherit_host_env(config);
  } else if (key == "tcp" || key == "udp") {
    if (!on) (key == "tcp" ? net.tcp_connect : net.udp).clear();
    if (!on && key == "tcp") net.tcp_listen.clear();
  } else if (key != "cli" && key != "preview2" && key != "http") {
    std::string nearest;
    size_t best = ~size_t{0};
    for (const char* k : kWasiSettings) {
      const size_t d = edit_distance(key, k);
      if (d < best) best = d, nearest = k;
    }
    std::string accepted;
    for (const char* k : kWasiSettings)
      accepted += (accepted.empty() ? "" : ", ") + std::string(k);
    return make_error(ErrorKind::Usage, "-S " + setting + ": unknown WASI setting \"" + key + "\"" +
                                            (best <= 3 ? " (did you mean " + nearest + "?)" : "") +
                                            "; accepted: " + accepted);
  }
  return ok();
}

} // namespace

void add_policy_options(CLI::App& cmd, PolicyOptions& opts) {
  const std::string groups = "args, env, clock, random, stdio, fs-read, fs-write, net, proc";
  cmd.add_option("--allow", opts.allow,
                 "Allow only these capability groups (comma-separated: " + groups + ")")
      ->type_name("GROUP,...")
      ->allow_extra_args(false);
  cmd.add_option("--deny", opts.deny, "Deny these capability groups (wins over --allow)")
      ->type_name("GROUP,...")
      ->allow_extra_args(false);
  cmd.add_option("--policy", opts.policy_file,
                 "Read a policy file (allow/deny/dir lines; docs/security.md)")
      ->type_name("FILE");
  cmd.add_flag("--strict", opts.strict,
               "Refuse to instantiate a module that imports a WASI function the policy denies");
  cmd.add_option("--audit", opts.audit_file, "Log every refused capability use (JSON lines)")
      ->type_name("FILE");
  cmd.add_option("--trace-wasi", opts.trace_file, "Log every WASI call (JSON lines)")
      ->type_name("FILE");
  cmd.add_option("--learn-policy", opts.learn_file,
                 "Write the smallest policy this run needed, in the --policy format")
      ->type_name("FILE");
  const std::string rule = "ADDR is an IPv4 address or CIDR, a bracketed IPv6 one, * or a host "
                           "name; PORT a number, LO-HI or *; repeatable";
  cmd.add_option("--tcp-connect", opts.tcp_connect,
                 "Let the guest open TCP connections to ADDR:PORT (" + rule + ")")
      ->type_name("ADDR:PORT")
      ->allow_extra_args(false);
  cmd.add_option("--tcp-listen", opts.tcp_listen,
                 "Let the guest bind and listen on the local ADDR:PORT (port 0: one the host "
                 "picks); repeatable")
      ->type_name("ADDR:PORT")
      ->allow_extra_args(false);
  cmd.add_option("--udp", opts.udp,
                 "Let the guest bind UDP sockets to, and send datagrams to, ADDR:PORT; repeatable")
      ->type_name("ADDR:PORT")
      ->allow_extra_args(false);
  cmd.add_flag("--allow-ip-name-lookup", opts.allow_ip_name_lookup,
               "Let the guest resolve host names (wasi:sockets/ip-name-lookup)");
  cmd.add_option("--allow-http", opts.allow_http,
                 "Let a component send HTTP requests (wasi:http/outgoing-handler) to HOST[:PORT]: "
                 "a name, *.NAME for its subdomains, an IP address or *; without a port, 80 and "
                 "443; repeatable")
      ->type_name("HOST[:PORT]")
      ->allow_extra_args(false);
  cmd.add_option("-S", opts.wasi_settings,
                 "wasmtime's WASI settings: inherit-network (every address and port) and "
                 "allow-ip-name-lookup")
      ->type_name("KEY[=VALUE]")
      ->allow_extra_args(false);
}

namespace {
// The --policy file's policy (an empty one without the option).
Result<WasiPolicy> read_policy_file(const PolicyOptions& opts) {
  if (opts.policy_file.empty()) return WasiPolicy{};
  std::ifstream in(opts.policy_file);
  if (!in) {
    return make_error(ErrorKind::Usage, "--policy " + opts.policy_file + ": cannot read " +
                                            opts.policy_file + ": " + std::strerror(errno));
  }
  const std::string text(std::istreambuf_iterator<char>(in), {});
  auto parsed = parse_policy(text);
  if (!parsed)
    return make_error(ErrorKind::Usage,
                      "--policy " + opts.policy_file + ": " + parsed.error().message);
  return parsed;
}
} // namespace

Status apply_policy_limits(const PolicyOptions& opts, Config& config) {
  auto policy = read_policy_file(opts);
  if (!policy) return std::move(policy).error();
  policy->apply_limits(config);
  return ok();
}

Status apply_policy_options(const PolicyOptions& opts, WasiConfig& config) {
  auto read = read_policy_file(opts);
  if (!read) return std::move(read).error();
  WasiPolicy policy = std::move(*read);
  for (const std::string& list : opts.allow) {
    auto g = parse_group_list(list);
    if (!g) return make_error(ErrorKind::Usage, "--allow " + list + ": " + g.error().message);
    WasiPolicy one;
    one.has_allow_list = true;
    one.allow = *g;
    policy.merge(one);
  }
  for (const std::string& list : opts.deny) {
    auto g = parse_group_list(list);
    if (!g) return make_error(ErrorKind::Usage, "--deny " + list + ": " + g.error().message);
    WasiPolicy one;
    one.deny = *g;
    policy.merge(one);
  }
  policy.apply(config);
  for (const auto& [option, specs, rules] :
       {std::tuple{"--tcp-connect", &opts.tcp_connect, &config.net.tcp_connect},
        std::tuple{"--tcp-listen", &opts.tcp_listen, &config.net.tcp_listen},
        std::tuple{"--udp", &opts.udp, &config.net.udp}}) {
    for (const std::string& spec : *specs) {
      if (auto s = add_net_rules(option, spec, *rules); !s) return s;
    }
  }
  if (opts.allow_ip_name_lookup) config.net.ip_name_lookup = true;
  for (const std::string& pattern : opts.allow_http) {
    if (auto s = check_http_pattern(pattern); !s) {
      return make_error(ErrorKind::Usage, "--allow-http " + s.error().message);
    }
    config.http.hosts.push_back(pattern);
  }
  for (const std::string& setting : opts.wasi_settings) {
    if (auto s = apply_wasi_setting(setting, config); !s) return s;
  }
  if (!opts.audit_file.empty()) {
    auto fd = open_log("--audit", opts.audit_file);
    if (!fd) return fd.error();
    config.audit_fd = *fd;
  }
  if (!opts.trace_file.empty()) {
    auto fd = open_log("--trace-wasi", opts.trace_file);
    if (!fd) return fd.error();
    config.trace_fd = *fd;
  }
  config.learn = !opts.learn_file.empty();
  return ok();
}

int check_strict_policy(const PolicyOptions& opts, const WasiConfig& config, const Module& module,
                        const std::string& file) {
  if (!opts.strict) return kExitOk;
  const std::vector<WasiImportUse> refused = refused_imports(module.imports(), config.allowed);
  if (refused.empty()) return kExitOk;
  std::fprintf(stderr, "Error: %s: the policy refuses %zu import(s); nothing was run:\n",
               file.c_str(), refused.size());
  for (const WasiImportUse& r : refused) {
    std::fprintf(stderr, "  %s.%s (group %s)\n", r.module.c_str(), r.name.c_str(),
                 std::string(capability_group_name(r.group)).c_str());
  }
  return kExitPolicy;
}

LearnedPolicyWriter::~LearnedPolicyWriter() {
  if (opts_.learn_file.empty()) return;
  const std::string text = "# learned by wasmcap run --learn-policy: what this run used\n" +
                           format_policy(learned_policy(config_, wasi_.usage()));
  std::ofstream out(opts_.learn_file, std::ios::trunc);
  out << text;
  if (!out) std::fprintf(stderr, "Error: cannot write %s\n", opts_.learn_file.c_str());
}

} // namespace wasmcap::cli

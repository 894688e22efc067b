// The run command's policy options (see policy_options.h and docs/cli.md): capability groups,
// policy files, strict mode, the audit and trace logs, and learn mode.
#include "policy_options.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>

#include "subcommands.h"
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
}

Status apply_policy_options(const PolicyOptions& opts, WasiConfig& config) {
  WasiPolicy policy;
  if (!opts.policy_file.empty()) {
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
    policy = std::move(*parsed);
  }
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
  config.allowed = policy.allowed();
  // A policy's dir that repeats a --dir (same host and guest) is one grant, read-only if
  // either says so; otherwise it is added after the --dir grants.
  for (const WasiPreopen& d : policy.dirs) {
    bool merged = false;
    for (WasiPreopen& p : config.preopens) {
      if (p.host_path == d.host_path && p.guest_path == d.guest_path) {
        p.read_only = p.read_only || d.read_only;
        merged = true;
      }
    }
    if (!merged) config.preopens.push_back(d);
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

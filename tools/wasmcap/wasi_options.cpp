// The WASI grant options `run` and `serve` share: --dir, --env and --inherit-env (wasmtime's
// spellings), checked here so a mistake names the option and its value.
#include "wasi_options.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

extern char** environ;

namespace wasmcap::cli {

namespace {

// `--dir HOST[::GUEST[::ro]]`: checked here so a mistake names the option and the directory.
Result<WasiPreopen> parse_dir(const std::string& d) {
  auto usage = [&](const std::string& why) {
    return make_error(ErrorKind::Usage, "--dir " + d + ": " + why +
                                            " (expected HOST, HOST::GUEST or HOST::GUEST::ro)");
  };
  WasiPreopen p;
  const size_t sep = d.find("::");
  p.host_path = d.substr(0, sep);
  p.guest_path = sep == std::string::npos ? p.host_path : d.substr(sep + 2);
  const size_t ro = p.guest_path.find("::");
  if (ro != std::string::npos) {
    const std::string option = p.guest_path.substr(ro + 2);
    if (option != "ro") return usage("unknown option \"" + option + "\" (the only one is \"ro\")");
    p.guest_path.resize(ro);
    p.read_only = true;
  }
  if (p.host_path.empty()) return usage("the HOST directory is empty");
  if (p.guest_path.empty()) return usage("the GUEST path is empty");
  struct stat st = {};
  if (::stat(p.host_path.c_str(), &st) != 0) {
    return make_error(ErrorKind::Usage, "--dir " + d + ": cannot open the host directory " +
                                            p.host_path + ": " + std::strerror(errno));
  }
  if (!S_ISDIR(st.st_mode)) {
    return make_error(ErrorKind::Usage,
                      "--dir " + d + ": the host path " + p.host_path + " is not a directory");
  }
  return p;
}

} // namespace

void add_wasi_grant_options(CLI::App& cmd, WasiGrantOptions& opts) {
  // allow_extra_args(false): each --dir/--env takes one value, so FILE is never swallowed.
  cmd.add_option("--dir", opts.dirs,
                 "Grant a host directory: HOST, HOST::GUEST, or HOST::GUEST::ro (read-only); "
                 "repeatable")
      ->type_name("HOST[::GUEST[::ro]]")
      ->allow_extra_args(false);
  cmd.add_option("--env", opts.envs,
                 "Give the guest an environment variable: NAME=VALUE, or NAME (the host's); "
                 "repeatable")
      ->type_name("NAME[=VALUE]")
      ->allow_extra_args(false);
  cmd.add_flag("--inherit-env", opts.inherit_env, "Give the guest the whole host environment");
  cmd.add_option("--mapdir", opts.mapdirs,
                 "Old wasmtime spelling of --dir HOST::GUEST: GUEST::HOST or GUEST:HOST")
      ->type_name("GUEST::HOST")
      ->allow_extra_args(false);
}

void inherit_host_env(WasiConfig& c) {
  for (char** e = environ; e && *e; ++e) {
    const std::string kv = *e;
    const size_t eq = kv.find('=');
    if (eq == std::string::npos) continue;
    std::string name = kv.substr(0, eq);
    const bool given =
        std::any_of(c.env.begin(), c.env.end(), [&](const auto& p) { return p.first == name; });
    if (!given) c.env.emplace_back(std::move(name), kv.substr(eq + 1));
  }
}

Status apply_wasi_grant_options(const WasiGrantOptions& opts, WasiConfig& c) {
  for (const std::string& d : opts.dirs) {
    auto p = parse_dir(d);
    if (!p) return p.error();
    c.preopens.push_back(std::move(*p));
  }
  for (const std::string& m : opts.mapdirs) {
    // GUEST::HOST (wasmtime 14-16), or GUEST:HOST (older tutorials).
    const size_t two = m.find("::");
    const size_t sep = two != std::string::npos ? two : m.find(':');
    if (sep == std::string::npos || sep == 0 ||
        sep + (two != std::string::npos ? 2 : 1) >= m.size()) {
      return make_error(ErrorKind::Usage, "--mapdir " + m + ": expected GUEST::HOST");
    }
    const std::string guest = m.substr(0, sep);
    const std::string host = m.substr(sep + (two != std::string::npos ? 2 : 1));
    std::fprintf(stderr, "wasmcap: note: --mapdir %s is --dir %s::%s\n", m.c_str(), host.c_str(),
                 guest.c_str());
    auto p = parse_dir(host + "::" + guest);
    if (!p) return p.error();
    c.preopens.push_back(std::move(*p));
  }
  if (opts.inherit_env) inherit_host_env(c);
  for (const std::string& e : opts.envs) {
    const size_t eq = e.find('=');
    std::string name = e.substr(0, eq), value;
    if (name.empty()) return make_error(ErrorKind::Usage, "--env " + e + ": empty name");
    if (eq != std::string::npos) {
      value = e.substr(eq + 1);
    } else if (const char* host = std::getenv(name.c_str())) {
      value = host;
    } else {
      continue; // --env NAME with NAME unset on the host: nothing to pass on
    }
    std::erase_if(c.env, [&](const auto& kv) { return kv.first == name; });
    c.env.emplace_back(std::move(name), std::move(value));
  }
  return ok();
}

} // namespace wasmcap::cli

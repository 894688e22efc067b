// The WASI grant options `run` and `serve` share: --dir HOST[::GUEST[::ro]], --env NAME[=VALUE]
// and --inherit-env. Nothing is granted unless an option says so.
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

#include "wasmcap/wasi.h"

namespace wasmcap::cli {

struct WasiGrantOptions {
  std::vector<std::string> dirs;    // HOST, HOST::GUEST or HOST::GUEST::ro
  std::vector<std::string> envs;    // NAME=VALUE, or NAME to pass the host's value on
  std::vector<std::string> mapdirs; // old wasmtime: GUEST::HOST or GUEST:HOST (= --dir HOST::GUEST)
  bool inherit_env = false;
};

void add_wasi_grant_options(CLI::App& cmd, WasiGrantOptions& opts);
// Adds every host environment variable `config` does not set yet (--inherit-env, -S inherit-env).
void inherit_host_env(WasiConfig& config);
// Adds the granted directories and variables to `config` (Usage errors name the option).
Status apply_wasi_grant_options(const WasiGrantOptions& opts, WasiConfig& config);

} // namespace wasmcap::cli

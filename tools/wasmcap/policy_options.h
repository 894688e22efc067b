// The run command's policy options (--allow, --deny, --policy, --strict, --audit, --trace-wasi,
// --learn-policy) and network grants (--tcp-connect, --tcp-listen, --udp,
// --allow-ip-name-lookup, -S inherit-network, -S allow-ip-name-lookup): registered, applied to
// the WasiConfig, checked before instantiation, and the learned policy written when the run
// ends, however it ends.
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

#include "wasmcap/wasi.h"
#include "wasmcap/wasmcap.hpp"

namespace wasmcap::cli {

struct PolicyOptions {
  std::vector<std::string> allow, deny; // group lists, as given
  std::string policy_file, audit_file, trace_file, learn_file;
  bool strict = false;
  // Network grants (WASI 0.2 sockets): ADDR:PORT rules, repeatable; -S KEY[=VALUE] settings.
  std::vector<std::string> tcp_connect, tcp_listen, udp;
  bool allow_ip_name_lookup = false;
  std::vector<std::string> wasi_settings;
  std::vector<std::string> allow_http; // HOST[:PORT] patterns for wasi:http outgoing requests
};

void add_policy_options(CLI::App& cmd, PolicyOptions& opts);
// Reads --policy, merges the groups, dirs and network grants into `config`, opens the log files
// (their fds stay open for the process's life: the logs must outlive any way the guest ends).
Status apply_policy_options(const PolicyOptions& opts, WasiConfig& config);
// The --policy file's resource limits (max-gc-heap), lowering the engine's `config`.
Status apply_policy_limits(const PolicyOptions& opts, Config& config);
// --strict: the imports the policy refuses, printed; returns kExitPolicy, or 0 to go on.
int check_strict_policy(const PolicyOptions& opts, const WasiConfig& config, const Module& module,
                        const std::string& file);

// Writes the --learn-policy file when destroyed (after the guest returned, exited or trapped).
class LearnedPolicyWriter {
public:
  LearnedPolicyWriter(const PolicyOptions& opts, const WasiConfig& config, const Wasi& wasi)
      : opts_(opts), config_(config), wasi_(wasi) {}
  ~LearnedPolicyWriter();
  LearnedPolicyWriter(const LearnedPolicyWriter&) = delete;
  LearnedPolicyWriter& operator=(const LearnedPolicyWriter&) = delete;

private:
  const PolicyOptions& opts_;
  const WasiConfig& config_;
  const Wasi& wasi_;
};

} // namespace wasmcap::cli

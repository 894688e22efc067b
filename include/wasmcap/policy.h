// WASI policies as text: which capability groups a guest may use and which directories it is
// granted, in the line format `wasmcap run --policy FILE` reads and `--learn-policy` writes
// (`allow GROUP,...`, `deny GROUP,...`, `dir HOST::GUEST[::ro|::rw]`, and the network grants
// `tcp-connect ADDR:PORT`, `tcp-listen ADDR:PORT`, `udp ADDR:PORT`, `ip-name-lookup`, and
// `allow-http HOST[:PORT]` for wasi:http's outgoing requests; docs/security.md), and resource
// limits (`max-gc-heap SIZE`, the most a store's GC objects may take; docs/gc.md).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wasmcap/capability_group.h"
#include "wasmcap/config.h"
#include "wasmcap/error.h"
#include "wasmcap/wasi.h"

namespace wasmcap {

struct WasiPolicy {
  // With any allow line, only the listed groups; without, every group. deny always wins.
  bool has_allow_list = false;
  CapabilitySet allow;
  CapabilitySet deny;
  std::vector<WasiPreopen> dirs;
  NetGrants net;   // wasi:sockets grants
  HttpGrants http; // wasi:http/outgoing-handler grants
  // `max-gc-heap SIZE`: a cap on Config::max_gc_heap (the smaller of it and the engine's wins).
  std::optional<uint64_t> max_gc_heap;

  CapabilitySet allowed() const;
  // Adds `other`'s lines to this one (allow lists unite, denies unite, dirs and net rules
  // append).
  void merge(const WasiPolicy& other);
  // Grants `config` what this policy says: config.allowed becomes allowed(); the network and
  // HTTP grants are added to config's; a dir repeating one of config's preopens (same host and
  // guest path) is one grant, read-only if either says so, and other dirs are appended. The one
  // way policies reach a configuration (`wasmcap run --policy`, the C API's
  // wasmcap_wasi_config_apply_policy).
  void apply(WasiConfig& config) const;
  // Lowers `config`'s limits to this policy's (a policy never raises one).
  void apply_limits(Config& config) const;
};

// "4096", "64KiB", "16MiB", "1GiB" (also K/M/G, KB/MB/GB as powers of 1024, B) -> bytes, as
// policy lines and the CLI's size options write them; errors are Usage errors.
Result<uint64_t> parse_byte_size(std::string_view text);

// "fs-read,net" (or "all", or "none") -> groups. Unknown names are a Usage error listing them.
Result<CapabilitySet> parse_group_list(std::string_view list);
// HOST[::GUEST][::ro|::rw] -> a preopen (GUEST defaults to HOST).
Result<WasiPreopen> parse_dir_grant(std::string_view spec);
// The policy format; errors are Usage errors naming the line.
Result<WasiPolicy> parse_policy(std::string_view text);
// Text that parse_policy reads back to the same policy.
std::string format_policy(const WasiPolicy& policy);
// The smallest policy a learn-mode run needed: the groups it used and the directories it used,
// read-only unless something beneath them was written, and the socket endpoints it used.
WasiPolicy learned_policy(const WasiConfig& config, const WasiUsage& usage);

} // namespace wasmcap

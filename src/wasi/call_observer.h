// CallObserver: the policy, audit log, WASI trace and learn mode of one guest. The host glue
// links the observed callbacks only when WasiCtx::hooks_active() (a policy narrower than
// "everything", a log, or learning); otherwise the functions are the plain ones, at no cost.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/value.h"
#include "wasi/errno.h"
#include "wasi/fd_table.h"
#include "wasi/function_info.h"
#include "wasi/net_grants.h"

namespace wasmcap::wasi {

class WasiCtx;

// What the observed callback of a host function needs: its table row and module name. It captures
// the context and a pointer to one of these (owned by the WasiCtx), so the closure fits
// std::function's inline storage and a call never chases a heap-allocated closure.
struct CallSite {
  WasiCtx* ctx = nullptr;
  const FunctionInfo* info = nullptr;
  std::string_view module;
};

// What learn mode saw: the groups calls needed, and per preopen (grant order) whether it was
// used and whether anything beneath it needed writing.
struct Usage {
  CapabilitySet groups;
  std::vector<uint8_t> preopen_use; // 0 unused, 1 read, 2 written
  NetGrants
      net; // the endpoints sockets used (one exact rule each) and whether names were looked up
};

struct ObserverConfig {
  CapabilitySet allowed = CapabilitySet::all();
  int audit_fd = -1; // host fds the embedder opened; lines are written, never closed here
  int trace_fd = -1;
  bool learn = false;
  std::vector<std::string> preopen_names; // guest names, for "fd_preopen" in logs
};

class CallObserver {
public:
  explicit CallObserver(ObserverConfig config);

  bool active() const { return active_; }
  const ObserverConfig& config() const { return config_; }
  const Usage& usage() const { return usage_; }

  // The groups a call needs, from its raw wasm arguments and the descriptor it acts on.
  // Empty when nothing can be decided (an unknown fd: the body answers Badf itself).
  CapabilitySet needed(const FunctionInfo& info, std::span<const runtime::Value> args,
                       FdTable& fds) const;
  // The first needed group the policy denies, if any.
  std::optional<Group> denied(CapabilitySet needed) const;

  // One call's record, filled by the glue and finished with its outcome.
  struct Call {
    const FunctionInfo* info = nullptr;
    std::string_view module;
    CapabilitySet needed;
    std::string args;    // JSON object members, without braces
    std::vector<Fd> fds; // descriptor arguments (for learn mode)
    uint64_t start_ns = 0;
  };
  Call begin(const FunctionInfo& info, std::string_view module,
             std::span<const runtime::Value> args, FdTable& fds);
  // Adds one decoded argument to the record (descriptor names ending in "fd" get their preopen).
  void arg_number(Call& call, std::string_view name, uint64_t value, FdTable& fds) const;
  void arg_string(Call& call, std::string_view name, std::string_view value) const;

  // The call returned `e`. `policy` says the policy refused it before the body ran.
  void finish(Call& call, Errno e, bool policy, FdTable& fds);
  // A WASI 0.2 call refused with the WIT's access-denied (e.g. a socket without a network
  // grant): one audit line of the same shape as preview1's, with "error" for "errno".
  // `args` is JSON object members without braces; `module` the interface.
  void refused_p2(std::string_view module, std::string_view func, std::string_view args,
                  std::string_view reason, Group group);
  // Learn mode: a socket used `ep` for `op`; a name was looked up.
  void learn_net(NetOp op, const NetEndpoint& ep);
  void learn_name_lookup();

  // proc_exit ran (or was refused: then it ends the guest as a trap, see docs/security.md).
  void finish_exit(Call& call, uint32_t code, bool refused);

private:
  void write_line(int fd, const std::string& line);
  void learn(const Call& call, FdTable& fds);

  ObserverConfig config_;
  bool active_ = false;
  Usage usage_;
};

// `s` as a JSON string literal (quotes included). Bytes that are not printable ASCII are written
// as \u00XX, so any path the guest sends gives a valid line.
void append_json_string(std::string& out, std::string_view s);

} // namespace wasmcap::wasi

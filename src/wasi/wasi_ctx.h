// WasiCtx: one guest's WASI state -- its args, environment, descriptor table (stdio and the
// preopened directories it was granted) and bound memory -- and define_all, which creates the
// host functions of wasi_snapshot_preview1 and wasi_unstable over it.
#pragma once

#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "runtime/func.h"
#include "runtime/memory.h"
#include "runtime/store.h"
#include "support/result.h"
#include "wasi/call_observer.h"
#include "wasi/fd_table.h"
#include "wasi/sandbox/resolve_beneath.h"
#include "wasmcap/http.h"
#include "wasmcap/net_grants.h"

namespace wasmcap::wasi {

// A directory granted to the guest: `host_path` on the host is visible as `guest_path`.
// A read-only grant never lets the guest create, write, truncate, rename, link, unlink or
// change times beneath it.
struct Preopen {
  std::string host_path, guest_path;
  bool read_only = false;
};

struct WasiConfig {
  std::vector<std::string> args;                        // args[0] is the program name
  std::vector<std::pair<std::string, std::string>> env; // exactly what the guest sees
  std::vector<Preopen> preopens;                        // fds 3, 4, ... in this order
  int stdin_fd = 0, stdout_fd = 1, stderr_fd = 2;       // host fds (duplicated); -1 = none
  std::vector<std::string> tcp_listeners; // "HOST:PORT" listened on, fds after the preopens
  sandbox::ResolveMode resolve_mode = sandbox::ResolveMode::Auto; // for tests
  // The policy and the logs (docs/security.md): groups outside `allowed` are refused with
  // Notcapable; refusals go to audit_fd, every call to trace_fd (host fds, not owned, -1 = off);
  // `learn` records what the run used (WasiCtx::usage).
  CapabilitySet allowed = CapabilitySet::all();
  int audit_fd = -1, trace_fd = -1;
  bool learn = false;
  // wasi:sockets: the addresses the guest may reach and whether it may look names up (none by
  // default); a refusal is the WIT's access-denied, logged to audit_fd.
  NetGrants net;
  // wasi:http/outgoing-handler: the hosts the guest may send requests to (none by default).
  HttpGrants http;
  std::shared_ptr<HttpClient> http_client; // sends the requests `http` allows; none: they fail
};

class WasiCtx {
public:
  // Opens every preopen (a missing or non-directory path is an Io error naming it) and
  // duplicates the stdio fds.
  static support::Result<std::unique_ptr<WasiCtx>> create(const WasiConfig& config);

  // The instance's exported "memory", bound after instantiation (before _start runs). A WASI
  // call that touches memory before this traps.
  void bind_memory(runtime::Memory* memory) { memory_ = memory; }
  runtime::Memory* memory() const { return memory_; }

  // Creates a host function for every WASI function of both modules and hands each to
  // `define` (e.g. to put it in a linker). The functions refer to this context, which must
  // outlive every call of them.
  void define_all(runtime::Store& store,
                  const std::function<void(std::string_view module, std::string_view name,
                                           runtime::FuncInstance*)>& define);
  // Creates the one host function `module`.`name` (either WASI module name), or returns null
  // when WASI has no such function. Cheaper than define_all when only a module's imports are
  // needed (start-up: a hello world imports 5 of the 90).
  runtime::FuncInstance* define_one(runtime::Store& store, std::string_view module,
                                    std::string_view name);

  const WasiConfig& config() const { return config_; }
  FdTable& fds() { return fds_; }
  sandbox::ResolveMode resolve_mode() const { return config_.resolve_mode; }

  // True when calls go through the observer (a policy, a log or learn mode is on); fixed at
  // creation, so define_all links observed or plain callbacks once.
  bool hooks_active() const { return observer_.active(); }
  CallObserver& observer() { return observer_; }
  // A call site for one host function over this context (stable address; see CallSite).
  const CallSite* add_site(const FunctionInfo* info, std::string_view module) {
    return &sites_.emplace_back(CallSite{this, info, module});
  }
  const Usage& usage() const { return observer_.usage(); }

  // Set once the guest called proc_exit.
  std::optional<int> exit_code() const { return exit_code_; }
  void set_exit_code(int code) { exit_code_ = code; }

private:
  WasiCtx() : observer_(ObserverConfig{}) {}
  WasiConfig config_;
  CallObserver observer_;
  std::deque<CallSite> sites_;
  FdTable fds_;
  runtime::Memory* memory_ = nullptr;
  std::optional<int> exit_code_;
};

} // namespace wasmcap::wasi

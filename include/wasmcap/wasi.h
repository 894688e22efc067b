// WASI for embedders: a guest starts with no authority; WasiConfig lists exactly what it gets
// (arguments, environment variables, preopened directories, stdio). Wasi defines the
// wasi_snapshot_preview1 and/or wasi_unstable imports in a Linker and runs a command (start) or
// a reactor (initialize) as Node's `node:wasi` does, returning proc_exit's code.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "wasmcap/capability_group.h"
#include "wasmcap/component.h"
#include "wasmcap/error.h"
#include "wasmcap/http.h"
#include "wasmcap/instance.h"
#include "wasmcap/linker.h"
#include "wasmcap/net_grants.h"
#include "wasmcap/store.h"

namespace wasmcap {

namespace wasi {
class WasiCtx;
}

struct WasiPreopen {
  std::string host_path;  // a directory on the host
  std::string guest_path; // the name the guest sees it under (e.g. "/data" or ".")
  bool read_only = false; // no creating, writing, truncating, renaming, linking, unlinking
};

// Which WASI import module add_to_linker defines (Node's `version: 'preview1' | 'unstable'`).
// Both: each name, for hosts that run modules of either kind (the CLI does).
enum class WasiVersion : uint8_t { Both, Preview1, Unstable };

struct WasiConfig {
  std::vector<std::string> args; // args[0] is the program name the guest sees
  std::vector<std::pair<std::string, std::string>> env;
  std::vector<WasiPreopen> preopens;
  int stdin_fd = 0, stdout_fd = 1, stderr_fd = 2; // host fds (duplicated); -1 = not provided
  // Preview1's preopened listening sockets (wasmtime's `-S tcplisten=ADDR`): each "HOST:PORT"
  // (an IP address; IPv6 in brackets) is bound and listened on when the Wasi is created (an Io
  // error names the one that cannot be) and given to the guest as a socket descriptor after the
  // preopened directories (fd 3 when there are none); sock_accept on it returns connections,
  // which the guest reads and writes. Like a directory, a grant of exactly that: the guest can
  // open no other socket through it.
  std::vector<std::string> tcp_listeners;

  // The policy (docs/security.md): a call needing a group outside `allowed` does nothing and
  // returns ENOTCAPABLE (76); a refused proc_exit ends the guest as a trap. The default allows
  // every group: the resources above still limit what the guest reaches.
  CapabilitySet allowed = CapabilitySet::all();
  // JSON-lines logs, written one whole line per write(2) to fds the host opened (not closed
  // here; -1 = off): every refused capability use, and every WASI call.
  int audit_fd = -1;
  int trace_fd = -1;
  // Record what the run used (Wasi::usage), to write the smallest policy (learned_policy).
  bool learn = false;
  // WASI 0.2 sockets (wasi:sockets): the addresses a component may connect to, listen on and
  // exchange datagrams with, and whether it may resolve names. Nothing by default; a refused
  // call returns the WIT's access-denied and is written to the audit log.
  NetGrants net;
  // wasi:http/outgoing-handler: the hosts a component may send requests to (none by default; a
  // refused request gets the WIT's HTTP-request-denied and an audit line).
  HttpGrants http;
  // What sends the requests `http` allows (include/wasmcap/http.h); none: they fail.
  std::shared_ptr<HttpClient> http_client;
  // Preview1 links only "wasi_snapshot_preview1", Unstable only "wasi_unstable" (the old ABI);
  // a module importing the other name then fails to link (Unlinkable).
  WasiVersion version = WasiVersion::Both;
  // Node's returnOnExit. true: start() returns proc_exit's code and the host keeps running.
  // false: when the guest calls proc_exit under start() or initialize(), the host process ends
  // with that code (std::exit, after the guest's frames unwound; the embedder's own stack
  // objects are not destroyed). Calls made outside start/initialize always return Exit errors.
  bool return_on_exit = true;
};

// What a run used, as learn mode saw it.
enum class PreopenUse : uint8_t { Unused, Read, Write };
struct WasiUsage {
  CapabilitySet groups;             // the groups successful calls needed
  std::vector<PreopenUse> preopens; // per WasiConfig::preopens entry
  NetGrants net;                    // the socket endpoints used (exact rules) and name lookups
};

class Wasi {
public:
  // Opens the preopened directories now: a missing one is an Io error naming it.
  static Result<Wasi> create(const WasiConfig& config);
  Wasi(Wasi&&) noexcept;
  Wasi& operator=(Wasi&&) noexcept;
  ~Wasi();

  // Defines every WASI function (both module names) in `linker`, owned by `store`. This Wasi
  // object must outlive every call of those functions.
  Status add_to_linker(Linker& linker, Store& store);
  // Binds the instance's exported "memory"; call after instantiation, before running _start.
  // A module without a memory export is fine as long as it makes no WASI call needing one.
  // start() and initialize() do this themselves.
  Status bind_instance(const Instance& instance);
  // Runs `instance` as a WASI command, like Node's wasi.start(): it must export a function
  // "_start" of type () -> () and a memory "memory", and must not export "_initialize".
  // Binds the memory, calls _start and returns the exit code: proc_exit's, or 0 when _start
  // returns. Traps and exhaustion come back as errors; a refusal (missing or wrong exports, or
  // a second start/initialize of this Wasi) is a Usage error and runs nothing. One Wasi object
  // starts or initializes one instance, once: its descriptors belong to that run.
  Result<int> start(const Instance& instance);
  // Prepares `instance` as a WASI reactor, like Node's wasi.initialize(): it must export a
  // memory "memory" and must not export "_start"; its "_initialize" (if any, () -> ()) runs
  // once. Then call its exports yourself. A proc_exit inside _initialize is an Exit error.
  // Refused (Usage) after a start or initialize of this Wasi.
  Status initialize(const Instance& instance);
  // Runs `component` as a WASI 0.2 command (docs/components.md): instantiates it with this
  // Wasi's arguments, environment, preopens, stdio and policy as its wasi:* imports (any 0.2.x
  // version), calls its `wasi:cli/run` export and returns the exit code: 0 when run returns
  // ok, 1 when it returns an error, or the code of wasi:cli/exit. An import the host does not
  // provide is Unlinkable; traps come back as errors. One Wasi runs one command.
  Result<int> run_component(Store& store, const Component& component);
  // What the run used so far (empty unless WasiConfig::learn).
  WasiUsage usage() const;
  // The guest's proc_exit code, once it called it.
  std::optional<int> exit_code() const;

private:
  Wasi(std::unique_ptr<wasi::WasiCtx> ctx, WasiVersion version, bool return_on_exit);
  // The memory start/initialize need, after the checks common to both; binds it.
  Status bind_required_memory(const Instance& instance, const char* what);
  friend class ComponentLinker;      // serves WASI 0.2 from this Wasi's context
  friend class HttpProxy;            // serves wasi:http requests from a fresh one each
  friend class ComponentInstancePre; // the same, for any component instantiated many times
  std::unique_ptr<wasi::WasiCtx> ctx_;
  WasiVersion version_ = WasiVersion::Both;
  bool return_on_exit_ = true;
  bool started_ = false; // by start() or initialize()
};

// The proc_exit code carried by an error returned from a call, or nullopt for a real failure.
inline std::optional<int> exit_code_of(const Error& e) {
  if (e.kind == ErrorKind::Exit) return e.exit_code;
  return std::nullopt;
}

} // namespace wasmcap

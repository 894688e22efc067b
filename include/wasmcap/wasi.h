// WASI for embedders: a guest starts with no authority; WasiConfig lists exactly what it gets
// (arguments, environment variables, preopened directories, stdio). Wasi defines the
// wasi_snapshot_preview1 and wasi_unstable imports in a Linker and reports proc_exit's code.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "wasmcap/capability_group.h"
#include "wasmcap/error.h"
#include "wasmcap/instance.h"
#include "wasmcap/linker.h"
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

struct WasiConfig {
  std::vector<std::string> args; // args[0] is the program name the guest sees
  std::vector<std::pair<std::string, std::string>> env;
  std::vector<WasiPreopen> preopens;
  int stdin_fd = 0, stdout_fd = 1, stderr_fd = 2; // host fds (duplicated); -1 = not provided

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
};

// What a run used, as learn mode saw it.
enum class PreopenUse : uint8_t { Unused, Read, Write };
struct WasiUsage {
  CapabilitySet groups;             // the groups successful calls needed
  std::vector<PreopenUse> preopens; // per WasiConfig::preopens entry
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
  Status bind_instance(const Instance& instance);
  // What the run used so far (empty unless WasiConfig::learn).
  WasiUsage usage() const;
  // The guest's proc_exit code, once it called it.
  std::optional<int> exit_code() const;

private:
  explicit Wasi(std::unique_ptr<wasi::WasiCtx> ctx);
  std::unique_ptr<wasi::WasiCtx> ctx_;
};

// The proc_exit code carried by an error returned from a call, or nullopt for a real failure.
inline std::optional<int> exit_code_of(const Error& e) {
  if (e.kind == ErrorKind::Exit) return e.exit_code;
  return std::nullopt;
}

} // namespace wasmcap

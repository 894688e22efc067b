// Engine: shared, immutable configuration for compiling and running modules.
#pragma once

#include <optional>
#include <string>

#include "wasmcap/config.h"

namespace wasmcap {

class Engine {
public:
  explicit Engine(Config config = {}) : config_(config) {}
  const Config& config() const { return config_; }

  // Whether Tier::Jit can compile in this process. The first call loads the LLVM tier's plugin
  // (later calls reuse the outcome). nullopt when it can; otherwise why not, naming the paths
  // tried, for the host to show. Either way a Tier::Jit engine runs what the tier cannot
  // compile on the interpreter; this only lets a host say so.
  static std::optional<std::string> jit_unavailable_reason();

  // From now on, the machine code of every module the LLVM tier compiles or loads (a .cwasm,
  // the code cache, a tier-up) in this process is named in /tmp/perf-PID.map, Linux perf's
  // convention for JIT code, so `perf report` shows wasm functions by name (`wasmcap run
  // --profile=perfmap`). Interpreted code has no machine code of its own to name. Process-wide,
  // as the file is; false when this wasmcap has no LLVM tier.
  static bool enable_perf_map();
  // The same for `perf inject --jit`: each module's machine code, with names, is appended to
  // `jit-PID.dump` in $JITDUMPDIR or the working directory, perf's jitdump format (`perf record
  // -k mono -g wasmcap run --profile=jitdump ...`, then `perf inject --jit`, then `perf report`
  // or `perf annotate`). The reason when the file cannot be made or this wasmcap has no LLVM
  // tier.
  static std::optional<std::string> enable_jitdump();

  // Tier::Auto compiles in background threads that no Module waits for when it goes; exit()
  // waits for the compiles still running (so none runs under static destructors). A process
  // that would rather not wait (the CLI) exits with std::_Exit while this is non-zero.
  static int compiles_in_background();

private:
  Config config_;
};

} // namespace wasmcap

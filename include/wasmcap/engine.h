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

private:
  Config config_;
};

} // namespace wasmcap

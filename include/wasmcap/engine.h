// Engine: shared, immutable configuration for compiling and running modules.
#pragma once

#include "wasmcap/config.h"

namespace wasmcap {

class Engine {
public:
  explicit Engine(Config config = {}) : config_(config) {}
  const Config& config() const { return config_; }

private:
  Config config_;
};

} // namespace wasmcap

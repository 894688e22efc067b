// load_tier(): finds the LLVM tier plugin (libwasmcap-llvm.so) and dlopens it, once per process,
// on the first JIT compile, so that a process that never compiles never maps libLLVM.
#pragma once

#include <string>

#include "llvm/tier_abi.h"

namespace wasmcap::llvm_tier {

struct LoadedTier {
  const TierV1* tier = nullptr; // null: not available
  std::string failure;          // why not, naming every path tried (one line)
};

// Candidates, first found wins: $WASMCAP_LLVM_TIER alone when set; else beside the executable
// (<bin>/../lib/wasmcap/), beside the object holding this code (<lib>/wasmcap/), the build tree,
// and the configured install prefix. The plugin stays loaded for the process's lifetime (compiled
// code refers into it). Thread-safe.
const LoadedTier& load_tier();

} // namespace wasmcap::llvm_tier

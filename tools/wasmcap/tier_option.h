// `--tier interp|jit`: the execution tier option shared by `run` and `wast`.
#pragma once

#include <CLI/CLI.hpp>

#include "wasmcap/config.h"

namespace wasmcap::cli {

// Adds `--tier` to `cmd`, storing the choice in `tier` (which must outlive parsing). With
// `warn_when_parsed`, `--tier jit` loads the plugin at once and warns if it cannot; `run` passes
// false and calls warn_if_jit_unavailable() itself only when it compiles, so a run from the code
// cache or a .cwasm never loads LLVM.
void add_tier_option(CLI::App& cmd, Tier& tier, bool warn_when_parsed = true);

// One warning line on stderr when the LLVM tier's plugin cannot be loaded (loads it).
void warn_if_jit_unavailable();

} // namespace wasmcap::cli

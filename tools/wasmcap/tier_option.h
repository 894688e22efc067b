// `--tier interp|jit`: the execution tier option shared by `run` and `wast`.
#pragma once

#include <CLI/CLI.hpp>

#include "wasmcap/config.h"

namespace wasmcap::cli {

// Adds `--tier` to `cmd`, storing the choice in `tier` (which must outlive parsing).
void add_tier_option(CLI::App& cmd, Tier& tier);

} // namespace wasmcap::cli

// The CLI's subcommands: each file adds one to the app and returns the action to run after
// parsing. Exit statuses are shared here so every subcommand reports failures the same way.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>

namespace wasmcap::cli {

// Exit statuses (documented in docs/cli.md).
constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;    // a test run with failures, or an unspecified failure
constexpr int kExitUsage = 2;      // bad command line
constexpr int kExitBadModule = 3;  // the file is unreadable, malformed or invalid
constexpr int kExitUnlinkable = 4; // imports could not be satisfied
constexpr int kExitPolicy = 5;     // --strict: the policy refuses some of the module's imports
constexpr int kExitTrap = 134;     // the guest trapped (like an abort)

using Action = std::function<int()>;

Action add_run_command(CLI::App& app);
Action add_wast_command(CLI::App& app);
Action add_inspect_command(CLI::App& app);

} // namespace wasmcap::cli

// The CLI's subcommands: each file adds one to the app and returns the action to run after
// parsing. Exit statuses and error reporting are shared here so every subcommand reports
// failures the same way: one line `Error: FILE: what, where` on stderr, then any detail lines.
#pragma once

#include <CLI/CLI.hpp>

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "wasmcap/wasmcap.hpp"

namespace wasmcap::cli {

// Exit statuses, one per kind of mistake a user can act on (the table is in docs/cli.md). A
// guest's proc_exit code is passed through as it is, so a guest can also exit with these.
constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;    // `wast`: some assertions failed
constexpr int kExitUsage = 2;      // bad command line: unknown option, bad value, bad --dir
constexpr int kExitUnreadable = 3; // FILE is missing, a directory, or cannot be read
constexpr int kExitMalformed = 4;  // FILE is not a module: bad magic/version, truncated, WAT syntax
constexpr int kExitInvalid = 5;    // FILE decodes but fails validation (e.g. a type mismatch)
constexpr int kExitUnlinkable = 6; // an import is missing or has the wrong type
constexpr int kExitPolicy = 7;     // --strict: the policy refuses some of the module's imports
constexpr int kExitTrap = 134;     // the guest trapped or hit a limit (128 + SIGABRT, as wasmtime)
constexpr int kExitInterrupted = 130; // `run`: Ctrl-C stopped the guest (128 + SIGINT, as shells)

using Action = std::function<int()>;

// `guest_args` is what follows FILE on the command line (filled in by main before the action
// runs): the guest's arguments, never parsed as wasmcap's options.
Action add_run_command(CLI::App& app, const std::vector<std::string>& guest_args);
Action add_serve_command(CLI::App& app);
Action add_wast_command(CLI::App& app);
Action add_inspect_command(CLI::App& app);
Action add_compile_command(CLI::App& app);

// Shared by the subcommands (defined in main.cpp).

// The exit status for an error of this kind (Io: kExitUnreadable, Malformed: kExitMalformed...).
int exit_status_for(const Error& e);
// Prints `Error: FILE: <kind> <subject> at <where>: <message>` (FILE:LINE:COL for text), and for
// a trap the wasm backtrace below it; returns exit_status_for(e). `file` may be empty.
int report_error(const std::string& file, const Error& e, std::string_view subject = "module");
// Reads a whole file; a missing file, a directory or a read error is an ErrorKind::Io error
// whose message says which ("cannot read x.wasm: No such file or directory").
Result<std::vector<uint8_t>> read_whole_file(const std::string& path);
// Whether FILE starts with the .cwasm magic (only its first bytes are read).
bool is_precompiled_file(const std::string& path);
// Reads FILE and compiles it: a wasm binary, or WAT text (a .cwasm file is loaded as it is).
// Refuses an empty file, and treats a file that is neither text nor starts with the wasm magic as a
// binary with a bad magic number.
Result<Module> load_module(const Engine& engine, const std::string& path);
// A component file: a component binary, or text whose first form is `(component ...)`.
bool looks_like_component(std::span<const uint8_t> bytes);
// The same for a file, reading only its first bytes when it is a binary.
bool is_component_file(const std::string& path);
Result<Component> load_component(const Engine& engine, std::span<const uint8_t> bytes,
                                 const CodeCache* cache = nullptr,
                                 std::vector<CacheReport>* reports = nullptr);
// `inspect` of a component (inspect_component.cpp); returns the exit status.
int inspect_component(const Engine& engine, const std::string& file, std::span<const uint8_t> bytes,
                      bool json);

} // namespace wasmcap::cli

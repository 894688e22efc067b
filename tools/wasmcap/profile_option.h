// `run --profile=perfmap|jitdump|guest[,FILE]`: what the option asks for, and the guest profiler's
// scope (it writes the profile on every way out of a run, as the learned-policy writer does).
#pragma once

#include <CLI/CLI.hpp>

#include <memory>
#include <optional>
#include <string>

#include "wasmcap/config.h"
#include "wasmcap/profiler.h"
#include "wasmcap/store.h"

namespace wasmcap::cli {

struct ProfileOption {
  enum class Kind { None, PerfMap, JitDump, Guest } kind = Kind::None;
  // Guest: the Firefox Profiler file and the flame graph beside it.
  std::string json_path, svg_path;
};

// Adds `--profile` to `cmd`; the parsed choice lands in `out` (which must outlive parsing).
void add_profile_option(CLI::App& cmd, ProfileOption& out);

// What the profile asks of the engine: perfmap names compiled code for perf; guest needs
// compiled code with interruption checks (where its samples are taken).
void apply_profile_option(const ProfileOption& option, Config& config);

// Samples `store` while it lives (guest profiles only; otherwise nothing), then writes the two
// files and says where on stderr.
class GuestProfileScope {
public:
  GuestProfileScope(Store& store, const ProfileOption& option, std::string title);
  ~GuestProfileScope();
  GuestProfileScope(const GuestProfileScope&) = delete;
  GuestProfileScope& operator=(const GuestProfileScope&) = delete;

private:
  const ProfileOption& option_;
  std::string title_;
  std::optional<GuestProfiler> profiler_;
};

} // namespace wasmcap::cli

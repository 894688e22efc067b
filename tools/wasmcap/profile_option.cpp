// --profile (profile_option.h).
#include "profile_option.h"

#include <cstdio>

#include "wasmcap/engine.h"

namespace wasmcap::cli {

namespace {
constexpr const char* kDefaultGuestFile = "wasmcap-guest-profile.json";

std::string svg_beside(const std::string& json) {
  const std::string ext = ".json";
  if (json.size() > ext.size() && json.compare(json.size() - ext.size(), ext.size(), ext) == 0) {
    return json.substr(0, json.size() - ext.size()) + ".svg";
  }
  return json + ".svg";
}
} // namespace

void add_profile_option(CLI::App& cmd, ProfileOption& out) {
  cmd.add_option_function<std::string>(
         "--profile",
         [&out](const std::string& v) {
           if (v == "perfmap" || v == "jitdump") {
             out.kind =
                 v == "perfmap" ? ProfileOption::Kind::PerfMap : ProfileOption::Kind::JitDump;
             return;
           }
           out.kind = ProfileOption::Kind::Guest;
           out.json_path = v == "guest" ? kDefaultGuestFile : v.substr(6);
           out.svg_path = svg_beside(out.json_path);
         },
         "perfmap: name compiled wasm functions in /tmp/perf-PID.map for Linux perf (`perf "
         "record -g wasmcap run --profile=perfmap ...`, then `perf report`). jitdump: the "
         "same with the machine code, in jit-PID.dump for `perf inject --jit` (record with "
         "`perf record -k mono`). guest[,FILE]: "
         "sample the guest's wasm stacks about 1000 times a second on any tier and write FILE "
         "(default " +
             std::string(kDefaultGuestFile) +
             ") for the Firefox Profiler (profiler.firefox.com) and a flame graph FILE.svg to "
             "open in a browser")
      ->check([](const std::string& v) -> std::string {
        if (v == "perfmap" || v == "jitdump" || v == "guest") return "";
        if (v.rfind("guest,", 0) == 0 && v.size() > 6) return "";
        return "expected perfmap, jitdump, guest or guest,FILE";
      })
      ->type_name("perfmap|jitdump|guest[,FILE]");
}

void apply_profile_option(const ProfileOption& option, Config& config) {
  if (option.kind == ProfileOption::Kind::PerfMap && !Engine::enable_perf_map()) {
    std::fprintf(stderr, "Warning: --profile=perfmap: this wasmcap has no LLVM tier, so no "
                         "machine code to name\n");
  }
  if (option.kind == ProfileOption::Kind::JitDump) {
    if (auto why = Engine::enable_jitdump()) {
      std::fprintf(stderr, "Warning: --profile=jitdump: %s\n", why->c_str());
    }
  }
  if (option.kind == ProfileOption::Kind::Guest) {
    // Samples are taken at the interruption checks: profiling compiles them in at every loop
    // header, counted loops included, and makes the interpreter's code poll (it implies
    // interruptible, whatever interrupt_by_signal says; Ctrl-C then stops at those checks).
    config.profiling = true;
  }
}

GuestProfileScope::GuestProfileScope(Store& store, const ProfileOption& option, std::string title)
    : option_(option), title_(std::move(title)) {
  if (option.kind == ProfileOption::Kind::Guest) profiler_.emplace(store);
}

GuestProfileScope::~GuestProfileScope() {
  if (!profiler_) return;
  profiler_->stop();
  if (auto s = profiler_->write(option_.json_path, option_.svg_path, title_); !s) {
    std::fprintf(stderr, "wasmcap: --profile=guest: %s\n", s.error().message.c_str());
    return;
  }
  std::fprintf(stderr,
               "wasmcap: guest profile: %zu samples in %s (open it in profiler.firefox.com) "
               "and %s (a flame graph for a browser)\n",
               profiler_->sample_count(), option_.json_path.c_str(), option_.svg_path.c_str());
}

} // namespace wasmcap::cli

// `wasmcap wast [--quiet] [--tier interp|jit] [--checks fuel|interrupt|none] [-W FEATURE=y|n]
// FILE...`: runs spec
// scripts (with the code carrying the checks asked for, to test them) and prints each failure
// with file:line, then the totals as `N passed, M failed`. Exits 1 when an assertion failed, or
// with the status of the first script that could not be read or parsed.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "feature_options.h"
#include "subcommands.h"
#include "tier_option.h"
#include "wast/wast_runner.h"

namespace wasmcap::cli {

Action add_wast_command(CLI::App& app) {
  auto files = std::make_shared<std::vector<std::string>>();
  auto quiet = std::make_shared<bool>(false);
  auto config = std::make_shared<Config>();
  CLI::App* cmd = app.add_subcommand("wast", "Run WebAssembly spec test scripts (.wast)");
  cmd->footer("Prints each failed assertion as FILE:LINE: what was expected, what happened; then "
              "\"N passed, M failed\".\n"
              "Example: wasmcap wast ../shared/spec-testsuite/core/i32.wast\n"
              "Exit status: 0 all passed, 1 some failed, 3 cannot read a FILE, 4 a FILE is not a "
              "well-formed script.");
  cmd->add_option("FILE", *files, "The .wast scripts to run")->required();
  cmd->add_flag("-q,--quiet", *quiet, "Print only the totals");
  add_tier_option(*cmd, config->tier);
  auto checks = std::make_shared<std::string>("none");
  cmd->add_option("--checks", *checks,
                  "Run with fuel (more than any script needs) or interruption, so the code "
                  "carries those checks (default: none)")
      ->type_name("fuel|interrupt|none")
      ->check(CLI::IsMember({"fuel", "interrupt", "none"}));
  auto features = std::make_shared<std::vector<std::string>>();
  cmd->add_option("-W", *features,
                  "Switch a WebAssembly feature off or on: tail-call=n, extended-const=n, "
                  "multi-memory=n, exceptions=n, memory64=n, simd=n, relaxed-simd=n, gc=n (the "
                  "WebAssembly 2.0 suite runs with multi-memory=n, memory64=n)")
      ->type_name("FEATURE=y|n")
      ->allow_extra_args(false);
  return [files, quiet, config, checks, features]() {
    for (const std::string& w : *features) {
      const size_t eq = w.find('=');
      auto applied = eq == std::string::npos
                         ? std::nullopt
                         : apply_feature_option(w.substr(0, eq), w.substr(eq + 1), *config);
      if (!applied) {
        Status bad = make_error(ErrorKind::Usage,
                                "-W " + w + ": expected FEATURE=y|n (" + kFeatureKeys + ")");
        return report_error("wast", bad.error());
      }
      if (!*applied) return report_error("wast", applied->error());
    }
    if (*checks == "fuel") config->fuel = uint64_t{1} << 62;
    if (*checks == "interrupt") config->interruptible = true;
    wast::Report total;
    int status = kExitOk; // of the first script that could not be run
    for (const std::string& file : *files) {
      // Read here, not in the runner, so a missing file or a directory says so precisely.
      auto bytes = read_whole_file(file);
      if (!bytes) {
        const int s = report_error(file, bytes.error());
        if (status == kExitOk) status = s;
        continue;
      }
      const std::string_view text(reinterpret_cast<const char*>(bytes->data()), bytes->size());
      auto report = wast::run_wast_text(text, file, *config);
      if (!report) {
        const int s = report_error(file, report.error(), "script");
        if (status == kExitOk) status = s;
        continue;
      }
      total.merge(*report);
    }
    // Always shown: a tier test must not pass on the interpreter unnoticed (tests/spec).
    for (const wast::Failure& f : total.fallbacks) {
      std::printf("%s:%u: --tier jit runs on the interpreter for this module: %s\n", f.file.c_str(),
                  f.line, f.message.c_str());
    }
    if (!*quiet) {
      for (const wast::Failure& f : total.failures) {
        std::printf("%s:%u: %s\n", f.file.c_str(), f.line, f.message.c_str());
      }
    }
    std::printf("%llu passed, %llu failed\n", static_cast<unsigned long long>(total.passed),
                static_cast<unsigned long long>(total.failed));
    if (status != kExitOk) return status;
    return total.failed == 0 ? kExitOk : kExitFailure;
  };
}

} // namespace wasmcap::cli

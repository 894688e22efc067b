// `wasmcap wast [--tier interp|jit] FILE...`: runs spec scripts and prints each failure with
// file:line, then the totals as `N passed, M failed`. Exits non-zero when anything failed.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "subcommands.h"
#include "tier_option.h"
#include "wast/wast_runner.h"

namespace wasmcap::cli {

Action add_wast_command(CLI::App& app) {
  auto files = std::make_shared<std::vector<std::string>>();
  auto quiet = std::make_shared<bool>(false);
  auto config = std::make_shared<Config>();
  CLI::App* cmd = app.add_subcommand("wast", "Run WebAssembly spec test scripts (.wast)");
  cmd->add_option("files", *files, "The .wast scripts to run")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_flag("-q,--quiet", *quiet, "Print only the totals");
  add_tier_option(*cmd, config->tier);
  return [files, quiet, config]() {
    wast::Report total;
    bool unreadable = false;
    for (const std::string& file : *files) {
      auto report = wast::run_wast_file(file, *config);
      if (!report) {
        std::fprintf(stderr, "error: %s\n", report.error().to_string().c_str());
        unreadable = true;
        continue;
      }
      total.merge(*report);
    }
    if (!*quiet) {
      for (const wast::Failure& f : total.failures) {
        std::printf("%s:%u: %s\n", f.file.c_str(), f.line, f.message.c_str());
      }
    }
    std::printf("%llu passed, %llu failed\n", static_cast<unsigned long long>(total.passed),
                static_cast<unsigned long long>(total.failed));
    if (unreadable) return kExitBadModule;
    return total.failed == 0 ? kExitOk : kExitFailure;
  };
}

} // namespace wasmcap::cli

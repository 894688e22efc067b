// `--tier`: maps the names to wasmcap::Tier. "jit" falls back to the interpreter for modules (and
// configurations) the LLVM tier cannot run yet, and everywhere when it is not built.
#include "tier_option.h"

#include <map>
#include <string>

namespace wasmcap::cli {

void add_tier_option(CLI::App& cmd, Tier& tier) {
  static const std::map<std::string, Tier> kNames = {{"interp", Tier::Interpreter},
                                                     {"jit", Tier::Jit}};
  cmd.add_option("--tier", tier,
                 "Execution tier: interp (default) or jit (LLVM; falls back to the "
                 "interpreter for what it cannot compile yet)")
      ->transform(CLI::CheckedTransformer(kNames, CLI::ignore_case))
      ->option_text("interp|jit");
}

} // namespace wasmcap::cli

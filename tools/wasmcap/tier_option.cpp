// `--tier`: maps the names to wasmcap::Tier (the option's default is the value `tier` has).
// "jit" falls back to the interpreter for modules (and configurations) the LLVM tier cannot run
// yet, and everywhere when its plugin cannot be loaded (then with one warning line naming what
// was tried).
#include "tier_option.h"

#include <cstdio>
#include <map>
#include <string>

#include "wasmcap/engine.h"

namespace wasmcap::cli {

void warn_if_jit_unavailable() {
  if (auto why = Engine::jit_unavailable_reason()) {
    std::fprintf(stderr, "Warning: --tier jit runs on the interpreter: %s\n", why->c_str());
  }
}

// The plugin is loaded when `--tier jit` is parsed (the first compile would load it anyway), so
// the warning comes once, before any output of the guest.
void add_tier_option(CLI::App& cmd, Tier& tier, bool warn_when_parsed) {
  static const std::map<std::string, Tier> kNames = {
      {"interp", Tier::Interpreter}, {"jit", Tier::Jit}, {"auto", Tier::Auto}};
  const char* names[] = {"interp", "jit", "auto"};
  cmd.add_option("--tier", tier,
                 std::string("Execution tier: interp, jit (LLVM; falls back to the interpreter "
                             "for what it cannot compile yet) or auto (starts on the interpreter, "
                             "compiles with LLVM in the background after 20 ms and switches calls "
                             "over). Default: ") +
                     names[static_cast<int>(tier)])
      ->transform(CLI::CheckedTransformer(kNames, CLI::ignore_case))
      // Transforms run in reverse order of addition: this one sees the user's text, before the
      // name is mapped to the enum's value.
      ->transform(
          [warn_when_parsed](std::string value) {
            if (warn_when_parsed && CLI::detail::to_lower(value) == "jit")
              warn_if_jit_unavailable();
            return value;
          },
          "", "warn if jit is unavailable")
      ->option_text("interp|jit|auto");
}

} // namespace wasmcap::cli

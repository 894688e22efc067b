// wasmcap: the command-line front end. Parsing and printing only; the work is in the library.
#include <cstdio>

#include "subcommands.h"

int main(int argc, char** argv) {
  CLI::App app{"wasmcap: a WebAssembly runtime with capability-based security"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("wasmcap 0.1.0"));
  const wasmcap::cli::Action run = wasmcap::cli::add_run_command(app);
  const wasmcap::cli::Action wast = wasmcap::cli::add_wast_command(app);
  const wasmcap::cli::Action inspect = wasmcap::cli::add_inspect_command(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : wasmcap::cli::kExitUsage;
  }
  for (CLI::App* sub : app.get_subcommands()) {
    if (sub->get_name() == "run") return run();
    if (sub->get_name() == "wast") return wast();
    if (sub->get_name() == "inspect") return inspect();
  }
  return wasmcap::cli::kExitUsage;
}

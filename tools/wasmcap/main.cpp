// wasmcap: the command-line front end. Parsing and dispatch only; the work is in the library,
// error reporting in report.cpp and module loading in load_module.cpp.
#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "subcommands.h"

namespace {

constexpr const char* kSubcommands[] = {"run", "serve", "wast", "inspect", "compile"};

// CLI11's own errors (unknown option, missing value...) in the same one-line style.
std::string failure_message(const CLI::App* app, const CLI::Error& e) {
  std::string help = "wasmcap --help";
  std::string what = e.what();
  for (const CLI::App* sub : app->get_subcommands()) {
    help = "wasmcap " + sub->get_name() + " --help";
    // A value outside a fixed set: CLI11 says "--tier: Check fast value in {...} FAILED".
    const size_t check = what.find(": Check "), in = what.find(" value in {");
    if (check != std::string::npos && in != std::string::npos && in > check) {
      const std::string option = what.substr(0, check);
      const std::string value = what.substr(check + 8, in - check - 8);
      const CLI::Option* opt = sub->get_option_no_throw(option);
      const std::string allowed = opt ? opt->get_option_text() : "";
      what = option + ": \"" + value + "\" is not a valid value" +
             (allowed.empty() ? "" : " (use " + allowed + ")");
    }
  }
  return "Error: " + what + "\nRun '" + help + "' for usage.\n";
}

// `wasmcap run [OPTIONS] FILE [ARGS...]`: FILE ends wasmcap's options, and what follows it is
// the guest's even when it looks like an option. Returns FILE's index in argv (argc if none), or
// -1 after reporting an option `run` does not have.
int find_run_file(const CLI::App& run, int argc, char** argv, int first) {
  for (int i = first; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--") return i + 1;
    if (arg.size() < 2 || arg[0] != '-') return i;
    const bool long_name = arg[1] == '-';
    const size_t eq = arg.find('=');
    const std::string name = long_name ? arg.substr(0, eq) : arg.substr(0, 2);
    const CLI::Option* opt = run.get_option_no_throw(name);
    if (opt == nullptr) {
      std::fprintf(stderr,
                   "Error: unknown option \"%s\" (wasmcap's options go before FILE, the "
                   "guest's after it)\nRun 'wasmcap run --help' for usage.\n",
                   name.c_str());
      return -1;
    }
    // A value in the same argument (--fuel=10, -Wfuel=10), or in the next one.
    const bool attached = long_name ? eq != std::string::npos : arg.size() > 2;
    if (opt->get_expected_max() > 0 && !attached) ++i; // flags expect none
  }
  return argc;
}

} // namespace

int main(int argc, char** argv) {
  using namespace wasmcap::cli;
  // `wasmcap FILE ARGS...` is `wasmcap run FILE ARGS...`, as wasmtime has it, when FILE is not a
  // subcommand and is a file (anything else is still an unknown subcommand, said as such).
  std::vector<char*> with_run;
  if (argc >= 2 && argv[1][0] != '-' &&
      std::none_of(std::begin(kSubcommands), std::end(kSubcommands),
                   [&](const char* s) { return std::strcmp(argv[1], s) == 0; })) {
    struct stat st = {};
    if (::stat(argv[1], &st) == 0 && S_ISREG(st.st_mode)) {
      static char run_word[] = "run";
      with_run.assign(argv, argv + argc);
      with_run.insert(with_run.begin() + 1, run_word);
      with_run.push_back(nullptr);
      argv = with_run.data();
      ++argc;
    }
  }
  CLI::App app{"wasmcap: a WebAssembly runtime with capability-based security", "wasmcap"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("wasmcap 0.1.0"));
  app.failure_message(failure_message);
  app.footer("Run 'wasmcap SUBCOMMAND --help' for its options.\n"
             "Example: wasmcap run --dir ./data::/data tool.wasm ARGS...\n"
             "Exit statuses: 0 ok; 1 wast: assertions failed; 2 bad command line; 3 cannot read "
             "FILE;\n  4 malformed module; 5 invalid module; 6 cannot link (missing or mismatched "
             "import);\n  7 refused by the policy (--strict); 134 the guest trapped; N the "
             "guest's proc_exit(N).");
  std::vector<std::string> guest_args;
  // Only the named subcommand's options are set up (building CLI11's option tables was a tenth
  // of a hello world's start-up); every subcommand for the top-level --help and --version.
  const bool all = argc < 2 || argv[1][0] == '-';
  auto wanted = [&](const char* name) { return all || std::strcmp(argv[1], name) == 0; };
  const Action run = wanted("run") ? add_run_command(app, guest_args) : Action{};
  const Action serve = wanted("serve") ? add_serve_command(app) : Action{};
  const Action wast = wanted("wast") ? add_wast_command(app) : Action{};
  const Action inspect = wanted("inspect") ? add_inspect_command(app) : Action{};
  const Action compile = wanted("compile") ? add_compile_command(app) : Action{};
  if (argc < 2) {
    std::fprintf(stderr, "Error: no subcommand given (expected run, serve, wast, inspect or "
                         "compile)\n"
                         "Run 'wasmcap --help' for usage.\n");
    return kExitUsage;
  }
  if (argv[1][0] != '-') {
    bool known = false;
    for (const char* s : kSubcommands)
      known = known || std::strcmp(argv[1], s) == 0;
    if (!known) {
      std::fprintf(stderr,
                   "Error: unknown subcommand \"%s\" (expected run, serve, wast, inspect or "
                   "compile)\n"
                   "Run 'wasmcap --help' for usage.\n",
                   argv[1]);
      return kExitUsage;
    }
  }
  int parsed = argc;
  if (std::strcmp(argv[1], "run") == 0) {
    const int file = find_run_file(*app.get_subcommand("run"), argc, argv, 2);
    if (file < 0) return kExitUsage;
    if (file < argc) {
      guest_args.assign(argv + file + 1, argv + argc);
      parsed = file + 1;
    }
  }
  try {
    app.parse(parsed, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : kExitUsage;
  }
  // Tier::Auto may still be compiling in the background when the guest is done. exit() would
  // wait for that compile (docs/tiering.md), which is of no use to a finished run: leave at once.
  auto finish = [](int status) {
    if (wasmcap::Engine::compiles_in_background() > 0) {
      std::fflush(nullptr);
      std::_Exit(status);
    }
    return status;
  };
  for (CLI::App* sub : app.get_subcommands()) {
    if (sub->get_name() == "run") return finish(run());
    if (sub->get_name() == "serve") return finish(serve());
    if (sub->get_name() == "wast") return finish(wast());
    if (sub->get_name() == "inspect") return inspect();
    if (sub->get_name() == "compile") return compile();
  }
  return kExitUsage;
}

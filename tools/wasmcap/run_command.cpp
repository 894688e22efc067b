// `wasmcap run [--dir H[::G[::ro]]]... [--env N[=V]]... [--invoke NAME] FILE [ARGS...]`: loads a
// .wasm or .wat module with WASI (granting nothing but what the options list), runs `_start` with
// ARGS as the guest's arguments, or the --invoke function with ARGS parsed by its parameter types.
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cinttypes>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "limit_options.h"
#include "policy_options.h"
#include "profile_option.h"
#include "progress_bar.h"
#include "subcommands.h"
#include "tier_option.h"
#include "wasi_options.h"
#include "wasmcap/code_cache.h"
#include "wasmcap/wasi.h"
#include "wasmcap/wasmcap.hpp"

namespace wasmcap::cli {

namespace {

struct RunOptions {
  std::string file;
  std::string invoke;
  std::vector<std::string> args;
  WasiGrantOptions grants; // --dir/--env/--inherit-env: nothing is granted by default
  std::string argv0;
  PolicyOptions policy; // --allow/--deny/--policy/--strict/--audit/--trace-wasi/--learn-policy
  LimitOptions limits;  // --fuel/--timeout/--max-memory/--max-table-elements/--max-wasm-stack/-W
  // --tier interp|jit|auto. Auto: a short run is the interpreter's (it never loads LLVM), a long
  // one gets compiled code without asking (docs/tiering.md).
  Tier tier = Tier::Auto;
  bool cache = true; // --cache / --no-cache (the JIT's code cache)
  // --interrupt / --no-interrupt: Ctrl-C stops the guest with a trap and its backtrace
  // (default); without it Ctrl-C kills the process as it always did. Compiled code needs no
  // checks for it (Config::interrupt_by_signal); the interpreter polls.
  bool interrupt = true;
  bool verbose = false;  // -v: how the module runs (code cache, memory 0), on stderr
  ProfileOption profile; // --profile=perfmap|guest[,FILE]
};

// Ctrl-C. The first SIGINT while the guest runs interrupts its store: compiled code stops at
// the interrupted instruction (Store::interrupt_from_signal: the signal is forwarded to the
// thread running the guest if another thread got it, and leaves compiled code from the handler
// there), the interpreter at its next poll, a host call when it returns; the trap is
// "interrupted" and run() exits with kExitInterrupted. A second SIGINT, or one before the guest
// runs, kills the process at once (the default action). SA_RESTART: a guest blocked in a host
// call (reading stdin) keeps waiting rather than seeing EINTR; the second Ctrl-C is the way out
// of that. A forwarded signal (sent by this process to one of its threads) is no second Ctrl-C.
std::atomic<Store*> g_running_store{nullptr};
volatile std::sig_atomic_t g_sigint_seen = 0;

extern "C" void on_sigint(int sig, siginfo_t* info, void* ucontext) {
  Store* store = g_running_store.load(std::memory_order_relaxed);
  const bool forwarded = info != nullptr && info->si_code == SI_TKILL && info->si_pid == getpid();
  if ((g_sigint_seen != 0 && !forwarded) || store == nullptr) {
    std::signal(SIGINT, SIG_DFL);
    std::raise(SIGINT);
    return;
  }
  g_sigint_seen = 1;
  store->interrupt_from_signal(sig, ucontext); // may not return: the trap is on its way
}

// Installs on_sigint for the store's lifetime (the previous action comes back afterwards).
class SigintScope {
public:
  explicit SigintScope(Store& store) {
    g_running_store.store(&store, std::memory_order_relaxed);
    struct sigaction sa = {};
    sa.sa_sigaction = &on_sigint;
    sa.sa_flags = SA_RESTART | SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    installed_ = sigaction(SIGINT, &sa, &previous_) == 0;
  }
  ~SigintScope() {
    if (installed_) sigaction(SIGINT, &previous_, nullptr);
    g_running_store.store(nullptr, std::memory_order_relaxed);
  }
  SigintScope(const SigintScope&) = delete;
  SigintScope& operator=(const SigintScope&) = delete;

private:
  struct sigaction previous_ = {};
  bool installed_ = false;
};

// A guest error's exit status: the trap "interrupted" after Ctrl-C is kExitInterrupted (a
// --timeout's is a trap like any other).
int report_guest_error(const std::string& file, const Error& e) {
  const int status = report_error(file, e);
  if (g_sigint_seen != 0 && e.kind == ErrorKind::Trap && e.message == "interrupted") {
    return kExitInterrupted;
  }
  return status;
}

// `-v`'s line for one use of the code cache (`what`: "" for a module, "core module 2: ").
void print_cache_report(const CacheReport& report, const std::string& what) {
  const char* outcome = report.outcome == CacheReport::Outcome::Hit    ? "hit"
                        : report.outcome == CacheReport::Outcome::Miss ? "miss"
                                                                       : "not used";
  std::string line = "wasmcap: code cache " + what + outcome;
  if (!report.path.empty()) line += ": " + report.path;
  if (!report.note.empty()) line += " (" + report.note + ")";
  std::fprintf(stderr, "%s\n", line.c_str());
}

// FILE as a Module: a .cwasm as it is; with `--tier jit` through the code cache (a hit maps
// machine code and never loads LLVM); else compiled as load_module does.
Result<Module> load_for_run(const Engine& engine, const RunOptions& opts) {
  const bool jit = engine.config().tier == Tier::Jit;
  const bool compiles = jit || engine.config().tier == Tier::Auto;
  // A .cwasm is mapped by load_module (never read whole here first), and runs without LLVM.
  if (is_precompiled_file(opts.file)) return load_module(engine, opts.file);
  if (!compiles || !opts.cache) {
    if (jit) warn_if_jit_unavailable();
    return load_module(engine, opts.file);
  }
  auto bytes = read_whole_file(opts.file);
  if (!bytes) return bytes.error();
  if (bytes->empty()) return load_module(engine, opts.file);
  const CodeCache cache(CodeCache::default_directory());
  CacheReport report;
  auto module = cache.load(engine, *bytes, &report);
  if (opts.verbose) print_cache_report(report, "");
  if (jit && report.outcome == CacheReport::Outcome::Unused) warn_if_jit_unavailable();
  // A broken module: load_module's diagnosis (text or binary, which mistake) is the better one.
  if (!module &&
      (module.error().kind == ErrorKind::Malformed || module.error().kind == ErrorKind::Invalid)) {
    return load_module(engine, opts.file);
  }
  return module;
}

// Parses a command-line argument as a value of type `t` (integers may be negative or hex).
Result<Value> parse_arg(const std::string& text, ValType t) {
  const char* s = text.c_str();
  char* end = nullptr;
  errno = 0;
  switch (t) {
  case ValType::I32:
  case ValType::I64: {
    const bool negative = !text.empty() && text[0] == '-';
    const uint64_t bits =
        negative ? static_cast<uint64_t>(std::strtoll(s, &end, 0)) : std::strtoull(s, &end, 0);
    if (end == s || *end != '\0' || errno == ERANGE) break;
    if (t == ValType::I32) {
      if (negative ? static_cast<int64_t>(bits) < INT32_MIN : bits > UINT32_MAX) break;
      return Value::make_i32(static_cast<uint32_t>(bits));
    }
    return Value::make_i64(bits);
  }
  case ValType::F32: {
    const float f = std::strtof(s, &end);
    if (end == s || *end != '\0') break;
    return Value::make_f32(f);
  }
  case ValType::F64: {
    const double d = std::strtod(s, &end);
    if (end == s || *end != '\0') break;
    return Value::make_f64(d);
  }
  default:
    return make_error(ErrorKind::Usage,
                      std::string("cannot pass a ") + valtype_name(t) + " on the command line");
  }
  return make_error(ErrorKind::Usage,
                    "argument \"" + text + "\" is not a valid " + valtype_name(t));
}

void print_result(const Value& v) {
  switch (v.type) {
  case ValType::I32: std::printf("%" PRId32 "\n", static_cast<int32_t>(v.i32)); break;
  case ValType::I64: std::printf("%" PRId64 "\n", static_cast<int64_t>(v.i64)); break;
  case ValType::F32: std::printf("%.9g\n", static_cast<double>(v.f32())); break;
  case ValType::F64: std::printf("%.17g\n", v.f64()); break;
  default: std::printf("%s\n", value_to_string(v).c_str()); break;
  }
}

// Turns the WASI options into a WasiConfig. Guest arguments are only FILE's ARGS for _start.
Result<WasiConfig> wasi_config(const RunOptions& opts) {
  WasiConfig c;
  c.args.push_back(opts.argv0.empty() ? opts.file : opts.argv0);
  if (opts.invoke.empty()) c.args.insert(c.args.end(), opts.args.begin(), opts.args.end());
  if (auto s = apply_wasi_grant_options(opts.grants, c); !s) return s.error();
  return c;
}

// A WASI 0.2 command component: the same grants, policy and logs as a module, served through
// the WASI 0.2 host; the exit status is wasi:cli/exit's code, or 0/1 for run's ok/error.
int run_component(const RunOptions& opts, const Engine& engine, WasiConfig config,
                  std::span<const uint8_t> bytes) {
  // Under --tier jit|auto each core module's compiled code goes through the code cache, as a
  // module's does.
  const bool compiles = engine.config().tier != Tier::Interpreter;
  const CodeCache cache(CodeCache::default_directory());
  std::vector<CacheReport> reports;
  auto component =
      load_component(engine, bytes, compiles && opts.cache ? &cache : nullptr, &reports);
  if (opts.verbose) {
    for (size_t i = 0; i < reports.size(); ++i)
      print_cache_report(reports[i], "(core module " + std::to_string(i) + ") ");
  }
  if (!component) return report_error(opts.file, component.error(), "component");
  if (auto s = apply_policy_options(opts.policy, config); !s) {
    return report_error(opts.file, s.error());
  }
  auto wasi = Wasi::create(config);
  if (!wasi) {
    Error e = wasi.error();
    if (e.kind == ErrorKind::Io) e.kind = ErrorKind::Usage;
    return report_error(opts.file, e);
  }
  const LearnedPolicyWriter learned(opts.policy, config, *wasi); // socket grants included
  Store store(engine);
  const GuestProfileScope profile(store, opts.profile, opts.file); // writes on every way out
  if (!opts.invoke.empty()) {
    // --invoke 'name(ARGS)': arguments and result in WAVE, as wasmtime prints them.
    ComponentLinker linker;
    linker.define_wasi(*wasi);
    auto inst = linker.instantiate(store, *component);
    if (!inst) return report_error(opts.file, inst.error(), "component");
    // `--invoke 'add(40, 2)'` (wasmtime's spelling), or `--invoke add 40 2` as for modules.
    std::string call = opts.invoke;
    if (call.find('(') == std::string::npos) {
      call += "(";
      for (size_t i = 0; i < opts.args.size(); ++i)
        call += (i ? ", " : "") + opts.args[i];
      call += ")";
    }
    auto result = inst->call_wave(call);
    if (!result) {
      if (auto code = exit_code_of(result.error())) return *code;
      return report_error(opts.file, result.error(), "component");
    }
    if (!result->empty()) std::printf("%s\n", result->c_str());
    return kExitOk;
  }
  auto code = wasi->run_component(store, *component);
  if (!code) return report_error(opts.file, code.error(), "component");
  return *code;
}

int run(const RunOptions& opts) {
  // The command line is checked before FILE is read: a usage error is reported as one.
  Config engine_config;
  if (auto s = apply_limit_options(opts.limits, engine_config); !s) {
    return report_error(opts.file, s.error());
  }
  if (auto s = apply_policy_limits(opts.policy, engine_config); !s) {
    return report_error(opts.file, s.error());
  }
  engine_config.tier = opts.tier;
  // Ctrl-C needs interpreted code that polls; compiled code is stopped from the signal handler
  // instead, so it carries no checks without --timeout or --fuel (docs/llvm.md, "Interruption
  // and fuel"). The store is never used again after that trap: the process exits.
  if (opts.interrupt) {
    engine_config.interruptible = true;
    engine_config.interrupt_by_signal = true;
  }
  apply_profile_option(opts.profile, engine_config);
  engine_config.compile_progress = terminal_progress_bar();
  auto config = wasi_config(opts);
  if (!config) return report_error(opts.file, config.error());
  Engine engine(engine_config);
  // A binary module is read once, below (a .cwasm is mapped, never read whole).
  if (is_component_file(opts.file)) {
    auto bytes = read_whole_file(opts.file);
    if (!bytes) return report_error(opts.file, bytes.error());
    return run_component(opts, engine, *config, *bytes);
  }
  auto module = load_for_run(engine, opts);
  if (!module) return report_error(opts.file, module.error());
  // What the LLVM tier left to the interpreter (an unloadable plugin was reported already).
  if (!module->jit_fallback_reason().empty() && !Engine::jit_unavailable_reason()) {
    std::fprintf(stderr, "Warning: --tier jit runs on the interpreter for this module: %s\n",
                 module->jit_fallback_reason().c_str());
  }
  // -v: how tiering went, on every way out below.
  struct TierUpLine {
    const Module& module;
    bool verbose;
    ~TierUpLine() {
      const std::string line = verbose ? module.tier_up_report() : std::string();
      if (!line.empty()) std::fprintf(stderr, "wasmcap: tier-up: %s\n", line.c_str());
    }
  } const tier_up_line{*module, opts.verbose};

  Store store(engine);
  const GuestProfileScope profile(store, opts.profile, opts.file); // writes on every way out
  std::optional<SigintScope> sigint;
  if (opts.interrupt) sigint.emplace(store);
  Linker linker;
  if (auto s = apply_policy_options(opts.policy, *config); !s) {
    return report_error(opts.file, s.error());
  }
  if (int refused = check_strict_policy(opts.policy, *config, *module, opts.file)) return refused;
  auto wasi = Wasi::create(*config);
  if (!wasi) {
    // A grant that cannot be opened (e.g. a --dir that does not exist) is a command-line
    // mistake, not a bad module.
    Error e = wasi.error();
    if (e.kind == ErrorKind::Io) e.kind = ErrorKind::Usage;
    return report_error(opts.file, e);
  }
  if (auto s = wasi->add_to_linker(linker, store); !s) return report_error(opts.file, s.error());
  const LearnedPolicyWriter learned(opts.policy, *config, *wasi); // on every way out below
  auto instance = linker.instantiate(store, *module);
  if (!instance) {
    if (auto code = exit_code_of(instance.error())) return *code; // proc_exit in start
    return report_guest_error(opts.file, instance.error());
  }
  if (auto s = wasi->bind_instance(*instance); !s) return report_error(opts.file, s.error());
  if (opts.verbose) {
    const std::vector<std::string> memories = instance->memory_strategies();
    if (memories.empty()) std::fprintf(stderr, "wasmcap: memory 0: no memory\n");
    for (size_t i = 0; i < memories.size(); ++i)
      std::fprintf(stderr, "wasmcap: memory %zu: %s\n", i, memories[i].c_str());
    std::fprintf(stderr, "wasmcap: checks: %s\n", instance->checks().c_str());
  }

  // A reactor (a module exporting _initialize instead of _start) is initialised once before
  // the function named by --invoke runs, as the WASI application ABI says.
  if (!opts.invoke.empty() && !instance->get_func("_start")) {
    if (auto init = instance->get_func("_initialize")) {
      auto done = init->call({});
      if (!done) {
        if (auto code = exit_code_of(done.error())) return *code;
        return report_guest_error(opts.file, done.error());
      }
    }
  }

  const std::string entry = opts.invoke.empty() ? "_start" : opts.invoke;
  auto func = instance->get_func(entry);
  if (!func) {
    if (opts.invoke.empty()) return kExitOk; // nothing to run beyond the start function
    return report_error(opts.file,
                        make_error(ErrorKind::Usage, "--invoke " + entry + ": " + opts.file +
                                                         " exports no function \"" + entry + "\""));
  }
  const FuncType type = func->type();
  // For a parameterless _start (a WASI command), ARGS are the guest's arguments, not wasm values.
  const std::vector<std::string> call_args =
      opts.invoke.empty() && type.params.empty() ? std::vector<std::string>{} : opts.args;
  if (call_args.size() != type.params.size()) {
    return report_error(
        opts.file, make_error(ErrorKind::Usage, opts.file + ": \"" + entry + "\" takes " +
                                                    std::to_string(type.params.size()) +
                                                    " argument(s) " + functype_to_string(type) +
                                                    ", got " + std::to_string(call_args.size())));
  }
  std::vector<Value> args;
  for (size_t i = 0; i < type.params.size(); ++i) {
    auto v = parse_arg(call_args[i], type.params[i]);
    if (!v) return report_error(opts.file, v.error());
    args.push_back(*v);
  }
  auto results = func->call(args);
  if (!results) {
    // proc_exit is not a failure: its code becomes the process status.
    if (auto code = exit_code_of(results.error())) return *code;
    return report_guest_error(opts.file, results.error());
  }
  for (const Value& v : *results)
    print_result(v);
  return kExitOk;
}

} // namespace

Action add_run_command(CLI::App& app, const std::vector<std::string>& guest_args) {
  auto opts = std::make_shared<RunOptions>();
  CLI::App* cmd =
      app.add_subcommand("run", "Run a WebAssembly module (.wasm, .wat, or .cwasm from compile)");
  cmd->footer(
      "FILE is a wasm binary, WAT text, or a .cwasm file from `wasmcap compile` (run as compiled "
      "code). Nothing is granted by default: no directory, no "
      "environment variable, no network address.\n"
      "SIZE: bytes, or with KiB, MiB, GiB (e.g. 64MiB). DURATION: ms, s or m (e.g. 500ms, 2s; "
      "a bare number is seconds).\n"
      "Examples:\n"
      "  wasmcap run --invoke fac examples/factorial.wat 20\n"
      "  wasmcap run --dir ./data::/data::ro --env LANG --timeout 2s tool.wasm input.txt\n"
      "Exit status: the guest's proc_exit code (0 when _start returns); 2 bad command line, 3 "
      "cannot read FILE, 4 malformed, 5 invalid, 6 cannot link, 7 refused by --strict, 130 "
      "interrupted by Ctrl-C, 134 trap.");
  cmd->add_option("--invoke", opts->invoke,
                  "Call this exported function instead of _start; ARGS are its arguments")
      ->type_name("NAME");
  add_limit_options(*cmd, opts->limits);
  add_tier_option(*cmd, opts->tier, /*warn_when_parsed=*/false);
  cmd->add_flag("--interrupt,!--no-interrupt", opts->interrupt,
                "Ctrl-C stops the guest with a trap and backtrace (exit status 130; a second "
                "Ctrl-C kills at once). Compiled code needs no checks for it, the interpreter "
                "polls. --no-interrupt: Ctrl-C kills the process (default: on)");
  cmd->add_flag("--cache,!--no-cache", opts->cache,
                "With --tier jit or auto, keep compiled code in $XDG_CACHE_HOME/wasmcap (or "
                "~/.cache/wasmcap) and reuse it (default: on)");
  add_wasi_grant_options(*cmd, opts->grants);
  cmd->add_flag("-v,--verbose", opts->verbose,
                "Print how the module runs to stderr: whether the code cache was used (and "
                "where), memory 0's guard pages or explicit bounds checks (and why), and with "
                "--tier auto when the background compile ran and what it switched");
  cmd->add_option("--argv0", opts->argv0, "The guest's argv[0] (default: FILE)")->type_name("NAME");
  add_profile_option(*cmd, opts->profile);
  add_policy_options(*cmd, opts->policy);
  cmd->add_option("FILE", opts->file, "The module to run (.wasm, .wat or .cwasm)")->required();
  cmd->add_option("ARGS", opts->args, "Arguments for the module or the invoked function");
  return [opts, &guest_args]() {
    opts->args.insert(opts->args.end(), guest_args.begin(), guest_args.end());
    return run(*opts);
  };
}

} // namespace wasmcap::cli

// `wasmcap run [--invoke NAME] FILE [ARGS...]`: loads a .wasm or .wat module, runs `_start`, or
// the function named by --invoke with ARGS parsed by its parameter types, printing its results.
#include <cerrno>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "subcommands.h"
#include "wasmcap/wasmcap.hpp"

namespace wasmcap::cli {

namespace {

struct RunOptions {
  std::string file;
  std::string invoke;
  std::vector<std::string> args;
};

Result<std::vector<uint8_t>> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return make_error(ErrorKind::Io, "cannot read " + path + ": " + std::strerror(errno));
  }
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
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
    const uint64_t bits = negative ? static_cast<uint64_t>(std::strtoll(s, &end, 0))
                                   : std::strtoull(s, &end, 0);
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

int exit_status_for(const Error& e) {
  switch (e.kind) {
  case ErrorKind::Trap:
  case ErrorKind::Exhaustion: return kExitTrap;
  case ErrorKind::Unlinkable: return kExitUnlinkable;
  case ErrorKind::Usage: return kExitUsage;
  default: return kExitBadModule;
  }
}

// One line saying what went wrong; traps add the wasm backtrace like other runtimes do.
int report(const std::string& file, const Error& e) {
  if (e.kind == ErrorKind::Trap || e.kind == ErrorKind::Exhaustion) {
    std::fprintf(stderr, "Error: wasm trap: %s\n", e.message.c_str());
    if (!e.backtrace.empty()) {
      std::fprintf(stderr, "wasm backtrace:\n");
      for (size_t i = 0; i < e.backtrace.size(); ++i) {
        const TraceFrame& f = e.backtrace[i];
        std::string name = f.func_name.empty() ? "<func " + std::to_string(f.func_index) + ">"
                                               : f.func_name;
        if (!f.module_name.empty()) name = f.module_name + "!" + name;
        std::fprintf(stderr, "  %3zu: 0x%" PRIx64 " - %s\n", i, f.offset, name.c_str());
      }
    }
  } else {
    std::fprintf(stderr, "Error: %s: %s\n", file.c_str(), e.to_string().c_str());
  }
  return exit_status_for(e);
}

int run(const RunOptions& opts) {
  auto bytes = read_file(opts.file);
  if (!bytes) return report(opts.file, bytes.error());
  Engine engine;
  auto module = Module::from_bytes_or_text(engine, *bytes);
  if (!module) return report(opts.file, module.error());

  Store store(engine);
  Linker linker;
  auto instance = linker.instantiate(store, *module);
  if (!instance) return report(opts.file, instance.error());

  const std::string entry = opts.invoke.empty() ? "_start" : opts.invoke;
  auto func = instance->get_func(entry);
  if (!func) {
    if (opts.invoke.empty()) return kExitOk;  // nothing to run beyond the start function
    return report(opts.file, make_error(ErrorKind::Usage,
                                        "the module exports no function \"" + entry + "\""));
  }
  const FuncType type = func->type();
  if (opts.args.size() != type.params.size()) {
    return report(opts.file,
                  make_error(ErrorKind::Usage,
                             "\"" + entry + "\" takes " + std::to_string(type.params.size()) +
                                 " argument(s) " + functype_to_string(type) + ", got " +
                                 std::to_string(opts.args.size())));
  }
  std::vector<Value> args;
  for (size_t i = 0; i < type.params.size(); ++i) {
    auto v = parse_arg(opts.args[i], type.params[i]);
    if (!v) return report(opts.file, v.error());
    args.push_back(*v);
  }
  auto results = func->call(args);
  if (!results) return report(opts.file, results.error());
  for (const Value& v : *results) print_result(v);
  return kExitOk;
}

} // namespace

Action add_run_command(CLI::App& app) {
  auto opts = std::make_shared<RunOptions>();
  CLI::App* cmd = app.add_subcommand("run", "Run a WebAssembly module (.wasm or .wat)");
  cmd->add_option("--invoke", opts->invoke, "Call this exported function instead of _start");
  cmd->add_option("file", opts->file, "The module to run")->required();
  cmd->add_option("args", opts->args, "Arguments for the module or the invoked function");
  cmd->positionals_at_end(false);
  cmd->prefix_command();
  return [opts, cmd]() {
    // With prefix_command, everything after FILE arrives as remaining arguments.
    for (const std::string& extra : cmd->remaining()) opts->args.push_back(extra);
    return run(*opts);
  };
}

} // namespace wasmcap::cli

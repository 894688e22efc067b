// `wasmcap compile FILE -o OUT`: compiles a .wasm or .wat module ahead of time with the
// LLVM tier into a .cwasm file for this CPU, which `wasmcap run OUT` (or Module::deserialize)
// runs without compiling or loading LLVM. The file is written atomically (temp file + rename).
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "progress_bar.h"
#include "subcommands.h"

namespace wasmcap::cli {

namespace {

struct CompileOptions {
  std::string file;
  std::string output;
  // --checks: what the code polls. None by default: `run` stops compiled code on Ctrl-C from
  // its signal handler. A .cwasm runs only where its checks cover what the engine needs
  // (--timeout needs "interrupt", --fuel "fuel").
  std::string checks = "none";
};

Status write_file(const std::string& path, const std::vector<uint8_t>& bytes) {
  auto fail = [&](const std::string& what, int err) {
    return make_error(ErrorKind::Io, "cannot write " + what + ": " + std::strerror(err));
  };
  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return fail(path, errno);
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int err = n < 0 ? errno : EIO;
      ::close(fd);
      ::unlink(tmp.c_str());
      return fail(path, err);
    }
    done += static_cast<size_t>(n);
  }
  if (::close(fd) != 0 || ::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    return fail(path, err);
  }
  return ok();
}

int compile(const CompileOptions& opts) {
  auto bytes = read_whole_file(opts.file);
  if (!bytes) return report_error(opts.file, bytes.error());
  if (bytes->empty()) {
    return report_error(opts.file, make_error(ErrorKind::Malformed,
                                              "the file is empty (expected a wasm binary or WAT "
                                              "text)"));
  }
  if (Module::is_precompiled(*bytes) || Component::is_precompiled(*bytes)) {
    // Usage messages name their subject themselves (report.cpp).
    return report_error(opts.file,
                        make_error(ErrorKind::Usage, opts.file +
                                                         " is already compiled: run it with "
                                                         "`wasmcap run " +
                                                         opts.file + "`"));
  }
  Config config;
  config.tier = Tier::Jit;
  // The checks follow the engine's config (Module::precompile): the amount of fuel is not part
  // of the code, only that there is some.
  if (opts.checks == "fuel") config.fuel = 1;
  if (opts.checks == "interrupt") config.interruptible = true;
  config.compile_progress = terminal_progress_bar();
  const Engine engine(config);
  // A component: one file with each of its core modules compiled (Component::precompile).
  auto compiled = looks_like_component(*bytes) ? Component::precompile(engine, *bytes)
                                               : Module::precompile(engine, *bytes);
  if (!compiled) return report_error(opts.file, compiled.error());
  if (auto s = write_file(opts.output, *compiled); !s) return report_error(opts.output, s.error());
  return kExitOk;
}

} // namespace

Action add_compile_command(CLI::App& app) {
  auto opts = std::make_shared<CompileOptions>();
  CLI::App* cmd = app.add_subcommand(
      "compile",
      "Compile a module or component ahead of time (LLVM tier) into a .cwasm file for this CPU");
  cmd->footer("The .cwasm file holds machine code for this CPU's features and this wasmcap "
              "version; `wasmcap run OUT` runs it\nwithout compiling (another CPU, version or a "
              "damaged file is refused with the reason). Trust a .cwasm\nas you would a native "
              "program.\n"
              "Example:\n"
              "  wasmcap compile tool.wasm -o tool.cwasm && wasmcap run tool.cwasm ARGS...\n"
              "Exit status: 0 ok; 2 bad command line or the module uses what the LLVM tier "
              "cannot compile (SIMD);\n  3 cannot read FILE or write OUT; 4 malformed; 5 "
              "invalid.");
  cmd->add_option("FILE", opts->file, "The module to compile (.wasm or .wat)")->required();
  cmd->add_option("-o,--output", opts->output, "Where to write the .cwasm file")
      ->type_name("OUT")
      ->required();
  cmd->add_option("--checks", opts->checks,
                  "What the code checks: none (default: runs with no limit; Ctrl-C works "
                  "without checks), interrupt (--timeout, Store::interrupt()), fuel (--fuel "
                  "too)")
      ->type_name("interrupt|fuel|none")
      ->check(CLI::IsMember({"interrupt", "fuel", "none"}));
  return [opts]() { return compile(*opts); };
}

} // namespace wasmcap::cli

// wasi:cli: environment (arguments and variables from the same WasiConfig preview1 reads), exit,
// stdin/stdout/stderr (streams over the FdTable's stdio descriptors) and the terminal-*
// interfaces (a terminal is reported only when the host descriptor is one).
#include <fcntl.h>
#include <unistd.h>

#include "wasi/p2/objects.h"
#include "wasi/p2/registry.h"
#include "wasi/p2/values.h"

namespace wasmcap::wasi::p2 {

namespace {

Ret get_arguments(P2Ctx& cx, std::span<const Val>) {
  std::vector<Val> args;
  for (const std::string& a : cx.wasi().config().args)
    args.push_back(Val::string(a));
  return std::optional<Val>(list_val(std::move(args)));
}

Ret get_environment(P2Ctx& cx, std::span<const Val>) {
  std::vector<Val> env;
  for (const auto& [k, v] : cx.wasi().config().env) {
    env.push_back(tuple_val({Val::string(k), Val::string(v)}));
  }
  return std::optional<Val>(list_val(std::move(env)));
}

Ret initial_cwd(P2Ctx&, std::span<const Val>) {
  return std::optional<Val>(none_val()); // the guest has no current directory on the host
}

support::Error exit_with(P2Ctx& cx, int code) {
  cx.wasi().set_exit_code(code);
  support::Error e = make_error(ErrorKind::Exit, "guest exited with code " + std::to_string(code));
  e.exit_code = code;
  return e;
}

Ret exit_(P2Ctx& cx, std::span<const Val> a) {
  return exit_with(cx, a[0].bits == 0 ? 0 : 1);
}

Ret exit_with_code(P2Ctx& cx, std::span<const Val> a) {
  return exit_with(cx, static_cast<int>(a[0].bits & 0xff));
}

// A duplicate of stdio descriptor `fd` of the FdTable (-1 when the guest has none).
int dup_stdio(P2Ctx& cx, Fd fd) {
  auto e = cx.wasi().fds().get(fd);
  if (!e.ok() || !(*e)->stdio) return -1;
  return ::fcntl((*e)->fd(), F_DUPFD_CLOEXEC, 3);
}

Ret get_stdin(P2Ctx& cx, std::span<const Val>) {
  auto s = std::make_unique<InputStream>();
  s->fd.reset(dup_stdio(cx, 0));
  s->closed = s->fd.get() < 0;
  return std::optional<Val>(own_val(resources::kInputStream, cx.add(std::move(s))));
}

Ret output(P2Ctx& cx, Fd fd) {
  auto s = std::make_unique<OutputStream>();
  s->fd.reset(dup_stdio(cx, fd));
  s->closed = s->fd.get() < 0;
  return std::optional<Val>(own_val(resources::kOutputStream, cx.add(std::move(s))));
}

Ret get_stdout(P2Ctx& cx, std::span<const Val>) {
  return output(cx, 1);
}

Ret get_stderr(P2Ctx& cx, std::span<const Val>) {
  return output(cx, 2);
}

Ret terminal(P2Ctx& cx, Fd fd, const HostResourceType& type) {
  auto e = cx.wasi().fds().get(fd);
  if (!e.ok() || !(*e)->stdio || !::isatty((*e)->fd())) return std::optional<Val>(none_val());
  return std::optional<Val>(some_val(own_val(type, cx.add(std::make_unique<Terminal>(type)))));
}

Ret terminal_stdin(P2Ctx& cx, std::span<const Val>) {
  return terminal(cx, 0, resources::kTerminalInput);
}

Ret terminal_stdout(P2Ctx& cx, std::span<const Val>) {
  return terminal(cx, 1, resources::kTerminalOutput);
}

Ret terminal_stderr(P2Ctx& cx, std::span<const Val>) {
  return terminal(cx, 2, resources::kTerminalOutput);
}

const HostFunction kCli[] = {
    {"wasi:cli/environment", "get-arguments", get_arguments},
    {"wasi:cli/environment", "get-environment", get_environment},
    {"wasi:cli/environment", "initial-cwd", initial_cwd},
    {"wasi:cli/exit", "exit", exit_},
    {"wasi:cli/exit", "exit-with-code", exit_with_code},
    {"wasi:cli/stdin", "get-stdin", get_stdin},
    {"wasi:cli/stdout", "get-stdout", get_stdout},
    {"wasi:cli/stderr", "get-stderr", get_stderr},
    {"wasi:cli/terminal-stdin", "get-terminal-stdin", terminal_stdin},
    {"wasi:cli/terminal-stdout", "get-terminal-stdout", terminal_stdout},
    {"wasi:cli/terminal-stderr", "get-terminal-stderr", terminal_stderr},
};

} // namespace

std::span<const HostFunction> cli_functions() {
  return kCli;
}

} // namespace wasmcap::wasi::p2

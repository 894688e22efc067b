// The public WASI API (include/wasmcap/wasi.h) over src/wasi's WasiCtx.
#include "wasmcap/wasi.h"

#include "runtime/memory.h"
#include "wasi/wasi_ctx.h"

namespace wasmcap {

Wasi::Wasi(std::unique_ptr<wasi::WasiCtx> ctx) : ctx_(std::move(ctx)) {}
Wasi::Wasi(Wasi&&) noexcept = default;
Wasi& Wasi::operator=(Wasi&&) noexcept = default;
Wasi::~Wasi() = default;

Result<Wasi> Wasi::create(const WasiConfig& config) {
  wasi::WasiConfig c;
  c.args = config.args;
  c.env = config.env;
  for (const WasiPreopen& p : config.preopens) {
    c.preopens.push_back({p.host_path, p.guest_path, p.read_only});
  }
  c.stdin_fd = config.stdin_fd;
  c.stdout_fd = config.stdout_fd;
  c.stderr_fd = config.stderr_fd;
  c.allowed = config.allowed;
  c.audit_fd = config.audit_fd;
  c.trace_fd = config.trace_fd;
  c.learn = config.learn;
  auto ctx = wasi::WasiCtx::create(c);
  if (!ctx) return ctx.error();
  return Wasi(std::move(ctx.value()));
}

Status Wasi::add_to_linker(Linker& linker, Store& store) {
  ctx_->define_all(store.impl(),
                   [&](std::string_view module, std::string_view name, runtime::FuncInstance* f) {
                     linker.define(std::string(module), std::string(name), Func(&store, f));
                   });
  return ok();
}

Status Wasi::bind_instance(const Instance& instance) {
  auto memory = instance.get_memory("memory");
  if (!memory) return ok();
  ctx_->bind_memory(static_cast<runtime::Memory*>(memory->handle()));
  return ok();
}

WasiUsage Wasi::usage() const {
  const wasi::Usage& u = ctx_->usage();
  WasiUsage out;
  out.groups = u.groups;
  for (const uint8_t use : u.preopen_use)
    out.preopens.push_back(static_cast<PreopenUse>(use));
  return out;
}

std::optional<int> Wasi::exit_code() const {
  return ctx_->exit_code();
}

} // namespace wasmcap

// The public WASI API (include/wasmcap/wasi.h) over src/wasi's WasiCtx, with Node-style
// start/initialize: the checks a command or reactor must pass before any guest code runs.
#include "wasmcap/wasi.h"

#include <cstdlib>
#include <map>
#include <memory>

#include "runtime/memory.h"
#include "wasi/wasi_ctx.h"

namespace wasmcap {

namespace {

Error usage_error(std::string message) {
  return make_error(ErrorKind::Usage, std::move(message));
}

bool links_module(WasiVersion version, std::string_view module) {
  switch (version) {
  case WasiVersion::Both: return true;
  case WasiVersion::Preview1: return module == "wasi_snapshot_preview1";
  case WasiVersion::Unstable: return module == "wasi_unstable";
  }
  return true;
}

// The exported function `name` if it is () -> (); a Usage error if it is something else.
Result<std::optional<Func>> entry_point(const Instance& instance, const char* what,
                                        const char* name) {
  auto e = instance.get_export(name);
  if (!e) return std::optional<Func>();
  if (!e->func() || e->func()->type() != FuncType{}) {
    return usage_error(std::string(what) + ": the export \"" + name +
                       "\" is not a function () -> ()");
  }
  return std::optional<Func>(*e->func());
}

} // namespace

Wasi::Wasi(std::unique_ptr<wasi::WasiCtx> ctx, WasiVersion version, bool return_on_exit)
    : ctx_(std::move(ctx)), version_(version), return_on_exit_(return_on_exit) {}
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
  c.tcp_listeners = config.tcp_listeners;
  c.stdin_fd = config.stdin_fd;
  c.stdout_fd = config.stdout_fd;
  c.stderr_fd = config.stderr_fd;
  c.allowed = config.allowed;
  c.audit_fd = config.audit_fd;
  c.trace_fd = config.trace_fd;
  c.learn = config.learn;
  c.net = config.net;
  c.http = config.http;
  c.http_client = config.http_client;
  auto ctx = wasi::WasiCtx::create(c);
  if (!ctx) return ctx.error();
  return Wasi(std::move(ctx.value()), config.version, config.return_on_exit);
}

Status Wasi::add_to_linker(Linker& linker, Store& store) {
  // On demand: a function is created in the store when an import (or Linker::get) first asks
  // for it, and then reused. Creating all 90 up front was 8% of a hello world's start-up.
  for (const char* module : {"wasi_snapshot_preview1", "wasi_unstable"}) {
    if (!links_module(version_, module)) continue;
    auto made = std::make_shared<std::map<std::string, runtime::FuncInstance*, std::less<>>>();
    linker.define_resolver(module,
                           [ctx = ctx_.get(), store = &store, module,
                            made](std::string_view name) -> std::optional<Extern> {
                             auto it = made->find(name);
                             if (it == made->end()) {
                               runtime::FuncInstance* f =
                                   ctx->define_one(store->impl(), module, name);
                               if (f == nullptr) return std::nullopt;
                               it = made->emplace(std::string(name), f).first;
                             }
                             return Extern(Func(store, it->second));
                           });
  }
  return ok();
}

Status Wasi::bind_instance(const Instance& instance) {
  auto memory = instance.get_memory("memory");
  if (!memory) return ok();
  ctx_->bind_memory(static_cast<runtime::Memory*>(memory->handle()));
  return ok();
}

Status Wasi::bind_required_memory(const Instance& instance, const char* what) {
  auto e = instance.get_export("memory");
  if (!e || !e->memory())
    return usage_error(std::string(what) + ": the instance exports no memory \"memory\"");
  ctx_->bind_memory(static_cast<runtime::Memory*>(e->memory()->handle()));
  return ok();
}

Result<int> Wasi::start(const Instance& instance) {
  const char* what = "wasi start";
  if (started_)
    return usage_error("wasi start: this Wasi already started or initialized an instance");
  auto entry = entry_point(instance, what, "_start");
  if (!entry) return std::move(entry).error();
  if (!*entry) return usage_error("wasi start: the instance exports no function \"_start\"");
  if (instance.get_export("_initialize")) {
    return usage_error("wasi start: the instance also exports \"_initialize\" (a reactor: use "
                       "initialize)");
  }
  if (auto s = bind_required_memory(instance, what); !s) return std::move(s).error();
  started_ = true; // from here on the guest runs: its descriptors are spent on this run
  auto r = (*entry)->call({});
  if (r) return 0;
  if (auto code = exit_code_of(r.error())) {
    if (!return_on_exit_) std::exit(*code);
    return *code;
  }
  return std::move(r).error();
}

Status Wasi::initialize(const Instance& instance) {
  const char* what = "wasi initialize";
  if (started_)
    return usage_error("wasi initialize: this Wasi already started or initialized an instance");
  if (instance.get_export("_start")) {
    return usage_error("wasi initialize: the instance exports \"_start\" (a command: use start)");
  }
  auto init = entry_point(instance, what, "_initialize");
  if (!init) return std::move(init).error();
  if (auto s = bind_required_memory(instance, what); !s) return s;
  started_ = true;
  if (!*init) return ok();
  auto r = (*init)->call({});
  if (r) return ok();
  if (auto code = exit_code_of(r.error()); code && !return_on_exit_) std::exit(*code);
  return std::move(r).error();
}

WasiUsage Wasi::usage() const {
  const wasi::Usage& u = ctx_->usage();
  WasiUsage out;
  out.groups = u.groups;
  for (const uint8_t use : u.preopen_use)
    out.preopens.push_back(static_cast<PreopenUse>(use));
  out.net = u.net;
  return out;
}

std::optional<int> Wasi::exit_code() const {
  return ctx_->exit_code();
}

} // namespace wasmcap

// Host glue: turns a C++ WASI body `Errno f(WasiCtx&, GuestMemory&, P...)` into a runtime host
// function. The wasm signature is derived from the parameter types, and each parameter type
// knows how to take itself from the wasm arguments and bounds-check the memory it refers to, so
// a body only runs once every pointer it was given is known to be inside linear memory.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <vector>

#include "runtime/store.h"
#include "wasi/call_observer.h"
#include "wasi/function_info.h"
#include "wasi/guest_memory.h"
#include "wasi/host_file.h"
#include "wasi/wasi_ctx.h"

namespace wasmcap::wasi {

// The wasm arguments of one call, consumed left to right by the Param<T> loaders. The first
// failed check is remembered and returned instead of running the body.
struct ArgCursor {
  std::span<const runtime::Value> args;
  GuestMemory mem;
  size_t next = 0;
  Errno error = Errno::Success;
  bool missing_memory = false;

  uint32_t i32() { return args[next++].i32; }
  uint64_t i64() { return args[next++].i64; }
  bool check(uint64_t ptr, uint64_t len) {
    if (!mem.bound()) {
      missing_memory = true;
      return false;
    }
    if (mem.in_bounds(ptr, len)) return true;
    if (error == Errno::Success) error = Errno::Fault;
    return false;
  }
  void fail(Errno e) {
    if (error == Errno::Success) error = e;
  }
};

// A guest string (pointer, length): paths and symlink targets. Not NUL-terminated.
struct GuestString {
  std::string_view text;
};
// A guest byte buffer (pointer, length) the host writes into.
struct GuestBuffer {
  std::span<uint8_t> bytes;
};
// An iovec/ciovec array (pointer, count): every buffer in it is checked.
struct IoVecs {
  std::vector<std::span<uint8_t>> bufs;
};
// An out-pointer to an integer; set once, on success.
template <class T> struct Out {
  uint8_t* p = nullptr;
  void set(T v) { std::memcpy(p, &v, sizeof(T)); }
};
// A raw guest address whose extent only the body knows (args_get, poll_oneoff, fd_readdir).
struct GuestAddr {
  uint32_t addr = 0;
};

// Most iovecs one call accepts (Linux's IOV_MAX); more is Inval, as for readv(2).
constexpr uint32_t kMaxIovecs = 1024;

template <class T> struct Param;

template <> struct Param<uint32_t> {
  static constexpr ir::ValType kWasm[] = {ir::ValType::I32};
  static uint32_t load(ArgCursor& c) { return c.i32(); }
};
template <> struct Param<uint64_t> {
  static constexpr ir::ValType kWasm[] = {ir::ValType::I64};
  static uint64_t load(ArgCursor& c) { return c.i64(); }
};
template <> struct Param<int64_t> {
  static constexpr ir::ValType kWasm[] = {ir::ValType::I64};
  static int64_t load(ArgCursor& c) { return static_cast<int64_t>(c.i64()); }
};
template <> struct Param<GuestAddr> {
  static constexpr ir::ValType kWasm[] = {ir::ValType::I32};
  static GuestAddr load(ArgCursor& c) { return {c.i32()}; }
};
template <> struct Param<GuestString> {
  static constexpr ir::ValType kWasm[] = {ir::ValType::I32, ir::ValType::I32};
  static GuestString load(ArgCursor& c) {
    const uint32_t ptr = c.i32(), len = c.i32();
    if (!c.check(ptr, len)) return {};
    bool ok = false;
    auto s = c.mem.span(ptr, len, ok);
    return {std::string_view(reinterpret_cast<const char*>(s.data()), s.size())};
  }
};
template <> struct Param<GuestBuffer> {
  static constexpr ir::ValType kWasm[] = {ir::ValType::I32, ir::ValType::I32};
  static GuestBuffer load(ArgCursor& c) {
    const uint32_t ptr = c.i32(), len = c.i32();
    if (!c.check(ptr, len)) return {};
    bool ok = false;
    return {c.mem.span(ptr, len, ok)};
  }
};
template <> struct Param<IoVecs> {
  static constexpr ir::ValType kWasm[] = {ir::ValType::I32, ir::ValType::I32};
  static IoVecs load(ArgCursor& c) {
    const uint32_t ptr = c.i32(), count = c.i32();
    // 64-bit product: count * 8 cannot wrap.
    if (!c.check(ptr, uint64_t{count} * kIovecSize)) return {};
    if (count > kMaxIovecs) {
      c.fail(Errno::Inval);
      return {};
    }
    IoVecs v;
    v.bufs.reserve(count);
    bool ok = false;
    const uint8_t* arr = c.mem.span(ptr, uint64_t{count} * kIovecSize, ok).data();
    for (uint32_t i = 0; i < count; ++i) {
      const uint32_t buf = load_u32(arr + i * kIovecSize), len = load_u32(arr + i * kIovecSize + 4);
      if (!c.check(buf, len)) return {};
      v.bufs.push_back(c.mem.span(buf, len, ok));
    }
    return v;
  }
};
template <class T> struct Param<Out<T>> {
  static constexpr ir::ValType kWasm[] = {ir::ValType::I32};
  static Out<T> load(ArgCursor& c) {
    const uint32_t ptr = c.i32();
    if (!c.check(ptr, sizeof(T))) return {};
    return {c.mem.at(ptr, sizeof(T))};
  }
};
// Out-pointers to records: the record size is part of the type.
template <uint32_t N> struct OutRecord {
  uint8_t* p = nullptr;
};
template <uint32_t N> struct Param<OutRecord<N>> {
  static constexpr ir::ValType kWasm[] = {ir::ValType::I32};
  static OutRecord<N> load(ArgCursor& c) {
    const uint32_t ptr = c.i32();
    if (!c.check(ptr, N)) return {};
    return {c.mem.at(ptr, N)};
  }
};

// The wasm parameter list of a body's parameter types, in order.
template <class... P> std::vector<ir::ValType> wasm_params() {
  std::vector<ir::ValType> out;
  (out.insert(out.end(), std::begin(Param<P>::kWasm), std::end(Param<P>::kWasm)), ...);
  return out;
}

// Decoded arguments as log fields (only on the observed path). Out-pointers are not logged: they
// say where results go, not what the guest asked for.
inline void describe(CallObserver::Call& c, WasiCtx& ctx, std::string_view n, uint32_t v) {
  ctx.observer().arg_number(c, n, v, ctx.fds());
}
inline void describe(CallObserver::Call& c, WasiCtx& ctx, std::string_view n, uint64_t v) {
  ctx.observer().arg_number(c, n, v, ctx.fds());
}
inline void describe(CallObserver::Call& c, WasiCtx& ctx, std::string_view n, int64_t v) {
  ctx.observer().arg_number(c, n, static_cast<uint64_t>(v), ctx.fds());
}
inline void describe(CallObserver::Call& c, WasiCtx& ctx, std::string_view n, GuestAddr v) {
  ctx.observer().arg_number(c, n, v.addr, ctx.fds());
}
inline void describe(CallObserver::Call& c, WasiCtx& ctx, std::string_view n,
                     const GuestString& v) {
  ctx.observer().arg_string(c, n, v.text);
}
inline void describe(CallObserver::Call& c, WasiCtx& ctx, std::string_view n,
                     const GuestBuffer& v) {
  ctx.observer().arg_number(c, std::string(n) + "_len", v.bytes.size(), ctx.fds());
}
inline void describe(CallObserver::Call& c, WasiCtx& ctx, std::string_view n, const IoVecs& v) {
  uint64_t total = 0;
  for (const auto& b : v.bufs)
    total += b.size();
  ctx.observer().arg_number(c, std::string(n) + "_bytes", total, ctx.fds());
}
template <class T> void describe(CallObserver::Call&, WasiCtx&, std::string_view, const Out<T>&) {}
template <uint32_t N>
void describe(CallObserver::Call&, WasiCtx&, std::string_view, const OutRecord<N>&) {}

// The next space-separated name of FunctionInfo::args.
inline std::string_view next_name(std::string_view& names) {
  const size_t sp = names.find(' ');
  const std::string_view n = names.substr(0, sp);
  names = sp == std::string_view::npos ? std::string_view() : names.substr(sp + 1);
  return n;
}

// The observed path of a call: decode, describe, ask the policy, run the body (unless refused),
// then log and learn. Used instead of the plain callback when the context has hooks_active().
template <class R, class... P>
[[gnu::noinline]] support::Status
observed_call(WasiCtx& ctx, const FunctionInfo& info, std::string_view module,
              R (*fn)(WasiCtx&, GuestMemory&, P...), std::span<const runtime::Value> args,
              std::span<runtime::Value> results) {
  ArgCursor c{args, GuestMemory(ctx.memory())};
  std::tuple<P...> decoded{Param<P>::load(c)...};
  if (c.missing_memory) {
    return support::make_error(support::ErrorKind::Trap,
                               "WASI call before the instance's memory was bound");
  }
  CallObserver& obs = ctx.observer();
  CallObserver::Call call = obs.begin(info, module, args, ctx.fds());
  std::string_view names = info.args;
  std::apply([&](const P&... p) { (describe(call, ctx, next_name(names), p), ...); }, decoded);
  const bool refused = obs.denied(call.needed).has_value();
  if constexpr (std::is_same_v<R, Errno>) {
    Errno e = c.error;
    if (refused) {
      e = Errno::Notcapable; // the stub of a denied group: nothing runs
    } else if (e == Errno::Success) {
      e = std::apply([&](P&... p) { return fn(ctx, c.mem, std::move(p)...); }, decoded);
    }
    obs.finish(call, e, refused, ctx.fds());
    results[0] = runtime::Value::make_i32(static_cast<uint32_t>(e));
    return support::ok();
  } else {
    // proc_exit: the only body without an errno. Refused, the guest cannot go on (the call
    // never returns in the guest's eyes), so it ends as a trap rather than with its code.
    const uint32_t code = args.empty() ? 0 : args[0].i32;
    obs.finish_exit(call, code, refused);
    if (refused) {
      return support::make_error(support::ErrorKind::Trap,
                                 "proc_exit(" + std::to_string(code) +
                                     ") refused: the policy denies group proc");
    }
    return std::apply([&](P&... p) { return fn(ctx, c.mem, std::move(p)...); }, decoded);
  }
}

// Bodies return Errno (the wasm result), except proc_exit, which returns a Status carrying the
// Exit "error" that unwinds the guest. The body is a template argument, so it is called
// directly. Whether calls are observed (a policy, a log, learn mode) is fixed when the context
// is created, so it is decided here, once: without any of them, the callback is exactly the
// plain one and pays nothing for the feature.
template <auto Fn, class R, class... P>
runtime::FuncInstance* define_host_as(runtime::Store& store, WasiCtx* ctx, const FunctionInfo* info,
                                      std::string_view module,
                                      R (*)(WasiCtx&, GuestMemory&, P...)) {
  ir::FuncType type;
  type.params = wasm_params<P...>();
  if constexpr (std::is_same_v<R, Errno>) type.results = {ir::ValType::I32};
  if (ctx->hooks_active()) {
    const CallSite* site = ctx->add_site(info, module);
    // Two pointers: the closure stays in std::function's inline storage.
    return store.create_host_function(
        std::move(type),
        [ctx, site](std::span<const runtime::Value> args, std::span<runtime::Value> results) {
          return observed_call(*ctx, *site->info, site->module, Fn, args, results);
        });
  }
  auto callback = [ctx](std::span<const runtime::Value> args,
                        std::span<runtime::Value> results) -> support::Status {
    ArgCursor c{args, GuestMemory(ctx->memory())};
    // Braced initialisation evaluates the loaders left to right, matching the wasm order.
    std::tuple<P...> decoded{Param<P>::load(c)...};
    if (c.missing_memory) {
      return support::make_error(support::ErrorKind::Trap,
                                 "WASI call before the instance's memory was bound");
    }
    if constexpr (std::is_same_v<R, Errno>) {
      Errno e = c.error;
      if (e == Errno::Success) {
        e = std::apply([&](P&... p) { return Fn(*ctx, c.mem, std::move(p)...); }, decoded);
      }
      results[0] = runtime::Value::make_i32(static_cast<uint32_t>(e));
      return support::ok();
    } else {
      return std::apply([&](P&... p) { return Fn(*ctx, c.mem, std::move(p)...); }, decoded);
    }
  };
  return store.create_host_function(std::move(type), std::move(callback));
}
template <auto Fn>
runtime::FuncInstance* define_host(runtime::Store& store, WasiCtx* ctx, const FunctionInfo* info,
                                   std::string_view module) {
  return define_host_as<Fn>(store, ctx, info, module, Fn);
}

} // namespace wasmcap::wasi

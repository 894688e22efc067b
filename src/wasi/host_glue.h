// Host glue: turns a C++ WASI body `Errno f(WasiCtx&, GuestMemory&, P...)` into a runtime host
// function. The wasm signature is derived from the parameter types, and each parameter type
// knows how to take itself from the wasm arguments and bounds-check the memory it refers to, so
// a body only runs once every pointer it was given is known to be inside linear memory.
#pragma once

#include <span>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <vector>

#include "runtime/store.h"
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

// Bodies return Errno (the wasm result), except proc_exit, which returns a Status carrying the
// Exit "error" that unwinds the guest.
template <class R, class... P>
runtime::FuncInstance* define_host(runtime::Store& store, WasiCtx* ctx,
                                   R (*fn)(WasiCtx&, GuestMemory&, P...)) {
  ir::FuncType type;
  type.params = wasm_params<P...>();
  if constexpr (std::is_same_v<R, Errno>) type.results = {ir::ValType::I32};
  auto callback = [ctx, fn](std::span<const runtime::Value> args,
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
        e = std::apply([&](P&... p) { return fn(*ctx, c.mem, std::move(p)...); }, decoded);
      }
      results[0] = runtime::Value::make_i32(static_cast<uint32_t>(e));
      return support::ok();
    } else {
      return std::apply([&](P&... p) { return fn(*ctx, c.mem, std::move(p)...); }, decoded);
    }
  };
  return store.create_host_function(std::move(type), std::move(callback));
}

} // namespace wasmcap::wasi

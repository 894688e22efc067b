// Handles to runtime objects that can be imported and exported: Func, Memory, Table, Global,
// Tag (an exception tag, WebAssembly 3.0) and Extern (any of them). Handles are non-owning; the
// Store owns the objects.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include "wasmcap/error.h"
#include "wasmcap/func_wrap.h"
#include "wasmcap/module.h"
#include "wasmcap/types.h"
#include "wasmcap/value.h"

namespace wasmcap {

class Store;

// A host function's body: reads `args`, writes `results` (already sized to the result count).
// Returning an Error traps the calling wasm code with that error's message; returning an
// ErrorKind::Exception error the callback got from calling wasm (unchanged) lets that exception
// go on unwinding into the calling wasm code, which may catch it.
using HostCallback = std::function<Status(std::span<const Value> args, std::span<Value> results)>;

class Func {
public:
  Func() = default;
  // A host function with the given wasm type, owned by `store`.
  static Func create_host(Store& store, FuncType type, HostCallback callback);
  // A host function whose wasm type comes from the C++ signature of `f` (func_wrap.h):
  //   Func::wrap(store, [](int32_t a, int64_t b) -> float { ... })
  // Parameters and results: int32_t/uint32_t (i32), int64_t/uint64_t (i64), float, double;
  // results may be void or a std::tuple; returning Result<...> with an error traps the caller.
  // A leading `Caller&` parameter gives the calling instance's exports (its memory).
  template <class F> static Func wrap(Store& store, F&& f) {
    detail::HostFuncDef def = detail::wrap_host(std::forward<F>(f));
    return create_host(store, std::move(def.type), std::move(def.callback));
  }

  FuncType type() const;
  // Calls the function. Traps come back as Error{Trap|Exhaustion} with a wasm backtrace.
  Result<std::vector<Value>> call(std::span<const Value> args) const;
  // Same, writing into `results` (exactly one slot per result): no allocation per call.
  Status call_into(std::span<const Value> args, std::span<Value> results) const;
  // The funcref value for this function (for tables and globals).
  Value to_ref() const;
  static std::optional<Func> from_ref(Store& store, const Value& ref);

  bool valid() const { return handle_ != nullptr; }
  void* handle() const { return handle_; }
  Func(Store* store, void* handle) : store_(store), handle_(handle) {}

private:
  Store* store_ = nullptr;
  void* handle_ = nullptr;
};

class Memory {
public:
  Memory() = default;
  static Result<Memory> create(Store& store, MemoryType type);
  MemoryType type() const;
  uint64_t size_pages() const;
  uint64_t size_bytes() const;
  // Grows by `delta` pages; returns the old size in pages, or an error when it cannot.
  Result<uint64_t> grow(uint64_t delta_pages);
  // Bounds-checked copies between host buffers and linear memory.
  Status read(uint64_t offset, std::span<uint8_t> out) const;
  Status write(uint64_t offset, std::span<const uint8_t> data);
  // Bounds-checked views: `length` bytes at `offset`, or a Usage error when any of them is
  // outside the memory (offset + length is computed without overflow). Views stay valid until
  // the store dies -- memories never move or shrink -- but wasm may change the bytes.
  Result<std::span<uint8_t>> bytes(uint64_t offset, uint64_t length) const;
  // `count` values of T at `offset`, which must be aligned for T (guest pointers are untrusted,
  // and a misaligned T& is undefined behaviour in C++). T is a trivially copyable type.
  template <class T> Result<std::span<T>> view(uint64_t offset, uint64_t count) const {
    static_assert(std::is_trivially_copyable_v<T>, "views hold trivially copyable types only");
    if (count > UINT64_MAX / sizeof(T)) return view_error("count too large");
    if (offset % alignof(T) != 0) return view_error("misaligned offset");
    auto b = bytes(offset, count * sizeof(T));
    if (!b) return std::move(b).error();
    return std::span<T>(reinterpret_cast<T*>(b->data()), count);
  }
  // A copy of `length` bytes at `offset` as a string (e.g. a guest's pointer + length).
  Result<std::string> read_string(uint64_t offset, uint64_t length) const;
  // UNCHECKED: the first byte of linear memory, for the C API's wasm_memory_data and embedders
  // that do their own bounds checks against size_bytes(). Prefer view/bytes/read. Valid until
  // the store dies: memories never move when they grow.
  uint8_t* data() const;
  void* handle() const { return handle_; }
  Store* store() const { return store_; }
  Memory(Store* store, void* handle) : store_(store), handle_(handle) {}

private:
  static Error view_error(const char* what);
  Store* store_ = nullptr;
  void* handle_ = nullptr;
};

class Table {
public:
  Table() = default;
  static Result<Table> create(Store& store, TableType type, Value init);
  TableType type() const;
  uint64_t size() const;
  Result<Value> get(uint64_t index) const;
  Status set(uint64_t index, const Value& v);
  Result<uint64_t> grow(uint64_t delta, const Value& init);
  void* handle() const { return handle_; }
  Store* store() const { return store_; }
  Table(Store* store, void* handle) : store_(store), handle_(handle) {}

private:
  Store* store_ = nullptr;
  void* handle_ = nullptr;
};

class Global {
public:
  Global() = default;
  static Result<Global> create(Store& store, GlobalType type, Value init);
  GlobalType type() const;
  Value get() const;
  Status set(const Value& v); // refused for immutable globals
  void* handle() const { return handle_; }
  Store* store() const { return store_; }
  Global(Store* store, void* handle) : store_(store), handle_(handle) {}

private:
  Store* store_ = nullptr;
  void* handle_ = nullptr;
};

// An exception tag: an identity with a payload type (a function type without results). Wasm
// code catches by tag, so a module importing a host-created tag shares it with the host.
class Tag {
public:
  Tag() = default;
  static Result<Tag> create(Store& store, FuncType type); // type.results must be empty
  FuncType type() const;
  void* handle() const { return handle_; }
  Store* store() const { return store_; }
  Tag(Store* store, void* handle) : store_(store), handle_(handle) {}

private:
  Store* store_ = nullptr;
  void* handle_ = nullptr;
};

class Extern {
public:
  Extern() = default;
  Extern(Func f) : kind_(ExternKind::Func), func_(f) {}
  Extern(Memory m) : kind_(ExternKind::Memory), memory_(m) {}
  Extern(Table t) : kind_(ExternKind::Table), table_(t) {}
  Extern(Global g) : kind_(ExternKind::Global), global_(g) {}
  Extern(Tag t) : kind_(ExternKind::Tag), tag_(t) {}

  ExternKind kind() const { return kind_; }
  const Func* func() const { return kind_ == ExternKind::Func ? &func_ : nullptr; }
  const Memory* memory() const { return kind_ == ExternKind::Memory ? &memory_ : nullptr; }
  const Table* table() const { return kind_ == ExternKind::Table ? &table_ : nullptr; }
  const Global* global() const { return kind_ == ExternKind::Global ? &global_ : nullptr; }
  const Tag* tag() const { return kind_ == ExternKind::Tag ? &tag_ : nullptr; }
  ExternType type() const;

private:
  ExternKind kind_ = ExternKind::Func;
  Func func_;
  Memory memory_;
  Table table_;
  Global global_;
  Tag tag_;
};

} // namespace wasmcap

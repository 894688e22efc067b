// Handles to runtime objects that can be imported and exported: Func, Memory, Table, Global,
// and Extern (any of them). Handles are non-owning; the Store owns the objects.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <vector>

#include "wasmcap/error.h"
#include "wasmcap/module.h"
#include "wasmcap/types.h"
#include "wasmcap/value.h"

namespace wasmcap {

class Store;

// A host function's body: reads `args`, writes `results` (already sized to the result count).
// Returning an Error traps the calling wasm code with that error's message.
using HostCallback = std::function<Status(std::span<const Value> args, std::span<Value> results)>;

class Func {
public:
  Func() = default;
  // A host function with the given wasm type, owned by `store`.
  static Func create_host(Store& store, FuncType type, HostCallback callback);

  FuncType type() const;
  // Calls the function. Traps come back as Error{Trap|Exhaustion} with a wasm backtrace.
  Result<std::vector<Value>> call(std::span<const Value> args) const;
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
  // The first byte of linear memory, for embedders that need direct access (the C API's
  // wasm_memory_data). Valid until the store dies: memories never move when they grow.
  uint8_t* data() const;
  void* handle() const { return handle_; }
  Store* store() const { return store_; }
  Memory(Store* store, void* handle) : store_(store), handle_(handle) {}

private:
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

class Extern {
public:
  Extern() = default;
  Extern(Func f) : kind_(ExternKind::Func), func_(f) {}
  Extern(Memory m) : kind_(ExternKind::Memory), memory_(m) {}
  Extern(Table t) : kind_(ExternKind::Table), table_(t) {}
  Extern(Global g) : kind_(ExternKind::Global), global_(g) {}

  ExternKind kind() const { return kind_; }
  const Func* func() const { return kind_ == ExternKind::Func ? &func_ : nullptr; }
  const Memory* memory() const { return kind_ == ExternKind::Memory ? &memory_ : nullptr; }
  const Table* table() const { return kind_ == ExternKind::Table ? &table_ : nullptr; }
  const Global* global() const { return kind_ == ExternKind::Global ? &global_ : nullptr; }
  ExternType type() const;

private:
  ExternKind kind_ = ExternKind::Func;
  Func func_;
  Memory memory_;
  Table table_;
  Global global_;
};

} // namespace wasmcap

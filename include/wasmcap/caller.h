// Caller: what a host function made with Func::wrap / Linker::func_wrap may see of the wasm code
// that called it -- that instance's exports, above all its "memory", through bounds-checked
// views. Declared apart from externs.h so that header can build wrapped functions on top of it.
#pragma once

#include <optional>
#include <string_view>

#include "wasmcap/error.h"

namespace wasmcap {

class Store;
class Memory;
class Extern;

class Caller {
public:
  // The caller of the running host function on this thread. Which instance that is: the one
  // whose exported function the embedder called (Func::call, TypedFunc) -- when wasm calls
  // straight into another instance's functions, still the outermost one. None while a start
  // function runs during instantiation, or when the host calls a host function directly.
  static Caller current();

  bool has_instance() const { return instance_ != nullptr; }
  // The calling instance's export `name`; nullopt when there is no instance or no such export.
  std::optional<Extern> get_export(std::string_view name) const;
  // Its exported memory (default "memory"): a Usage error when it has none. Read and write it
  // with Memory::read/write/view/read_string, which check bounds.
  Result<Memory> memory(std::string_view name = "memory") const;
  Store* store() const { return store_; }

private:
  Caller(Store* store, void* instance) : store_(store), instance_(instance) {}
  Store* store_ = nullptr;
  void* instance_ = nullptr; // the runtime instance
};

} // namespace wasmcap

// Instance: an instantiated module. Instantiation links imports (in import order), initialises
// tables and memories from segments and runs the start function.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "wasmcap/error.h"
#include "wasmcap/externs.h"
#include "wasmcap/module.h"
#include "wasmcap/typed_func.h"

namespace wasmcap {

class Store;

class Instance {
public:
  Instance() = default;
  // Errors: Unlinkable (an import does not match), Trap (a segment is out of bounds, or the
  // start function trapped), Exhaustion.
  static Result<Instance> create(Store& store, const Module& module,
                                 std::span<const Extern> imports);

  std::optional<Extern> get_export(std::string_view name) const;
  std::optional<Func> get_func(std::string_view name) const;
  std::optional<Memory> get_memory(std::string_view name) const;
  // The exported function `name`, checked once against the C++ signature Sig (typed_func.h):
  //   auto add = instance.get_typed_func<int32_t(int32_t, int32_t)>("add");
  // A Usage error when there is no such function or its type differs (naming both types).
  template <class Sig> Result<TypedFunc<Sig>> get_typed_func(std::string_view name) const {
    auto f = get_func(name);
    if (!f) return missing_func(name);
    return TypedFunc<Sig>::create(*f, "function \"" + std::string(name) + "\"");
  }
  // Every export, in the module's order.
  std::vector<std::pair<std::string, Extern>> exports() const;
  // How this instance's code bounds-checks memory 0, for diagnostics (`wasmcap run --verbose`):
  // "guard pages (8 GiB reserved)", "explicit bounds checks (<why>)" or "no memory".
  std::string memory_strategy() const;
  // The same for every memory, by memory index (empty: no memory). Only memory 0 can have guard
  // pages; the others are "explicit bounds checks (<why>)".
  std::vector<std::string> memory_strategies() const;
  // The fuel and interruption checks its code carries (for `wasmcap run -v`): "none", or which.
  std::string checks() const;

  void* handle() const { return handle_; }
  Store* store() const { return store_; }
  Instance(Store* store, void* handle) : store_(store), handle_(handle) {}

private:
  Error missing_func(std::string_view name) const;
  Store* store_ = nullptr;
  void* handle_ = nullptr;
};

} // namespace wasmcap

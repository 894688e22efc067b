// Linker: resolves a module's imports by (module, name) from definitions given to it, and
// instantiates. A missing import is an Unlinkable error naming module, field and type.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "wasmcap/externs.h"
#include "wasmcap/instance.h"

namespace wasmcap {

class Linker {
public:
  void define(std::string module, std::string name, Extern item);
  // A host function not yet in any store: instantiate() creates it in the store it is given
  // (one function per instantiation), so one Linker serves several stores.
  void define_host(std::string module, std::string name, FuncType type, HostCallback callback);
  // define_host with the type from the C++ signature of `f` (see Func::wrap):
  //   linker.func_wrap("env", "log", [](Caller& c, uint32_t ptr, uint32_t len) { ... });
  template <class F> void func_wrap(std::string module, std::string name, F&& f) {
    detail::HostFuncDef def = detail::wrap_host(std::forward<F>(f));
    define_host(std::move(module), std::move(name), std::move(def.type), std::move(def.callback));
  }
  // Makes every export of `instance` importable as (module_name, export name).
  void define_instance(std::string module_name, const Instance& instance);
  // Definitions made on demand: imports from `module` that no define/define_instance/
  // define_host covers are asked of `resolve(name)` (nullopt: it has none). For large host
  // modules most of which a module never imports (WASI: 90 functions, a hello world uses 5),
  // so nothing is created that no import needs.
  using Resolver = std::function<std::optional<Extern>(std::string_view name)>;
  void define_resolver(std::string module, Resolver resolve);
  // What define/define_instance (or a resolver) gives for (module, name); host definitions are
  // not listed.
  std::optional<Extern> get(std::string_view module, std::string_view name) const;

  Result<Instance> instantiate(Store& store, const Module& module) const;

private:
  std::map<std::pair<std::string, std::string>, Extern, std::less<>> items_;
  std::map<std::pair<std::string, std::string>, detail::HostFuncDef, std::less<>> host_defs_;
  std::map<std::string, Resolver, std::less<>> resolvers_;
};

} // namespace wasmcap

// Linker: resolves a module's imports by (module, name) from definitions given to it, and
// instantiates. A missing import is an Unlinkable error naming module, field and type.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>

#include "wasmcap/externs.h"
#include "wasmcap/instance.h"

namespace wasmcap {

class Linker {
public:
  void define(std::string module, std::string name, Extern item);
  // Makes every export of `instance` importable as (module_name, export name).
  void define_instance(std::string module_name, const Instance& instance);
  std::optional<Extern> get(std::string_view module, std::string_view name) const;

  Result<Instance> instantiate(Store& store, const Module& module) const;

private:
  std::map<std::pair<std::string, std::string>, Extern, std::less<>> items_;
};

} // namespace wasmcap

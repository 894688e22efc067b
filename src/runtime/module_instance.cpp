// ModuleInstance export lookup.
#include "runtime/module_instance.h"

namespace wasmcap::runtime {

std::optional<Extern> ModuleInstance::find_export(std::string_view name) const {
  auto it = exports.find(name);
  if (it == exports.end()) return std::nullopt;
  return it->second;
}

FuncInstance* ModuleInstance::exported_func(std::string_view name) const {
  auto e = find_export(name);
  return e ? e->func() : nullptr;
}
Memory* ModuleInstance::exported_memory(std::string_view name) const {
  auto e = find_export(name);
  return e ? e->memory() : nullptr;
}
Table* ModuleInstance::exported_table(std::string_view name) const {
  auto e = find_export(name);
  return e ? e->table() : nullptr;
}
Global* ModuleInstance::exported_global(std::string_view name) const {
  auto e = find_export(name);
  return e ? e->global() : nullptr;
}

} // namespace wasmcap::runtime

// ModuleInstance: export lookup, and the switch of its functions to another tier's code.
#include "runtime/module_instance.h"

namespace wasmcap::runtime {

void ModuleInstance::switch_code(std::shared_ptr<const ModuleCode> other) {
  const uint32_t first = code->module().num_imported_funcs;
  for (size_t i = first; i < funcs.size(); ++i)
    funcs[i]->code = other->function_code(static_cast<uint32_t>(i - first));
  code = std::move(other);
}

std::optional<Extern> ModuleInstance::find_export(std::string_view name) const {
  const std::vector<ir::Export>& names = module().exports;
  for (size_t i = 0; i < names.size() && i < exports.size(); ++i) {
    if (names[i].name == name) return exports[i];
  }
  return std::nullopt;
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

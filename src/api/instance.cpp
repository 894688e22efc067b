// Instance and Linker: instantiation with imports given in order, or resolved by name.
#include "wasmcap/instance.h"

#include "api/module_data.h"
#include "api/tier_up.h"
#include "runtime/instantiate.h"
#include "runtime/module_instance.h"
#include "wasmcap/linker.h"
#include "wasmcap/store.h"

namespace wasmcap {

namespace {

runtime::Extern to_runtime(const Extern& e) {
  switch (e.kind()) {
  case ExternKind::Func: return {ExternKind::Func, e.func()->handle()};
  case ExternKind::Memory: return {ExternKind::Memory, e.memory()->handle()};
  case ExternKind::Table: return {ExternKind::Table, e.table()->handle()};
  case ExternKind::Global: return {ExternKind::Global, e.global()->handle()};
  case ExternKind::Tag: return {ExternKind::Tag, e.tag()->handle()};
  }
  return {};
}

Extern to_public(Store* store, const runtime::Extern& e) {
  switch (e.kind) {
  case ExternKind::Func: return Func(store, e.object);
  case ExternKind::Memory: return Memory(store, e.object);
  case ExternKind::Table: return Table(store, e.object);
  case ExternKind::Global: return Global(store, e.object);
  case ExternKind::Tag: return Tag(store, e.object);
  }
  return {};
}

runtime::ModuleInstance* as_instance(void* h) {
  return static_cast<runtime::ModuleInstance*>(h);
}

} // namespace

Result<Instance> Instance::create(Store& store, const Module& module,
                                  std::span<const Extern> imports) {
  std::vector<runtime::Extern> items;
  items.reserve(imports.size());
  for (const Extern& e : imports)
    items.push_back(to_runtime(e));
  auto inst = runtime::instantiate(store.impl(), module.data()->code, items);
  if (!inst) return inst.error();
  if (const auto& tier_up = module.data()->tier_up) tier_up->watch(store.impl(), **inst);
  return Instance(&store, *inst);
}

std::optional<Extern> Instance::get_export(std::string_view name) const {
  if (!handle_) return std::nullopt;
  auto e = as_instance(handle_)->find_export(name);
  if (!e) return std::nullopt;
  return to_public(store_, *e);
}

std::optional<Func> Instance::get_func(std::string_view name) const {
  auto e = get_export(name);
  if (!e || !e->func()) return std::nullopt;
  return *e->func();
}

Error Instance::missing_func(std::string_view name) const {
  return make_error(ErrorKind::Usage,
                    "the instance exports no function \"" + std::string(name) + "\"");
}

std::optional<Memory> Instance::get_memory(std::string_view name) const {
  auto e = get_export(name);
  if (!e || !e->memory()) return std::nullopt;
  return *e->memory();
}

std::vector<std::pair<std::string, Extern>> Instance::exports() const {
  std::vector<std::pair<std::string, Extern>> out;
  if (!handle_) return out;
  const runtime::ModuleInstance* inst = as_instance(handle_);
  const std::vector<ir::Export>& names = inst->module().exports;
  out.reserve(names.size());
  for (size_t i = 0; i < names.size() && i < inst->exports.size(); ++i)
    out.emplace_back(names[i].name, to_public(store_, inst->exports[i]));
  return out;
}

namespace detail {
Extern instance_export(const Instance& instance, size_t index) {
  const runtime::ModuleInstance* inst = as_instance(instance.handle());
  if (!inst || index >= inst->exports.size()) return {};
  return to_public(instance.store(), inst->exports[index]);
}
} // namespace detail

// --- Linker ----------------------------------------------------------------------------------

void Linker::define(std::string module, std::string name, Extern item) {
  items_[{std::move(module), std::move(name)}] = item;
}

void Linker::define_instance(std::string module_name, const Instance& instance) {
  for (auto& [name, item] : instance.exports())
    define(module_name, name, item);
}

void Linker::define_host(std::string module, std::string name, FuncType type,
                         HostCallback callback) {
  host_defs_[{std::move(module), std::move(name)}] = {std::move(type), std::move(callback)};
}

void Linker::define_resolver(std::string module, Resolver resolve) {
  resolvers_[std::move(module)] = std::move(resolve);
}

std::optional<Extern> Linker::get(std::string_view module, std::string_view name) const {
  auto it = items_.find(std::pair<std::string, std::string>(module, name));
  if (it != items_.end()) return it->second;
  auto r = resolvers_.find(module);
  if (r == resolvers_.end()) return std::nullopt;
  return r->second(name);
}

Result<Instance> Linker::instantiate(Store& store, const Module& module) const {
  std::vector<Extern> imports;
  for (const ImportType& imp : module.imports()) {
    // Explicit definitions first, then host definitions, then a resolver for the module name.
    std::optional<Extern> item;
    if (auto it = items_.find(std::pair<std::string, std::string>(imp.module, imp.name));
        it != items_.end())
      item = it->second;
    if (!item) {
      auto def = host_defs_.find(std::pair<std::string, std::string>(imp.module, imp.name));
      if (def != host_defs_.end())
        item = Func::create_host(store, def->second.type, def->second.callback);
    }
    if (!item) item = get(imp.module, imp.name);
    if (!item) {
      return make_error(ErrorKind::Unlinkable, "unknown import \"" + imp.module + "\".\"" +
                                                   imp.name + "\": nothing provides it (expected " +
                                                   extern_type_to_string(imp.type) + ")");
    }
    imports.push_back(*item);
  }
  return Instance::create(store, module, imports);
}

std::string Instance::memory_strategy() const {
  const runtime::ModuleInstance* inst = as_instance(handle_);
  if (inst == nullptr) return "no memory";
  if (inst->memories.empty()) return "no memory";
  return inst->code->memory_strategy(*inst);
}

std::vector<std::string> Instance::memory_strategies() const {
  std::vector<std::string> out;
  const runtime::ModuleInstance* inst = as_instance(handle_);
  if (inst == nullptr) return out;
  for (uint32_t i = 0; i < inst->memories.size(); ++i)
    out.push_back(inst->code->memory_strategy_at(*inst, i));
  return out;
}

std::string Instance::checks() const {
  const runtime::ModuleInstance* inst = as_instance(handle_);
  if (inst == nullptr) return "none";
  return inst->code->checks();
}

} // namespace wasmcap

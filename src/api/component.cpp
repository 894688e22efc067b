// wasmcap::Component (include/wasmcap/component.h) over src/component: decode, validate, and
// describe a component in the public vocabulary (strings in WIT's spelling).
#include "wasmcap/component.h"

#include "api/component_data.h"
#include "component/decoder.h"
#include "component/print.h"
#include "component/validate.h"
#include "text/wat_parser.h"
#include "wasi/p2_groups.h"
#include "wasmcap/code_cache.h"

namespace wasmcap {

namespace {

std::vector<Component::Item> items(const std::vector<component::NamedExtern>& list,
                                   const std::map<const component::Type*, std::string>& names) {
  std::vector<Component::Item> out;
  for (const component::NamedExtern& e : list) {
    Component::Item item;
    item.name = e.name;
    item.kind = component::extern_kind_name(e.type->kind);
    if (e.type->kind == component::ExternType::Kind::Func) {
      item.wit = component::type_to_wit(e.type->type, &names);
    }
    if (e.type->kind == component::ExternType::Kind::Instance) {
      for (const component::NamedExtern& f : e.type->type->exports) {
        if (f.type->kind != component::ExternType::Kind::Func) continue;
        item.functions.push_back({f.name, component::type_to_wit(f.type->type, &names),
                                  wasi::p2_capability_group(e.name, f.name)});
      }
    }
    out.push_back(std::move(item));
  }
  return out;
}

} // namespace

Result<Component> Component::from_text(const Engine& engine, std::string_view text,
                                       const CodeCache* cache, std::vector<CacheReport>* reports) {
  WASMCAP_ASSIGN(std::vector<uint8_t> bytes, text::parse_wat(text));
  if (!component::is_component(bytes)) {
    return make_error(ErrorKind::Malformed, "the text is a module, not a component");
  }
  return from_binary(engine, bytes, cache, reports);
}

bool Component::is_component(std::span<const uint8_t> bytes) {
  return component::is_component(bytes);
}

namespace {

// The core modules are compiled (or loaded) while the component is validated -- decoded and
// validated once, by the module path every tier takes -- and kept for every instantiation.
component::CoreModuleLoader
compiling_loader(detail::ComponentData& data,
                 const std::function<Result<Module>(std::span<const uint8_t>, uint64_t)>& make) {
  return [&data, &make](const component::CoreModuleRef& ref) -> Result<component::TypePtr> {
    const auto bytes = std::span<const uint8_t>(data.bytes).subspan(ref.offset, ref.size);
    auto compiled = make(bytes, ref.offset);
    if (!compiled) {
      Error e = std::move(compiled).error();
      if (e.where.offset != Location::kNone) e.where.offset += ref.offset;
      return e;
    }
    auto m = std::make_shared<const Module>(std::move(*compiled));
    auto t = std::make_shared<component::Type>();
    t->kind = component::Type::Kind::CoreModule;
    for (const ImportType& i : m->imports())
      t->core_imports.push_back(
          {i.module, i.name, i.type.kind, i.type.func, i.type.table, i.type.memory, i.type.global});
    for (const ExportType& x : m->exports())
      t->core_exports.push_back(
          {"", x.name, x.type.kind, x.type.func, x.type.table, x.type.memory, x.type.global});
    std::lock_guard lock(data.modules_mu);
    data.modules.emplace(ref.offset, std::move(m));
    return component::TypePtr(t);
  };
}

} // namespace

Result<Component> Component::from_binary(const Engine& engine, std::span<const uint8_t> bytes,
                                         const CodeCache* cache,
                                         std::vector<CacheReport>* reports) {
  // Validation asks for the core modules one at a time, in order: no lock needed.
  return build(bytes, [&](std::span<const uint8_t> module, uint64_t) -> Result<Module> {
    if (!cache) return Module::from_binary(engine, module);
    CacheReport report;
    auto compiled = cache->load(engine, module, &report);
    if (reports) reports->push_back(std::move(report));
    return compiled;
  });
}

Result<Component> Component::build(std::span<const uint8_t> bytes, const CoreModuleMaker& make) {
  auto data = std::make_shared<detail::ComponentData>();
  data->bytes.assign(bytes.begin(), bytes.end());
  WASMCAP_ASSIGN(data->ast, component::decode_component(data->bytes));
  WASMCAP_ASSIGN(data->info, component::validate_component(data->ast, data->bytes,
                                                           compiling_loader(*data, make)));
  data->imports = items(data->info.imports, data->info.type_names);
  data->exports = items(data->info.exports, data->info.type_names);
  Component c;
  c.data_ = std::move(data);
  return c;
}

const std::vector<Component::Item>& Component::imports() const {
  return data_->imports;
}

const std::vector<Component::Item>& Component::exports() const {
  return data_->exports;
}

CapabilitySet Component::capability_groups() const {
  CapabilitySet set;
  for (const Item& i : data_->imports) {
    for (const Function& f : i.functions) {
      if (f.group) set.add(*f.group);
    }
  }
  return set;
}

std::string Component::world_wit() const {
  return component::world_to_wit(data_->info);
}

size_t Component::core_module_count() const {
  return data_->info.core_modules.size();
}

uint64_t Component::core_module_bytes() const {
  uint64_t total = 0;
  for (const component::CoreModuleRef& r : data_->info.core_modules)
    total += r.size;
  return total;
}

size_t Component::nested_component_count() const {
  return data_->info.components;
}

} // namespace wasmcap

// Store: allocation of runtime objects at stable addresses and function type interning.
#include "runtime/store.h"

namespace wasmcap::runtime {

Store::Store(StoreLimits limits) : limits_(limits) {}
Store::~Store() = default;

FuncInstance* Store::new_func() {
  return &funcs_.emplace_back();
}

ModuleInstance* Store::new_instance() {
  instances_.push_back(std::make_unique<ModuleInstance>());
  return instances_.back().get();
}

FuncInstance* Store::create_host_function(ir::FuncType type, HostCallback callback) {
  FuncInstance* f = new_func();
  f->kind = FuncInstance::Kind::Host;
  f->host_type = std::move(type);
  f->type = &f->host_type;
  f->type_id = intern_type(f->host_type);
  f->callback = std::move(callback);
  return f;
}

support::Result<Memory*> Store::create_memory(const ir::MemoryType& type) {
  WASMCAP_ASSIGN(Memory * m, Memory::create_raw(type, limits_.max_memory_pages));
  memories_.emplace_back(m);
  return m;
}

Table* Store::create_table(const ir::TableType& type, void* init) {
  tables_.push_back(std::make_unique<Table>(type, init, limits_.max_table_elems));
  return tables_.back().get();
}

Global* Store::create_global(const ir::GlobalType& type, Value value) {
  value.type = type.type;
  return &globals_.emplace_back(Global{type, value});
}

uint32_t Store::intern_type(const ir::FuncType& type) {
  std::string key;
  key.reserve(type.params.size() + type.results.size() + 1);
  for (ir::ValType t : type.params)
    key.push_back(static_cast<char>(t));
  key.push_back('|');
  for (ir::ValType t : type.results)
    key.push_back(static_cast<char>(t));
  auto [it, inserted] = type_ids_.emplace(std::move(key), static_cast<uint32_t>(type_ids_.size()));
  return it->second;
}

} // namespace wasmcap::runtime

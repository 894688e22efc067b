// wasm.h externals (the four importable kinds seen as one) and module instances:
// instantiation with imports in order, and the exports as a vector of externals.
#include "api/c_api/instantiate.h"
#include "api/c_api/objects.h"

using namespace wasmcap;
using namespace wasmcap::capi;

wasmcap::Extern wasm_extern_t::to_cpp() const {
  switch (kind()) {
  case RefKind::Func: return func_of(this);
  case RefKind::Global: return global_of(this);
  case RefKind::Table: return table_of(this);
  case RefKind::Memory: return memory_of(this);
  default: return {};
  }
}

namespace wasmcap::capi {

Result<wasm_instance_t*> instantiate(wasm_store_t* store, const wasm_module_t* module,
                                     const wasm_extern_vec_t* imports) {
  if (!store || !module) return make_error(ErrorKind::Usage, "null store or module");
  std::vector<Extern> items;
  const size_t n = imports ? imports->size : 0;
  for (size_t i = 0; i < n; ++i) {
    const wasm_extern_t* e = imports->data[i];
    if (!e) {
      return make_error(ErrorKind::Unlinkable, "import " + std::to_string(i) + " is null");
    }
    if (e->store != store->data) {
      return make_error(ErrorKind::Unlinkable,
                        "import " + std::to_string(i) + " belongs to another store");
    }
    items.push_back(e->to_cpp());
  }
  const size_t expected = module->module.imports().size();
  if (items.size() != expected) {
    return make_error(ErrorKind::Unlinkable, "expected " + std::to_string(expected) +
                                                 " imports, got " + std::to_string(items.size()));
  }
  auto inst = Instance::create(*store->data->store, module->module, items);
  if (!inst) return std::move(inst).error();
  return new wasm_instance_t(store->data, store->data->identity(RefKind::Instance, inst->handle()));
}

} // namespace wasmcap::capi

extern "C" {

wasm_externkind_t wasm_extern_kind(const wasm_extern_t* e) {
  return to_c_kind(e->to_cpp().kind());
}

wasm_externtype_t* wasm_extern_type(const wasm_extern_t* e) {
  return new_externtype(e->to_cpp().type());
}

// Each of the four is-a wasm_extern_t (objects.h), so the views are casts checked by kind.
#define WASMCAP_EXTERN_VIEWS(name, kind_)                                                          \
  wasm_extern_t* wasm_##name##_as_extern(wasm_##name##_t* x) {                                     \
    return x;                                                                                      \
  }                                                                                                \
  const wasm_extern_t* wasm_##name##_as_extern_const(const wasm_##name##_t* x) {                   \
    return x;                                                                                      \
  }                                                                                                \
  wasm_##name##_t* wasm_extern_as_##name(wasm_extern_t* e) {                                       \
    return e && e->kind() == RefKind::kind_ ? static_cast<wasm_##name##_t*>(e) : nullptr;          \
  }                                                                                                \
  const wasm_##name##_t* wasm_extern_as_##name##_const(const wasm_extern_t* e) {                   \
    return e && e->kind() == RefKind::kind_ ? static_cast<const wasm_##name##_t*>(e) : nullptr;    \
  }
WASMCAP_EXTERN_VIEWS(func, Func)
WASMCAP_EXTERN_VIEWS(global, Global)
WASMCAP_EXTERN_VIEWS(table, Table)
WASMCAP_EXTERN_VIEWS(memory, Memory)
#undef WASMCAP_EXTERN_VIEWS

wasm_instance_t* wasm_instance_new(wasm_store_t* store, const wasm_module_t* module,
                                   const wasm_extern_vec_t* imports, wasm_trap_t** trap) {
  if (trap) *trap = nullptr;
  auto r = instantiate(store, module, imports);
  if (r) return *r;
  // wasm.h has only the trap to explain a failure, so link errors are reported through it too
  // (wasmcap_instance_new separates them).
  if (trap) *trap = new wasm_trap_t(std::move(r).error());
  return nullptr;
}

void wasm_instance_exports(const wasm_instance_t* instance, wasm_extern_vec_t* out) {
  const Instance inst(instance->store->store.get(), instance->handle());
  const auto exports = inst.exports();
  wasm_extern_vec_new_uninitialized(out, exports.size());
  StoreData& sd = *instance->store;
  for (size_t i = 0; i < out->size; ++i) {
    const Extern& e = exports[i].second;
    RefKind kind = RefKind::Func;
    void* handle = nullptr;
    switch (e.kind()) {
    case ExternKind::Func: kind = RefKind::Func, handle = e.func()->handle(); break;
    case ExternKind::Global: kind = RefKind::Global, handle = e.global()->handle(); break;
    case ExternKind::Table: kind = RefKind::Table, handle = e.table()->handle(); break;
    case ExternKind::Memory: kind = RefKind::Memory, handle = e.memory()->handle(); break;
    case ExternKind::Tag: break; // never here: the C API refuses modules exporting tags
    }
    out->data[i] = static_cast<wasm_extern_t*>(new_ref(sd, sd.identity(kind, handle)));
  }
}

} // extern "C"

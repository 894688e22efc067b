// wasm.h modules: compile, validate, reflect imports/exports, serialize (the module's binary,
// recompiled on deserialize) and share across stores.
#include "api/c_api/instantiate.h"
#include "api/c_api/objects.h"

using namespace wasmcap;
using namespace wasmcap::capi;

wasm_module_t::wasm_module_t(Module m, std::shared_ptr<const std::vector<uint8_t>> b)
    : wasm_ref_t(nullptr, std::make_shared<capi::Identity>(RefKind::Module, nullptr)),
      module(std::move(m)), binary(std::move(b)) {}

namespace wasmcap::capi {

namespace {
Error tag_refused(const char* what, const std::string& name) {
  return make_error(ErrorKind::Usage, std::string("the C API has no extern kind for exception "
                                                  "tags: the module ") +
                                          what + " tag \"" + name +
                                          "\" (use the C++ API, wasmcap::Tag)");
}
// wasm.h's memory and table types have 32-bit limits and no address type: an imported or
// exported 64-bit memory or table (memory64) could not be described, nor matched on import.
bool address64(const ExternType& t) {
  return (t.kind == ExternKind::Memory && t.memory.address64) ||
         (t.kind == ExternKind::Table && t.table.address64);
}
Error address64_refused(const char* what, const std::string& name) {
  return make_error(ErrorKind::Usage,
                    std::string("the C API's memory and table types have 32-bit limits: the "
                                "module ") +
                        what + " the 64-bit memory or table \"" + name +
                        "\" (use the C++ API, wasmcap::MemoryType::address64)");
}
} // namespace

Result<wasm_module_t*> compile(const EngineData& engine, std::span<const uint8_t> bytes) {
  auto m = engine.cache_dir ? CodeCache(*engine.cache_dir).load(engine.engine, bytes)
                            : Module::from_binary(engine.engine, bytes);
  if (!m) return std::move(m).error();
  // wasm.h has no extern kind for exception tags, so its import and export lists could not
  // describe such a module: refuse it here, by name, rather than hand out a null extern type.
  for (const ImportType& i : m->imports()) {
    if (i.type.kind == ExternKind::Tag) return tag_refused("imports", i.module + "\".\"" + i.name);
    if (address64(i.type)) return address64_refused("imports", i.module + "\".\"" + i.name);
  }
  for (const ExportType& e : m->exports()) {
    if (e.type.kind == ExternKind::Tag) return tag_refused("exports", e.name);
    if (address64(e.type)) return address64_refused("exports", e.name);
  }
  auto binary = std::make_shared<const std::vector<uint8_t>>(bytes.begin(), bytes.end());
  return new wasm_module_t(std::move(m).value(), std::move(binary));
}

} // namespace wasmcap::capi

namespace {

std::span<const uint8_t> bytes_of(const wasm_byte_vec_t* v) {
  if (!v || !v->data) return {};
  return {reinterpret_cast<const uint8_t*>(v->data), v->size};
}

} // namespace

extern "C" {

wasm_module_t* wasm_module_new(wasm_store_t* store, const wasm_byte_vec_t* binary) {
  if (!store) return nullptr;
  auto m = compile(*store->data->engine, bytes_of(binary));
  return m ? *m : nullptr;
}

bool wasm_module_validate(wasm_store_t* store, const wasm_byte_vec_t* binary) {
  if (!store) return false;
  return Module::from_binary(store->data->engine->engine, bytes_of(binary)).has_value();
}

void wasm_module_imports(const wasm_module_t* module, wasm_importtype_vec_t* out) {
  const auto imports = module->module.imports();
  wasm_importtype_vec_new_uninitialized(out, imports.size());
  for (size_t i = 0; i < out->size; ++i) {
    wasm_name_t mod, name;
    set_bytes(&mod, imports[i].module, false);
    set_bytes(&name, imports[i].name, false);
    out->data[i] = wasm_importtype_new(&mod, &name, new_externtype(imports[i].type));
  }
}

void wasm_module_exports(const wasm_module_t* module, wasm_exporttype_vec_t* out) {
  const auto exports = module->module.exports();
  wasm_exporttype_vec_new_uninitialized(out, exports.size());
  for (size_t i = 0; i < out->size; ++i) {
    wasm_name_t name;
    set_bytes(&name, exports[i].name, false);
    out->data[i] = wasm_exporttype_new(&name, new_externtype(exports[i].type));
  }
}

// The serialized form is the module's own binary: wasmcap's interpreter compiles quickly, and a
// binary is a format every version can read back safely.
void wasm_module_serialize(const wasm_module_t* module, wasm_byte_vec_t* out) {
  const auto& b = *module->binary;
  wasm_byte_vec_new(out, b.size(), reinterpret_cast<const wasm_byte_t*>(b.data()));
}

wasm_module_t* wasm_module_deserialize(wasm_store_t* store, const wasm_byte_vec_t* bytes) {
  return wasm_module_new(store, bytes);
}

wasm_shared_module_t* wasm_module_share(const wasm_module_t* module) {
  if (!module) return nullptr;
  return new wasm_shared_module_t{module->module, module->binary};
}

wasm_module_t* wasm_module_obtain(wasm_store_t* store, const wasm_shared_module_t* shared) {
  if (!store || !shared) return nullptr;
  return new wasm_module_t(shared->module, shared->binary);
}

void wasm_shared_module_delete(wasm_shared_module_t* shared) {
  delete shared;
}

} // extern "C"

// wasm.h table instances over wasmcap::Table; funcrefs and externrefs go in and come out as
// wasm_ref_t handles sharing the object's identity.
#include "api/c_api/objects.h"

using namespace wasmcap;
using namespace wasmcap::capi;

extern "C" {

wasm_table_t* wasm_table_new(wasm_store_t* store, const wasm_tabletype_t* type, wasm_ref_t* init) {
  TableType tt;
  if (!store || !type || !to_cpp(*type, tt)) return nullptr;
  Value v;
  if (!ref_to_value(*store->data, init, tt.elem, v)) return nullptr;
  auto t = Table::create(*store->data->store, tt, v);
  if (!t) return nullptr;
  return new wasm_table_t(store->data, store->data->identity(RefKind::Table, t->handle()));
}

wasm_tabletype_t* wasm_table_type(const wasm_table_t* table) {
  return new_tabletype(table_of(table).type());
}

// NULL for a null reference and for an index out of bounds alike, as wasm.h specifies.
wasm_ref_t* wasm_table_get(const wasm_table_t* table, wasm_table_size_t index) {
  auto v = table_of(table).get(index);
  if (!v) return nullptr;
  return value_to_ref(*table->store, *v);
}

bool wasm_table_set(wasm_table_t* table, wasm_table_size_t index, wasm_ref_t* ref) {
  Table t = table_of(table);
  Value v;
  if (!ref_to_value(*table->store, ref, t.type().elem, v)) return false;
  return t.set(index, v).has_value();
}

wasm_table_size_t wasm_table_size(const wasm_table_t* table) {
  return static_cast<wasm_table_size_t>(table_of(table).size());
}

bool wasm_table_grow(wasm_table_t* table, wasm_table_size_t delta, wasm_ref_t* init) {
  Table t = table_of(table);
  Value v;
  if (!ref_to_value(*table->store, init, t.type().elem, v)) return false;
  return t.grow(delta, v).has_value();
}

} // extern "C"

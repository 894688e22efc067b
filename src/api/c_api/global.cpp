// wasm.h global instances over wasmcap::Global.
#include "api/c_api/objects.h"

using namespace wasmcap;
using namespace wasmcap::capi;

extern "C" {

wasm_global_t* wasm_global_new(wasm_store_t* store, const wasm_globaltype_t* type,
                               const wasm_val_t* init) {
  GlobalType gt;
  if (!store || !type || !init || !to_cpp(*type, gt)) return nullptr;
  Value v;
  if (!to_value(*store->data, *init, gt.type, v)) return nullptr;
  auto g = Global::create(*store->data->store, gt, v);
  if (!g) return nullptr;
  return new wasm_global_t(store->data, store->data->identity(RefKind::Global, g->handle()));
}

wasm_globaltype_t* wasm_global_type(const wasm_global_t* global) {
  return new_globaltype(global_of(global).type());
}

void wasm_global_get(const wasm_global_t* global, wasm_val_t* out) {
  *out = from_value(*global->store, global_of(global).get());
}

// wasm.h gives no way to report failure: setting an immutable global or one of another type
// leaves it unchanged.
void wasm_global_set(wasm_global_t* global, const wasm_val_t* val) {
  if (!global || !val) return;
  Global g = global_of(global);
  Value v;
  if (!to_value(*global->store, *val, g.type().type, v)) return;
  (void)g.set(v);
}

} // extern "C"

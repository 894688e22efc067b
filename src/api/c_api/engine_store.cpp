// wasm.h configuration, engine and store; the store's identity table that gives every runtime
// object one Identity (host info, `same`) however many handles the C side holds.
#include "api/c_api/objects.h"
#include "runtime/store.h"

namespace wasmcap::capi {

const std::shared_ptr<Identity>& StoreData::identity(RefKind kind, void* handle) {
  auto& slot = identities[handle];
  if (!slot) slot = std::make_shared<Identity>(kind, handle);
  return slot;
}

const std::shared_ptr<Identity>& StoreData::new_foreign() {
  auto id = std::make_shared<Identity>(RefKind::Foreign, nullptr);
  id->handle = id.get(); // an externref's payload is the Identity itself
  auto& slot = identities[id.get()];
  slot = std::move(id);
  return slot;
}

std::shared_ptr<Identity> StoreData::gc_identity(const Value& value) {
  const auto bits = reinterpret_cast<uintptr_t>(value.ref);
  if (bits == 0) return nullptr;
  if (auto it = gc_identities.find(bits); it != gc_identities.end()) {
    if (auto live = it->second.lock()) return live;
  }
  auto root = store->root(value);
  if (!root) return nullptr;
  auto id = std::make_shared<Identity>(RefKind::Gc, reinterpret_cast<void*>(bits));
  id->root = std::move(*root);
  // Entries whose handles all went are dropped now and then, so the map stays as small as the
  // set of values the host holds.
  if (gc_identities.size() >= 64 && gc_identities.size() % 64 == 0) {
    std::erase_if(gc_identities, [](const auto& e) { return e.second.expired(); });
  }
  gc_identities[bits] = id;
  return id;
}

void StoreData::watch_foreign(Identity& id) {
  if (id.watched) return;
  id.watched = true;
  // Runs inside a collection: it must not use the store, only its identity table.
  std::weak_ptr<StoreData> weak = weak_from_this();
  const void* handle = id.handle;
  store->impl().watch_host_ref(reinterpret_cast<uintptr_t>(handle), [weak, handle] {
    const std::shared_ptr<StoreData> self = weak.lock();
    if (!self) return true;
    auto it = self->identities.find(handle);
    if (it == self->identities.end()) return true;
    if (it->second.use_count() > 1) return false; // a wasm_ref_t still has it
    self->identities.erase(it);                   // the finalizer runs
    return true;
  });
}

} // namespace wasmcap::capi

using namespace wasmcap::capi;

extern "C" {

wasm_config_t* wasm_config_new(void) {
  return new wasm_config_t;
}
void wasm_config_delete(wasm_config_t* config) {
  delete config;
}

wasm_engine_t* wasm_engine_new(void) {
  return wasm_engine_new_with_config(nullptr);
}
wasm_engine_t* wasm_engine_new_with_config(wasm_config_t* config) {
  const wasm_config_t defaults;
  const wasm_config_t& c = config ? *config : defaults;
  auto data = std::make_shared<EngineData>(EngineData{wasmcap::Engine(c.config), c.cache_dir});
  delete config; // the engine takes the configuration over
  return new wasm_engine_t{std::move(data)};
}
void wasm_engine_delete(wasm_engine_t* engine) {
  delete engine; // stores keep the engine's data alive while they exist
}

wasm_store_t* wasm_store_new(wasm_engine_t* engine) {
  if (!engine) return nullptr;
  return new wasm_store_t{std::make_shared<StoreData>(engine->data)};
}
void wasm_store_delete(wasm_store_t* store) {
  delete store; // objects still held by the host keep the store's data alive
}

} // extern "C"

// wasmcap.h's controls of an engine and a store, the C face of Config and Store: the tier, the
// limits an embedder of untrusted code sets first (fuel, a deadline per call, memory and table
// caps, the wasm stack), interruption from any thread, and the code cache.
#include "api/c_api/objects.h"
#include "wasmcap.h"

using namespace wasmcap;
using namespace wasmcap::capi;

// Holds the store's state, so interrupting stays valid (and harmless) after wasm_store_delete,
// from any thread: Store::interrupt is two relaxed atomic stores.
struct wasmcap_interrupt_handle_t {
  std::shared_ptr<StoreData> store;
};

extern "C" {

void wasmcap_config_max_wasm_stack_set(wasm_config_t* config, uint64_t bytes) {
  if (config) config->config.max_wasm_stack = bytes;
}

void wasmcap_config_simd_set(wasm_config_t* config, bool enable) {
  if (config) config->config.simd = enable;
}

void wasmcap_config_tier_set(wasm_config_t* config, wasmcap_tier_t tier) {
  if (!config) return;
  switch (tier) {
  case WASMCAP_TIER_INTERPRETER: config->config.tier = Tier::Interpreter; break;
  case WASMCAP_TIER_JIT: config->config.tier = Tier::Jit; break;
  case WASMCAP_TIER_AUTO: config->config.tier = Tier::Auto; break;
  default: break; // an unknown value changes nothing
  }
}

void wasmcap_config_fuel_set(wasm_config_t* config, uint64_t fuel) {
  if (config) config->config.fuel = fuel;
}

void wasmcap_config_timeout_ms_set(wasm_config_t* config, uint64_t ms) {
  if (!config) return;
  if (ms == 0) {
    config->config.timeout_ms.reset();
  } else {
    config->config.timeout_ms = ms;
  }
}

void wasmcap_config_interruptible_set(wasm_config_t* config, bool enable) {
  if (config) config->config.interruptible = enable;
}

void wasmcap_config_max_memory_pages_set(wasm_config_t* config, uint32_t pages) {
  if (config) config->config.max_memory_pages = pages;
}

void wasmcap_config_max_gc_heap_set(wasm_config_t* config, uint64_t bytes) {
  if (config) config->config.max_gc_heap = std::min<uint64_t>(bytes, wasmcap::Config{}.max_gc_heap);
}

void wasmcap_config_max_table_elements_set(wasm_config_t* config, uint32_t elements) {
  if (config) config->config.max_table_elements = elements;
}

void wasmcap_config_cache_set(wasm_config_t* config, const char* directory) {
  if (!config) return;
  config->cache_dir = directory ? std::string(directory) : CodeCache::default_directory();
  if (config->cache_dir->empty()) config->cache_dir.reset(); // no $XDG_CACHE_HOME nor $HOME
}

void wasmcap_store_fuel_set(wasm_store_t* store, uint64_t fuel) {
  if (store) store->data->store->set_fuel(fuel);
}

void wasmcap_store_gc(wasm_store_t* store) {
  if (store) store->data->store->collect_garbage();
}

bool wasmcap_store_fuel_get(const wasm_store_t* store, uint64_t* fuel) {
  if (!store) return false;
  const std::optional<uint64_t> left = store->data->store->fuel();
  if (!left) return false;
  if (fuel) *fuel = *left;
  return true;
}

wasmcap_interrupt_handle_t* wasmcap_interrupt_handle_new(wasm_store_t* store) {
  if (!store) return nullptr;
  return new wasmcap_interrupt_handle_t{store->data};
}

void wasmcap_interrupt_handle_interrupt(const wasmcap_interrupt_handle_t* handle) {
  if (handle) handle->store->store->interrupt();
}

void wasmcap_interrupt_handle_delete(wasmcap_interrupt_handle_t* handle) {
  delete handle;
}

} // extern "C"

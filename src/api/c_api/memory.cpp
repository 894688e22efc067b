// wasm.h memory instances over wasmcap::Memory, including direct access to linear memory.
#include "api/c_api/objects.h"

using namespace wasmcap;
using namespace wasmcap::capi;

extern "C" {

wasm_memory_t* wasm_memory_new(wasm_store_t* store, const wasm_memorytype_t* type) {
  if (!store || !type) return nullptr;
  auto m = Memory::create(*store->data->store, to_cpp(*type));
  if (!m) return nullptr;
  return new wasm_memory_t(store->data, store->data->identity(RefKind::Memory, m->handle()));
}

wasm_memorytype_t* wasm_memory_type(const wasm_memory_t* memory) {
  return new_memorytype(memory_of(memory).type());
}

byte_t* wasm_memory_data(wasm_memory_t* memory) {
  return reinterpret_cast<byte_t*>(memory_of(memory).data());
}

size_t wasm_memory_data_size(const wasm_memory_t* memory) {
  return static_cast<size_t>(memory_of(memory).size_bytes());
}

wasm_memory_pages_t wasm_memory_size(const wasm_memory_t* memory) {
  return static_cast<wasm_memory_pages_t>(memory_of(memory).size_pages());
}

bool wasm_memory_grow(wasm_memory_t* memory, wasm_memory_pages_t delta) {
  return memory_of(memory).grow(delta).has_value();
}

} // extern "C"

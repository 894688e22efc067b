// Compilation and instantiation shared by wasm.h (errors become NULL or traps) and wasmcap.h
// (errors stay errors).
#pragma once

#include "api/c_api/objects.h"

namespace wasmcap::capi {

// Through the engine's code cache when wasmcap_config_cache_set asked for one.
Result<wasm_module_t*> compile(const EngineData& engine, std::span<const uint8_t> bytes);
Result<wasm_instance_t*> instantiate(wasm_store_t* store, const wasm_module_t* module,
                                     const wasm_extern_vec_t* imports);

} // namespace wasmcap::capi

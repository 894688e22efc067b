// Store: the public handle over runtime::Store, with the engine's limits applied.
#include "wasmcap/store.h"

#include "runtime/store.h"

namespace wasmcap {

namespace {

runtime::StoreLimits limits_for(const Config& config) {
  runtime::StoreLimits limits;
  limits.stack_slots = config.max_wasm_stack / 8;
  return limits;
}

} // namespace

Store::Store(const Engine& engine)
    : engine_(engine), impl_(std::make_unique<runtime::Store>(limits_for(engine.config()))) {}

Store::~Store() = default;

} // namespace wasmcap

// Store: the public handle over runtime::Store, with the engine's limits applied.
#include "wasmcap/store.h"

#include "api/tier_choice.h"
#include "runtime/store.h"

namespace wasmcap {

namespace {

runtime::StoreLimits limits_for(const Config& config) {
  runtime::StoreLimits limits;
  limits.stack_slots = config.max_wasm_stack / 8;
  limits.max_memory_pages = config.max_memory_pages;
  limits.max_table_elems = config.max_table_elements;
  limits.fuel = config.fuel;
  limits.timeout_ms = config.timeout_ms;
  limits.guard_pages = detail::guard_pages_enabled(config);
  return limits;
}

} // namespace

Store::Store(const Engine& engine)
    : engine_(engine), impl_(std::make_unique<runtime::Store>(limits_for(engine.config()))) {}

Store::~Store() = default;

std::optional<uint64_t> Store::fuel() const {
  return impl_->fuel();
}

void Store::set_fuel(uint64_t fuel) {
  impl_->set_fuel(fuel);
}

void Store::interrupt() {
  impl_->interrupt();
}

} // namespace wasmcap

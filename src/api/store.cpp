// Store: the public handle over runtime::Store, with the engine's limits applied.
#include "wasmcap/store.h"

#include <pthread.h>

#include <csignal>

#include "api/tier_choice.h"
#include "ir/subtype.h"
#include "runtime/deadline_timer.h"
#include "runtime/gc_ref.h"
#include "runtime/store.h"

#ifdef WASMCAP_HAVE_LLVM_TIER
#include "llvm/fault_handler.h"
#endif

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
  limits.max_gc_heap = config.max_gc_heap;
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

Store::RefKind Store::ref_kind(const Value& value) const {
  const auto bits = reinterpret_cast<uintptr_t>(value.ref);
  // An externref holding an anyref is the anyref with the host-in-any bit set.
  const uint64_t any = ir::heap_top(value.type) == ir::HeapKind::Extern
                           ? runtime::convert_ref_world(bits)
                           : static_cast<uint64_t>(bits);
  if (any == 0) return RefKind::Null;
  if (runtime::is_i31(any)) return RefKind::I31;
  const runtime::GcHeap* heap = impl_->gc_heap();
  if (runtime::is_gc_object(any) && heap != nullptr && heap->is_object(any))
    return heap->is_array(static_cast<uint32_t>(any)) ? RefKind::Array : RefKind::Struct;
  return RefKind::Host;
}

void Store::interrupt() {
  impl_->interrupt();
}

// Async-signal-safe throughout: atomic loads and stores, pthread_self/pthread_equal, pthread_kill
// (a tgkill), and the tier's exit, which longjmps as its guard-page handler does.
void Store::interrupt_from_signal(int signal, void* ucontext) {
  runtime::InterruptState& state = impl_->interrupt_state();
  state.raise(runtime::Store::kInterruptRequested | runtime::Store::kSignalInterrupt);
  if (!state.running.load(std::memory_order_acquire)) return; // the next call traps
  const pthread_t guest = state.thread.load(std::memory_order_relaxed);
  if (!pthread_equal(guest, pthread_self())) {
    pthread_kill(guest, signal);
    return;
  }
#ifdef WASMCAP_HAVE_LLVM_TIER
  llvm_tier::stop_compiled_code_in_signal(impl_.get(), ucontext);
#else
  (void)ucontext;
#endif
}

} // namespace wasmcap

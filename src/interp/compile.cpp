// compile(): module-level validation, then for every body one pass of the validator with the
// lowering observer attached.
#include "interp/compile.h"

#include "interp/compiled_module.h"
#include "interp/dump.h"
#include "interp/lower.h"
#include "interp/machine.h"
#include "runtime/module_instance.h"
#include "validate/module_context.h"
#include "validate/module_validator.h"
#include "validate/validate_function.h"

namespace wasmcap::interp {

support::Status CompiledModule::call(runtime::Store& store, runtime::FuncInstance& func,
                                     std::span<const runtime::Value> args,
                                     std::span<runtime::Value> results) const {
  return execute(store, func, args, results);
}

support::Status CompiledModule::call_slots(runtime::Store& store, runtime::FuncInstance& func,
                                           uint64_t* slots) const {
  return execute_slots(store, func, slots);
}

std::string CompiledModule::memory_strategy(const runtime::ModuleInstance& instance) const {
  const std::string mine = ModuleCode::memory_strategy(instance);
  if (!reserve_guard_pages_ || instance.memories.empty()) return mine;
  if (instance.memories[0]->guarded()) {
    return mine + "; guard pages (8 GiB) reserved for the compiled code to come";
  }
  return mine + "; no guard pages (the reservation failed): compiled code will check bounds too";
}

// Only memory 0 is reserved with guard pages for the compiled code to come (instantiate.cpp).
std::string CompiledModule::memory_strategy_at(const runtime::ModuleInstance& instance,
                                               uint32_t index) const {
  if (index == 0) return memory_strategy(instance);
  const std::string mine = ModuleCode::memory_strategy_at(instance, index);
  if (!reserve_guard_pages_) return mine;
  return mine + "; compiled code will check bounds too (guard pages are for memory 0 only)";
}

void CompiledModule::add_seen_running_flags() {
  seen_running_ = std::make_unique<std::atomic<bool>[]>(functions_.size());
  for (size_t i = 0; i < functions_.size(); ++i) {
    if (functions_[i].has_osr_points) functions_[i].seen_running = &seen_running_[i];
  }
}

void CompiledModule::add_sample_counters() {
  samples_ = std::make_unique<std::atomic<uint32_t>[]>(functions_.size());
  for (size_t i = 0; i < functions_.size(); ++i)
    functions_[i].samples = &samples_[i];
}

std::vector<uint32_t> CompiledModule::samples() const {
  std::vector<uint32_t> out(samples_ ? functions_.size() : 0);
  for (size_t i = 0; i < out.size(); ++i)
    out[i] = samples_[i].load(std::memory_order_relaxed);
  return out;
}

std::vector<uint32_t> CompiledModule::osr_candidates() const {
  std::vector<uint32_t> out;
  for (size_t i = 0; i < functions_.size(); ++i) {
    if (seen_running_ && seen_running_[i].load(std::memory_order_relaxed)) {
      out.push_back(static_cast<uint32_t>(i));
    }
  }
  return out;
}

support::Result<std::shared_ptr<const runtime::ModuleCode>>
compile(std::shared_ptr<const ir::Module> module, const validate::Features& features,
        const CompileOptions& options) {
  const ir::Module& mod = *module;
  WASMCAP_TRY(validate::validate_module_without_bodies(mod, features));
  auto compiled = std::make_shared<CompiledModule>(module);
  validate::ModuleContext context = validate::compute_module_context(mod);
  compiled->functions().reserve(mod.functions.size());
  const bool gc_refs = module_holds_gc_refs(mod); // the GC's stack maps (lower_gc.cpp)
  for (uint32_t i = 0; i < mod.functions.size(); ++i) {
    uint32_t func_index = mod.num_imported_funcs + i;
    // A slot per legacy try for its catch's exception, counted by the decoder (lower.h).
    Lowering lowering(mod, func_index, options.metering, options.poll_calls,
                      mod.functions[i].legacy_tries, gc_refs);
    WASMCAP_TRY(validate::validate_function(mod, func_index, features, context, lowering));
    if (const uint32_t exn_slots = lowering.needed_exn_slots(); exn_slots != 0) {
      // A body the decoder did not count (it trusted it): again, with the slots reserved.
      Lowering again(mod, func_index, options.metering, options.poll_calls, exn_slots, gc_refs);
      WASMCAP_TRY(validate::validate_function(mod, func_index, features, context, again));
      compiled->functions().push_back(again.take());
    } else {
      compiled->functions().push_back(lowering.take());
    }
    compiled->functions().back().owner = compiled.get();
  }
  compiled->set_reserve_guard_pages(options.reserve_guard_pages);
  compiled->set_metered(options.metering);
  compiled->add_seen_running_flags();
  if (options.poll_calls) compiled->add_sample_counters();
  // Direct calls embed the callee's FunctionCode address (stable now: no more push_back).
  for (FunctionCode& fc : compiled->functions()) {
    for (auto [at, callee] : fc.direct_calls) {
      auto bits = reinterpret_cast<uint64_t>(&compiled->functions()[callee]);
      fc.code[at] = static_cast<uint32_t>(bits);
      fc.code[at + 1] = static_cast<uint32_t>(bits >> 32);
    }
    fc.direct_calls = {};
    if (dump_requested()) dump_function(fc, stderr);
    thread_code(fc);
  }
  return std::shared_ptr<const runtime::ModuleCode>(std::move(compiled));
}

} // namespace wasmcap::interp

// CompiledModule: the interpreter's runtime::ModuleCode: the module plus one FunctionCode per
// defined function. Immutable after compile(), shared by all instances of the module.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "interp/code.h"
#include "runtime/tier.h"

namespace wasmcap::interp {

class CompiledModule final : public runtime::ModuleCode {
public:
  explicit CompiledModule(std::shared_ptr<const ir::Module> module) : module_(std::move(module)) {}

  const ir::Module& module() const override { return *module_; }
  const void* function_code(uint32_t defined_index) const override {
    return &functions_[defined_index];
  }
  support::Status call(runtime::Store& store, runtime::FuncInstance& func,
                       std::span<const runtime::Value> args,
                       std::span<runtime::Value> results) const override;
  // For compiled code calling an interpreted function of a batch's instance (per-function
  // tier-up) without converting its arguments.
  bool has_slot_calls() const override { return true; }
  support::Status call_slots(runtime::Store& store, runtime::FuncInstance& func,
                             uint64_t* slots) const override;

  std::vector<FunctionCode>& functions() { return functions_; }

  // Tiering: the compiled code that will replace this one wants guard pages.
  bool wants_guard_pages() const override { return reserve_guard_pages_; }
  std::string memory_strategy(const runtime::ModuleInstance& instance) const override;
  std::string memory_strategy_at(const runtime::ModuleInstance& instance,
                                 uint32_t index) const override;
  void set_reserve_guard_pages(bool on) { reserve_guard_pages_ = on; }
  std::string checks() const override {
    return metered_ ? "fuel and interruption (the interpreter's fuel counter)" : "none";
  }
  void set_metered(bool on) { metered_ = on; }

  // Tiering: the functions with on-stack replacement points that the interpreter found running
  // (on the frame stack at a refuel or a LoopPoll countdown); read by the background compile when
  // it starts, to compile entries for those only (they double a function's compile time).
  std::vector<uint32_t> osr_candidates() const override;
  // Gives every function with replacement points its flag (after all are lowered).
  void add_seen_running_flags();
  // Tiering: counters for samples(), one per function (before they are threaded).
  void add_sample_counters();
  std::vector<uint32_t> samples() const override;
  uint64_t osr_entries() const override { return osr_entries_.load(std::memory_order_relaxed); }
  void count_osr_entry() const { osr_entries_.fetch_add(1, std::memory_order_relaxed); }

private:
  std::shared_ptr<const ir::Module> module_;
  bool reserve_guard_pages_ = false;
  bool metered_ = false;
  std::vector<FunctionCode> functions_;
  std::unique_ptr<std::atomic<bool>[]> seen_running_; // per defined function
  std::unique_ptr<std::atomic<uint32_t>[]> samples_;  // per defined function (tiering)
  mutable std::atomic<uint64_t> osr_entries_{0};
};

} // namespace wasmcap::interp

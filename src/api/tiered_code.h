// TieredCode: the code of an instance switched function by function (tiering's per-function
// tier-up, docs/tiering.md): its functions run on the interpreter, except those a batch compiled,
// which run that batch's machine code. The runtime asks an instance's code to run a function
// (invoke, the interpreter's calls into other tiers, on-stack replacement); this code hands each
// request to the code that function's FuncInstance::code came from.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "runtime/tier.h"

namespace wasmcap::detail {

class TieredCode final : public runtime::ModuleCode {
public:
  // `base`: the code every function has until a batch compiles it (the interpreter's); `batch`:
  // code whose function_code(i) is valid for the defined functions marked in `members` (one byte
  // per defined function). `previous`: the mix this one extends (its batches stay, their
  // functions keep their code unless `batch` has them too), or null.
  TieredCode(std::shared_ptr<const runtime::ModuleCode> base,
             std::shared_ptr<const TieredCode> previous,
             std::shared_ptr<const runtime::ModuleCode> batch, const std::vector<uint8_t>& members);

  const ir::Module& module() const override { return base_->module(); }
  const void* function_code(uint32_t defined_index) const override { return codes_[defined_index]; }
  const runtime::ModuleCode& code_of(const runtime::FuncInstance& func) const override;

  support::Status call(runtime::Store& store, runtime::FuncInstance& func,
                       std::span<const runtime::Value> args,
                       std::span<runtime::Value> results) const override {
    return code_of(func).call(store, func, args, results);
  }
  // Callers ask code_of() first (a function's own code may take slots or not).
  bool has_slot_calls() const override { return false; }
  support::Result<bool> call_osr(runtime::Store& store, runtime::FuncInstance& func,
                                 uint64_t* slots, uint64_t loop_offset) const override {
    return code_of(func).call_osr(store, func, slots, loop_offset);
  }
  std::vector<uint32_t> osr_candidates() const override { return base_->osr_candidates(); }
  uint64_t osr_entries() const override { return base_->osr_entries(); }
  bool wants_guard_pages() const override { return base_->wants_guard_pages(); }
  // The newest batch's: what the compiled functions run with.
  std::string memory_strategy(const runtime::ModuleInstance& instance) const override {
    return batches_.back().code->memory_strategy(instance);
  }
  std::string memory_strategy_at(const runtime::ModuleInstance& instance,
                                 uint32_t index) const override {
    return batches_.back().code->memory_strategy_at(instance, index);
  }
  std::string checks() const override { return batches_.back().code->checks(); }

  // How many defined functions run compiled code.
  size_t compiled_functions() const { return compiled_; }

private:
  struct Batch {
    std::shared_ptr<const runtime::ModuleCode> code;
    uintptr_t lowest = 0, highest = 0; // its function_code() handles' address range, inclusive
  };
  std::shared_ptr<const runtime::ModuleCode> base_;
  std::vector<Batch> batches_;     // oldest first
  std::vector<const void*> codes_; // per defined function
  size_t compiled_ = 0;
};

} // namespace wasmcap::detail

// JitModule: the LLVM tier's runtime::ModuleCode in the host: the module, the plugin's handle on
// the machine code, and one JitFunction descriptor per defined function. Immutable after
// compile(), shared by every instance of the module.
#pragma once

#include <memory>
#include <vector>

#include "runtime/tier.h"
#include "llvm/jit_context.h"

namespace wasmcap::llvm_tier {

class JitModule final : public runtime::ModuleCode {
public:
  explicit JitModule(std::shared_ptr<const ir::Module> module);
  ~JitModule() override;

  const ir::Module& module() const override { return *module_; }
  const void* function_code(uint32_t defined_index) const override {
    return &functions_[defined_index];
  }
  // Builds a JitContext for the callee's instance, calls the function's entry wrapper and turns
  // a trap (a longjmp back here) into the error.
  support::Status call(runtime::Store& store, runtime::FuncInstance& func,
                       std::span<const runtime::Value> args,
                       std::span<runtime::Value> results) const override;

  // The wasm frame for an instruction at `offset` (its function found from the code ranges).
  TraceFrame frame_at(uint64_t offset) const;

  std::vector<JitFunction>& functions() { return functions_; }
  // Takes ownership of the plugin's code handle; `release` frees it with the module.
  void set_code(void* code, void (*release)(void*)) {
    code_ = code;
    release_ = release;
  }

private:
  std::shared_ptr<const ir::Module> module_;
  void* code_ = nullptr;
  void (*release_)(void*) = nullptr;
  std::vector<JitFunction> functions_;
};

} // namespace wasmcap::llvm_tier

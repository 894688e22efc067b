// generate(): the plugin's compiler: validates a decoded module, translates every body to LLVM IR
// in the validator's pass, runs O2 and compiles the whole module with ORC LLJIT, binding the
// helper calls to the host's addresses. Plugin-only (linked into libwasmcap-llvm.so).
#pragma once

#include <memory>
#include <span>

#include "ir/module.h"
#include "support/result.h"
#include "validate/features.h"
#include "llvm/tier_abi.h"

namespace llvm::orc {
class LLJIT;
}

namespace wasmcap::llvm_tier {

// What generate() is asked for and what it returns besides the JIT.
struct GenerateOptions {
  bool guard_pages = false; // memory 0 has guard pages: no bounds compares
};
struct GenerateOutput {
  std::span<PluginFunction> functions; // one per defined function
  uint64_t code_begin = 0;             // the machine code's address range
  uint64_t code_end = 0;
};

// On success `out.functions` holds the entry points, which live as long as the returned JIT.
support::Result<std::unique_ptr<llvm::orc::LLJIT>>
generate(const ir::Module& module, const validate::Features& features, const HostLayout& layout,
         const HostHelpers& helpers, const GenerateOptions& options, GenerateOutput& out);

} // namespace wasmcap::llvm_tier

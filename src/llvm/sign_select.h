// SignSelectPass: rewrites `select c, x, fneg x` (either order) as an xor of x's sign bit with a
// mask chosen once, where c is defined. Plugin-only (linked into libwasmcap-llvm.so).
#pragma once

#include <llvm/IR/PassManager.h>

namespace wasmcap::llvm_tier {

// Runs last in the pipeline (after every InstCombine, which would fold the xor back into a
// select). Exact: wasm's fneg is a sign-bit flip, and so is the xor, NaN payloads included.
struct SignSelectPass : llvm::PassInfoMixin<SignSelectPass> {
  llvm::PreservedAnalyses run(llvm::Function& f, llvm::FunctionAnalysisManager& fam);
};

} // namespace wasmcap::llvm_tier

// How far the compile running on this thread has come, for the host's progress callback
// (tier_abi.h: CompileRequest/ObjectRequest::progress). Plugin-only. A compile counts four steps
// per function: translation to IR, the O2 pipeline's per-function simplification and its
// optimizer tail, and code generation, each weighted by its usual share of the time; the host is
// told (done, total) in those weighted units, so done / total is the share of the work. Without
// a scope on the thread (or without a callback in it) every note is a no-op.
#pragma once

#include <cstdint>

#include "llvm/tier_abi.h"

#include <llvm/Pass.h>

namespace llvm {
class PassBuilder;
} // namespace llvm

namespace wasmcap::llvm_tier {

// Installs the request's callback on this thread for the duration of one compile; its end
// (finished or failed) reports done == total.
class ProgressScope {
public:
  ProgressScope(void* sink, ProgressCallback callback, uint64_t functions);
  ~ProgressScope();
  ProgressScope(const ProgressScope&) = delete;
  ProgressScope& operator=(const ProgressScope&) = delete;
};

// One wasm function translated.
void note_translated();
// Translation is done and the module has `n` LLVM functions with bodies (the wasm functions,
// their entry wrappers and on-stack replacement entries): the later steps count those.
void note_ir_functions(uint64_t n);
// The O2 pipeline's steps report through passes registered on `pb` (no-ops without a scope).
void register_progress_passes(llvm::PassBuilder& pb);
// Code generation: a legacy pass to run after the AsmPrinter; it counts each function emitted.
llvm::FunctionPass* create_generated_pass();

} // namespace wasmcap::llvm_tier

// LoopCheckPass: expands the loop headers' interruption checks (kCheckInterrupt) at the end of the
// O2 pipeline. The translator leaves a placeholder at each header, a call of `llvm.sideeffect`
// tagged with kLoopCheckTag. A real check there (an atomic load and a call on a cold path) is in
// the way of O2's loop passes: matmul ran 17-27% slower with it, 9% with the placeholder.
// Plugin-only (linked into libwasmcap-llvm.so).
#pragma once

#include <llvm/IR/PassManager.h>

namespace wasmcap::llvm_tier {

// Metadata kind of a placeholder: !{i64 wasm offset, i64 HostLayout::ctx_interrupt}.
inline constexpr const char* kLoopCheckTag = "wasmcap.loop_check";

// Each tagged placeholder becomes: load the trigger (JitContext::interrupt, its address loaded
// once in the entry block), compare it with UINT64_MAX, and call wasmcap_jit_interrupt(ctx,
// offset) on the cold side. Placeholders the vectorizer dropped from a vector loop leave that
// loop unchecked: it is a counted loop (its trip count computed before it starts), and the loop
// around it, or the function's entry, still checks.
// Before the vectorizer and the unroller (O2's vectorizer-start extension point, where loops
// are in canonical form and their trip counts are still visible to ScalarEvolution; a loop
// unrolled at run time by 8 no longer shows its count): drops the placeholders of every counted
// loop, one that exits after a number of iterations computed when it starts (a symbolic
// maximum backedge-taken count). Such a loop ends by itself, so the loop around it, or its
// function's entry, stops it in time; its inner loops are checked (or counted) on their own,
// and calls check at the callee's entry. The price is latency: an interruption waits for the
// counted loop to finish (a few microseconds in the benchmarks; at worst 2^32 iterations).
struct CountedLoopPass : llvm::PassInfoMixin<CountedLoopPass> {
  llvm::PreservedAnalyses run(llvm::Function& f, llvm::FunctionAnalysisManager& fam);
};

struct LoopCheckPass : llvm::PassInfoMixin<LoopCheckPass> {
  llvm::PreservedAnalyses run(llvm::Function& f, llvm::FunctionAnalysisManager& fam);
};

} // namespace wasmcap::llvm_tier

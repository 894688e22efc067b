// The plugin's side of compile progress (progress.h): counters per step, weighted by the share of
// the time each step takes, and the passes that advance them from inside LLVM's pipelines.
#include "llvm/progress.h"

#include <llvm/IR/Function.h>
#include <llvm/IR/PassManager.h>
#include <llvm/Pass.h>
#include <llvm/Passes/PassBuilder.h>

#include <unordered_set>

namespace wasmcap::llvm_tier {

namespace {

// Each step's weight per function, from a 3000-function module (`wasmcap compile`, 18 s):
// translation 5 % of the time, the O2 simplification 35 %, its optimizer tail 5 %, code
// generation 55 %. The bar then moves at a steady pace.
constexpr uint64_t kTranslateWeight = 1;
constexpr uint64_t kSimplifyWeight = 7;
constexpr uint64_t kOptimizeWeight = 1;
constexpr uint64_t kGenerateWeight = 11;
constexpr uint64_t kWeightPerFunction =
    kTranslateWeight + kSimplifyWeight + kOptimizeWeight + kGenerateWeight;

struct Progress {
  void* sink = nullptr;
  ProgressCallback callback = nullptr;
  uint64_t functions = 0;    // wasm functions: total = kWeightPerFunction * functions
  uint64_t translated = 0;   // wasm functions translated
  uint64_t ir_functions = 0; // LLVM functions with bodies, once known
  std::unordered_set<const llvm::Function*> simplified;
  uint64_t optimized = 0;
  uint64_t generated = 0;
  uint64_t last = UINT64_MAX;

  // An LLVM-function count in wasm-function units.
  uint64_t scaled(uint64_t n) const {
    if (ir_functions == 0) return 0;
    return std::min(functions, n * functions / ir_functions);
  }
  void report() {
    const uint64_t done = kTranslateWeight * translated +
                          kSimplifyWeight * scaled(simplified.size()) +
                          kOptimizeWeight * scaled(optimized) + kGenerateWeight * scaled(generated);
    if (done == last) return;
    last = done;
    callback(sink, done, kWeightPerFunction * functions);
  }
};

thread_local Progress* t_progress = nullptr;

Progress* active() {
  return t_progress != nullptr && t_progress->callback != nullptr ? t_progress : nullptr;
}

// The O2 pipeline's function simplification visits each function once or more (the inliner's
// CGSCC walk may revisit): the first visit counts.
struct SimplifiedPass : llvm::PassInfoMixin<SimplifiedPass> {
  llvm::PreservedAnalyses run(llvm::Function& f, llvm::FunctionAnalysisManager&) {
    if (Progress* p = active(); p != nullptr && p->simplified.insert(&f).second) p->report();
    return llvm::PreservedAnalyses::all();
  }
  static bool isRequired() { return true; }
};

// The optimizer tail runs once per function.
struct OptimizedPass : llvm::PassInfoMixin<OptimizedPass> {
  llvm::PreservedAnalyses run(llvm::Function&, llvm::FunctionAnalysisManager&) {
    if (Progress* p = active()) {
      ++p->optimized;
      p->report();
    }
    return llvm::PreservedAnalyses::all();
  }
  static bool isRequired() { return true; }
};

// After the AsmPrinter in code generation's legacy pass manager, which runs every pass of the
// function pipeline on one function before the next: one call per function emitted.
class GeneratedPass : public llvm::FunctionPass {
public:
  static char ID;
  GeneratedPass() : llvm::FunctionPass(ID) {}
  bool runOnFunction(llvm::Function& f) override {
    if (Progress* p = active(); p != nullptr && !f.isDeclaration()) {
      ++p->generated;
      p->report();
    }
    return false;
  }
  void getAnalysisUsage(llvm::AnalysisUsage& au) const override { au.setPreservesAll(); }
  llvm::StringRef getPassName() const override { return "wasmcap compile progress"; }
};
char GeneratedPass::ID = 0;

} // namespace

ProgressScope::ProgressScope(void* sink, ProgressCallback callback, uint64_t functions) {
  t_progress = new Progress{};
  t_progress->sink = sink;
  t_progress->callback = callback;
  t_progress->functions = functions;
}

ProgressScope::~ProgressScope() {
  // Finished or failed, the compile is over: the host erases its bar.
  if (t_progress->callback != nullptr) {
    const uint64_t total = kWeightPerFunction * t_progress->functions;
    t_progress->callback(t_progress->sink, total, total);
  }
  delete t_progress;
  t_progress = nullptr;
}

void note_translated() {
  if (Progress* p = active()) {
    ++p->translated;
    p->report();
  }
}

void note_ir_functions(uint64_t n) {
  if (Progress* p = active()) p->ir_functions = n;
}

void register_progress_passes(llvm::PassBuilder& pb) {
  if (active() == nullptr) return;
  pb.registerScalarOptimizerLateEPCallback(
      [](llvm::FunctionPassManager& fpm, llvm::OptimizationLevel) {
        fpm.addPass(SimplifiedPass());
      });
  pb.registerOptimizerLastEPCallback([](llvm::ModulePassManager& mpm, llvm::OptimizationLevel) {
    mpm.addPass(llvm::createModuleToFunctionPassAdaptor(OptimizedPass()));
  });
}

llvm::FunctionPass* create_generated_pass() {
  return new GeneratedPass();
}

} // namespace wasmcap::llvm_tier

// CountedLoopPass and LoopCheckPass (loop_checks.h): placeholders tagged by the translator are
// dropped from counted loops before O2 unrolls them, and the rest become the loop headers'
// interruption checks once O2 has unrolled and vectorized around them.
#include "llvm/loop_checks.h"

#include <vector>

#include <llvm/Analysis/LoopInfo.h>
#include <llvm/Analysis/ScalarEvolution.h>
#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/IntrinsicInst.h>
#include <llvm/IR/MDBuilder.h>
#include <llvm/IR/Module.h>

namespace wasmcap::llvm_tier {

namespace {

uint64_t operand(const llvm::MDNode* md, unsigned i) {
  auto* c = llvm::mdconst::extract<llvm::ConstantInt>(md->getOperand(i));
  return c->getZExtValue();
}

// Whether the natural loop `loop` exits after a number of iterations computed when it starts
// (ScalarEvolution's symbolic maximum backedge-taken count): then it ends without a check of
// its own, and the loop around it or its function's entry stops it (its inner loops are
// checked, or counted, in turn, and calls are checked at the callee's entry).
bool is_counted(llvm::Loop* loop, llvm::ScalarEvolution& se) {
  return loop != nullptr &&
         !llvm::isa<llvm::SCEVCouldNotCompute>(se.getSymbolicMaxBackedgeTakenCount(loop));
}

} // namespace

llvm::PreservedAnalyses CountedLoopPass::run(llvm::Function& f,
                                             llvm::FunctionAnalysisManager& fam) {
  llvm::LoopInfo& loops = fam.getResult<llvm::LoopAnalysis>(f);
  llvm::ScalarEvolution& se = fam.getResult<llvm::ScalarEvolutionAnalysis>(f);
  std::vector<llvm::CallInst*> counted;
  for (llvm::BasicBlock& bb : f) {
    if (!is_counted(loops.getLoopFor(&bb), se)) continue;
    for (llvm::Instruction& i : bb) {
      auto* call = llvm::dyn_cast<llvm::CallInst>(&i);
      if (call != nullptr && call->getMetadata(kLoopCheckTag) != nullptr) counted.push_back(call);
    }
  }
  if (counted.empty()) return llvm::PreservedAnalyses::all();
  for (llvm::CallInst* call : counted)
    call->eraseFromParent();
  // Only calls of an intrinsic without users went: the CFG and the loops are unchanged.
  llvm::PreservedAnalyses kept;
  kept.preserveSet<llvm::CFGAnalyses>();
  return kept;
}

llvm::PreservedAnalyses LoopCheckPass::run(llvm::Function& f, llvm::FunctionAnalysisManager&) {
  // One check per block: the unroller copies a header's placeholder into every unrolled
  // iteration, and a block that runs once per unrolled group needs only its first.
  std::vector<llvm::CallInst*> placeholders, extra;
  for (llvm::BasicBlock& bb : f) {
    bool seen = false;
    for (llvm::Instruction& i : bb) {
      auto* call = llvm::dyn_cast<llvm::CallInst>(&i);
      if (call == nullptr || call->getMetadata(kLoopCheckTag) == nullptr) continue;
      (seen ? extra : placeholders).push_back(call);
      seen = true;
    }
  }
  for (llvm::CallInst* call : extra)
    call->eraseFromParent();
  if (placeholders.empty()) return llvm::PreservedAnalyses::all();
  llvm::Module& m = *f.getParent();
  llvm::LLVMContext& context = m.getContext();
  llvm::Type* i64 = llvm::Type::getInt64Ty(context);
  llvm::Type* ptr = llvm::PointerType::get(context, 0);
  // Declared again if O2 dropped the translator's declaration (nothing called it until now).
  auto* helper = llvm::cast<llvm::Function>(
      m.getOrInsertFunction(
           "wasmcap_jit_interrupt",
           llvm::FunctionType::get(llvm::Type::getVoidTy(context), {ptr, i64}, false))
          .getCallee());
  helper->setCallingConv(llvm::CallingConv::PreserveMost);
  helper->addFnAttr(llvm::Attribute::NoUnwind);
  helper->addFnAttr(llvm::Attribute::Cold);
  llvm::Value* ctx = f.getArg(0);
  // The trigger's address never changes during an activation: loaded once, at entry (the
  // entry's stack check has loaded it already; no pass after this one would merge the two).
  const uint64_t field = operand(placeholders.front()->getMetadata(kLoopCheckTag), 1);
  llvm::Value* trigger_address = nullptr;
  for (llvm::Instruction& i : f.getEntryBlock()) {
    auto* load = llvm::dyn_cast<llvm::LoadInst>(&i);
    auto* gep = load ? llvm::dyn_cast<llvm::GetElementPtrInst>(load->getPointerOperand()) : nullptr;
    if (gep != nullptr && gep->getPointerOperand() == ctx && gep->getNumIndices() == 1 &&
        load->getType()->isPointerTy() && !load->isVolatile() && !load->isAtomic()) {
      auto* index = llvm::dyn_cast<llvm::ConstantInt>(gep->getOperand(1));
      if (index != nullptr && index->getZExtValue() == field &&
          gep->getSourceElementType()->isIntegerTy(8)) {
        trigger_address = load;
        break;
      }
    }
  }
  if (trigger_address == nullptr) {
    llvm::IRBuilder<> entry(&*f.getEntryBlock().getFirstInsertionPt());
    trigger_address =
        entry.CreateLoad(ptr, entry.CreateConstInBoundsGEP1_64(entry.getInt8Ty(), ctx, field));
  }
  llvm::MDNode* cold = llvm::MDBuilder(context).createBranchWeights(1, 1u << 20);
  for (llvm::CallInst* placeholder : placeholders) {
    const uint64_t offset = operand(placeholder->getMetadata(kLoopCheckTag), 0);
    llvm::BasicBlock* head = placeholder->getParent();
    llvm::BasicBlock* cont = head->splitBasicBlock(placeholder, "checked");
    auto* slow = llvm::BasicBlock::Create(context, "interrupt", &f, cont);
    head->getTerminator()->eraseFromParent(); // splitBasicBlock's unconditional branch
    llvm::IRBuilder<> b(head);
    llvm::LoadInst* trigger = b.CreateLoad(i64, trigger_address);
    trigger->setAtomic(llvm::AtomicOrdering::Monotonic);
    trigger->setAlignment(llvm::Align(8));
    b.CreateCondBr(b.CreateICmpEQ(trigger, llvm::ConstantInt::get(i64, UINT64_MAX)), slow, cont,
                   cold);
    b.SetInsertPoint(slow);
    b.CreateCall(helper, {ctx, llvm::ConstantInt::get(i64, offset)})
        ->setCallingConv(llvm::CallingConv::PreserveMost);
    b.CreateBr(cont);
    placeholder->eraseFromParent();
  }
  return llvm::PreservedAnalyses::none();
}

} // namespace wasmcap::llvm_tier

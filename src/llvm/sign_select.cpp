// SignSelectPass (sign_select.h). C compilers turn `sign * x` with sign = +-1.0 into
// `select c, x, -x`; wasm carries that select, and on x86 O2 leaves it inside the loop as an
// xor plus a blend on a condition recomputed every iteration (with AVX-512: setcc, kmov and a
// masked move). As `x ^ m`, with m = c ? +0.0 : -0.0 computed once next to c, the loop keeps a
// single xorpd with a loop-invariant register. Both forms flip exactly the sign bit, so the
// result is bit-identical (NaNs included).
#include "llvm/sign_select.h"

#include <tuple>

#include <llvm/ADT/DenseMap.h>
#include <llvm/IR/Constants.h>
#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/Instructions.h>

namespace wasmcap::llvm_tier {

namespace {

// `v` is `fneg x` (the instruction only: `fsub -0.0, x` may change a NaN's payload, so it is
// not a sign flip).
bool is_fneg_of(llvm::Value* v, llvm::Value* x) {
  auto* neg = llvm::dyn_cast<llvm::UnaryOperator>(v);
  return neg != nullptr && neg->getOpcode() == llvm::Instruction::FNeg && neg->getOperand(0) == x;
}

// Where the mask select goes (it is inserted before the returned instruction): right after the
// condition's definition (after the phis of its block), or at the top of the entry block for an
// argument or a constant.
llvm::Instruction* mask_position(llvm::Function& f, llvm::Value* cond) {
  if (auto* inst = llvm::dyn_cast<llvm::Instruction>(cond)) {
    if (llvm::isa<llvm::PHINode>(inst)) return &*inst->getParent()->getFirstInsertionPt();
    return inst->getNextNode(); // not null: a terminator is never a condition here (below)
  }
  return &*f.getEntryBlock().getFirstInsertionPt();
}

} // namespace

llvm::PreservedAnalyses SignSelectPass::run(llvm::Function& f, llvm::FunctionAnalysisManager&) {
  bool changed = false;
  // One mask per (condition, type, polarity): the selects of an unrolled loop share it.
  llvm::DenseMap<std::tuple<llvm::Value*, llvm::Type*, unsigned>, llvm::Value*> masks;
  for (llvm::BasicBlock& block : f) {
    for (llvm::Instruction& inst : llvm::make_early_inc_range(block)) {
      auto* select = llvm::dyn_cast<llvm::SelectInst>(&inst);
      if (select == nullptr || !select->getType()->isFloatingPointTy()) continue;
      llvm::Value* cond = select->getCondition();
      if (cond->getType()->isVectorTy()) continue;
      if (auto* def = llvm::dyn_cast<llvm::Instruction>(cond);
          def != nullptr && def->isTerminator())
        continue; // no place right after it (an invoke's value; the translator makes none)
      llvm::Value* x = nullptr;
      // flip_when_true: the true arm is the negated one.
      bool flip_when_true = false;
      if (is_fneg_of(select->getFalseValue(), select->getTrueValue())) {
        x = select->getTrueValue();
      } else if (is_fneg_of(select->getTrueValue(), select->getFalseValue())) {
        x = select->getFalseValue();
        flip_when_true = true;
      } else {
        continue;
      }
      llvm::Type* fp = select->getType();
      llvm::Type* bits = llvm::IntegerType::get(f.getContext(), fp->getPrimitiveSizeInBits());
      llvm::Value*& mask = masks[{cond, fp, flip_when_true ? 1u : 0u}];
      if (mask == nullptr) {
        // A float (+0.0 or -0.0), so that x86 keeps the xor in a vector register: an integer
        // logic op whose operands are both bitcasts from FP becomes xorpd.
        llvm::IRBuilder<> at(mask_position(f, cond));
        llvm::Value* plus = llvm::ConstantFP::get(fp, 0.0);
        llvm::Value* minus = llvm::ConstantFP::getNegativeZero(fp);
        mask = at.CreateSelect(cond, flip_when_true ? minus : plus, flip_when_true ? plus : minus,
                               "sign.mask");
      }
      llvm::IRBuilder<> b(select);
      llvm::Value* flipped = b.CreateXor(b.CreateBitCast(x, bits), b.CreateBitCast(mask, bits));
      auto* neg = llvm::cast<llvm::Instruction>(
          x == select->getTrueValue() ? select->getFalseValue() : select->getTrueValue());
      select->replaceAllUsesWith(b.CreateBitCast(flipped, fp));
      select->eraseFromParent();
      // The fneg dominates the select, so it is never the instruction the loop visits next.
      if (neg->use_empty()) neg->eraseFromParent();
      changed = true;
    }
  }
  return changed ? llvm::PreservedAnalyses::none() : llvm::PreservedAnalyses::all();
}

} // namespace wasmcap::llvm_tier

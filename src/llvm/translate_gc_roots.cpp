// Precise GC roots in compiled code (docs/gc.md, "Roots"; docs/llvm.md, "GC roots"): a function
// keeps every GC reference that is live across a call that may collect in a frame of slots on
// the store's shadow stack (runtime/gc_shadow_stack.h), which the collector walks.
//
// - Safepoints are the calls that may reach the collector: every wasm call (direct, indirect,
//   call_ref, through the runtime or a batch's table) and allocations (the `gc` helper). Just
//   before one, the function stores the current value of each local of a traced type, then each
//   traced operand below the call's own operands, into its slots (locals first, operands by
//   their order on the stack). Values stay in registers otherwise: objects never move, so nothing
//   is reloaded after the call, and code between safepoints is untouched.
// - The frame: its size is known once the body is translated (the most slots a safepoint
//   stored), so the prologue is added at the end, before the entry block's branch: top + n
//   against the limit (over it, or not yet reserved: the `gc_frame` helper, which reserves the
//   stack or traps "call stack exhausted"), the new top stored, and the operand slots zeroed, so
//   the collector never reads a dead frame's value in them (local slots are all written at every
//   safepoint). Every return puts the top back (before a tail call's jump, whose callee pushes
//   its own frame); a landing pad sets it to its frame's end (the frames it unwound never ran
//   their epilogues); traps and exceptions leaving the activation restore it in the host.
// - A function with no traced value live across a safepoint has no frame and pays nothing (one
//   with a landing pad loads the top at entry, to put it back there when it catches).
//
// The stores are plain IR stores to memory compiled code does not otherwise read, so O2 keeps
// them (the helper called next may read them) without constraining anything else.
#include "llvm/translator.h"

#include <llvm/Transforms/Utils/BasicBlockUtils.h>

#include "ir/subtype.h"

namespace wasmcap::llvm_tier {

using ir::ValType;

// The collector's question for the module's own types: references of the any and extern
// hierarchies (concrete struct and array types among them); function and exception references
// point outside the heap.
bool FunctionTranslator::gc_traced(ValType t) const {
  if (!t.is_ref()) return false;
  const ir::HeapKind top = ir::heap_top(wasm_, t);
  return top == ir::HeapKind::Any || top == ir::HeapKind::Extern;
}

void FunctionTranslator::root_live_values(size_t below) {
  if (validator_ == nullptr) {
    roots_unknown_ = true;
    return;
  }
  // stack_ and the validator's operands agree from the bottom in reachable code; the validator
  // has already replaced the instruction's operands with its results.
  const size_t height = validator_->operand_height();
  if (below > height || below > stack_.size()) {
    roots_unknown_ = true;
    return;
  }
  std::vector<llvm::Value*> values;
  for (uint32_t i : traced_locals_)
    values.push_back(b_.CreateLoad(env_.ptr, locals_[i]));
  for (size_t i = 0; i < below; ++i) {
    const std::optional<ValType> t = validator_->operand_type(height - 1 - i);
    if (!t) {
      roots_unknown_ = true;
      return;
    }
    if (gc_traced(*t)) values.push_back(stack_[i]);
  }
  if (values.empty()) return;
  load_shadow_top();
  for (size_t i = 0; i < values.size(); ++i) {
    b_.CreateAlignedStore(values[i], b_.CreateConstInBoundsGEP1_64(env_.i64, shadow_base_, i),
                          llvm::Align(8));
  }
  shadow_slots_ = std::max<uint64_t>(shadow_slots_, values.size());
}

// The shadow stack's top at entry, loaded in the entry block ahead of everything (so it dominates
// every use); the prologue that pushes the frame is added at the end (finish_gc_frame).
void FunctionTranslator::load_shadow_top() {
  if (shadow_base_ != nullptr) return;
  llvm::IRBuilder<> entry(&fn_->getEntryBlock(), fn_->getEntryBlock().begin());
  shadow_ = entry.CreateLoad(
      env_.ptr, entry.CreateConstInBoundsGEP1_64(env_.i8, ctx_, env_.layout.ctx_gc_shadow));
  shadow_top_cell_ = entry.CreateConstInBoundsGEP1_64(env_.i8, shadow_, env_.layout.gc_shadow_top);
  shadow_base_ = entry.CreateLoad(env_.ptr, shadow_top_cell_);
}

void FunctionTranslator::finish_gc_frame() {
  std::vector<llvm::LandingPadInst*> pads;
  for (llvm::BasicBlock& bb : *fn_) {
    if (auto* pad = llvm::dyn_cast_if_present<llvm::LandingPadInst>(bb.getFirstNonPHI()))
      pads.push_back(pad);
  }
  if (shadow_base_ == nullptr) {
    // No frame of its own, but a landing pad still ends the frames of the callees it unwound:
    // the top goes back to where this function found it (one load at entry, in a function with
    // a try only), so a loop catching exceptions does not pile up their slots.
    if (pads.empty()) return;
    load_shadow_top();
    for (llvm::LandingPadInst* pad : pads) {
      // Null: the stack was reserved after the entry (by a callee), when it was empty.
      llvm::IRBuilder<> b(pad->getNextNode());
      llvm::Value* reserved = b.CreateLoad(
          env_.ptr, b.CreateConstInBoundsGEP1_64(env_.i8, shadow_, env_.layout.gc_shadow_base));
      b.CreateStore(b.CreateSelect(b.CreateIsNull(shadow_base_), reserved, shadow_base_),
                    shadow_top_cell_);
    }
    return;
  }
  const uint64_t n = shadow_slots_;
  const uint64_t locals = traced_locals_.size();
  const ir::Function& def = wasm_.functions[func_index_ - wasm_.num_imported_funcs];
  llvm::BasicBlock* entry = &fn_->getEntryBlock();
  llvm::Instruction* branch = entry->getTerminator();
  llvm::IRBuilder<> b(branch);
  llvm::Value* limit = b.CreateLoad(
      env_.ptr, b.CreateConstInBoundsGEP1_64(env_.i8, shadow_, env_.layout.gc_shadow_limit));
  llvm::Value* fast_end = b.CreateConstInBoundsGEP1_64(env_.i64, shadow_base_, n);
  // Past the limit, or the stack not reserved yet (both null): the helper's slow path.
  llvm::Value* over = b.CreateICmpUGT(fast_end, limit);
  llvm::Instruction* slow_end =
      llvm::SplitBlockAndInsertIfThen(over, branch->getIterator(), false, env_.cold_weights);
  b.SetInsertPoint(slow_end);
  llvm::Value* slow_base = b.CreateCall(env_.gc_frame, {ctx_, u64(n), u64(def.body.offset)});
  b.SetInsertPoint(branch);
  llvm::PHINode* base = b.CreatePHI(env_.ptr, 2);
  base->addIncoming(shadow_base_, entry);
  base->addIncoming(slow_base, slow_end->getParent());
  llvm::Value* end = b.CreateConstInBoundsGEP1_64(env_.i64, base, n);
  b.CreateStore(end, shadow_top_cell_);
  if (n > locals) {
    b.CreateMemSet(b.CreateConstInBoundsGEP1_64(env_.i64, base, locals), b.getInt8(0),
                   (n - locals) * 8, llvm::Align(8));
  }
  shadow_base_->replaceUsesWithIf(
      base, [&](llvm::Use& u) { return u.getUser() != fast_end && u.getUser() != base; });

  for (llvm::LandingPadInst* pad : pads) // the frames this exception left ran no epilogue
    llvm::IRBuilder<>(pad->getNextNode()).CreateStore(end, shadow_top_cell_);
  for (llvm::BasicBlock& bb : *fn_) {
    auto* ret = llvm::dyn_cast_if_present<llvm::ReturnInst>(bb.getTerminator());
    if (ret == nullptr) continue;
    llvm::Instruction* at = ret;
    if (auto* call = llvm::dyn_cast_if_present<llvm::CallInst>(ret->getPrevNode());
        call != nullptr && call->isMustTailCall()) {
      at = call; // the callee pushes its frame where this one was
    }
    llvm::IRBuilder<>(at).CreateStore(base, shadow_top_cell_);
  }
}

} // namespace wasmcap::llvm_tier

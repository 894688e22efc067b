// Precise GC roots in compiled code (docs/gc.md, "Roots"; docs/llvm.md, "GC roots"): a function
// keeps every GC reference that is live across a call that may collect in a frame of slots on
// the store's shadow stack (runtime/gc_shadow_stack.h), which the collector walks.
//
// - In a module whose values may be GC references (module_may_hold_gc_refs), every wasm function
//   takes the shadow stack's first free slot as a parameter after the context; entry wrappers
//   pass the stack's top (GcShadowStack::top). So frames are laid out by passing a register down,
//   not by a load and a store of the top in memory at every call and return.
// - Safepoints are the calls that may reach the collector: every wasm call (direct, indirect,
//   call_ref, through the runtime or a batch's table) and allocations (the `gc` helper). Just
//   before one, the function stores the current value of each local of a traced type, then each
//   traced operand below the call's own operands, into its slots (locals first, operands by their
//   order on the stack), publishes the end of those k slots as the stack's top (for the collector
//   and for runtime code, which pushes above it), and passes that end to a wasm callee as its
//   first free slot. Everything below the published top was written at the latest safepoint of
//   the frame it belongs to. Values stay in registers otherwise: objects never move, so nothing is
//   reloaded after the call, and code between safepoints is untouched.
// - Before storing, a safepoint compares the end of its slots with the stack's limit ("call stack
//   exhausted" past it; the host reserves the stack before entering such code, and one it could
//   not reserve has a null limit). The check is not in a prologue, so paths without a safepoint
//   (a recursion's leaves) pay nothing, and no call there makes every entry save registers.
//   Nothing happens at returns, landing pads or tail calls (a tail call passes the function's
//   own first slot on): a frame's slots matter only while it is at a safepoint, and a published
//   top left higher than needed covers only slots that were roots until then. The host puts the
//   top back where it found it when an activation ends, by a return, a trap or an exception.
// - A function with no traced value live across a safepoint has no frame and pays nothing beyond
//   passing its parameter on; a module without GC references has no parameter either.
#include "llvm/translator.h"

#include "llvm/gc_roots.h"

namespace wasmcap::llvm_tier {

using ir::ValType;

void ModuleEnv::enable_gc_roots() {
  gc_roots = true;
  for (size_t i = 0; i < wasm.types.size(); ++i) {
    std::vector<llvm::Type*> params{ptr, ptr};
    for (ValType p : wasm.types[i].params)
      params.push_back(type(p));
    func_types[i] = llvm::FunctionType::get(result_type(wasm.types[i]), params, false);
  }
}

// The collector's question for the module's own types: references of the any and extern
// hierarchies (concrete struct and array types among them); function and exception references
// point outside the heap.
bool FunctionTranslator::gc_traced(ValType t) const {
  return gc_traced_in(wasm_, t);
}

std::vector<llvm::Value*> FunctionTranslator::wasm_call_args(bool own) const {
  if (!env_.gc_roots) return {ctx_};
  return {ctx_, own || callee_shadow_ == nullptr ? shadow_base_ : callee_shadow_};
}

void FunctionTranslator::root_live_values(size_t below) {
  callee_shadow_ = shadow_base_;
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
  if (!env_.gc_roots) { // see module_may_hold_gc_refs
    roots_unknown_ = true;
    return;
  }
  // Loaded here, not once at entry: kept across calls, it would take a callee-saved register.
  llvm::Value* shadow = ctx_field(env_.layout.ctx_gc_shadow, env_.ptr);
  // The slots must lie in the reservation (see the top of this file). Not `inbounds`: the base is
  // null when the stack could not be reserved, and the compare must see that.
  llvm::Value* end = b_.CreateConstGEP1_64(env_.i64, shadow_base_, values.size());
  llvm::Value* limit = b_.CreateLoad(
      env_.ptr, b_.CreateConstInBoundsGEP1_64(env_.i8, shadow, env_.layout.gc_shadow_limit));
  // Its own trap block, not the entry's stack check's: a block shared by both would keep LLVM
  // from saving registers only on the paths that make calls (shrink-wrapping), so every entry,
  // leaves included, would pay for them.
  if (shadow_full_ == nullptr) {
    llvm::BasicBlock* here = b_.GetInsertBlock();
    shadow_full_ = llvm::BasicBlock::Create(env_.context, "shadow_full", fn_);
    b_.SetInsertPoint(shadow_full_);
    shadow_full_offset_ = b_.CreatePHI(env_.i64, 2);
    b_.CreateCall(env_.trap, {ctx_, u32(static_cast<uint32_t>(TrapCode::CallStackExhausted)),
                              shadow_full_offset_});
    b_.CreateUnreachable();
    b_.SetInsertPoint(here);
  }
  auto* fits = llvm::BasicBlock::Create(env_.context, "", fn_);
  shadow_full_offset_->addIncoming(u64(at_), b_.GetInsertBlock());
  b_.CreateCondBr(b_.CreateICmpUGT(end, limit), shadow_full_, fits, env_.cold_weights);
  b_.SetInsertPoint(fits);
  for (size_t i = 0; i < values.size(); ++i) {
    b_.CreateAlignedStore(values[i], b_.CreateConstInBoundsGEP1_64(env_.i64, shadow_base_, i),
                          llvm::Align(8));
  }
  callee_shadow_ = end;
  b_.CreateAlignedStore(callee_shadow_,
                        b_.CreateConstInBoundsGEP1_64(env_.i8, shadow, env_.layout.gc_shadow_top),
                        llvm::Align(8));
}

} // namespace wasmcap::llvm_tier

// Calls out of a batch of per-function tier-up (docs/tiering.md, "Per-function tier-up", item 7): a
// direct call or `return_call` to a function of this instance that the batch does not compile loads
// the callee's entry from the instance's table of native entries (JitContext::natives, filled by
// the host when a batch or the whole module switches in: native_table.h) and, when it is set, calls
// that machine code under this same context: one load and an indirect call, as within a module.
// A null entry (the callee still runs on the interpreter) takes the `call` helper, as before.
// And the two-way call both this and call_found (a callee found at run time) make.
#include "llvm/translator.h"

namespace wasmcap::llvm_tier {

void FunctionTranslator::call_native_or_generic(
    uint32_t type_index, uint64_t offset,
    llvm::function_ref<void(llvm::BasicBlock* fast, llvm::BasicBlock* slow)> branch,
    llvm::function_ref<llvm::Value*()> native, llvm::function_ref<llvm::Value*()> func_instance) {
  const ir::FuncType& t = wasm_.types[type_index];
  auto* fast = llvm::BasicBlock::Create(env_.context, "", fn_);
  auto* slow = llvm::BasicBlock::Create(env_.context, "", fn_);
  auto* join = llvm::BasicBlock::Create(env_.context, "", fn_);
  branch(fast, slow);

  const size_t base = stack_.size() - t.params.size();
  std::vector<llvm::Value*> params(stack_.begin() + static_cast<ptrdiff_t>(base), stack_.end());
  b_.SetInsertPoint(fast);
  std::vector<llvm::Value*> args{ctx_};
  args.insert(args.end(), params.begin(), params.end());
  llvm::CallBase* ret = may_throw(env_.func_types[type_index], native(), args);
  ret->setCallingConv(env_.func_cc);
  // No tail-recursion elimination (see call_direct).
  if (auto* call = llvm::dyn_cast<llvm::CallInst>(ret))
    call->setTailCallKind(llvm::CallInst::TCK_NoTail);
  reload_memory();
  stack_.resize(base);
  push_results(ret, t);
  std::vector<llvm::Value*> fast_results(stack_.begin() + static_cast<ptrdiff_t>(base),
                                         stack_.end());
  llvm::BasicBlock* fast_end = b_.GetInsertBlock();
  b_.CreateBr(join);

  b_.SetInsertPoint(slow);
  stack_.resize(base);
  stack_.insert(stack_.end(), params.begin(), params.end());
  call_generic(func_instance(), t, offset);
  llvm::BasicBlock* slow_end = b_.GetInsertBlock();
  b_.CreateBr(join);

  b_.SetInsertPoint(join);
  for (size_t i = 0; i < t.results.size(); ++i) {
    llvm::PHINode* phi = b_.CreatePHI(env_.type(t.results[i]), 2);
    phi->addIncoming(fast_results[i], fast_end);
    phi->addIncoming(stack_[base + i], slow_end);
    stack_[base + i] = phi;
  }
}

// With fuel, a call charges its callee's entry cost at the call (as the interpreter does), and a
// batch knows that cost for its own functions only: the callee's entry wrapper charges it through
// the runtime instead, as before step 3. Imports are never in the table.
bool FunctionTranslator::calls_through_table(uint32_t func_index) const {
  return env_.partial() && func_index >= wasm_.num_imported_funcs && fuel_counter_ == nullptr;
}

llvm::Value* FunctionTranslator::table_entry(uint32_t func_index) {
  llvm::Value* natives = ctx_field(env_.layout.ctx_natives, env_.ptr);
  return b_.CreateLoad(env_.ptr, b_.CreateConstInBoundsGEP1_64(
                                     env_.ptr, natives, func_index - wasm_.num_imported_funcs));
}

llvm::Value* FunctionTranslator::func_instance(uint32_t func_index) {
  llvm::Value* funcs = ctx_field(env_.layout.ctx_funcs, env_.ptr);
  return b_.CreateLoad(env_.ptr, b_.CreateConstInBoundsGEP1_64(env_.ptr, funcs, func_index));
}

void FunctionTranslator::call_through_table(uint32_t func_index, uint64_t offset) {
  llvm::Value* entry = nullptr;
  call_native_or_generic(
      wasm_.func_type_indices[func_index], offset,
      [&](llvm::BasicBlock* fast, llvm::BasicBlock* slow) {
        entry = table_entry(func_index);
        b_.CreateCondBr(b_.CreateIsNotNull(entry), fast, slow);
      },
      [&] { return entry; }, [&] { return func_instance(func_index); });
}

// A module with return_call has every function in `tailcc` (ModuleEnv::func_cc), whatever its
// batch, so the table's entry can be tail-called with `musttail` like a callee of the batch: a
// chain of tail calls between compiled batches runs in constant stack. Only a chain through an
// interpreted callee (a null entry) still grows it, a call through the runtime per crossing, as
// before (tiering keeps such modules whole, docs/tiering.md).
void FunctionTranslator::tail_call_through_table(uint32_t func_index, uint64_t offset) {
  const uint32_t type_index = wasm_.func_type_indices[func_index];
  const ir::FuncType& t = wasm_.types[type_index];
  llvm::Value* entry = table_entry(func_index);
  auto* fast = llvm::BasicBlock::Create(env_.context, "", fn_);
  auto* slow = llvm::BasicBlock::Create(env_.context, "", fn_);
  b_.CreateCondBr(b_.CreateIsNotNull(entry), fast, slow);
  const size_t base = stack_.size() - t.params.size();
  std::vector<llvm::Value*> args{ctx_};
  args.insert(args.end(), stack_.begin() + static_cast<ptrdiff_t>(base), stack_.end());

  b_.SetInsertPoint(fast);
  musttail_return(b_.CreateCall(env_.func_types[type_index], entry, args));

  b_.SetInsertPoint(slow);
  call_generic(func_instance(func_index), t, offset);
  return_results(t);
}

} // namespace wasmcap::llvm_tier

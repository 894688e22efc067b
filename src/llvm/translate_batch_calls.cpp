// Calls out of a batch of per-function tier-up (docs/tiering.md, "Per-function tier-up", item 7): a
// direct call or `return_call` to a function of this instance that the batch does not compile loads
// the callee's entry from the instance's table of native entries (JitContext::natives, filled by
// the host when a batch or the whole module switches in: native_table.h) and, when it is set, calls
// that machine code under this same context: one load and an indirect call, as within a module.
// A null entry (the callee still runs on the interpreter) takes the `call` helper, as before,
// through a stub per callee rather than inline at every call site, so a batch's IR grows little
// with its calls out. And the two-way call both this and call_found (a callee found at run time)
// make.
#include "llvm/translator.h"

namespace wasmcap::llvm_tier {

using ir::ValType;

namespace {

// "y<i>"(ctx, offset, params...) -> results: the call of function `func_index` through the
// runtime (`call` helper, arguments and results in slots), out of line. Called only from the
// slow path of a call out of the batch, which passes its wasm offset, so a trap or an exception
// from the callee names the caller's frame exactly as an inline call did. It is a frame of its
// own: the host marks it as a wrapper (JitFunction::call_stub), which backtraces skip.
llvm::Function* runtime_call_stub(ModuleEnv& env, uint32_t func_index) {
  auto [it, added] = env.runtime_stubs.try_emplace(func_index, nullptr);
  if (!added) return it->second;
  const ir::FuncType& t = env.wasm.func_type(func_index);
  std::vector<llvm::Type*> params{env.ptr, env.i64};
  for (ValType p : t.params)
    params.push_back(env.type(p));
  auto* type = llvm::FunctionType::get(env.result_type(t), params, false);
  auto* f = llvm::Function::Create(type, llvm::Function::ExternalLinkage,
                                   "y" + std::to_string(func_index), env.module);
  if (!env.exceptions) f->addFnAttr(llvm::Attribute::NoUnwind);
  f->setUWTableKind(llvm::UWTableKind::Async);
  f->addFnAttr(llvm::Attribute::NoInline); // inlined back, it would be the inline path again
  it->second = f;

  llvm::IRBuilder<> b(llvm::BasicBlock::Create(env.context, "", f));
  uint64_t params_slots = 0, results_slots = 0;
  for (ValType p : t.params)
    params_slots += slot_width(p);
  for (ValType r : t.results)
    results_slots += slot_width(r);
  auto* array = llvm::ArrayType::get(env.i64, std::max<uint64_t>({params_slots, results_slots, 1}));
  llvm::AllocaInst* slots = b.CreateAlloca(array);
  uint64_t at = 0;
  for (size_t i = 0; i < t.params.size(); ++i) {
    b.CreateAlignedStore(f->getArg(static_cast<unsigned>(i + 2)),
                         b.CreateConstInBoundsGEP2_64(array, slots, 0, at), llvm::Align(8));
    at += slot_width(t.params[i]);
  }
  llvm::Value* ctx = f->getArg(0);
  llvm::Value* funcs =
      b.CreateLoad(env.ptr, b.CreateConstInBoundsGEP1_64(env.i8, ctx, env.layout.ctx_funcs));
  llvm::Value* callee =
      b.CreateLoad(env.ptr, b.CreateConstInBoundsGEP1_64(env.ptr, funcs, func_index));
  b.CreateCall(env.call, {ctx, callee, slots, f->getArg(1)});
  std::vector<llvm::Value*> results;
  at = 0;
  for (ValType r : t.results) {
    results.push_back(b.CreateAlignedLoad(
        env.type(r), b.CreateConstInBoundsGEP2_64(array, slots, 0, at), llvm::Align(8)));
    at += slot_width(r);
  }
  if (results.empty()) {
    b.CreateRetVoid();
  } else if (results.size() == 1) {
    b.CreateRet(results[0]);
  } else {
    llvm::Value* agg = llvm::UndefValue::get(f->getReturnType());
    for (unsigned i = 0; i < results.size(); ++i)
      agg = b.CreateInsertValue(agg, results[i], {i});
    b.CreateRet(agg);
  }
  return f;
}

} // namespace

void FunctionTranslator::call_native_or_generic(
    uint32_t type_index,
    llvm::function_ref<void(llvm::BasicBlock* fast, llvm::BasicBlock* slow)> branch,
    llvm::function_ref<llvm::Value*()> native, llvm::function_ref<void()> slow_call) {
  const ir::FuncType& t = wasm_.types[type_index];
  auto* fast = llvm::BasicBlock::Create(env_.context, "", fn_);
  auto* slow = llvm::BasicBlock::Create(env_.context, "", fn_);
  auto* join = llvm::BasicBlock::Create(env_.context, "", fn_);
  branch(fast, slow);

  const size_t base = stack_.size() - t.params.size();
  std::vector<llvm::Value*> params(stack_.begin() + static_cast<ptrdiff_t>(base), stack_.end());
  b_.SetInsertPoint(fast);
  std::vector<llvm::Value*> args = wasm_call_args();
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
  slow_call();
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

void FunctionTranslator::call_runtime_stub(uint32_t func_index, uint64_t offset) {
  llvm::Function* stub = runtime_call_stub(env_, func_index);
  const ir::FuncType& t = wasm_.func_type(func_index);
  std::vector<llvm::Value*> args(t.params.size() + 2);
  args[0] = ctx_;
  args[1] = u64(offset);
  for (size_t i = t.params.size(); i > 0; --i)
    args[i + 1] = pop();
  llvm::CallBase* ret = may_throw(stub->getFunctionType(), stub, args);
  reload_memory();
  push_results(ret, t);
}

void FunctionTranslator::call_through_table(uint32_t func_index, uint64_t offset) {
  llvm::Value* entry = nullptr;
  call_native_or_generic(
      wasm_.func_type_indices[func_index],
      [&](llvm::BasicBlock* fast, llvm::BasicBlock* slow) {
        entry = table_entry(func_index);
        b_.CreateCondBr(b_.CreateIsNotNull(entry), fast, slow);
      },
      [&] { return entry; }, [&] { call_runtime_stub(func_index, offset); });
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
  std::vector<llvm::Value*> args = wasm_call_args(true);
  args.insert(args.end(), stack_.begin() + static_cast<ptrdiff_t>(base), stack_.end());

  b_.SetInsertPoint(fast);
  musttail_return(b_.CreateCall(env_.func_types[type_index], entry, args));

  b_.SetInsertPoint(slow);
  call_runtime_stub(func_index, offset);
  return_results(t);
}

} // namespace wasmcap::llvm_tier

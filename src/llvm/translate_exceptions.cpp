// Exception handling in compiled code (docs/llvm.md, "Exception handling"): throw, throw_ref,
// try_table and the legacy try/catch/catch_all/delegate/rethrow. Calls inside a try body are
// `invoke`s whose landing pad (one per try, `cleanup`: the host's personality routine runs every
// pad, exception_unwind.cpp) jumps to the try's dispatch, which compares the exception's tag with
// each clause in order, then goes on to the enclosing try's dispatch, and finally resumes the
// unwind out of the function. Code that does not throw runs the same instructions as without a
// try: the tables the unwinder reads are data beside the code.
#include "llvm/translator.h"

namespace wasmcap::llvm_tier {

using ir::Op;
using ir::ValType;

void ModuleEnv::enable_exceptions() {
  exceptions = true;
  // The call helper re-raises an exception its callee did not catch (helpers.cpp).
  llvm::cast<llvm::Function>(call.getCallee())->removeFnAttr(llvm::Attribute::NoUnwind);
  auto declare = [&](const char* name, std::vector<llvm::Type*> params) {
    return module.getOrInsertFunction(name, llvm::FunctionType::get(void_type, params, false));
  };
  throw_exception = declare("wasmcap_jit_throw", {ptr, i32, ptr, i64});
  throw_ref = declare("wasmcap_jit_throw_ref", {ptr, ptr, i64});
  for (llvm::FunctionCallee c : {throw_exception, throw_ref}) {
    auto* f = llvm::cast<llvm::Function>(c.getCallee());
    f->addFnAttr(llvm::Attribute::NoReturn);
    f->addFnAttr(llvm::Attribute::Cold);
  }
  catch_exception = declare("wasmcap_jit_catch", {ptr, ptr, ptr, i32});
  llvm::cast<llvm::Function>(catch_exception.getCallee())->addFnAttr(llvm::Attribute::NoUnwind);
  personality =
      llvm::Function::Create(llvm::FunctionType::get(i32, {}, true),
                             llvm::Function::ExternalLinkage, "wasmcap_jit_personality", module);
  for (uint32_t type_index : wasm.all_tags) {
    uint64_t n = 0;
    for (ValType p : wasm.types[type_index].params)
      n += slot_width(p);
    max_payload_slots = std::max(max_payload_slots, n);
  }
}

llvm::Value* FunctionTranslator::payload_slots() {
  if (payload_ == nullptr) {
    llvm::IRBuilder<> entry(&fn_->getEntryBlock(), fn_->getEntryBlock().begin());
    payload_ = entry.CreateAlloca(
        llvm::ArrayType::get(env_.i64, std::max<uint64_t>(env_.max_payload_slots, 1)));
  }
  return payload_;
}

llvm::BasicBlock* FunctionTranslator::dispatch_of(int scope) {
  EhScope& s = scopes_[static_cast<size_t>(scope)];
  if (s.dispatch == nullptr) s.dispatch = llvm::BasicBlock::Create(env_.context, "dispatch", fn_);
  return s.dispatch;
}

llvm::BasicBlock* FunctionTranslator::unwind_dest() {
  if (eh_ < 0 || in_tail_call_) return nullptr;
  EhScope& s = scopes_[static_cast<size_t>(eh_)];
  if (s.pad != nullptr) return s.pad;
  llvm::StructType* lp_type = llvm::StructType::get(env_.context, {env_.ptr, env_.i32});
  if (lp_slot_ == nullptr) {
    fn_->setPersonalityFn(env_.personality);
    llvm::IRBuilder<> entry(&fn_->getEntryBlock(), fn_->getEntryBlock().begin());
    lp_slot_ = entry.CreateAlloca(lp_type);
  }
  s.pad = llvm::BasicBlock::Create(env_.context, "pad", fn_);
  llvm::IRBuilder<> b(s.pad);
  llvm::LandingPadInst* lp = b.CreateLandingPad(lp_type, 0);
  lp->setCleanup(true);
  b.CreateStore(lp, lp_slot_);
  b.CreateBr(dispatch_of(eh_));
  return s.pad;
}

llvm::CallBase* FunctionTranslator::may_throw(llvm::FunctionType* type, llvm::Value* callee,
                                              llvm::ArrayRef<llvm::Value*> args) {
  llvm::BasicBlock* pad = unwind_dest();
  if (pad == nullptr) return b_.CreateCall(type, callee, args);
  auto* normal = llvm::BasicBlock::Create(env_.context, "", fn_);
  llvm::InvokeInst* invoke = b_.CreateInvoke(type, callee, normal, pad, args);
  b_.SetInsertPoint(normal);
  return invoke;
}

// The payload of `x` (a `tag`'s; -1: none, catch_all) as values, after the catch helper has
// released it or (keep) marked it an exnref.
std::vector<llvm::Value*> FunctionTranslator::catch_payload(llvm::Value* x, int64_t tag,
                                                            bool keep) {
  std::vector<llvm::Value*> values;
  const std::vector<ValType>* params = nullptr;
  if (tag >= 0) params = &wasm_.types[wasm_.all_tags[static_cast<size_t>(tag)]].params;
  llvm::Value* out = payload_slots();
  b_.CreateCall(env_.catch_exception, {ctx_, x, out, u32(keep ? 1 : 0)});
  reload_memory(); // the code that threw may have grown memory
  if (params == nullptr) return values;
  llvm::Type* array = payload_->getAllocatedType();
  uint64_t at = 0;
  for (ValType p : *params) {
    llvm::Value* slot = b_.CreateConstInBoundsGEP2_64(array, out, 0, at);
    values.push_back(b_.CreateAlignedLoad(env_.type(p), slot, llvm::Align(8)));
    at += slot_width(p);
  }
  return values;
}

// The scope's dispatch (when anything reaches it): the thrown exception's tag against each clause,
// in order; a match goes to the clause's label (try_table) or catch body (legacy try), none to the
// parent scope or out of the function.
void FunctionTranslator::fill_dispatch(int scope) {
  EhScope& s = scopes_[static_cast<size_t>(scope)];
  if (s.dispatch == nullptr) return;
  llvm::IRBuilderBase::InsertPointGuard guard(b_);
  b_.SetInsertPoint(s.dispatch);
  llvm::Value* lp = b_.CreateLoad(lp_slot_->getAllocatedType(), lp_slot_);
  llvm::Value* object = b_.CreateExtractValue(lp, {0});
  llvm::Value* x = b_.CreateLoad(
      env_.ptr, b_.CreateConstInBoundsGEP1_64(env_.i8, object, env_.layout.unwind_exception));
  llvm::Value* tag =
      b_.CreateLoad(env_.ptr, b_.CreateConstInBoundsGEP1_64(env_.i8, x, env_.layout.exception_tag));
  llvm::Value* tags = nullptr;
  for (const EhScope::Clause& clause : s.clauses) {
    auto* match = llvm::BasicBlock::Create(env_.context, "catch", fn_);
    llvm::BasicBlock* next = nullptr; // the compare's false edge: the next clause
    if (clause.tag >= 0) {
      if (tags == nullptr) tags = ctx_field(env_.layout.ctx_tags, env_.ptr);
      llvm::Value* mine =
          b_.CreateLoad(env_.ptr, b_.CreateConstInBoundsGEP1_64(env_.ptr, tags,
                                                                static_cast<uint64_t>(clause.tag)));
      next = llvm::BasicBlock::Create(env_.context, "", fn_);
      b_.CreateCondBr(b_.CreateICmpEQ(tag, mine), match, next);
    } else {
      b_.CreateBr(match);
    }
    b_.SetInsertPoint(match);
    if (clause.legacy != nullptr) {
      b_.CreateStore(x, controls_[s.control].exn_slot);
      b_.CreateBr(clause.legacy);
    } else {
      std::vector<llvm::Value*> values = catch_payload(x, clause.tag, clause.ref);
      if (clause.ref) values.push_back(x);
      stack_.insert(stack_.end(), values.begin(), values.end());
      Control& target = controls_[clause.target];
      add_incoming(target, b_.GetInsertBlock());
      b_.CreateBr(target.kind == Op::Loop ? target.header : target.cont);
      stack_.resize(stack_.size() - values.size());
    }
    if (next == nullptr) return; // catch_all: later clauses are never reached
    b_.SetInsertPoint(next);
  }
  if (s.parent >= 0) {
    b_.CreateBr(dispatch_of(s.parent));
  } else {
    b_.CreateResume(lp);
  }
}

void FunctionTranslator::close_scope(Control& c) {
  fill_dispatch(c.scope);
  eh_ = c.eh_outer;
}

void FunctionTranslator::open_try(const ir::Instr& instr) {
  // try_table's labels count from outside it: resolved before its own block is pushed.
  const size_t outside = controls_.size();
  open_block(instr);
  Control& c = controls_.back();
  if (!c.live_entry) return;
  has_try_ = true;
  EhScope s;
  s.parent = eh_;
  s.control = controls_.size() - 1;
  if (instr.op == Op::TryTable) {
    for (const ir::CatchClause& k : instr.catches) {
      EhScope::Clause clause;
      clause.tag = k.catches_all() ? -1 : static_cast<int64_t>(k.tag);
      clause.ref = k.with_ref();
      clause.target = outside - 1 - k.label;
      s.clauses.push_back(clause);
    }
  } else {
    llvm::IRBuilder<> entry(&fn_->getEntryBlock(), fn_->getEntryBlock().begin());
    c.exn_slot = entry.CreateAlloca(env_.ptr);
  }
  scopes_.push_back(std::move(s));
  c.scope = static_cast<int>(scopes_.size() - 1);
  eh_ = c.scope;
}

// `catch tag` / `catch_all` of a legacy try: ends the body (or the previous catch) and starts this
// catch's code, which the dispatch enters with the exception in the try's exn_slot.
void FunctionTranslator::legacy_catch(const ir::Instr& instr) {
  Control& c = controls_.back();
  if (!c.live_entry) return;
  if (!dead_) {
    add_incoming(c, b_.GetInsertBlock());
    b_.CreateBr(c.cont);
  }
  if (!c.in_catch) {
    // The catches are the last clauses: the body's scope is complete, the code of the catches
    // is in the enclosing one. The dispatch is filled at the try's end.
    c.in_catch = true;
    eh_ = c.eh_outer;
  }
  stack_.resize(c.height);
  EhScope& s = scopes_[static_cast<size_t>(c.scope)];
  if (s.dispatch == nullptr) { // nothing in the body can throw: the catch is dead code
    dead_ = true;
    return;
  }
  EhScope::Clause clause;
  clause.tag = instr.op == Op::Catch ? static_cast<int64_t>(instr.index) : -1;
  clause.legacy = llvm::BasicBlock::Create(env_.context, "legacy_catch", fn_);
  s.clauses.push_back(clause);
  b_.SetInsertPoint(clause.legacy);
  llvm::Value* x = b_.CreateLoad(env_.ptr, c.exn_slot);
  for (llvm::Value* v : catch_payload(x, clause.tag, true)) // kept for `rethrow`
    push(v);
  dead_ = false;
}

// `delegate label`: ends a try whose body's exceptions go to the handlers where `label` (counted
// from outside the try) is: that try's when it is a try_table or try still in its body, else
// those around that block.
void FunctionTranslator::delegate(const ir::Instr& instr) {
  Control& c = controls_.back();
  if (c.live_entry) {
    const Control& target = controls_[controls_.size() - 2 - instr.index];
    const bool own = target.kind == Op::TryTable || (target.kind == Op::Try && !target.in_catch);
    scopes_[static_cast<size_t>(c.scope)].parent = own ? target.scope : target.eh_outer;
    close_scope(c);
  }
  end_block();
}

void FunctionTranslator::end_try() {
  Control& c = controls_.back();
  if (c.live_entry) {
    if (c.in_catch) {
      fill_dispatch(c.scope); // eh_ is already the enclosing scope
    } else {
      close_scope(c);
    }
  }
  end_block();
}

void FunctionTranslator::throw_exception(const ir::Instr& instr) {
  const ir::FuncType& t = wasm_.types[wasm_.all_tags[instr.index]];
  llvm::Value* out = payload_slots();
  llvm::Type* array = payload_->getAllocatedType();
  std::vector<uint64_t> at;
  uint64_t n = 0;
  for (ValType p : t.params) {
    at.push_back(n);
    n += slot_width(p);
  }
  for (size_t i = t.params.size(); i > 0; --i)
    b_.CreateAlignedStore(pop(), b_.CreateConstInBoundsGEP2_64(array, out, 0, at[i - 1]),
                          llvm::Align(8));
  may_throw(env_.throw_exception, {ctx_, u32(instr.index), out, u64(instr.offset)});
  b_.CreateUnreachable();
  dead_ = true;
}

support::Status FunctionTranslator::exceptions(const ir::Instr& instr) {
  switch (instr.op) {
  case Op::TryTable:
  case Op::Try: open_try(instr); break;
  case Op::Catch:
  case Op::CatchAll: legacy_catch(instr); break;
  case Op::Delegate: delegate(instr); break;
  case Op::Throw: throw_exception(instr); break;
  case Op::ThrowRef:
    may_throw(env_.throw_ref, {ctx_, pop(), u64(instr.offset)});
    b_.CreateUnreachable();
    dead_ = true;
    break;
  case Op::Rethrow: {
    const Control& c = controls_[controls_.size() - 1 - instr.index];
    may_throw(env_.throw_ref, {ctx_, b_.CreateLoad(env_.ptr, c.exn_slot), u64(instr.offset)});
    b_.CreateUnreachable();
    dead_ = true;
    break;
  }
  default: break;
  }
  return support::ok();
}

} // namespace wasmcap::llvm_tier

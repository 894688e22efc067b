// Typed function references in compiled code (WebAssembly 3.0; docs/gc.md): call_ref, which
// calls like call_indirect once the reference is known non-null (validation proved its type, so
// no signature check), ref.as_non_null, and the null-testing branches br_on_null and
// br_on_non_null. A reference is one pointer in every tier (a FuncInstance*, or null).
#include "llvm/translator.h"

namespace wasmcap::llvm_tier {

using ir::Op;

support::Status FunctionTranslator::typed_reference(const ir::Instr& instr) {
  switch (instr.op) {
  case Op::CallRef: {
    llvm::Value* f = pop();
    trap_if(b_.CreateIsNull(f), TrapCode::NullFunctionReference, instr.offset);
    call_found(f, instr.index, instr.offset);
    break;
  }
  case Op::RefAsNonNull:
    trap_if(b_.CreateIsNull(stack_.back()), TrapCode::NullReference, instr.offset);
    break;
  case Op::BrOnNull: {
    // The label takes the values below the reference; the fall-through keeps the reference.
    llvm::Value* ref = pop();
    Control& c = controls_[controls_.size() - 1 - instr.index];
    add_incoming(c, b_.GetInsertBlock());
    auto* next = llvm::BasicBlock::Create(env_.context, "", fn_);
    b_.CreateCondBr(b_.CreateIsNull(ref), c.kind == Op::Loop ? c.header : c.cont, next);
    b_.SetInsertPoint(next);
    push(ref);
    break;
  }
  case Op::BrOnNonNull: {
    // The label takes the reference too; the fall-through drops it (it was null).
    llvm::Value* ref = stack_.back();
    Control& c = controls_[controls_.size() - 1 - instr.index];
    add_incoming(c, b_.GetInsertBlock());
    auto* next = llvm::BasicBlock::Create(env_.context, "", fn_);
    b_.CreateCondBr(b_.CreateIsNotNull(ref), c.kind == Op::Loop ? c.header : c.cont, next);
    b_.SetInsertPoint(next);
    pop();
    break;
  }
  default: break;
  }
  return support::ok();
}

} // namespace wasmcap::llvm_tier

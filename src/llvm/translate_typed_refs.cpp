// Typed function references in compiled code (WebAssembly 3.0; docs/gc.md): call_ref, which
// calls like call_indirect once the reference is known non-null (validation proved its type, so
// no signature check), ref.as_non_null, and the null-testing branches br_on_null and
// br_on_non_null. And GC's instructions that need no heap: i31 (the value tagged in the
// reference, runtime/gc_ref.h), ref.eq, and the reference tests through the ref_test helper.
// A reference is one pointer in every tier (a FuncInstance*, an i31's bits, or null).
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
  case Op::RefEq: {
    llvm::Value* b = pop();
    llvm::Value* a = pop();
    push(bool_to_i32(b_.CreateICmpEQ(a, b)));
    break;
  }
  case Op::RefI31: { // (v << 1) | 1, the low 31 bits of v
    llvm::Value* v = b_.CreateZExt(pop(), env_.i64);
    llvm::Value* bits = b_.CreateOr(b_.CreateShl(b_.CreateAnd(v, u64(0x7FFF'FFFF)), 1), u64(1));
    push(b_.CreateIntToPtr(bits, env_.ptr));
    break;
  }
  case Op::I31GetS:
  case Op::I31GetU: {
    llvm::Value* ref = pop();
    trap_if(b_.CreateIsNull(ref), TrapCode::NullI31Reference, instr.offset);
    llvm::Value* low = b_.CreateTrunc(b_.CreatePtrToInt(ref, env_.i64), env_.i32);
    push(instr.op == Op::I31GetS ? b_.CreateAShr(low, 1) : b_.CreateLShr(low, 1));
    break;
  }
  case Op::RefTest:
  case Op::RefTestNull: push(ref_matches(pop(), instr.type)); break;
  case Op::RefCast:
  case Op::RefCastNull: {
    llvm::Value* ok = ref_matches(stack_.back(), instr.type);
    trap_if(b_.CreateICmpEQ(ok, u32(0)), TrapCode::CastFailure, instr.offset);
    break;
  }
  case Op::BrOnCast:
  case Op::BrOnCastFail: {
    // The label takes the reference either way (its value is unchanged, its type narrowed).
    llvm::Value* ok = b_.CreateICmpNE(ref_matches(stack_.back(), instr.type2), u32(0));
    Control& c = controls_[controls_.size() - 1 - instr.index];
    add_incoming(c, b_.GetInsertBlock());
    auto* next = llvm::BasicBlock::Create(env_.context, "", fn_);
    llvm::BasicBlock* target = c.kind == Op::Loop ? c.header : c.cont;
    if (instr.op == Op::BrOnCast) {
      b_.CreateCondBr(ok, target, next);
    } else {
      b_.CreateCondBr(ok, next, target);
    }
    b_.SetInsertPoint(next);
    break;
  }
  default: return gc_heap(instr); // struct.*, array.*, the conversions (translate_gc.cpp)
  }
  return support::ok();
}

// 1 (i32) when `ref` is of type `target`: the runtime's test. A type index stays the module's:
// canonical ids belong to the process that made them (the host turns the index into its id).
llvm::Value* FunctionTranslator::ref_matches(llvm::Value* ref, ir::ValType target) {
  return b_.CreateCall(env_.ref_test, {ctx_, ref, u32(target.bits())});
}

} // namespace wasmcap::llvm_tier

// GC's heap instructions in compiled code (docs/gc.md): struct.*, array.* and the extern/any
// conversions. The conversions are inline (they flip the reference's host-in-any bit,
// runtime/gc_ref.h), and so are field and element reads and writes and array.len: the heap's
// base from the store (JitContext::gc_base), the object at base + reference, the field at the
// offset the interpreter uses (runtime/gc_layout.h). A null reference or an index out of bounds
// branches to a cold call of the `gc` helper with the same operands, which traps with the
// interpreter's message. Allocation and the bulk instructions are one call of the helper each,
// operands in a slots buffer of the frame and the result read back from slot 0; the helper runs
// the interpreter's rules (runtime/gc_ops.h). A store into a reference field first reads the
// store's marking flag (JitContext::gc_marking): while the collector marks, the store goes
// through the helper instead, which runs the write barrier (runtime/gc_heap.h), so the inline
// path costs a load and a branch. An allocation is a safepoint: the frame's live references go
// to its shadow-stack slots first (translate_gc_roots.cpp), and the helper roots the references
// among its operands while it allocates.
#include "runtime/gc_layout.h"
#include "llvm/translator.h"

namespace wasmcap::llvm_tier {

using ir::Op;
using ir::ValType;

namespace {
ValType unpacked(const ir::FieldType& f) {
  return f.packed == ir::Packed::None ? f.type : ValType::I32;
}
} // namespace

// A buffer of at least `n` slots in the frame (one per function, grown to the largest use).
llvm::Value* FunctionTranslator::gc_slots(uint64_t n) {
  n = std::max<uint64_t>(n, 1);
  if (gc_slots_ == nullptr) {
    llvm::IRBuilder<> entry(&fn_->getEntryBlock(), fn_->getEntryBlock().begin());
    gc_slots_ = entry.CreateAlloca(env_.i64, u32(n));
    gc_slots_->setAlignment(llvm::Align(16));
    gc_slots_size_ = n;
  } else if (n > gc_slots_size_) {
    gc_slots_->setOperand(0, u32(n));
    gc_slots_size_ = n;
  }
  return gc_slots_;
}

support::Status FunctionTranslator::gc_heap(const ir::Instr& instr) {
  if (instr.op == Op::AnyConvertExtern || instr.op == Op::ExternConvertAny) {
    llvm::Value* ref = pop();
    llvm::Value* flipped = b_.CreateIntToPtr(
        b_.CreateXor(b_.CreatePtrToInt(ref, env_.i64), u64(uint64_t{1} << 63)), env_.ptr);
    push(b_.CreateSelect(b_.CreateIsNull(ref), ref, flipped));
    return support::ok();
  }
  const ValType ref = ValType::ref(ir::HeapKind::Any, true);
  std::vector<ValType> params; // bottom first
  std::optional<ValType> result;
  const ir::SubType* t = instr.op == Op::ArrayLen ? nullptr : &wasm_.subtypes.at(instr.index);
  switch (instr.op) {
  case Op::StructNew:
    for (const ir::FieldType& f : t->fields)
      params.push_back(unpacked(f));
    result = ref;
    break;
  case Op::StructNewDefault: result = ref; break;
  case Op::StructGet:
  case Op::StructGetS:
  case Op::StructGetU:
    params = {ref};
    result = unpacked(t->fields.at(instr.index2));
    break;
  case Op::StructSet: params = {ref, unpacked(t->fields.at(instr.index2))}; break;
  case Op::ArrayNew:
    params = {unpacked(t->fields.at(0)), ValType::I32};
    result = ref;
    break;
  case Op::ArrayNewDefault:
    params = {ValType::I32};
    result = ref;
    break;
  case Op::ArrayNewFixed:
    params.assign(instr.index2, unpacked(t->fields.at(0)));
    result = ref;
    break;
  case Op::ArrayNewData:
  case Op::ArrayNewElem:
    params = {ValType::I32, ValType::I32};
    result = ref;
    break;
  case Op::ArrayGet:
  case Op::ArrayGetS:
  case Op::ArrayGetU:
    params = {ref, ValType::I32};
    result = unpacked(t->fields.at(0));
    break;
  case Op::ArraySet: params = {ref, ValType::I32, unpacked(t->fields.at(0))}; break;
  case Op::ArrayLen:
    params = {ref};
    result = ValType::I32;
    break;
  case Op::ArrayFill: params = {ref, ValType::I32, unpacked(t->fields.at(0)), ValType::I32}; break;
  case Op::ArrayCopy: params = {ref, ValType::I32, ref, ValType::I32, ValType::I32}; break;
  case Op::ArrayInitData:
  case Op::ArrayInitElem: params = {ref, ValType::I32, ValType::I32, ValType::I32}; break;
  default: return unsupported(std::string("instruction ") + ir::op_text(instr.op));
  }
  switch (instr.op) {
  case Op::StructGet:
  case Op::StructGetS:
  case Op::StructGetU:
  case Op::StructSet:
  case Op::ArrayGet:
  case Op::ArrayGetS:
  case Op::ArrayGetU:
  case Op::ArraySet:
  case Op::ArrayLen: gc_inline(instr, params, result); return support::ok();
  default: break;
  }
  uint64_t width = 0;
  for (ValType p : params)
    width += slot_width(p);
  llvm::Value* slots = gc_slots(std::max<uint64_t>(width, result ? slot_width(*result) : 1));
  uint64_t at = width;
  for (size_t i = params.size(); i-- > 0;) {
    at -= slot_width(params[i]);
    b_.CreateAlignedStore(pop(), b_.CreateConstInBoundsGEP1_64(env_.i64, slots, at),
                          llvm::Align(8));
  }
  if (result)
    root_live_values(stack_.size()); // an allocation may collect (its operands: the
                                     // helper roots them)
  b_.CreateCall(env_.gc, {ctx_, u32(static_cast<uint32_t>(instr.op)), u32(instr.index),
                          u32(instr.index2), slots, u64(instr.offset)});
  if (result) push(b_.CreateAlignedLoad(env_.type(*result), slots, llvm::Align(8)));
  return support::ok();
}

// The helper call with operands `ops` (bottom first, of types `params`), for the cold path of an
// inline access: the helper traps (null reference, index out of bounds), so nothing follows.
void FunctionTranslator::gc_trap_through_helper(const ir::Instr& instr,
                                                std::span<const ValType> params,
                                                std::span<llvm::Value* const> ops) {
  gc_call_helper(instr, params, ops);
  b_.CreateUnreachable();
}

// The helper call with operands `ops` (bottom first), which does the instruction.
void FunctionTranslator::gc_call_helper(const ir::Instr& instr, std::span<const ValType> params,
                                        std::span<llvm::Value* const> ops) {
  uint64_t width = 0;
  for (ValType p : params)
    width += slot_width(p);
  llvm::Value* slots = gc_slots(width);
  uint64_t at = 0;
  for (size_t i = 0; i < params.size(); ++i) {
    b_.CreateAlignedStore(ops[i], b_.CreateConstInBoundsGEP1_64(env_.i64, slots, at),
                          llvm::Align(8));
    at += slot_width(params[i]);
  }
  b_.CreateCall(env_.gc, {ctx_, u32(static_cast<uint32_t>(instr.op)), u32(instr.index),
                          u32(instr.index2), slots, u64(instr.offset)});
}

// struct.get(_s/_u), struct.set, array.get(_s/_u), array.set and array.len in line.
void FunctionTranslator::gc_inline(const ir::Instr& instr, std::span<const ValType> params,
                                   std::optional<ValType> result) {
  std::vector<llvm::Value*> ops(params.size());
  for (size_t i = params.size(); i-- > 0;)
    ops[i] = pop();
  const bool is_struct = instr.op == Op::StructGet || instr.op == Op::StructGetS ||
                         instr.op == Op::StructGetU || instr.op == Op::StructSet;
  const bool set = instr.op == Op::StructSet || instr.op == Op::ArraySet;
  llvm::Value* ref = ops[0];
  auto* slow = llvm::BasicBlock::Create(env_.context, "gc_trap", fn_);
  auto* fast = llvm::BasicBlock::Create(env_.context, "", fn_);
  b_.CreateCondBr(b_.CreateIsNull(ref), slow, fast, env_.cold_weights);
  b_.SetInsertPoint(fast);
  llvm::Value* base = b_.CreateLoad(env_.ptr, ctx_field(env_.layout.ctx_gc_base, env_.ptr));
  llvm::Value* object =
      b_.CreateInBoundsGEP(env_.i8, base, b_.CreatePtrToInt(ref, env_.i64), "gc_object");
  llvm::Value* at = nullptr; // the field or element
  const ir::FieldType* field = nullptr;
  if (!is_struct) {
    llvm::Value* length = b_.CreateAlignedLoad(
        env_.i32, b_.CreateConstInBoundsGEP1_64(env_.i8, object, 4), llvm::Align(4));
    if (instr.op == Op::ArrayLen) {
      push(length);
      llvm::BasicBlock* done = b_.GetInsertBlock();
      b_.SetInsertPoint(slow);
      gc_trap_through_helper(instr, params, ops);
      b_.SetInsertPoint(done);
      return;
    }
    field = &wasm_.subtypes[instr.index].fields[0];
    auto* in_bounds = llvm::BasicBlock::Create(env_.context, "", fn_);
    b_.CreateCondBr(b_.CreateICmpUGE(ops[1], length), slow, in_bounds, env_.cold_weights);
    b_.SetInsertPoint(in_bounds);
    const uint32_t shift = runtime::gc_access(*field, false) & 7;
    llvm::Value* index = b_.CreateShl(b_.CreateZExt(ops[1], env_.i64), shift);
    at = b_.CreateInBoundsGEP(env_.i8, object, b_.CreateAdd(index, u64(runtime::kGcHeaderBytes)));
  } else {
    const ir::SubType& t = wasm_.subtypes[instr.index];
    field = &t.fields[instr.index2];
    const runtime::GcStructLayout layout = runtime::gc_struct_layout(t.fields);
    at = b_.CreateConstInBoundsGEP1_64(env_.i8, object, layout.offsets[instr.index2]);
  }
  const uint32_t size = runtime::gc_field_size(*field);
  const llvm::Align align(size > 8 ? 8 : size);
  if (set) {
    llvm::BasicBlock* join = nullptr;
    if (runtime::gc_traced(*field)) { // the write barrier's check (top of this file)
      llvm::Value* flag = ctx_field(env_.layout.ctx_gc_marking, env_.ptr);
      llvm::Value* marking = b_.CreateIsNotNull(b_.CreateLoad(env_.i8, flag));
      auto* barrier = llvm::BasicBlock::Create(env_.context, "gc_barrier", fn_);
      auto* store = llvm::BasicBlock::Create(env_.context, "", fn_);
      join = llvm::BasicBlock::Create(env_.context, "", fn_);
      b_.CreateCondBr(marking, barrier, store, env_.cold_weights);
      b_.SetInsertPoint(barrier);
      gc_call_helper(instr, params, ops);
      b_.CreateBr(join);
      b_.SetInsertPoint(store);
    }
    llvm::Value* value = ops.back();
    if (field->packed != ir::Packed::None)
      value = b_.CreateTrunc(value, field->packed == ir::Packed::I8 ? env_.i8 : b_.getInt16Ty());
    b_.CreateAlignedStore(value, at, align);
    if (join != nullptr) {
      b_.CreateBr(join);
      b_.SetInsertPoint(join);
    }
  } else if (field->packed != ir::Packed::None) {
    llvm::Value* narrow = b_.CreateAlignedLoad(
        field->packed == ir::Packed::I8 ? env_.i8 : b_.getInt16Ty(), at, align);
    const bool sign = instr.op == Op::StructGetS || instr.op == Op::ArrayGetS;
    push(sign ? b_.CreateSExt(narrow, env_.i32) : b_.CreateZExt(narrow, env_.i32));
  } else {
    push(b_.CreateAlignedLoad(env_.type(*result), at, align));
  }
  llvm::BasicBlock* done = b_.GetInsertBlock();
  b_.SetInsertPoint(slow);
  gc_trap_through_helper(instr, params, ops);
  b_.SetInsertPoint(done);
}

} // namespace wasmcap::llvm_tier

// GC's heap instructions in compiled code (docs/gc.md, slice 3a): struct.*, array.* and the
// extern/any conversions. The conversions are inline (they flip the reference's host-in-any
// bit, runtime/gc_ref.h); every other instruction is one call of the `gc` helper, its operands
// in a slots buffer of the frame and its result read back from slot 0. The helper runs the
// same rules as the interpreter (runtime/gc_ops.h). Objects are found by the collector through
// the native stack (scanned conservatively: the buffer and the frame's spilled values are on
// it), so compiled code needs no stack maps yet; inline fast paths for field access and
// allocation are the next step.
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
  b_.CreateCall(env_.gc, {ctx_, u32(static_cast<uint32_t>(instr.op)), u32(instr.index),
                          u32(instr.index2), slots, u64(instr.offset)});
  if (result) push(b_.CreateAlignedLoad(env_.type(*result), slots, llvm::Align(8)));
  return support::ok();
}

} // namespace wasmcap::llvm_tier

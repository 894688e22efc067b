// Lowering of the WebAssembly 3.0 instructions that need more than lower_generic: tail calls
// (return_call, return_call_indirect: the dispatch reuses the frame, return_call_dispatch.inc)
// and memory instructions naming a memory other than 0 (multiple memories).
#include "interp/lower.h"

namespace wasmcap::interp {

using ir::Op;

// The arguments are the top operands, already in their own slots (before() materialized every
// pending operand, as for calls); the handler moves them down to the frame's base.
void Lowering::lower_return_call(const ir::Instr& in, size_t h) {
  const bool indirect = in.op == Op::ReturnCallIndirect;
  const ir::FuncType* type = nullptr;
  if (!indirect && in.index < module_.func_type_indices.size()) type = &module_.func_type(in.index);
  if (indirect && in.index < module_.types.size()) type = &module_.types[in.index];
  if (type == nullptr) return; // invalid: rejected next
  const size_t np = type->params.size() + (indirect ? 1 : 0);
  if (h < np) return;
  narrow_table64(in, h);
  op(iop(in.op), in.offset);
  if (indirect) {
    word(in.index);
    word(in.index2);
    word(slot(h - np));
    word(slot(h - 1));
  } else {
    word(in.index);
    word(slot(h - np));
  }
  word(slots_of(type->params));
}

// Memory 0 lives in the dispatch's registers; another memory is switched in for one instruction.
void Lowering::lower_memory_op(const ir::Instr& in, size_t h) {
  if (lower_memory64_op(in, h)) return;
  const ir::Imm imm = ir::op_info(in.op).imm;
  const bool names_memory = imm == ir::Imm::MemArg || imm == ir::Imm::MemArgLane ||
                            imm == ir::Imm::Memory || imm == ir::Imm::MemoryInit ||
                            imm == ir::Imm::MemoryCopy;
  if (!names_memory || (in.mem.memory == 0 && (imm != ir::Imm::MemoryCopy || in.index2 == 0))) {
    lower_generic(in, h);
    return;
  }
  if (h < 3 && (imm == ir::Imm::MemoryCopy)) return; // invalid: rejected next
  if (imm == ir::Imm::MemoryCopy && in.mem.memory != in.index2) {
    for (size_t i = h - 3; i < h; ++i) {
      if (pend_[i].kind == Pending::Const) materialize(i, in.offset);
    }
    op(IOp::MemoryCopyBetween, in.offset);
    word(src(h - 3));
    word(src(h - 2));
    word(src(h - 1));
    word(in.mem.memory);
    word(in.index2);
    last_.valid = false;
    return;
  }
  op(IOp::UseMemory, in.offset);
  word(in.mem.memory);
  lower_generic(in, h);
  op(IOp::UseMemory, in.offset);
  word(0);
  // The op is no longer the last code: nothing may take it back or redirect its result.
  last_.valid = false;
}

} // namespace wasmcap::interp

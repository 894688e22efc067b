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
  const bool by_ref = in.op == Op::ReturnCallRef; // the function reference is on top
  const ir::FuncType* type = nullptr;
  if (in.op == Op::ReturnCall && in.index < module_.func_type_indices.size())
    type = &module_.func_type(in.index);
  if ((indirect || by_ref) && in.index < module_.types.size()) type = &module_.types[in.index];
  if (type == nullptr) return; // invalid: rejected next
  const size_t np = type->params.size() + (indirect || by_ref ? 1 : 0);
  if (h < np) return;
  narrow_table64(in, h);
  op(iop(in.op), in.offset);
  if (by_ref) {
    word(in.index);
    word(slot(h - np));
    word(slot(h - 1));
  } else if (indirect) {
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

// br_on_null, br_on_non_null, br_on_cast and br_on_cast_fail: a test of the reference on top
// (its null test, or a RefTest of the cast's target) goes to the slot above the operands (the
// frame grows by it), then a branch on it as br_if does. br_on_null branches with the values
// below the reference; the others with the reference too (its slot is unchanged).
void Lowering::lower_br_on_null(const ir::Instr& in, size_t h,
                                const validate::FunctionValidator& v) {
  const uint32_t scratch = slot(h);
  op(IOp::RefIsNull, in.offset);
  word(scratch);
  word(src(h - 1));
  const bool on_null = in.op == Op::BrOnNull;
  branch_on(in, test_slot(scratch), on_null, on_null ? h - 1 : h, v);
}

void Lowering::lower_br_on_cast(const ir::Instr& in, size_t h,
                                const validate::FunctionValidator& v) {
  const uint32_t scratch = slot(h);
  op(IOp::RefTest, in.offset);
  word(scratch);
  word(src(h - 1));
  ref_target(in.type2);
  branch_on(in, test_slot(scratch), in.op == Op::BrOnCast, h, v);
}

// The condition of a test written to `scratch`, the slot above the operands (the frame grows
// by it).
Lowering::Cond Lowering::test_slot(uint32_t scratch) {
  if (scratch + 1 > out_.frame_slots) out_.frame_slots = scratch + 1;
  Cond cond;
  cond.words.push_back(scratch);
  return cond;
}

// Branches to in.index's label with `carried` operands when `cond` is `when` (br_if, the
// br_on_* instructions): a jump straight to the label when no value moves, else a jump over
// the branch's copies.
void Lowering::branch_on(const ir::Instr& in, const Cond& cond, bool when, size_t carried,
                         const validate::FunctionValidator& v) {
  if (plain_branch(in.index, carried, v)) {
    const uint32_t at = cond_jump(cond, when, in.offset);
    Ctrl& c = ctrls_[ctrls_.size() - 1 - in.index];
    if (c.op == Op::Loop) {
      patch(at, c.loop_start);
    } else {
      c.end_fixups.push_back(at);
    }
  } else {
    const uint32_t skip = cond_jump(cond, !when, in.offset);
    branch(in.index, carried, v, in.offset);
    patch(skip, pos());
  }
}

void Lowering::ref_target(ir::ValType t) {
  word(t.bits());
  word(t.is_concrete() && t.index() < module_.canonical.size() ? module_.canonical[t.index()] : 0);
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

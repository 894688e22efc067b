// Lowering of instructions on 64-bit memories and tables (memory64/table64, WebAssembly 3.0).
// The i32 forms stay as they are (no runtime test of the address type on their hot path):
// - a load or store on an i64 memory is `Mem64Window` (64-bit address + offset, bounds, and
//   the mem registers pointed at the effective address) + the plain op with offset 0 +
//   `UseMemory [0]`, so every load/store handler (SIMD and lanes too) serves both kinds;
// - memory.size/grow/fill/init/copy touching an i64 memory have their own 64-bit ops;
// - table ops and call_indirect on an i64 table clamp the i64 indices to u32 in place first
//   (`Sat32`), and table.grow's i32 result is sign-extended back to i64 (-1 stays -1).
#include "interp/lower.h"

namespace wasmcap::interp {

using ir::Op;

bool Lowering::memory64(uint32_t index) const {
  return index < module_.all_memories.size() && module_.all_memories[index].address64;
}

bool Lowering::table64(uint32_t index) const {
  return index < module_.all_tables.size() && module_.all_tables[index].address64;
}

bool Lowering::lower_memory64_op(const ir::Instr& in, size_t h) {
  const ir::OpInfo& info = ir::op_info(in.op);
  bool wide = false;
  switch (info.imm) {
  case ir::Imm::MemArg:
  case ir::Imm::MemArgLane:
  case ir::Imm::Memory:
  case ir::Imm::MemoryInit: wide = memory64(in.mem.memory); break;
  case ir::Imm::MemoryCopy: wide = memory64(in.mem.memory) || memory64(in.index2); break;
  default: break;
  }
  if (!wide) return false;
  const size_t np = ir::sig_types(info.sig).params.size();
  if (h < np) return true; // invalid: rejected next
  for (size_t i = h - np; i < h; ++i) {
    if (pend_[i].kind == Pending::Const) materialize(i, in.offset);
  }
  // Nothing emitted before may be taken back into these ops (the fusions assume i32 forms).
  prev_.valid = false;
  switch (in.op) {
  case Op::MemorySize:
    op(IOp::MemorySize64, in.offset);
    word(slot(h));
    word(in.mem.memory);
    break;
  case Op::MemoryGrow:
    op(IOp::MemoryGrow64, in.offset);
    word(slot(h - 1));
    word(src(h - 1));
    word(in.mem.memory);
    break;
  case Op::MemoryFill:
    op(IOp::MemoryFill64, in.offset);
    word(src(h - 3));
    word(src(h - 2));
    word(src(h - 1));
    word(in.mem.memory);
    break;
  case Op::MemoryInit:
    op(IOp::MemoryInit64, in.offset);
    word(src(h - 3));
    word(src(h - 2));
    word(src(h - 1));
    word(in.index);
    word(in.mem.memory);
    break;
  case Op::MemoryCopy:
    op(IOp::MemoryCopy64, in.offset);
    word(src(h - 3));
    word(src(h - 2));
    word(src(h - 1));
    word(in.mem.memory);
    word(in.index2);
    word((memory64(in.mem.memory) ? 1u : 0u) | (memory64(in.index2) ? 2u : 0u));
    break;
  default: { // loads and stores: the address is the first operand
    op(IOp::Mem64Window, in.offset);
    word(in.mem.memory);
    word(src(h - np));
    word(static_cast<uint32_t>(in.mem.offset));
    word(static_cast<uint32_t>(in.mem.offset >> 32));
    last_.valid = false;
    ir::Instr plain = in;
    plain.mem.offset = 0; // applied by the window
    lower_generic(plain, h);
    op(IOp::UseMemory, in.offset);
    word(0);
    break;
  }
  }
  // No later instruction may take these ops back or redirect their results.
  last_.valid = false;
  return true;
}

// Table operands are in their own slots here (before() materializes the operands of special
// ops and calls), so clamping them in place changes no local.
void Lowering::narrow_table64(const ir::Instr& in, size_t h) {
  auto sat = [&](size_t depth) {
    if (h < depth) return; // invalid: rejected next
    op(IOp::Sat32, in.offset);
    word(slot(h - depth));
  };
  switch (in.op) {
  case Op::TableGet:
  case Op::TableGrow:
    if (table64(in.index)) sat(1);
    break;
  case Op::TableSet:
    if (table64(in.index)) sat(2);
    break;
  case Op::TableFill:
    if (table64(in.index)) {
      sat(3);
      sat(1);
    }
    break;
  case Op::TableCopy: // index = destination, index2 = source; the length is i64 if both are
    if (table64(in.index)) sat(3);
    if (table64(in.index2)) sat(2);
    if (table64(in.index) && table64(in.index2)) sat(1);
    break;
  case Op::TableInit:
    if (table64(in.index2)) sat(3);
    break;
  case Op::CallIndirect:
  case Op::ReturnCallIndirect:
    if (table64(in.index2)) sat(1);
    break;
  default: break;
  }
}

void Lowering::widen_table64_result(const ir::Instr& in, size_t h) {
  if (in.op != Op::TableGrow || !table64(in.index) || h < 2) return;
  // The i32 result of the grow handler (old size or -1), sign-extended in place.
  op(iop(Op::I64ExtendI32S), in.offset);
  word(slot(h - 2));
  word(slot(h - 2));
}

} // namespace wasmcap::interp

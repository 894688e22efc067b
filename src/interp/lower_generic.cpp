// Lowering of the ops whose stack signature is in the opcode table ([result slot, param
// slots..., immediates]: numeric and memory ops), and their fusion with the op just emitted:
// constant operands become immediates, a compare feeding a branch becomes one compare-and-branch,
// and an op whose operand was computed just before can take that computation inside (a fused
// form). Part of Lowering (lower.h); the rest of the rules are in lower.cpp.
#include "interp/lower.h"

namespace wasmcap::interp {

using ir::Op;

namespace {
// A `NAMELoad` op (WASMCAP_LOAD_BINOPS): it reads memory, so it can trap.
bool is_load_operand_form(IOp op) {
  switch (op) {
#define WASMCAP_LOAD_BINOP_CASE(name, ld) case IOp::name##Load:
    WASMCAP_LOAD_BINOPS(WASMCAP_LOAD_BINOP_CASE)
#undef WASMCAP_LOAD_BINOP_CASE
    return true;
  default: return false;
  }
}
// `b op a` as an op on (a, b): commutative ops are themselves, order comparisons flip; else
// IOp::Count. Lets a constant first operand become the immediate too.
IOp swapped(IOp op) {
  switch (op) {
  case IOp::I32Add:
  case IOp::I32Mul:
  case IOp::I32And:
  case IOp::I32Or:
  case IOp::I32Xor:
  case IOp::I32Eq:
  case IOp::I32Ne:
  case IOp::F32Add:
  case IOp::F32Mul:
  case IOp::F64Add:
  case IOp::F64Mul:
  case IOp::I64Add:
  case IOp::I64Mul:
  case IOp::I64And:
  case IOp::I64Or:
  case IOp::I64Xor:
  case IOp::I64Eq:
  case IOp::I64Ne: return op;
  case IOp::I32LtS: return IOp::I32GtS;
  case IOp::I32LtU: return IOp::I32GtU;
  case IOp::I32GtS: return IOp::I32LtS;
  case IOp::I32GtU: return IOp::I32LtU;
  case IOp::I32LeS: return IOp::I32GeS;
  case IOp::I32LeU: return IOp::I32GeU;
  case IOp::I32GeS: return IOp::I32LeS;
  case IOp::I32GeU: return IOp::I32LeU;
  case IOp::I64LtS: return IOp::I64GtS;
  case IOp::I64LtU: return IOp::I64GtU;
  case IOp::I64GtS: return IOp::I64LtS;
  case IOp::I64GtU: return IOp::I64LtU;
  case IOp::I64LeS: return IOp::I64GeS;
  case IOp::I64LeU: return IOp::I64GeU;
  case IOp::I64GeS: return IOp::I64LeS;
  case IOp::I64GeU: return IOp::I64LeU;
  default: return IOp::Count;
  }
}
// An op on integers (its first parameter is i32 or i64): commuting its operands never changes
// the result bits.
bool is_integer_op(IOp op) {
  auto o = static_cast<uint32_t>(op);
  if (o >= ir::kOpCount) return false;
  ir::SigTypes sig = ir::sig_types(ir::op_info(static_cast<Op>(o)).sig);
  return !sig.params.empty() &&
         (sig.params[0] == ir::ValType::I32 || sig.params[0] == ir::ValType::I64);
}
bool is_i64_op(IOp op) {
  auto o = static_cast<uint32_t>(op);
  return o < ir::kOpCount && ir::op_info(static_cast<Op>(o)).text[1] == '6';
}
} // namespace

bool Lowering::just_computed(size_t height) const {
  return prev_.valid && height < pend_.size() && pend_[height].kind == Pending::Own &&
         !out_.offsets.empty() && out_.offsets.back().code_pos == prev_.start &&
         prev_.start + 1 < pos() && out_.code[prev_.start + 1] == slot(height);
}

std::vector<uint32_t> Lowering::take_last(uint64_t& wasm_offset) {
  std::vector<uint32_t> words(out_.code.begin() + prev_.start + 2, out_.code.end());
  wasm_offset = out_.offsets.back().wasm_offset;
  out_.code.resize(prev_.start);
  out_.offsets.pop_back();
  prev_.valid = false;
  return words;
}

// outer(a, inner(b, c)) as one `fused` op writing `dst`: the last op's words (b, c or b and its
// immediates) become the fused op's inner operands, `a` is read from `other`.
void Lowering::emit_outer_of_last(IOp fused, const ir::Instr& in, uint32_t dst, uint32_t other) {
  uint64_t unused;
  std::vector<uint32_t> inner = take_last(unused); // [b, c] or [b, imm...]
  last_ = Last{true, fused, pos()};
  op(fused, in.offset);
  word(dst);
  word(other);
  for (uint32_t w : inner)
    word(w);
}

bool Lowering::fuse_with_last(const ir::Instr& in, size_t h, size_t np) {
  // The cheap test first: most instructions do not follow an op that computed their operand.
  if (!prev_.valid || h < np || np == 0) return false;
  IOp o = iop(in.op);
  if (!just_computed(h - 1)) {
    // `inner; local.get a; outer`: the previous op computed the *first* operand (`x ^ (x >> C)`
    // written `(x >> C) ^ x`, as clang emits hash mixing steps). For a commutative integer outer
    // op that is outer(a, inner(...)): the same fused op. (Not for float add/mul: which NaN
    // payload x86 returns depends on the operand order, see docs/interpreter.md.)
    if (np != 2 || !just_computed(h - 2) || pend_[h - 1].kind == Pending::Const ||
        swapped(o) != o || !is_integer_op(o) || operand_form(o, prev_.op) == IOp::Count) {
      return false;
    }
    emit_outer_of_last(operand_form(o, prev_.op), in, slot(h - 2), src(h - 1));
    return true;
  }
  bool add_imm = prev_.op == IOp::I32AddImm;
  if (np == 1 && (add_imm || prev_.op == IOp::I32Add) && add_imm_form(o) != IOp::Count &&
      just_computed(h - 1)) {
    // `i32.add x, C; load offset=N`: one load from x + C + N (or x + y + N).
    IOp fused = add_imm ? add_imm_form(o) : add_form(o);
    uint64_t unused;
    std::vector<uint32_t> add = take_last(unused); // [x, C] or [x, y]
    last_ = Last{true, fused, pos()};
    op(fused, in.offset);
    word(slot(h - 1));
    word(add[0]);
    word(add[1]);
    word(static_cast<uint32_t>(in.mem.offset));
    return true;
  }
  if (np == 2 && load_operand_form(o, prev_.op) != IOp::Count &&
      pend_[h - 2].kind != Pending::Const && just_computed(h - 1)) {
    // `load; binop`: the binop reads its second operand from memory itself. The fused op keeps
    // the load's wasm offset: only the load can trap.
    bool plain = add_imm_form(prev_.op) != IOp::Count; // else the AddImm form
    IOp fused = load_operand_form(o, prev_.op);
    uint64_t load_offset;
    std::vector<uint32_t> load = take_last(load_offset); // [base, offset] or [base, C, offset]
    last_ = Last{true, fused, pos()};
    op(fused, load_offset);
    word(slot(h - 2));
    word(src(h - 2));
    word(load[0]);
    word(plain ? 0 : load[1]);
    word(plain ? load[1] : load[2]);
    return true;
  }
  if (np == 2 && operand_form(o, prev_.op) != IOp::Count && pend_[h - 2].kind != Pending::Const &&
      just_computed(h - 1)) {
    // `a; b; c; inner; outer`: outer(a, inner(b, c)) in one dispatch (e.g. a + b * c, rounded
    // twice as wasm requires). Neither op traps.
    emit_outer_of_last(operand_form(o, prev_.op), in, slot(h - 2), src(h - 2));
    return true;
  }
  if (np == 2 && store_form(prev_.op, o) != IOp::Count && pend_[h - 2].kind != Pending::Const &&
      just_computed(h - 1)) {
    // `addr; value op; store`: the op writes its result to memory itself. Only the store traps,
    // unless the value op is a load-operand form: then the op keeps the load's offset and an
    // inner entry at its second word holds the store's (the handler traps there with pc + 1).
    IOp fused = store_form(prev_.op, o);
    bool two_sites = is_load_operand_form(prev_.op);
    uint64_t value_offset;
    std::vector<uint32_t> value = take_last(value_offset); // the value op's operand words
    op(fused, two_sites ? value_offset : in.offset);
    if (two_sites) out_.offsets.push_back(OffsetEntry{pos(), in.offset, true});
    word(src(h - 2));
    word(static_cast<uint32_t>(in.mem.offset));
    for (uint32_t w : value)
      word(w);
    return true;
  }
  return false;
}

// Ops whose stack signature is in the opcode table: [result slot, param slots..., immediates].
void Lowering::lower_generic(const ir::Instr& in, size_t h) {
  const ir::OpInfo& info = ir::op_info(in.op);
  ir::SigTypes sig = ir::sig_types(info.sig);
  size_t np = sig.params.size();
  if (h < np) return; // invalid: rejected next
  // Scalar results of non-SIMD ops may be redirected (local.set) or fused (br_if) next.
  bool scalar =
      sig.results.size() == 1 && sig.results[0] != ir::ValType::V128 && info.prefix != 0xFD;
  IOp o = iop(in.op);
  if (fuse_with_last(in, h, np)) return;
  if (np == 2 && pend_[h - 2].kind == Pending::Const && pend_[h - 1].kind != Pending::Const &&
      swapped(o) != IOp::Count) {
    uint64_t imm = pend_[h - 2].bits;
    IOp so = imm_form(swapped(o));
    last_ = Last{scalar, so, pos()};
    op(so, in.offset);
    word(slot(h - 2));
    word(src(h - 1));
    word(static_cast<uint32_t>(imm));
    if (is_i64_op(o)) word(static_cast<uint32_t>(imm >> 32));
    return;
  }
  if (np == 2 && pend_[h - 1].kind == Pending::Const && imm_form(o) != IOp::Count) {
    if (pend_[h - 2].kind == Pending::Const) materialize(h - 2, in.offset);
    uint64_t imm = pend_[h - 1].bits;
    if (o == IOp::I32Add && prev_.op == IOp::I32Add && just_computed(h - 2)) {
      // `(x + y) + C` (an address: base + index + field offset) is x + (y + C) in wrapping
      // arithmetic: one I32AddI32AddImm.
      uint64_t unused;
      std::vector<uint32_t> add = take_last(unused); // [x, y]
      last_ = Last{true, IOp::I32AddI32AddImm, pos()};
      op(IOp::I32AddI32AddImm, in.offset);
      word(slot(h - 2));
      word(add[0]);
      word(add[1]);
      word(static_cast<uint32_t>(imm));
      return;
    }
    last_ = Last{scalar, imm_form(o), pos()};
    op(imm_form(o), in.offset);
    word(slot(h - 2));
    word(src(h - 2));
    word(static_cast<uint32_t>(imm));
    if (is_i64_op(o)) word(static_cast<uint32_t>(imm >> 32));
    return;
  }
  for (size_t i = 0; i < np; ++i) {
    if (pend_[h - np + i].kind == Pending::Const) materialize(h - np + i, in.offset);
  }
  if (scalar) last_ = Last{true, o, pos()};
  op(o, in.offset);
  if (!sig.results.empty()) word(slot(h - np));
  for (size_t i = 0; i < np; ++i)
    word(src(h - np + i));
  switch (info.imm) {
  case ir::Imm::MemArg: word(static_cast<uint32_t>(in.mem.offset)); break;
  case ir::Imm::MemoryInit:
  case ir::Imm::Data:
  case ir::Imm::Elem: word(in.index); break;
  case ir::Imm::Lane: word(in.lane); break;
  case ir::Imm::MemArgLane:
    word(static_cast<uint32_t>(in.mem.offset));
    word(in.lane);
    break;
  case ir::Imm::V128:
  case ir::Imm::Shuffle:
    for (size_t i = 0; i < 16; i += 4) {
      word(static_cast<uint32_t>(in.v128[i]) | static_cast<uint32_t>(in.v128[i + 1]) << 8 |
           static_cast<uint32_t>(in.v128[i + 2]) << 16 |
           static_cast<uint32_t>(in.v128[i + 3]) << 24);
    }
    break;
  default: break;
  }
}
} // namespace wasmcap::interp

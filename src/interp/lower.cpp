// Lowering of one function body to the interpreter's internal code, driven by the validator's
// view of the operand stack. Numeric and memory ops are lowered generically from their opcode
// table signature; control flow, variables, calls and references have hand rules.
#include "interp/lower.h"

#include <algorithm>
#include <optional>
#include <span>

namespace wasmcap::interp {

using ir::Op;

uint64_t FunctionCode::wasm_offset_at(uint32_t code_pos) const {
  auto it = std::upper_bound(offsets.begin(), offsets.end(), code_pos,
                             [](uint32_t p, const OffsetEntry& e) { return p < e.code_pos; });
  return it == offsets.begin() ? 0 : std::prev(it)->wasm_offset;
}

namespace {
uint32_t width(ir::ValType t) {
  return t == ir::ValType::V128 ? 2 : 1;
}
uint32_t slots_of(std::span<const ir::ValType> types) {
  uint32_t n = 0;
  for (ir::ValType t : types)
    n += width(t);
  return n;
}
} // namespace

Lowering::Lowering(const ir::Module& module, uint32_t func_index) : module_(module) {
  const ir::FuncType& type = module.func_type(func_index);
  const ir::Function& fn = module.functions[func_index - module.num_imported_funcs];
  uint32_t at = 0;
  auto add_local = [&](ir::ValType t) {
    local_slots_.push_back(at);
    local_wide_.push_back(t == ir::ValType::V128);
    at += width(t);
  };
  for (ir::ValType t : type.params)
    add_local(t);
  out_.num_params = at;
  for (ir::ValType t : fn.locals)
    add_local(t);
  out_.func_index = func_index;
  out_.num_locals = at;
  out_.num_results = slots_of(type.results);
  result_values_ = type.results.size();
  out_.frame_slots = std::max(out_.num_locals, out_.num_results);
  out_.entry_cost = 0; // counted up by before(), at least 1 for the final end
  offs_.push_back(0);
  ctrls_.push_back(Ctrl{}); // the function's own frame (label = return)
}

void Lowering::op(IOp o, uint64_t wasm_offset) {
  out_.offsets.push_back(OffsetEntry{pos(), wasm_offset});
  word(static_cast<uint32_t>(o));
}

void Lowering::target(uint32_t label) {
  Ctrl& c = ctrls_[ctrls_.size() - 1 - label];
  if (c.op == Op::Loop) {
    word(c.loop_start);
  } else {
    c.end_fixups.push_back(pos());
    word(0);
  }
}

bool Lowering::plain_branch(uint32_t label, size_t h, const validate::FunctionValidator& v) const {
  if (label == ctrls_.size() - 1) return false; // the function label: a return
  const validate::ControlFrame& cf = v.control(label);
  size_t k = cf.label_types().size();
  return k == 0 || slot(h - k) == slot(cf.height);
}

void Lowering::branch(uint32_t label, size_t h, const validate::FunctionValidator& v,
                      uint64_t off) {
  const validate::ControlFrame& cf = v.control(label);
  size_t values = cf.label_types().size();
  uint32_t k = span(h - values, h); // slots to move
  if (label == ctrls_.size() - 1) {
    op(IOp::Return, off);
    word(slot(h - values));
    word(k);
    return;
  }
  uint32_t src = slot(h - values), dst = slot(cf.height);
  if (k == 1 && src != dst) {
    op(IOp::Copy, off);
    word(dst);
    word(src);
  } else if (k > 1 && src != dst) {
    op(IOp::CopyN, off);
    word(dst);
    word(src);
    word(k);
  }
  op(IOp::Br, off);
  target(label);
}

support::Status Lowering::lower_control(const ir::Instr& in, const validate::FunctionValidator& v) {
  size_t h = v.operand_height();
  bool dead = v.unreachable();
  // Invalid code is about to be rejected by the validator: emit nothing, touch nothing.
  auto bad_label = [&](uint32_t label) {
    return label >= ctrls_.size() || label >= v.control_depth();
  };
  switch (in.op) {
  case Op::Br:
  case Op::BrIf:
    if (bad_label(in.index)) return support::ok();
    break;
  case Op::BrTable:
    if (bad_label(in.index)) return support::ok();
    for (uint32_t t : in.targets) {
      if (bad_label(t)) return support::ok();
    }
    break;
  case Op::Else:
    if (ctrls_.back().op != Op::If || ctrls_.size() < 2) return support::ok();
    break;
  default: break;
  }
  switch (in.op) {
  case Op::Block: ctrls_.push_back(Ctrl{Op::Block, dead, 0, UINT32_MAX, {}}); break;
  case Op::Loop:
    // Back-edges land on the Fuel op, so every iteration pays for the loop body (counted in
    // before()); functions pay for the rest on entry.
    ctrls_.push_back(Ctrl{Op::Loop, dead, pos(), UINT32_MAX, {}});
    if (!dead) {
      op(IOp::Fuel, in.offset);
      fuel_words_.push_back(pos());
      word(0);
    }
    break;
  case Op::If: {
    Ctrl c{Op::If, dead, 0, UINT32_MAX, {}};
    if (!dead) {
      op(IOp::BrUnless, in.offset);
      word(slot(h - 1));
      c.else_fixup = pos();
      word(0);
    }
    ctrls_.push_back(std::move(c));
    break;
  }
  case Op::Else: {
    Ctrl& c = ctrls_.back();
    if (c.dead || c.else_fixup == UINT32_MAX) break;
    if (!dead) {
      op(IOp::Br, in.offset);
      c.end_fixups.push_back(pos());
      word(0);
    }
    out_.code[c.else_fixup] = pos();
    c.else_fixup = UINT32_MAX;
    break;
  }
  case Op::End: {
    if (ctrls_.empty()) break;
    Ctrl& c = ctrls_.back();
    if (ctrls_.size() == 1) {
      if (!dead) {
        op(IOp::Return, in.offset);
        word(slot(h - result_values_));
        word(out_.num_results);
      }
    } else if (!c.dead) {
      if (c.else_fixup != UINT32_MAX) out_.code[c.else_fixup] = pos();
      for (uint32_t f : c.end_fixups)
        out_.code[f] = pos();
    }
    if (c.op == Op::Loop && !c.dead && !fuel_words_.empty()) fuel_words_.pop_back();
    ctrls_.pop_back();
    break;
  }
  case Op::Br:
    if (!dead) branch(in.index, h, v, in.offset);
    break;
  case Op::BrIf: {
    if (dead) break;
    if (plain_branch(in.index, h - 1, v)) {
      op(IOp::BrIf, in.offset);
      word(slot(h - 1));
      target(in.index);
    } else {
      op(IOp::BrUnless, in.offset);
      word(slot(h - 1));
      uint32_t skip = pos();
      word(0);
      branch(in.index, h - 1, v, in.offset);
      out_.code[skip] = pos();
    }
    break;
  }
  case Op::BrTable: {
    if (dead) break;
    // Each entry is a code target: the label itself when no values move, else a stub emitted
    // after the table that moves the values and jumps (or returns).
    std::vector<uint32_t> labels(in.targets.begin(), in.targets.end());
    labels.push_back(in.index);
    op(IOp::BrTable, in.offset);
    word(slot(h - 1));
    word(static_cast<uint32_t>(labels.size() - 1));
    uint32_t first = pos();
    for (size_t i = 0; i < labels.size(); ++i)
      word(0);
    for (size_t i = 0; i < labels.size(); ++i) {
      uint32_t at = first + static_cast<uint32_t>(i);
      if (plain_branch(labels[i], h - 1, v)) {
        Ctrl& c = ctrls_[ctrls_.size() - 1 - labels[i]];
        if (c.op == Op::Loop) {
          out_.code[at] = c.loop_start;
        } else {
          c.end_fixups.push_back(at);
        }
      } else {
        out_.code[at] = pos();
        branch(labels[i], h - 1, v, in.offset);
      }
    }
    break;
  }
  case Op::Return:
    if (!dead) {
      op(IOp::Return, in.offset);
      word(slot(h - result_values_));
      word(out_.num_results);
    }
    break;
  default: break;
  }
  return support::ok();
}

// Ops whose stack signature is in the opcode table: [result slot, param slots..., immediates].
void Lowering::lower_generic(const ir::Instr& in, size_t h) {
  const ir::OpInfo& info = ir::op_info(in.op);
  switch (in.op) {
  case Op::I32Const:
  case Op::F32Const:
    op(IOp::Const32, in.offset);
    word(slot(h));
    word(static_cast<uint32_t>(in.bits));
    return;
  case Op::I64Const:
  case Op::F64Const:
    op(IOp::Const64, in.offset);
    word(slot(h));
    word(static_cast<uint32_t>(in.bits));
    word(static_cast<uint32_t>(in.bits >> 32));
    return;
  default: break;
  }
  ir::SigTypes sig = ir::sig_types(info.sig);
  size_t np = sig.params.size();
  op(iop(in.op), in.offset);
  if (!sig.results.empty()) word(slot(h - np));
  for (size_t i = 0; i < np; ++i)
    word(slot(h - np + i));
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

void Lowering::lower_special(const ir::Instr& in, size_t h, const validate::FunctionValidator& v) {
  auto s = [&](size_t depth) { return slot(h - depth); }; // slot of the depth-th operand from top
  switch (in.op) {
  case Op::Nop:
  case Op::Drop: break;
  case Op::Unreachable: op(IOp::Unreachable, in.offset); break;
  case Op::Call: {
    if (in.index >= module_.func_type_indices.size()) break; // invalid: rejected next
    size_t np = module_.func_type(in.index).params.size();
    op(IOp::Call, in.offset);
    word(in.index);
    word(s(np));
    break;
  }
  case Op::CallIndirect: {
    if (in.index >= module_.types.size()) break; // invalid: rejected next
    size_t np = module_.types[in.index].params.size();
    op(IOp::CallIndirect, in.offset);
    word(in.index);
    word(in.index2);
    word(s(np + 1));
    word(s(1));
    break;
  }
  case Op::Select:
  case Op::SelectT:
    op(v.operand_type(1) == ir::ValType::V128 ? IOp::Select128 : IOp::Select, in.offset);
    word(s(3));
    word(s(2));
    word(s(1));
    break;
  case Op::LocalGet:
    if (in.index >= local_slots_.size()) break; // invalid: rejected next
    op(local_wide_[in.index] ? IOp::Copy128 : IOp::Copy, in.offset);
    word(slot(h));
    word(local_slots_[in.index]);
    break;
  case Op::LocalSet:
  case Op::LocalTee:
    if (in.index >= local_slots_.size()) break;
    op(local_wide_[in.index] ? IOp::Copy128 : IOp::Copy, in.offset);
    word(local_slots_[in.index]);
    word(s(1));
    break;
  case Op::GlobalGet:
    if (in.index >= module_.all_globals.size()) break;
    op(wide_global(in.index) ? IOp::GlobalGet128 : IOp::GlobalGet, in.offset);
    word(slot(h));
    word(in.index);
    break;
  case Op::GlobalSet:
    if (in.index >= module_.all_globals.size()) break;
    op(wide_global(in.index) ? IOp::GlobalSet128 : IOp::GlobalSet, in.offset);
    word(s(1));
    word(in.index);
    break;
  case Op::TableGet:
  case Op::TableSize:
    op(iop(in.op), in.offset);
    word(in.op == Op::TableGet ? s(1) : slot(h));
    word(in.index);
    break;
  case Op::TableSet:
  case Op::TableGrow:
    op(iop(in.op), in.offset);
    word(s(2));
    word(s(1));
    word(in.index);
    break;
  case Op::TableFill:
    op(IOp::TableFill, in.offset);
    word(s(3));
    word(s(2));
    word(s(1));
    word(in.index);
    break;
  case Op::TableCopy:
  case Op::TableInit:
    op(iop(in.op), in.offset);
    word(s(3));
    word(s(2));
    word(s(1));
    word(in.index);
    word(in.index2);
    break;
  case Op::RefNull:
    op(IOp::RefNull, in.offset);
    word(slot(h));
    break;
  case Op::RefIsNull:
    op(IOp::RefIsNull, in.offset);
    word(s(1));
    word(s(1));
    break;
  case Op::RefFunc:
    op(IOp::RefFunc, in.offset);
    word(slot(h));
    word(in.index);
    break;
  default: break;
  }
}

support::Status Lowering::before(const ir::Instr& in, const validate::FunctionValidator& v) {
  // Fuel: every instruction is charged to its innermost live loop, or to the function entry.
  if (fuel_words_.empty()) {
    ++out_.entry_cost;
  } else {
    ++out_.code[fuel_words_.back()];
  }
  switch (in.op) {
  case Op::Block:
  case Op::Loop:
  case Op::If:
  case Op::Else:
  case Op::End:
  case Op::Br:
  case Op::BrIf:
  case Op::BrTable:
  case Op::Return: return lower_control(in, v);
  default: break;
  }
  if (v.unreachable()) return support::ok(); // dead code is never executed: emit nothing
  size_t h = v.operand_height();
  if (ir::op_info(in.op).sig == ir::Sig::Special) {
    lower_special(in, h, v);
  } else {
    lower_generic(in, h);
  }
  return support::ok();
}

support::Status Lowering::after(const ir::Instr&, const validate::FunctionValidator& v) {
  // Operands below the validator's low-water mark are untouched; recompute offsets above it.
  size_t h = v.operand_height();
  size_t low = std::min(v.low_water(), offs_.size() - 1);
  offs_.resize(h + 1);
  for (size_t i = low; i < h; ++i) {
    std::optional<ir::ValType> t = v.operand_type(h - 1 - i);
    offs_[i + 1] = offs_[i] + (t ? width(*t) : 1);
  }
  uint32_t needed = slot(h);
  if (needed > out_.frame_slots) out_.frame_slots = needed;
  return support::ok();
}

} // namespace wasmcap::interp

// Lowering of one function body to the interpreter's internal code, driven by the validator's
// view of the operand stack: control flow, variables, calls and references have hand rules here;
// ops with a table signature (numeric, memory) are lowered generically in lower_generic.cpp.
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

std::span<const uint32_t> FunctionCode::gc_slots_at(uint32_t pos) const {
  auto it = std::upper_bound(gc_safepoints.begin(), gc_safepoints.end(), pos,
                             [](uint32_t p, const GcSafepoint& s) { return p < s.code_pos; });
  if (it == gc_safepoints.begin()) return {};
  --it;
  return {gc_slots.data() + it->begin, it->count};
}

namespace {
uint32_t width(ir::ValType t) {
  return t == ir::ValType::V128 ? 2 : 1;
}
} // namespace

Lowering::Lowering(const ir::Module& module, uint32_t func_index, bool metering, bool poll_calls,
                   uint32_t exn_slots, bool module_gc_refs)
    : module_(module), metering_(metering), poll_calls_(poll_calls), exn_reserved_(exn_slots) {
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
  init_gc_maps(fn, type, module_gc_refs);
  exn_base_ = at; // zeroed at entry like the locals: a null exception until a catch sets it
  at += exn_reserved_;
  out_.func_index = func_index;
  out_.num_locals = at;
  out_.num_results = slots_of(type.results);
  result_values_ = type.results.size();
  out_.frame_slots = std::max(out_.num_locals, out_.num_results);
  out_.entry_cost = 0; // counted up by before(), at least 1 for the final end
  offs_.push_back(0);
  pend_.push_back(Pending{});
  ctrls_.push_back(new_ctrl(Op::Block, false, 0)); // the function's own frame (label = return)
}

void Lowering::materialize(size_t height, uint64_t off) {
  Pending& p = pend_[height];
  if (p.kind == Pending::Local) {
    op(IOp::Copy, off);
    word(slot(height));
    word(p.local);
  } else if (p.kind == Pending::Const) {
    if (p.bits <= UINT32_MAX) {
      op(IOp::Const32, off);
      word(slot(height));
      word(static_cast<uint32_t>(p.bits));
    } else {
      op(IOp::Const64, off);
      word(slot(height));
      word(static_cast<uint32_t>(p.bits));
      word(static_cast<uint32_t>(p.bits >> 32));
    }
  }
  p = Pending{};
}

void Lowering::materialize_below(size_t h, uint64_t off) {
  for (size_t i = 0; i < h && i < pend_.size(); ++i) {
    if (pend_[i].kind != Pending::Own) materialize(i, off);
  }
}

Lowering::Cond Lowering::take_cond(size_t h, uint64_t off) {
  Cond c;
  // A compare (or eqz) emitted just before, whose result is this condition: remove it and
  // branch on its operands instead. Nothing was emitted after it, so reading them later reads
  // the same values (materializations below only write own slots under its operands).
  if (prev_.valid && h >= 1 && prev_.start + 1 < pos() &&
      out_.code[prev_.start + 1] == slot(h - 1)) {
    IOp cmp = prev_.op;
    bool eqz32 = cmp == iop(Op::I32Eqz), eqz64 = cmp == iop(Op::I64Eqz);
    if (eqz32 || eqz64 || fused_branch(cmp, true) != IOp::Count) {
      c.words.assign(out_.code.begin() + prev_.start + 2, out_.code.end());
      out_.code.resize(prev_.start);
      out_.offsets.pop_back();
      if (eqz32) {
        c.negate = true;
      } else if (eqz64) {
        c.cmp = IOp::I64EqImm; // x == 0
        c.words.push_back(0);
        c.words.push_back(0);
      } else {
        c.cmp = cmp;
      }
      prev_.valid = false;
      materialize_below(h - 1, off);
      return c;
    }
  }
  materialize_below(h - 1, off);
  if (h >= 1 && pend_[h - 1].kind == Pending::Const) materialize(h - 1, off);
  c.words.push_back(h >= 1 ? src(h - 1) : 0);
  return c;
}

uint32_t Lowering::cond_jump(const Cond& c, bool when_true, uint64_t off) {
  IOp branch = c.cmp == IOp::Count ? (when_true != c.negate ? IOp::BrIf : IOp::BrUnless)
                                   : fused_branch(c.cmp, when_true);
  op(branch, off);
  for (uint32_t w : c.words)
    word(w);
  uint32_t at = pos();
  word(0);
  return at;
}

void Lowering::op(IOp o, uint64_t wasm_offset) {
  out_.offsets.push_back(OffsetEntry{pos(), wasm_offset});
  word(static_cast<uint32_t>(o));
}

void Lowering::target(uint32_t label) {
  Ctrl& c = ctrls_[ctrls_.size() - 1 - label];
  if (c.op == Op::Loop) {
    word(c.loop_start - pos());
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
  case Op::BrOnNull:
  case Op::BrOnNonNull:
  case Op::BrOnCast:
  case Op::BrOnCastFail:
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
  // Every label sees its values in their own slots: pending operands are materialized before
  // any control instruction (a consumed condition may stay where it is).
  if (!dead) {
    switch (in.op) {
    case Op::If:
    case Op::BrIf:
    case Op::BrTable: break; // take_cond() / below
    default: materialize_below(h, in.offset); break;
    }
  }
  switch (in.op) {
  case Op::Block:
    ctrls_.push_back(new_ctrl(Op::Block, dead, 0));
    ctrls_.back().enclosing = innermost_range(); // where a `delegate` to it rethrows
    break;
  case Op::Loop:
    // Back-edges land on the Fuel op, so every iteration pays for the loop body (counted in
    // before()); functions pay for the rest on entry.
    ctrls_.push_back(new_ctrl(Op::Loop, dead, pos()));
    ctrls_.back().enclosing = innermost_range();
    {
      // Tiering: a header with nothing on the operand stack (h counts every open block's
      // operands and the loop's own parameters) is an on-stack replacement point. The op keeps
      // the loop's wasm offset, which names the header to the compiled code.
      const bool osr = !dead && poll_calls_ && h == 0;
      if (osr) out_.has_osr_points = true;
      if (!dead && metering_) {
        op(osr ? IOp::FuelOsr : IOp::Fuel, in.offset);
        fuel_words_.push_back(pos());
        word(0);
      } else if (osr) {
        op(IOp::LoopPoll, in.offset);
      }
    }
    break;
  case Op::If: {
    Ctrl c = new_ctrl(Op::If, dead, 0);
    if (!dead) c.else_fixup = cond_jump(take_cond(h, in.offset), false, in.offset);
    c.enclosing = innermost_range();
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
    patch(c.else_fixup, pos());
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
    } else {
      end_exception_block(c);
      if (!c.dead) {
        if (c.else_fixup != UINT32_MAX) patch(c.else_fixup, pos());
        for (uint32_t f : c.end_fixups)
          patch(f, pos());
      }
    }
    if (c.op == Op::Loop && !c.dead && metering_ && !fuel_words_.empty()) fuel_words_.pop_back();
    ctrls_.pop_back();
    break;
  }
  case Op::Br:
    if (!dead) branch(in.index, h, v, in.offset);
    break;
  case Op::BrIf: {
    if (dead) break;
    branch_on(in, take_cond(h, in.offset), true, h - 1, v);
    break;
  }
  case Op::BrTable: {
    if (dead || h == 0) break; // h == 0: invalid, rejected next
    // Each entry is a code target: the label itself when no values move, else a stub emitted
    // after the table that moves the values and jumps (or returns).
    std::vector<uint32_t> labels(in.targets.begin(), in.targets.end());
    labels.push_back(in.index);
    materialize_below(h - 1, in.offset);
    if (pend_[h - 1].kind == Pending::Const) materialize(h - 1, in.offset);
    op(IOp::BrTable, in.offset);
    word(src(h - 1));
    word(static_cast<uint32_t>(labels.size() - 1));
    uint32_t first = pos();
    for (size_t i = 0; i < labels.size(); ++i)
      word(0);
    for (size_t i = 0; i < labels.size(); ++i) {
      uint32_t at = first + static_cast<uint32_t>(i);
      if (plain_branch(labels[i], h - 1, v)) {
        Ctrl& c = ctrls_[ctrls_.size() - 1 - labels[i]];
        if (c.op == Op::Loop) {
          patch(at, c.loop_start);
        } else {
          c.end_fixups.push_back(at);
        }
      } else {
        patch(at, pos());
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
  case Op::TryTable:
  case Op::Try:
  case Op::Catch:
  case Op::CatchAll:
  case Op::Delegate: lower_exception_control(in, v, dead); break;
  case Op::BrOnNull:
  case Op::BrOnNonNull:
    if (!dead && h >= 1) lower_br_on_null(in, h, v);
    break;
  case Op::BrOnCast:
  case Op::BrOnCastFail:
    if (!dead && h >= 1) lower_br_on_cast(in, h, v);
    break;
  default: break;
  }
  return support::ok();
}

void Lowering::lower_special(const ir::Instr& in, size_t h, const validate::FunctionValidator& v) {
  auto s = [&](size_t depth) { return slot(h - depth); }; // slot of the depth-th operand from top
  narrow_table64(in, h);                                  // i64 table indices (lower_memory64.cpp)
  switch (in.op) {
  case Op::Nop:
  case Op::Drop: break;
  case Op::Unreachable: op(IOp::Unreachable, in.offset); break;
  case Op::Call: {
    if (in.index >= module_.func_type_indices.size()) break; // invalid: rejected next
    size_t np = module_.func_type(in.index).params.size();
    if (!metering_ && in.index >= module_.num_imported_funcs) {
      // Same module, same instance: compile() fills in the callee's FunctionCode address.
      op(poll_calls_ ? IOp::CallDirectPoll : IOp::CallDirect, in.offset);
      out_.direct_calls.emplace_back(pos(), in.index - module_.num_imported_funcs);
      word(0);
      word(0);
      word(s(np));
      break;
    }
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
  case Op::CallRef: {
    if (in.index >= module_.types.size()) break; // invalid: rejected next
    size_t np = module_.types[in.index].params.size();
    op(IOp::CallRef, in.offset);
    word(in.index);
    word(s(np + 1));
    word(s(1));
    break;
  }
  case Op::RefAsNonNull: // checks in place: the value stays in its slot
    op(IOp::RefAsNonNull, in.offset);
    word(s(1));
    break;
  case Op::RefEq:
    op(IOp::RefEq, in.offset);
    word(s(2));
    word(s(2));
    word(s(1));
    break;
  case Op::RefI31:
  case Op::I31GetS:
  case Op::I31GetU:
    op(static_cast<IOp>(in.op), in.offset);
    word(s(1));
    word(s(1));
    break;
  case Op::RefTest:
  case Op::RefTestNull:
    op(IOp::RefTest, in.offset);
    word(s(1));
    word(s(1));
    ref_target(in.type);
    break;
  case Op::RefCast:
  case Op::RefCastNull: // checks in place
    op(IOp::RefCast, in.offset);
    word(s(1));
    ref_target(in.type);
    break;
  case Op::Select:
  case Op::SelectT:
    op(v.operand_type(1) == ir::ValType::V128 ? IOp::Select128 : IOp::Select, in.offset);
    word(s(3));
    word(s(2));
    word(s(1));
    break;
  case Op::LocalGet: // v128 locals only; scalar ones are Pending::Local (before())
    if (in.index >= local_slots_.size()) break; // invalid: rejected next
    op(IOp::Copy128, in.offset);
    word(slot(h));
    word(local_slots_[in.index]);
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
    word(src(h - 1));
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
    widen_table64_result(in, h);
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
  case Op::Throw:
  case Op::ThrowRef:
  case Op::Rethrow: lower_throw(in, h); break;
  case Op::StructNew:
  case Op::StructNewDefault: lower_struct_new(in, h); break;
  default:
    if (ir::is_gc_op(in.op)) lower_gc_heap(in, h);
    break;
  }
}

void Lowering::lower_local_set(const ir::Instr& in, size_t h) {
  if (in.index >= local_slots_.size() || h == 0) return; // invalid: rejected next
  uint32_t local = local_slots_[in.index];
  if (local_wide_[in.index]) {
    op(IOp::Copy128, in.offset);
    word(local);
    word(slot(h - 1));
    return;
  }
  bool tee = in.op == Op::LocalTee;
  // Pending reads of this local further down the stack must keep the old value.
  bool aliased = false;
  for (size_t i = 0; i + 1 < h; ++i) {
    if (pend_[i].kind == Pending::Local && pend_[i].local == local) {
      materialize(i, in.offset);
      aliased = true;
    }
  }
  Pending top = pend_[h - 1];
  if (!aliased && top.kind == Pending::Own && prev_.valid &&
      out_.code[prev_.start + 1] == slot(h - 1)) {
    // The op just emitted computes this value: let it write the local directly (handlers read
    // all operands before writing their result).
    out_.code[prev_.start + 1] = local;
    if (tee) {
      push_ = Pending{Pending::Local, local, 0};
      push_set_ = true;
    }
    return;
  }
  if (top.kind == Pending::Const) {
    bool wide = top.bits > UINT32_MAX;
    op(wide ? IOp::Const64 : IOp::Const32, in.offset);
    word(local);
    word(static_cast<uint32_t>(top.bits));
    if (wide) word(static_cast<uint32_t>(top.bits >> 32));
  } else if (src(h - 1) != local) {
    op(IOp::Copy, in.offset);
    word(local);
    word(src(h - 1));
  }
  if (tee) {
    push_ = top;
    push_set_ = true;
  }
}

support::Status Lowering::before(const ir::Instr& in, const validate::FunctionValidator& v) {
  prev_ = last_;
  last_.valid = false;
  push_set_ = false;
  // Fuel: every instruction is charged to its innermost live loop, or to the function entry.
  if (!metering_) {
    // Unmetered code has no polls: entry_cost stays 0.
  } else if (fuel_words_.empty()) {
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
  case Op::Return:
  case Op::TryTable:
  case Op::Try:
  case Op::Catch:
  case Op::CatchAll:
  case Op::Delegate:
  case Op::BrOnNull:
  case Op::BrOnNonNull:
  case Op::BrOnCast:
  case Op::BrOnCastFail: return lower_control(in, v);
  default: break;
  }
  if (v.unreachable()) return support::ok(); // dead code is never executed: emit nothing
  size_t h = v.operand_height();
  switch (in.op) {
  // The pushes below emit nothing, so the instruction before them stays the last one (last_):
  // `(x + y) + C` can still take the add back. Every user of prev_ checks the operand height
  // it reads against the op's result slot, so a pending operand on top is never mistaken for it.
  case Op::LocalGet:
    if (in.index < local_slots_.size() && !local_wide_[in.index]) {
      push_ = Pending{Pending::Local, local_slots_[in.index], 0};
      push_set_ = true;
      last_ = prev_;
      return support::ok();
    }
    break;
  case Op::LocalSet:
  case Op::LocalTee: lower_local_set(in, h); return support::ok();
  case Op::I32Const:
  case Op::F32Const:
    push_ = Pending{Pending::Const, 0, in.bits & UINT32_MAX};
    push_set_ = true;
    last_ = prev_;
    return support::ok();
  case Op::I64Const:
  case Op::F64Const:
    push_ = Pending{Pending::Const, 0, in.bits};
    push_set_ = true;
    last_ = prev_;
    return support::ok();
  case Op::GlobalSet:
    if (h >= 1 && pend_[h - 1].kind == Pending::Const) materialize(h - 1, in.offset);
    break;
  case Op::Nop:
  case Op::Drop:
  case Op::GlobalGet: break;
  default:
    // Calls read consecutive argument slots; select and table ops write in place.
    if (ir::op_info(in.op).sig == ir::Sig::Special) materialize_below(h, in.offset);
    break;
  }
  if (gc_maps_ && is_gc_safepoint(in.op) && !v.unreachable()) note_gc_safepoint(h, v);
  if (in.op == Op::ReturnCall || in.op == Op::ReturnCallIndirect || in.op == Op::ReturnCallRef) {
    lower_return_call(in, h);
  } else if (ir::op_info(in.op).sig == ir::Sig::Special) {
    lower_special(in, h, v);
  } else {
    lower_memory_op(in, h);
  }
  return support::ok();
}

support::Status Lowering::after(const ir::Instr&, const validate::FunctionValidator& v) {
  // Operands below the validator's low-water mark are untouched; recompute offsets above it.
  size_t h = v.operand_height();
  size_t low = std::min(v.low_water(), offs_.size() - 1);
  offs_.resize(h + 1);
  pend_.resize(h + 1);
  for (size_t i = low; i < h; ++i) {
    std::optional<ir::ValType> t = v.operand_type(h - 1 - i);
    offs_[i + 1] = offs_[i] + (t ? width(*t) : 1);
    pend_[i] = Pending{};
  }
  if (push_set_ && h >= 1 && !v.unreachable()) pend_[h - 1] = push_;
  uint32_t needed = slot(h);
  if (needed > out_.frame_slots) out_.frame_slots = needed;
  return support::ok();
}

} // namespace wasmcap::interp

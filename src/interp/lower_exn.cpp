// Lowering of exception handling (WebAssembly 3.0). try_table and the legacy try emit no code:
// each records a TryRange (the code positions of its body) with its catches, each catch the
// slots its label's values go to and the code position to continue at. A throw is an op whose
// handler hands the exception to execute()'s unwinder, which looks the ranges up, so code that
// never throws pays nothing for them. A legacy catch keeps the exception in a slot after the
// locals for `rethrow` (a ThrowRef of that slot; lower.h, needed_exn_slots()).
#include <algorithm>

#include "interp/lower.h"

namespace wasmcap::interp {

using ir::Op;

uint32_t Lowering::open_range() {
  OpenRange r;
  r.range.start = pos();
  r.range.outer = innermost_range();
  ranges_.push_back(std::move(r));
  const auto id = static_cast<uint32_t>(ranges_.size() - 1);
  open_ranges_.push_back(id);
  return id;
}

void Lowering::close_range(Ctrl& c) {
  if (!c.range_open) return;
  ranges_[c.range].range.end = pos();
  // Ranges nest: the one closing is the innermost open one.
  if (!open_ranges_.empty() && open_ranges_.back() == c.range) open_ranges_.pop_back();
  c.range_open = false;
}

void Lowering::catch_to_label(CatchEntry& e, uint32_t range, uint32_t index, size_t ctrl,
                              const validate::ControlFrame& cf) {
  e.dst = slot(cf.height);
  if (ctrl == 0) {
    e.target = CatchEntry::kReturn; // the function's label: the values are its results
    return;
  }
  Ctrl& c = ctrls_[ctrl];
  if (c.op == Op::Loop) {
    e.target = c.loop_start;
  } else {
    c.catch_fixups.emplace_back(range, index); // the block's end, once reached
  }
}

void Lowering::lower_exception_control(const ir::Instr& in, const validate::FunctionValidator& v,
                                       bool dead) {
  switch (in.op) {
  case Op::TryTable:
  case Op::Try: {
    Ctrl c = new_ctrl(in.op, dead, 0);
    c.enclosing = innermost_range();
    if (!dead) {
      c.range = open_range();
      c.range_open = true;
    }
    if (!dead && in.op == Op::TryTable) {
      for (const ir::CatchClause& clause : in.catches) {
        // Labels count from outside the try_table; invalid code is rejected after this.
        if (clause.label >= ctrls_.size() || clause.label >= v.control_depth()) continue;
        if (!clause.catches_all() && clause.tag >= module_.all_tags.size()) continue;
        CatchEntry e;
        e.tag = clause.catches_all() ? CatchEntry::kAll : clause.tag;
        e.payload = !clause.catches_all();
        e.ref = clause.with_ref();
        std::vector<CatchEntry>& list = ranges_[c.range].catches;
        catch_to_label(e, c.range, static_cast<uint32_t>(list.size()),
                       ctrls_.size() - 1 - clause.label, v.control(clause.label));
        list.push_back(e);
      }
    }
    ctrls_.push_back(std::move(c));
    break;
  }
  case Op::Catch:
  case Op::CatchAll: {
    Ctrl& c = ctrls_.back();
    if (c.op != Op::Try || ctrls_.size() < 2 || c.dead) break;
    if (in.op == Op::Catch && in.index >= module_.all_tags.size()) break; // invalid
    if (!dead) { // the body (or the previous catch) falls through to the end
      op(IOp::Br, in.offset);
      c.end_fixups.push_back(pos());
      word(0);
    }
    if (!c.in_catch) {
      close_range(c);
      c.in_catch = true;
      // A real slot after the locals once they are reserved, else a placeholder (lower.h).
      c.exn_slot = exn_reserved_ != 0 ? exn_base_ + std::min(hidden_slots_, exn_reserved_ - 1)
                                      : hidden_slots_;
      ++hidden_slots_;
    }
    CatchEntry e;
    e.tag = in.op == Op::Catch ? in.index : CatchEntry::kAll;
    e.payload = in.op == Op::Catch;
    e.dst = slot(v.control(0).height); // the catch block starts with the payload
    e.exn_slot = c.exn_slot;
    e.target = pos();
    std::vector<CatchEntry>& list = ranges_[c.range].catches;
    if (exn_reserved_ == 0)
      hidden_catches_.emplace_back(c.range, static_cast<uint32_t>(list.size()));
    list.push_back(e);
    break;
  }
  case Op::Delegate: {
    // Ends a try without catches: what its body throws is thrown again where label `index`
    // (counted from outside the try) is: inside that block when it is a try or try_table still
    // in its body, else around it.
    Ctrl& c = ctrls_.back();
    if (c.op != Op::Try || c.in_catch || ctrls_.size() < 2 || in.index + 1 >= ctrls_.size() ||
        in.index + 1 >= v.control_depth())
      break;
    const Ctrl& target = ctrls_[ctrls_.size() - 2 - in.index];
    if (!c.dead) {
      close_range(c);
      ranges_[c.range].range.outer = target.range_open ? target.range : target.enclosing;
    }
    end_exception_block(c);
    if (!c.dead) {
      for (uint32_t f : c.end_fixups)
        patch(f, pos());
    }
    ctrls_.pop_back();
    break;
  }
  default: break;
  }
}

void Lowering::end_exception_block(Ctrl& c) {
  close_range(c);
  if (c.dead) return;
  for (auto [range, index] : c.catch_fixups)
    ranges_[range].catches[index].target = pos();
}

void Lowering::lower_throw(const ir::Instr& in, size_t h) {
  switch (in.op) {
  case Op::Throw: {
    if (in.index >= module_.all_tags.size() || module_.all_tags[in.index] >= module_.types.size())
      return; // invalid: rejected next
    const size_t np = module_.types[module_.all_tags[in.index]].params.size();
    if (h < np) return;
    op(IOp::Throw, in.offset);
    word(in.index);
    word(slot(h - np));
    break;
  }
  case Op::ThrowRef:
    if (h < 1) return;
    op(IOp::ThrowRef, in.offset);
    word(slot(h - 1));
    break;
  case Op::Rethrow: {
    if (in.index >= ctrls_.size()) return;
    const Ctrl& c = ctrls_[ctrls_.size() - 1 - in.index];
    if (c.exn_slot == UINT32_MAX) return; // not a catch block: rejected next
    op(IOp::ThrowRef, in.offset);
    if (exn_reserved_ == 0) hidden_words_.push_back(pos());
    word(c.exn_slot);
    break;
  }
  default: break;
  }
}

void Lowering::finish_ranges() {
  if (ranges_.empty()) return;
  // The values a catch hands its label must fit the frame even when the label's block is never
  // reached otherwise.
  for (const OpenRange& r : ranges_) {
    for (const CatchEntry& e : r.catches) {
      uint32_t n = e.ref ? 1 : 0;
      if (e.payload) n += slots_of(module_.types[module_.all_tags[e.tag]].params);
      out_.frame_slots = std::max(out_.frame_slots, e.dst + n);
    }
  }
  const uint32_t base = out_.frame_slots;
  for (uint32_t at : hidden_words_)
    out_.code[at] += base;
  for (auto [range, index] : hidden_catches_)
    ranges_[range].catches[index].exn_slot += base;
  if (exn_reserved_ == 0) out_.frame_slots += hidden_slots_;
  for (OpenRange& r : ranges_) {
    r.range.first_catch = static_cast<uint32_t>(out_.catches.size());
    r.range.num_catches = static_cast<uint32_t>(r.catches.size());
    out_.catches.insert(out_.catches.end(), r.catches.begin(), r.catches.end());
    out_.try_ranges.push_back(r.range);
  }
}

} // namespace wasmcap::interp

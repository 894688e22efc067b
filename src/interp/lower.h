// Lowering: a validator observer that translates one function body into FunctionCode while the
// validator checks it, in the same pass. Before each instruction it reads the operand stack
// height from the validator and turns stack positions into frame slots.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "interp/code.h"
#include "ir/instr.h"
#include "ir/module.h"
#include "support/result.h"
#include "validate/function_validator.h"

namespace wasmcap::interp {

// Frame slots a list of values takes: one each, two for a v128.
inline uint32_t slots_of(std::span<const ir::ValType> types) {
  uint32_t n = 0;
  for (ir::ValType t : types)
    n += t == ir::ValType::V128 ? 2 : 1;
  return n;
}

// Whether anything in `m` can hold a GC reference (a struct or array type, or a function type,
// table or global of the any or extern hierarchy): its functions then get the GC's stack maps.
bool module_holds_gc_refs(const ir::Module& m);

class Lowering {
public:
  // `exn_slots`: slots to reserve after the locals for legacy catch blocks' exceptions (see
  // needed_exn_slots()).
  // `module_gc_refs`: module_holds_gc_refs(module), asked once per module by the caller.
  Lowering(const ir::Module& module, uint32_t func_index, bool metering, bool poll_calls = false,
           uint32_t exn_slots = 0, bool module_gc_refs = false);

  // Legacy `catch`/`catch_all` blocks keep the exception they caught (for `rethrow`) in a slot of
  // their own, which must live below the operand stack: a call inside the catch block places
  // its callee's frame at its arguments, over every slot above them. The decoder counts the
  // tries (ir::Function::legacy_tries), so the slots are reserved after the locals from the
  // start; for a body it did not count, the first lowering finds the number and the function is
  // lowered again with them (compile.cpp). Until then they are placeholders.
  uint32_t needed_exn_slots() const { return exn_reserved_ == 0 ? hidden_slots_ : 0; }

  support::Status before(const ir::Instr& instr, const validate::FunctionValidator& v);
  support::Status after(const ir::Instr& instr, const validate::FunctionValidator& v);

  // The finished code (valid after the validator has accepted the whole body), with the pair
  // ops of fuse_pairs applied: every instruction is final by now.
  FunctionCode take() {
    fuse_pairs(out_);
    finish_ranges();
    return std::move(out_);
  }

private:
  // Where an operand's value is until something forces it into its own slot: a `local.get`
  // or a constant is not copied at all; the consuming op reads the local's slot or takes the
  // constant as an immediate. Control flow, calls and writes to the local materialize it.
  struct Pending {
    enum Kind : uint8_t { Own, Local, Const } kind = Own;
    uint32_t local = 0; // Local: the local's slot
    uint64_t bits = 0;  // Const: the value
  };
  // The last emitted instruction when it is an op whose scalar result is on top of the stack
  // (for local.set into its result slot and compare+branch fusion); valid for one instruction.
  struct Last {
    bool valid = false;
    IOp op = IOp::Count;
    uint32_t start = 0; // code position of its op word; the result slot word follows
  };
  // A branch condition: a slot (jump when non-zero or zero) or a comparison removed from the
  // code to be fused into the jump.
  struct Cond {
    IOp cmp = IOp::Count;        // Count: plain slot test
    bool negate = false;         // plain test: jump when zero (after i32.eqz)
    std::vector<uint32_t> words; // plain: [slot]; compare: its operand words
  };

  // One open block/loop/if of the lowering, parallel to the validator's control frames.
  struct Ctrl {
    ir::Op op = ir::Op::Block;
    bool dead = false;                // opened in unreachable code: emits nothing
    uint32_t loop_start = 0;          // Loop: the branch target
    uint32_t else_fixup = UINT32_MAX; // If: the BrUnless target word to patch
    std::vector<uint32_t> end_fixups; // target words to patch with the end position
    // Exception handling (lower_exn.cpp).
    uint32_t range = kNoRange;      // TryTable, Try: its range (index into ranges_)
    bool range_open = false;        // ... and its body is still being lowered
    uint32_t enclosing = kNoRange;  // the innermost range open around it when it opened
    bool in_catch = false;          // Try: past its first catch/catch_all
    uint32_t exn_slot = UINT32_MAX; // Try in a catch: hidden slot holding the exception
    // (range, catch) pairs whose target is this block's end.
    std::vector<std::pair<uint32_t, uint32_t>> catch_fixups;
  };
  static constexpr uint32_t kNoRange = UINT32_MAX;
  static Ctrl new_ctrl(ir::Op op, bool dead, uint32_t loop_start) {
    Ctrl c;
    c.op = op;
    c.dead = dead;
    c.loop_start = loop_start;
    return c;
  }
  // A try range while lowering: its catches are collected here (a legacy try adds them one by
  // one, around the ranges of tries nested in its catch blocks) and laid out by finish_ranges.
  struct OpenRange {
    TryRange range;
    std::vector<CatchEntry> catches;
  };

  // Frame slot of the operand at stack `height` (v128 operands and locals take two slots).
  // Out-of-range heights only occur in code the validator is about to reject.
  uint32_t slot(size_t height) const {
    return out_.num_locals + (height < offs_.size() ? offs_[height] : 0);
  }
  // Slots taken by the operands between two heights.
  uint32_t span(size_t from, size_t to) const { return slot(to) - slot(from); }
  uint32_t pos() const { return static_cast<uint32_t>(out_.code.size()); }
  // Targets are stored relative to their own word, so jumps need no code base.
  void patch(uint32_t at, uint32_t target) { out_.code[at] = target - at; }
  // Where the operand at `height` can be read now (its own slot or a local's).
  uint32_t src(size_t height) const {
    return height < pend_.size() && pend_[height].kind == Pending::Local ? pend_[height].local
                                                                         : slot(height);
  }
  // Moves the operand at `height` into its own slot (a Copy or a Const op).
  void materialize(size_t height, uint64_t off);
  void materialize_below(size_t h, uint64_t off);
  // Takes the condition on top of the stack (height h - 1), unfusing a just-emitted compare.
  Cond take_cond(size_t h, uint64_t off);
  // Emits a jump on `c` (when true, or when false if !when_true); returns its target word.
  uint32_t cond_jump(const Cond& c, bool when_true, uint64_t off);
  void lower_local_set(const ir::Instr& in, size_t h);
  void op(IOp o, uint64_t wasm_offset);
  void word(uint32_t w) { out_.code.push_back(w); }

  // Emits a target word for a branch to `label` (patched later for forward branches).
  void target(uint32_t label);
  // Emits the value moves and jump of a taken branch to `label` from stack height `h`.
  void branch(uint32_t label, size_t h, const validate::FunctionValidator& v, uint64_t off);
  // True when a branch to `label` from height `h` needs no value moves and is not a return.
  bool plain_branch(uint32_t label, size_t h, const validate::FunctionValidator& v) const;

  support::Status lower_control(const ir::Instr& in, const validate::FunctionValidator& v);
  void lower_br_on_null(const ir::Instr& in, size_t h, const validate::FunctionValidator& v);
  void lower_br_on_cast(const ir::Instr& in, size_t h, const validate::FunctionValidator& v);
  // GC's stack map (lower_gc.cpp): whether anything in the module can hold a GC reference (no
  // map otherwise), the safepoints, and a record of one.
  bool gc_maps_ = false;
  std::vector<uint32_t> gc_locals_; // slots of locals of the any and extern hierarchies
  static bool is_gc_safepoint(ir::Op op);
  void note_gc_safepoint(size_t h, const validate::FunctionValidator& v);
  void init_gc_maps(const ir::Function& fn, const ir::FuncType& type, bool module_gc_refs);
  // GC's heap instructions (lower_gc.cpp).
  void lower_gc_heap(const ir::Instr& in, size_t h);
  void lower_struct_new(const ir::Instr& in, size_t h);
  Cond test_slot(uint32_t scratch);
  void branch_on(const ir::Instr& in, const Cond& cond, bool when, size_t carried,
                 const validate::FunctionValidator& v);
  // A reference test's target: the type's bits and, for a type index, its canonical id.
  void ref_target(ir::ValType t);
  void lower_generic(const ir::Instr& in, size_t h);
  // True when the instruction emitted just before is the last code and computed the operand at
  // `height` into its own slot: it may be removed and folded into the consumer.
  bool just_computed(size_t height) const;
  // Removes that instruction; returns its words after the result slot and its wasm offset.
  std::vector<uint32_t> take_last(uint64_t& wasm_offset);
  // Superinstructions: a load whose address is `i32.add x, C` emitted just before, and a binop
  // whose second operand is a load emitted just before. True when `in` was emitted fused.
  bool fuse_with_last(const ir::Instr& in, size_t h, size_t np);
  void emit_outer_of_last(IOp fused, const ir::Instr& in, uint32_t dst, uint32_t other);
  void lower_special(const ir::Instr& in, size_t h, const validate::FunctionValidator& v);
  // WebAssembly 3.0 (lower_wasm3.cpp): return_call / return_call_indirect, and the memory
  // instructions naming a memory other than 0 (between UseMemory ops, or MemoryCopyBetween).
  void lower_return_call(const ir::Instr& in, size_t h);
  void lower_memory_op(const ir::Instr& in, size_t h);
  // 64-bit memories and tables (lower_memory64.cpp): true when `in` addresses an i64 memory and
  // was lowered there; table64 indices are clamped before the op and table.grow's result is
  // widened after it.
  bool memory64(uint32_t index) const;
  bool table64(uint32_t index) const;
  bool lower_memory64_op(const ir::Instr& in, size_t h);
  void narrow_table64(const ir::Instr& in, size_t h);
  void widen_table64_result(const ir::Instr& in, size_t h);
  // Exception handling (lower_exn.cpp): the control instructions (try_table, try, catch,
  // catch_all, delegate, and `end` of those) record ranges and catches; throw, throw_ref and
  // rethrow are ops.
  void lower_exception_control(const ir::Instr& in, const validate::FunctionValidator& v,
                               bool dead);
  void end_exception_block(Ctrl& c);
  void lower_throw(const ir::Instr& in, size_t h);
  uint32_t open_range();
  void close_range(Ctrl& c);
  // Where catch `index` of range `range` goes: the block ctrls_[ctrl] (validator frame `cf`).
  void catch_to_label(CatchEntry& e, uint32_t range, uint32_t index, size_t ctrl,
                      const validate::ControlFrame& cf);
  uint32_t innermost_range() const { return open_ranges_.empty() ? kNoRange : open_ranges_.back(); }
  void finish_ranges();
  bool wide_global(uint32_t index) const {
    return module_.all_globals[index].type == ir::ValType::V128;
  }

  const ir::Module& module_;
  bool metering_;   // emit Fuel ops and entry charges
  bool poll_calls_; // CallDirectPoll for CallDirect (CompileOptions::poll_calls)
  FunctionCode out_;
  std::vector<Ctrl> ctrls_;
  std::vector<uint32_t> fuel_words_;  // cost words of the open (live) loops' Fuel ops
  std::vector<uint32_t> local_slots_; // per local (params first): its first frame slot
  std::vector<bool> local_wide_;      // per local: a v128 (two slots)
  size_t result_values_ = 0;          // the function's result count (values, not slots)
  std::vector<uint32_t> offs_;        // per operand height (0..h): slot offset above the locals
  std::vector<Pending> pend_;         // per operand height: where its value is for now
  Last last_, prev_;                  // last_ for the next instruction; prev_ = last_ before it
  bool push_set_ = false;             // after(): the pushed operand is `push_` (not Own)
  Pending push_;
  std::vector<OpenRange> ranges_;     // every try range, in opening order
  std::vector<uint32_t> open_ranges_; // ranges whose end is not reached yet, innermost last
  // Legacy catch blocks' exception slots (needed_exn_slots()): the first lowering counts them in
  // hidden_slots_ as placeholders above the operand stack (the code words and catches naming
  // slot k hold k, made real by finish_ranges); the second finds exn_reserved_ of them from
  // exn_base_ on, after the locals.
  uint32_t hidden_slots_ = 0;
  uint32_t exn_base_ = 0;
  uint32_t exn_reserved_ = 0;
  std::vector<uint32_t> hidden_words_;                        // code positions
  std::vector<std::pair<uint32_t, uint32_t>> hidden_catches_; // (range, catch)
};

} // namespace wasmcap::interp

// Lowering: a validator observer that translates one function body into FunctionCode while the
// validator checks it, in the same pass. Before each instruction it reads the operand stack
// height from the validator and turns stack positions into frame slots.
#pragma once

#include <cstdint>
#include <vector>

#include "interp/code.h"
#include "ir/instr.h"
#include "ir/module.h"
#include "support/result.h"
#include "validate/function_validator.h"

namespace wasmcap::interp {

class Lowering {
public:
  Lowering(const ir::Module& module, uint32_t func_index);

  support::Status before(const ir::Instr& instr, const validate::FunctionValidator& v);
  support::Status after(const ir::Instr& instr, const validate::FunctionValidator& v);

  // The finished code (valid after the validator has accepted the whole body).
  FunctionCode take() { return std::move(out_); }

private:
  // One open block/loop/if of the lowering, parallel to the validator's control frames.
  struct Ctrl {
    ir::Op op = ir::Op::Block;
    bool dead = false;                // opened in unreachable code: emits nothing
    uint32_t loop_start = 0;          // Loop: the branch target
    uint32_t else_fixup = UINT32_MAX; // If: the BrUnless target word to patch
    std::vector<uint32_t> end_fixups; // target words to patch with the end position
  };

  // Frame slot of the operand at stack `height` (v128 operands and locals take two slots).
  // Out-of-range heights only occur in code the validator is about to reject.
  uint32_t slot(size_t height) const {
    return out_.num_locals + (height < offs_.size() ? offs_[height] : 0);
  }
  // Slots taken by the operands between two heights.
  uint32_t span(size_t from, size_t to) const { return slot(to) - slot(from); }
  uint32_t pos() const { return static_cast<uint32_t>(out_.code.size()); }
  void op(IOp o, uint64_t wasm_offset);
  void word(uint32_t w) { out_.code.push_back(w); }

  // Emits a target word for a branch to `label` (patched later for forward branches).
  void target(uint32_t label);
  // Emits the value moves and jump of a taken branch to `label` from stack height `h`.
  void branch(uint32_t label, size_t h, const validate::FunctionValidator& v, uint64_t off);
  // True when a branch to `label` from height `h` needs no value moves and is not a return.
  bool plain_branch(uint32_t label, size_t h, const validate::FunctionValidator& v) const;

  support::Status lower_control(const ir::Instr& in, const validate::FunctionValidator& v);
  void lower_generic(const ir::Instr& in, size_t h);
  void lower_special(const ir::Instr& in, size_t h, const validate::FunctionValidator& v);
  bool wide_global(uint32_t index) const {
    return module_.all_globals[index].type == ir::ValType::V128;
  }

  const ir::Module& module_;
  FunctionCode out_;
  std::vector<Ctrl> ctrls_;
  std::vector<uint32_t> fuel_words_;  // cost words of the open (live) loops' Fuel ops
  std::vector<uint32_t> local_slots_; // per local (params first): its first frame slot
  std::vector<bool> local_wide_;      // per local: a v128 (two slots)
  size_t result_values_ = 0;          // the function's result count (values, not slots)
  std::vector<uint32_t> offs_;        // per operand height (0..h): slot offset above the locals
};

} // namespace wasmcap::interp

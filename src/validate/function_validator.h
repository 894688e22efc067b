// FunctionValidator: the spec's validation algorithm for one function body (operand and control
// stacks, unreachable polymorphism, multi-value blocks). It is a CodeReader visitor; other
// visitors (the interpreter's lowering) run composed with it in the same pass and may query its
// stacks *before* each instruction is applied.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "ir/instr.h"
#include "ir/module.h"
#include "support/result.h"
#include "validate/features.h"

namespace wasmcap::validate {

struct ControlFrame {
  ir::Op opcode = ir::Op::Block;        // Block, Loop, If (Else after `else`), or Call for
                                        // the function's own frame
  std::vector<ir::ValType> start_types; // block parameters
  std::vector<ir::ValType> end_types;   // block results
  size_t height = 0;                    // operand stack height at entry (below the params)
  bool unreachable = false;             // stack-polymorphic after br/return/unreachable
  // Types a branch to this label carries: start_types for a loop, end_types otherwise.
  std::span<const ir::ValType> label_types() const {
    return opcode == ir::Op::Loop ? start_types : end_types;
  }
};

class FunctionValidator {
public:
  // `func_index` is in the module's whole function index space (imports first).
  FunctionValidator(const ir::Module& module, uint32_t func_index, const Features& features);

  // CodeReader visitor entry point: validates one instruction and applies it to the stacks.
  support::Status operator()(const ir::Instr& instr);

  // Checks after the body's final `end` (called by the code that drives the reader).
  support::Status finish() const;

  // --- queries, valid between instructions -------------------------------------------------
  size_t operand_height() const { return operands_.size(); }
  // Type of the operand `depth` slots below the top (0 = top); nullopt = unknown (polymorphic).
  std::optional<ir::ValType> operand_type(size_t depth) const;
  size_t control_depth() const { return controls_.size(); }
  // `label` counts outwards like a br immediate (0 = innermost).
  const ControlFrame& control(size_t label) const {
    return controls_[controls_.size() - 1 - label];
  }
  bool unreachable() const { return !controls_.empty() && controls_.back().unreachable; }
  // All locals of the function, parameters first.
  std::span<const ir::ValType> locals() const { return locals_; }

private:
  const ir::Module& module_;
  const Features& features_;
  std::vector<ir::ValType> locals_;
  std::vector<std::optional<ir::ValType>> operands_;
  std::vector<ControlFrame> controls_;
  // (further private members are up to the implementation)
};

} // namespace wasmcap::validate

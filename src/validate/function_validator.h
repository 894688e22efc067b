// FunctionValidator: the spec's validation algorithm for one function body (operand and control
// stacks, unreachable polymorphism, multi-value blocks). It is a CodeReader visitor; other
// visitors (the interpreter's lowering) run composed with it in the same pass and may query its
// stacks *before* each instruction is applied.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "ir/instr.h"
#include "ir/module.h"
#include "support/result.h"
#include "validate/features.h"
#include "validate/module_context.h"

namespace wasmcap::validate {

struct ControlFrame {
  ir::Op opcode = ir::Op::Block;        // Block, Loop, If (Else after `else`), TryTable, Try
                                        // (Catch/CatchAll after a legacy `catch`/`catch_all`),
                                        // or Call for the function's own frame
  std::vector<ir::ValType> start_types; // block parameters
  std::vector<ir::ValType> end_types;   // block results
  size_t height = 0;                    // operand stack height at entry (below the params)
  bool unreachable = false;             // stack-polymorphic after br/return/unreachable
  size_t inits = 0; // FunctionValidator::inits_ at entry: the block's own local.sets are above
  // Types a branch to this label carries: start_types for a loop, end_types otherwise.
  std::span<const ir::ValType> label_types() const {
    return opcode == ir::Op::Loop ? start_types : end_types;
  }
};

class FunctionValidator {
public:
  // `func_index` is in the module's whole function index space (imports first).
  // `func_index` must name a defined function (validate_function checks that). This form
  // computes the module facts it needs itself, when first needed; prefer the next one when
  // validating many functions of one module.
  FunctionValidator(const ir::Module& module, uint32_t func_index, const Features& features);
  // `context` (from compute_module_context) must outlive the validator.
  FunctionValidator(const ir::Module& module, uint32_t func_index, const Features& features,
                    const ModuleContext& context);

  // CodeReader visitor entry point: validates one instruction and applies it to the stacks.
  support::Status operator()(const ir::Instr& instr);

  // Checks after the body's final `end` (called by the code that drives the reader).
  support::Status finish() const;

  // --- queries, valid between instructions -------------------------------------------------
  size_t operand_height() const { return operands_.size(); }
  // The lowest operand height the last instruction reached: operands below it are untouched.
  size_t low_water() const { return low_water_; }
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
  const ModuleContext* context_ = nullptr;
  std::optional<ModuleContext> own_context_; // computed on the first ref.func, if no context_
  std::vector<std::optional<ir::ValType>> scratch_; // br_table: values popped per label
  // Non-defaultable locals (`(ref $t)`): which are set, and the ones set in the open blocks, in
  // order, so that a block's end forgets what it set (the spec's local initialization rule).
  std::vector<bool> local_set_;
  std::vector<uint32_t> inits_;
  uint64_t at_ = 0;      // offset of the current instruction
  size_t low_water_ = 0; // see low_water()

  using Operand = std::optional<ir::ValType>; // nullopt: unknown (from a polymorphic stack)
  support::Error fail(std::string message) const;
  support::Error type_mismatch() const { return fail("type mismatch"); }
  void push(Operand t) { operands_.push_back(t); }
  void push_all(std::span<const ir::ValType> types);
  support::Result<Operand> pop();
  support::Result<Operand> pop(ir::ValType expected);
  support::Status pop_all(std::span<const ir::ValType> types);
  void push_control(ir::Op op, std::vector<ir::ValType> params, std::vector<ir::ValType> results);
  support::Result<ControlFrame> pop_control();
  void set_unreachable();
  support::Status read_block_type(const ir::BlockType& bt, std::vector<ir::ValType>& params,
                                  std::vector<ir::ValType>& results) const;
  support::Status check_label(uint32_t label) const;
  support::Status check_memory(uint32_t index) const;
  support::Result<ir::ValType> table_elem(uint32_t index) const;
  support::Status check_elem(uint32_t index) const;
  support::Status check_data(uint32_t index) const;
  bool is_declared_ref(uint32_t func_index);
  bool enabled(const ir::OpInfo& info) const;

  support::Status apply_simple(const ir::Instr& instr);
  support::Status apply_control(const ir::Instr& instr);
  support::Status apply_branch(const ir::Instr& instr);
  support::Status apply_variable(const ir::Instr& instr);
  support::Status apply_table(const ir::Instr& instr);
  // Typed function references (function_validator_ref.cpp): call_ref, return_call_ref,
  // ref.as_non_null, br_on_null, br_on_non_null, and the local initialization rule.
  support::Status apply_typed_ref(const ir::Instr& instr);
  // GC (function_validator_gc.cpp): ref.eq, ref.test, ref.cast, br_on_cast(_fail), i31.
  support::Status apply_gc(const ir::Instr& instr);
  // GC's heap objects (function_validator_gc_heap.cpp): struct.*, array.*, any.convert_extern,
  // extern.convert_any.
  support::Status apply_gc_heap(const ir::Instr& instr);
  support::Result<const ir::SubType*> composite(uint32_t index, ir::TypeKind kind) const;
  support::Status segment_fits(const ir::Instr& instr, const ir::FieldType& e) const;
  support::Status tail_call_to(const ir::FuncType& type);
  support::Result<const ir::FuncType*> ref_func_type(uint32_t type_index) const;
  support::Status check_local_get(uint32_t index) const;
  void note_local_set(uint32_t index);
  bool subtype(ir::ValType a, ir::ValType b) const;
  // 64-bit memories and tables (function_validator_addr.cpp): the address type of memory or
  // table `index` (i32, or i64 for memory64/table64; i32 for an unknown index, reported
  // elsewhere), the memarg offset rules, and the typing of memory instructions on i64 memories.
  ir::ValType memory_addr(uint32_t index) const;
  ir::ValType table_addr(uint32_t index) const;
  support::Status check_offset(const ir::Instr& instr) const;
  bool touches_memory64(const ir::Instr& instr) const;
  support::Status apply_memory64(const ir::Instr& instr, const ir::SigTypes& sig);
  // Exception handling (function_validator_exn.cpp).
  support::Status apply_exception(const ir::Instr& instr);
  support::Status check_catch(const ir::CatchClause& c) const;
  support::Result<const ir::FuncType*> tag_type(uint32_t index) const;
};

} // namespace wasmcap::validate

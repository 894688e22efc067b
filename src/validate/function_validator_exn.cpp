// FunctionValidator's rules for exception handling (WebAssembly 3.0): throw, throw_ref and
// try_table, plus the legacy try/catch/catch_all/delegate/rethrow that older toolchains emit.
// A `catch` of the legacy form closes the try's (or previous catch's) frame and opens a Catch
// frame with the same results whose operand stack starts with the tag's payload.
#include <algorithm>

#include "validate/function_validator.h"

namespace wasmcap::validate {

using ir::Op;
using ir::ValType;
using support::Result;
using support::Status;

Result<const ir::FuncType*> FunctionValidator::tag_type(uint32_t index) const {
  if (index >= module_.all_tags.size()) return fail("unknown tag " + std::to_string(index));
  const uint32_t type = module_.all_tags[index];
  if (type >= module_.types.size()) return fail("unknown type " + std::to_string(type));
  return &module_.types[type];
}

// A clause's label must take what the clause hands it: the payload (catch), the payload and
// the exnref (catch_ref), nothing (catch_all) or the exnref (catch_all_ref).
Status FunctionValidator::check_catch(const ir::CatchClause& c) const {
  WASMCAP_TRY(check_label(c.label));
  std::vector<ValType> carried;
  if (!c.catches_all()) {
    WASMCAP_ASSIGN(const ir::FuncType* type, tag_type(c.tag));
    carried = type->params;
  }
  // The exception reference is never null: (ref exn).
  if (c.with_ref()) carried.push_back(ValType::ref(ir::HeapKind::Exn, false));
  const std::span<const ValType> expected = control(c.label).label_types();
  if (carried.size() != expected.size()) return type_mismatch();
  for (size_t i = 0; i < carried.size(); ++i)
    if (!subtype(carried[i], expected[i])) return type_mismatch();
  return support::ok();
}

Status FunctionValidator::apply_exception(const ir::Instr& instr) {
  switch (instr.op) {
  case Op::Throw: {
    WASMCAP_ASSIGN(const ir::FuncType* type, tag_type(instr.index));
    WASMCAP_TRY(pop_all(type->params));
    set_unreachable();
    return support::ok();
  }
  case Op::ThrowRef:
    WASMCAP_TRY(pop(ValType::ExnRef));
    set_unreachable();
    return support::ok();
  case Op::TryTable:
  case Op::Try: {
    std::vector<ValType> params, results;
    WASMCAP_TRY(read_block_type(instr.block, params, results));
    // Clause labels are resolved outside the try_table: checked before its frame is pushed.
    for (const ir::CatchClause& c : instr.catches)
      WASMCAP_TRY(check_catch(c));
    WASMCAP_TRY(pop_all(params));
    push_control(instr.op, std::move(params), std::move(results));
    return support::ok();
  }
  case Op::Catch:
  case Op::CatchAll: {
    const Op open = controls_.back().opcode;
    if (open != Op::Try && open != Op::Catch) return fail("catch without try");
    std::vector<ValType> payload;
    if (instr.op == Op::Catch) {
      WASMCAP_ASSIGN(const ir::FuncType* type, tag_type(instr.index));
      payload = type->params;
    }
    WASMCAP_ASSIGN(ControlFrame frame, pop_control());
    push_control(instr.op, std::move(payload), std::move(frame.end_types));
    return support::ok();
  }
  case Op::Delegate: {
    if (controls_.back().opcode != Op::Try) return fail("delegate without try");
    WASMCAP_ASSIGN(ControlFrame frame, pop_control());
    WASMCAP_TRY(check_label(instr.index));
    push_all(frame.end_types);
    return support::ok();
  }
  case Op::Rethrow: {
    WASMCAP_TRY(check_label(instr.index));
    const Op target = control(instr.index).opcode;
    if (target != Op::Catch && target != Op::CatchAll) return fail("invalid rethrow label");
    set_unreachable();
    return support::ok();
  }
  default: return type_mismatch();
  }
}

} // namespace wasmcap::validate

// FunctionValidator's rules for typed function references (WebAssembly 3.0): call_ref,
// return_call_ref, ref.as_non_null, br_on_null, br_on_non_null, and the initialization rule of
// non-defaultable locals: a `(ref $t)` local may be read only after a local.set or local.tee in
// the same block or an enclosing one (pop_control forgets the sets of the block it closes).
#include "ir/subtype.h"
#include "validate/function_validator.h"

namespace wasmcap::validate {

using ir::Op;
using ir::ValType;
using support::Result;
using support::Status;

bool FunctionValidator::subtype(ValType a, ValType b) const {
  return ir::is_subtype(module_, a, b);
}

Result<const ir::FuncType*> FunctionValidator::ref_func_type(uint32_t type_index) const {
  if (type_index >= module_.types.size()) return fail("unknown type " + std::to_string(type_index));
  if (!module_.is_func_type(type_index)) return type_mismatch();
  return &module_.types[type_index];
}

Status FunctionValidator::check_local_get(uint32_t index) const {
  if (!local_set_[index]) return fail("uninitialized local");
  return support::ok();
}

void FunctionValidator::note_local_set(uint32_t index) {
  if (local_set_[index]) return;
  local_set_[index] = true;
  inits_.push_back(index);
}

Status FunctionValidator::apply_typed_ref(const ir::Instr& instr) {
  switch (instr.op) {
  case Op::CallRef:
  case Op::ReturnCallRef: {
    WASMCAP_ASSIGN(const ir::FuncType* type, ref_func_type(instr.index));
    WASMCAP_TRY(pop(ValType::ref_index(instr.index, true)));
    if (instr.op == Op::ReturnCallRef) return tail_call_to(*type); // as return_call
    WASMCAP_TRY(pop_all(type->params));
    push_all(type->results);
    return support::ok();
  }
  case Op::RefAsNonNull: {
    WASMCAP_ASSIGN(Operand t, pop());
    if (t && !t->is_ref()) return type_mismatch();
    push(t ? Operand(t->as_nullable(false)) : Operand{});
    return support::ok();
  }
  case Op::BrOnNull: {
    WASMCAP_TRY(check_label(instr.index));
    WASMCAP_ASSIGN(Operand t, pop());
    if (t && !t->is_ref()) return type_mismatch();
    const std::span<const ValType> types = control(instr.index).label_types();
    WASMCAP_TRY(pop_all(types));
    push_all(types);
    push(t ? Operand(t->as_nullable(false)) : Operand{});
    return support::ok();
  }
  case Op::BrOnNonNull: {
    WASMCAP_TRY(check_label(instr.index));
    const std::span<const ValType> types = control(instr.index).label_types();
    if (types.empty() || !types.back().is_ref()) return type_mismatch();
    WASMCAP_ASSIGN(Operand t, pop());
    if (t && !t->is_ref()) return type_mismatch();
    if (t && !subtype(t->as_nullable(false), types.back())) return type_mismatch();
    const std::span<const ValType> rest = types.first(types.size() - 1);
    WASMCAP_TRY(pop_all(rest));
    push_all(rest);
    return support::ok();
  }
  default: return type_mismatch();
  }
}

} // namespace wasmcap::validate

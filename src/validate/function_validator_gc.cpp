// FunctionValidator's rules for the GC instructions that need no heap (WebAssembly 3.0): ref.eq,
// ref.test, ref.cast, br_on_cast, br_on_cast_fail and i31. A test or cast takes any reference of
// its target's hierarchy (the operand's type is the hierarchy's top, nullable), so it is valid
// for every operand whose type shares that top.
#include "ir/subtype.h"
#include "validate/function_validator.h"

namespace wasmcap::validate {

using ir::Op;
using ir::ValType;
using support::Status;

namespace {
// The nullable top of `t`'s hierarchy: what a test or cast of type `t` accepts.
ValType top_of(const ir::Module& m, ValType t) {
  return ValType::ref(ir::heap_top(m, t), true);
}
} // namespace

Status FunctionValidator::apply_gc(const ir::Instr& instr) {
  const ValType eqref = ValType::ref(ir::HeapKind::Eq, true);
  const ValType i31ref = ValType::ref(ir::HeapKind::I31, true);
  switch (instr.op) {
  case Op::RefEq:
    WASMCAP_TRY(pop(eqref));
    WASMCAP_TRY(pop(eqref));
    push(ValType::I32);
    return support::ok();
  case Op::RefI31:
    WASMCAP_TRY(pop(ValType::I32));
    push(i31ref.as_nullable(false));
    return support::ok();
  case Op::I31GetS:
  case Op::I31GetU:
    WASMCAP_TRY(pop(i31ref));
    push(ValType::I32);
    return support::ok();
  case Op::RefTest:
  case Op::RefTestNull:
  case Op::RefCast:
  case Op::RefCastNull: {
    if (!ir::type_index_ok(module_, instr.type)) return fail("unknown type");
    WASMCAP_TRY(pop(top_of(module_, instr.type)));
    const bool test = instr.op == Op::RefTest || instr.op == Op::RefTestNull;
    push(test ? ValType::I32 : instr.type);
    return support::ok();
  }
  case Op::BrOnCast:
  case Op::BrOnCastFail: {
    // br_on_cast $l rt1 rt2: rt2 <: rt1; the operand is an rt1. The branch carries what the cast
    // gives (rt2; for _fail, rt1 without rt2), the fall-through the rest.
    const ValType from = instr.type, to = instr.type2;
    if (!ir::type_index_ok(module_, from) || !ir::type_index_ok(module_, to))
      return fail("unknown type");
    if (!subtype(to, from)) return type_mismatch();
    WASMCAP_TRY(check_label(instr.index));
    const ValType diff = from.as_nullable(from.nullable() && !to.nullable());
    const ValType taken = instr.op == Op::BrOnCast ? to : diff;
    const ValType kept = instr.op == Op::BrOnCast ? diff : to;
    const std::span<const ValType> types = control(instr.index).label_types();
    if (types.empty() || !subtype(taken, types.back())) return type_mismatch();
    WASMCAP_TRY(pop(from));
    const std::span<const ValType> rest = types.first(types.size() - 1);
    WASMCAP_TRY(pop_all(rest));
    push_all(rest);
    push(kept);
    return support::ok();
  }
  default: return apply_gc_heap(instr);
  }
}

} // namespace wasmcap::validate

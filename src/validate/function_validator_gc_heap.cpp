// FunctionValidator's rules for GC's heap objects (WebAssembly 3.0): struct.* and array.*,
// typed by the struct or array type their immediate names, and any.convert_extern /
// extern.convert_any. A packed field (i8, i16) is read as an i32 with _s or _u and written from
// an i32; writes need a mutable field; data segments fill only arrays of numbers or vectors,
// element segments only arrays of a supertype of the segment's type.
#include "validate/function_validator.h"

namespace wasmcap::validate {

using ir::Op;
using ir::ValType;
using support::Result;
using support::Status;

namespace {
ValType unpacked(const ir::FieldType& f) {
  return f.packed == ir::Packed::None ? f.type : ValType::I32;
}
bool defaultable(const ir::FieldType& f) {
  return f.packed != ir::Packed::None || ir::is_defaultable(f.type);
}
} // namespace

// The struct or array type `index` names, or an error: "unknown type" past the type section,
// "type mismatch" for a type of another kind.
Result<const ir::SubType*> FunctionValidator::composite(uint32_t index, ir::TypeKind kind) const {
  if (index >= module_.subtypes.size()) return fail("unknown type");
  const ir::SubType& t = module_.subtypes[index];
  if (t.kind != kind || (kind == ir::TypeKind::Array && t.fields.size() != 1))
    return type_mismatch();
  return &t;
}

Status FunctionValidator::apply_gc_heap(const ir::Instr& instr) {
  const auto ref_to = [&](uint32_t index) { return ValType::ref_index(index, true); }; // nullable
  switch (instr.op) {
  case Op::StructNew:
  case Op::StructNewDefault: {
    WASMCAP_ASSIGN(const ir::SubType* t, composite(instr.index, ir::TypeKind::Struct));
    if (instr.op == Op::StructNewDefault) {
      for (const ir::FieldType& f : t->fields) {
        if (!defaultable(f)) return type_mismatch();
      }
    } else {
      for (size_t i = t->fields.size(); i-- > 0;) {
        WASMCAP_TRY(pop(unpacked(t->fields[i])));
      }
    }
    push(ValType::ref_index(instr.index, false));
    return support::ok();
  }
  case Op::StructGet:
  case Op::StructGetS:
  case Op::StructGetU:
  case Op::StructSet: {
    WASMCAP_ASSIGN(const ir::SubType* t, composite(instr.index, ir::TypeKind::Struct));
    if (instr.index2 >= t->fields.size()) return fail("unknown field");
    const ir::FieldType& f = t->fields[instr.index2];
    if (instr.op == Op::StructSet) {
      if (!f.is_mutable) return fail("immutable field");
      WASMCAP_TRY(pop(unpacked(f)));
      WASMCAP_TRY(pop(ref_to(instr.index)));
      return support::ok();
    }
    if ((instr.op == Op::StructGet) != (f.packed == ir::Packed::None)) return type_mismatch();
    WASMCAP_TRY(pop(ref_to(instr.index)));
    push(unpacked(f));
    return support::ok();
  }
  case Op::ArrayNew:
  case Op::ArrayNewDefault:
  case Op::ArrayNewFixed:
  case Op::ArrayNewData:
  case Op::ArrayNewElem: {
    WASMCAP_ASSIGN(const ir::SubType* t, composite(instr.index, ir::TypeKind::Array));
    const ir::FieldType& e = t->fields[0];
    switch (instr.op) {
    case Op::ArrayNew:
      WASMCAP_TRY(pop(ValType::I32));
      WASMCAP_TRY(pop(unpacked(e)));
      break;
    case Op::ArrayNewDefault:
      if (!defaultable(e)) return type_mismatch();
      WASMCAP_TRY(pop(ValType::I32));
      break;
    case Op::ArrayNewFixed:
      for (uint32_t i = 0; i < instr.index2; ++i) {
        WASMCAP_TRY(pop(unpacked(e)));
      }
      break;
    default:
      WASMCAP_TRY(segment_fits(instr, e));
      WASMCAP_TRY(pop(ValType::I32));
      WASMCAP_TRY(pop(ValType::I32));
      break;
    }
    push(ValType::ref_index(instr.index, false));
    return support::ok();
  }
  case Op::ArrayGet:
  case Op::ArrayGetS:
  case Op::ArrayGetU: {
    WASMCAP_ASSIGN(const ir::SubType* t, composite(instr.index, ir::TypeKind::Array));
    const ir::FieldType& e = t->fields[0];
    if ((instr.op == Op::ArrayGet) != (e.packed == ir::Packed::None)) return type_mismatch();
    WASMCAP_TRY(pop(ValType::I32));
    WASMCAP_TRY(pop(ref_to(instr.index)));
    push(unpacked(e));
    return support::ok();
  }
  case Op::ArraySet:
  case Op::ArrayFill: {
    WASMCAP_ASSIGN(const ir::SubType* t, composite(instr.index, ir::TypeKind::Array));
    const ir::FieldType& e = t->fields[0];
    if (!e.is_mutable) return fail("immutable array");
    if (instr.op == Op::ArrayFill) WASMCAP_TRY(pop(ValType::I32));
    WASMCAP_TRY(pop(unpacked(e)));
    WASMCAP_TRY(pop(ValType::I32));
    WASMCAP_TRY(pop(ref_to(instr.index)));
    return support::ok();
  }
  case Op::ArrayLen:
    WASMCAP_TRY(pop(ValType::ref(ir::HeapKind::Array, true)));
    push(ValType::I32);
    return support::ok();
  case Op::ArrayCopy: {
    WASMCAP_ASSIGN(const ir::SubType* dst, composite(instr.index, ir::TypeKind::Array));
    WASMCAP_ASSIGN(const ir::SubType* src, composite(instr.index2, ir::TypeKind::Array));
    const ir::FieldType& d = dst->fields[0];
    const ir::FieldType& s = src->fields[0];
    if (!d.is_mutable) return fail("immutable array");
    const bool fits = d.packed != ir::Packed::None || s.packed != ir::Packed::None
                          ? d.packed == s.packed
                          : subtype(s.type, d.type);
    if (!fits) return fail("array types do not match");
    WASMCAP_TRY(pop(ValType::I32));
    WASMCAP_TRY(pop(ValType::I32));
    WASMCAP_TRY(pop(ref_to(instr.index2)));
    WASMCAP_TRY(pop(ValType::I32));
    WASMCAP_TRY(pop(ref_to(instr.index)));
    return support::ok();
  }
  case Op::ArrayInitData:
  case Op::ArrayInitElem: {
    WASMCAP_ASSIGN(const ir::SubType* t, composite(instr.index, ir::TypeKind::Array));
    const ir::FieldType& e = t->fields[0];
    if (!e.is_mutable) return fail("immutable array");
    WASMCAP_TRY(segment_fits(instr, e));
    for (int i = 0; i < 3; ++i) {
      WASMCAP_TRY(pop(ValType::I32));
    }
    WASMCAP_TRY(pop(ref_to(instr.index)));
    return support::ok();
  }
  case Op::AnyConvertExtern:
  case Op::ExternConvertAny: {
    const bool to_any = instr.op == Op::AnyConvertExtern;
    const ir::HeapKind from = to_any ? ir::HeapKind::Extern : ir::HeapKind::Any;
    WASMCAP_ASSIGN(Operand t, pop(ValType::ref(from, true)));
    const bool nullable = !t || t->nullable();
    push(ValType::ref(to_any ? ir::HeapKind::Any : ir::HeapKind::Extern, nullable));
    return support::ok();
  }
  default: return type_mismatch();
  }
}

// array.new_data/init_data: numbers or vectors from a data segment; array.new_elem/init_elem:
// references from an element segment whose type fits the element's.
Status FunctionValidator::segment_fits(const ir::Instr& instr, const ir::FieldType& e) const {
  if (instr.op == Op::ArrayNewData || instr.op == Op::ArrayInitData) {
    if (e.packed == ir::Packed::None && e.type.is_ref())
      return fail("array type is not numeric or vector");
    return check_data(instr.index2);
  }
  WASMCAP_TRY(check_elem(instr.index2));
  if (e.packed != ir::Packed::None || !subtype(module_.elements[instr.index2].type, e.type))
    return type_mismatch();
  return support::ok();
}

} // namespace wasmcap::validate

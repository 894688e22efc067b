// validate_const_expr: a tiny stack machine over the few constant instructions.
#include "validate/const_expr.h"

#include <vector>

#include "binary/code_reader.h"
#include "ir/subtype.h"

namespace wasmcap::validate {

using ir::Op;
using ir::ValType;
using support::ErrorKind;
using support::make_error;
using support::Status;

namespace {

class ConstExprChecker {
public:
  ConstExprChecker(const ir::Module& module, uint32_t visible_globals, bool extended)
      : module_(module), visible_globals_(visible_globals), extended_(extended) {}

  Status operator()(const ir::Instr& instr) {
    switch (instr.op) {
    case Op::I32Const: stack_.push_back(ValType::I32); break;
    case Op::I64Const: stack_.push_back(ValType::I64); break;
    case Op::F32Const: stack_.push_back(ValType::F32); break;
    case Op::F64Const: stack_.push_back(ValType::F64); break;
    case Op::V128Const: stack_.push_back(ValType::V128); break;
    case Op::RefNull:
      if (!ir::type_index_ok(module_, instr.type)) return invalid("unknown type", instr);
      stack_.push_back(instr.type);
      break;
    case Op::RefFunc:
      if (instr.index >= module_.func_type_indices.size())
        return invalid("unknown function " + std::to_string(instr.index), instr);
      // Exactly the function's type, non-null (typed function references).
      stack_.push_back(ValType::ref_index(module_.func_type_indices[instr.index], false));
      break;
    case Op::RefI31: // GC: an i31 from an i32
      if (stack_.empty() || stack_.back() != ValType::I32) return invalid("type mismatch", instr);
      stack_.back() = ValType::ref(ir::HeapKind::I31, false);
      break;
    case Op::StructNew:
    case Op::StructNewDefault:
    case Op::ArrayNew:
    case Op::ArrayNewDefault:
    case Op::ArrayNewFixed:
    case Op::AnyConvertExtern:
    case Op::ExternConvertAny: return allocation(instr);
    case Op::GlobalGet: {
      if (instr.index >= visible_globals_)
        return invalid("unknown global " + std::to_string(instr.index), instr);
      const ir::GlobalType& g = module_.all_globals[instr.index];
      if (g.is_mutable) return invalid("constant expression required", instr);
      stack_.push_back(g.type);
      break;
    }
    case Op::I32Add:
    case Op::I32Sub:
    case Op::I32Mul: return binary(ValType::I32, instr);
    case Op::I64Add:
    case Op::I64Sub:
    case Op::I64Mul: return binary(ValType::I64, instr);
    case Op::End: break;
    default: return invalid("constant expression required", instr);
    }
    return support::ok();
  }

  bool produced(ValType expected) const {
    return stack_.size() == 1 && ir::is_subtype(module_, stack_[0], expected);
  }

private:
  // GC's constant instructions: objects made from the operands, and the two conversions.
  Status allocation(const ir::Instr& instr) {
    auto pop = [&](ValType t) -> bool {
      if (stack_.empty() || !ir::is_subtype(module_, stack_.back(), t)) return false;
      stack_.pop_back();
      return true;
    };
    auto unpacked = [](const ir::FieldType& f) {
      return f.packed == ir::Packed::None ? f.type : ValType::I32;
    };
    if (instr.op == Op::AnyConvertExtern || instr.op == Op::ExternConvertAny) {
      const bool to_any = instr.op == Op::AnyConvertExtern;
      if (stack_.empty()) return invalid("type mismatch", instr);
      const ValType t = stack_.back();
      if (!pop(ValType::ref(to_any ? ir::HeapKind::Extern : ir::HeapKind::Any, true)))
        return invalid("type mismatch", instr);
      stack_.push_back(
          ValType::ref(to_any ? ir::HeapKind::Any : ir::HeapKind::Extern, t.nullable()));
      return support::ok();
    }
    if (instr.index >= module_.subtypes.size()) return invalid("unknown type", instr);
    const ir::SubType& t = module_.subtypes[instr.index];
    const bool is_struct = instr.op == Op::StructNew || instr.op == Op::StructNewDefault;
    if (t.kind != (is_struct ? ir::TypeKind::Struct : ir::TypeKind::Array))
      return invalid("type mismatch", instr);
    bool ok = true;
    switch (instr.op) {
    case Op::StructNew:
      for (size_t i = t.fields.size(); i-- > 0 && ok;)
        ok = pop(unpacked(t.fields[i]));
      break;
    case Op::ArrayNew: ok = pop(ValType::I32) && pop(unpacked(t.fields[0])); break;
    case Op::ArrayNewDefault: ok = pop(ValType::I32); break;
    case Op::ArrayNewFixed:
      for (uint32_t i = 0; i < instr.index2 && ok; ++i)
        ok = pop(unpacked(t.fields[0]));
      break;
    default: break;
    }
    if (!ok) return invalid("type mismatch", instr);
    stack_.push_back(ValType::ref_index(instr.index, false));
    return support::ok();
  }
  Status binary(ValType t, const ir::Instr& instr) {
    if (!extended_) return invalid("constant expression required", instr);
    if (stack_.size() < 2 || stack_[stack_.size() - 1] != t || stack_[stack_.size() - 2] != t)
      return invalid("type mismatch", instr);
    stack_.pop_back();
    return support::ok();
  }
  static Status invalid(std::string message, const ir::Instr& instr) {
    return make_error(ErrorKind::Invalid, std::move(message), instr.offset);
  }

  const ir::Module& module_;
  uint32_t visible_globals_;
  bool extended_;
  std::vector<ValType> stack_;
};

} // namespace

Status validate_const_expr(const ir::Module& module, ir::ConstExpr expr, ValType expected,
                           uint32_t visible_globals, bool extended) {
  ConstExprChecker checker(module, visible_globals, extended);
  binary::CodeReader<ConstExprChecker> reader(module.range_bytes(expr), expr.offset, checker);
  WASMCAP_TRY(reader.read_expression());
  if (!checker.produced(expected))
    return make_error(ErrorKind::Invalid, "type mismatch", expr.offset);
  return support::ok();
}

} // namespace wasmcap::validate

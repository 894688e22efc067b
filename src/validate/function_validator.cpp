// FunctionValidator: the validation algorithm of the spec's appendix. Instructions whose typing
// is a fixed signature take it from the opcode table; the rest (Sig::Special) have rules here.
#include "validate/function_validator.h"

#include <algorithm>

#include "ir/subtype.h"

namespace wasmcap::validate {

using ir::Op;
using ir::ValType;
using support::ErrorKind;
using support::Result;
using support::Status;

FunctionValidator::FunctionValidator(const ir::Module& module, uint32_t func_index,
                                     const Features& features)
    : module_(module), features_(features) {
  const ir::FuncType& type = module.func_type(func_index);
  const ir::Function& fn = module.functions[func_index - module.num_imported_funcs];
  locals_.reserve(type.params.size() + fn.locals.size());
  locals_.insert(locals_.end(), type.params.begin(), type.params.end());
  locals_.insert(locals_.end(), fn.locals.begin(), fn.locals.end());
  local_set_.assign(locals_.size(), true);
  for (size_t i = type.params.size(); i < locals_.size(); ++i)
    local_set_[i] = ir::is_defaultable(locals_[i]);
  // The function's own frame: `return` and the final `end` check its results.
  push_control(Op::Call, {}, type.results);
}

FunctionValidator::FunctionValidator(const ir::Module& module, uint32_t func_index,
                                     const Features& features, const ModuleContext& context)
    : FunctionValidator(module, func_index, features) {
  context_ = &context;
}

std::optional<ValType> FunctionValidator::operand_type(size_t depth) const {
  if (depth >= operands_.size()) return std::nullopt;
  return operands_[operands_.size() - 1 - depth];
}

support::Error FunctionValidator::fail(std::string message) const {
  return support::make_error(ErrorKind::Invalid, std::move(message), at_);
}

// --- the operand and control stacks (the appendix's push/pop helpers) ------------------------

void FunctionValidator::push_all(std::span<const ValType> types) {
  for (ValType t : types)
    operands_.push_back(t);
}

Result<FunctionValidator::Operand> FunctionValidator::pop() {
  const ControlFrame& frame = controls_.back();
  if (operands_.size() == frame.height) {
    if (frame.unreachable) return Operand{};
    return type_mismatch();
  }
  Operand t = operands_.back();
  operands_.pop_back();
  low_water_ = std::min(low_water_, operands_.size());
  return t;
}

Result<FunctionValidator::Operand> FunctionValidator::pop(ValType expected) {
  const ControlFrame& frame = controls_.back();
  if (operands_.size() == frame.height && !frame.unreachable) {
    return fail(std::string("type mismatch: expected ") + ir::valtype_name(expected) +
                ", got nothing");
  }
  WASMCAP_ASSIGN(Operand actual, pop());
  if (actual && !subtype(*actual, expected)) {
    return fail(std::string("type mismatch: expected ") + ir::valtype_name(expected) + ", got " +
                ir::valtype_name(*actual));
  }
  return actual; // stays unknown when the stack is polymorphic (matters for br_table)
}

Status FunctionValidator::pop_all(std::span<const ValType> types) {
  for (size_t i = types.size(); i-- > 0;) {
    WASMCAP_TRY(pop(types[i]));
  }
  return support::ok();
}

void FunctionValidator::push_control(Op op, std::vector<ValType> params,
                                     std::vector<ValType> results) {
  ControlFrame frame;
  frame.opcode = op;
  frame.height = operands_.size();
  frame.inits = inits_.size();
  frame.start_types = std::move(params);
  frame.end_types = std::move(results);
  controls_.push_back(std::move(frame));
  push_all(controls_.back().start_types);
}

Result<ControlFrame> FunctionValidator::pop_control() {
  if (controls_.empty()) return type_mismatch();
  WASMCAP_TRY(pop_all(controls_.back().end_types));
  if (operands_.size() != controls_.back().height) return type_mismatch();
  ControlFrame frame = std::move(controls_.back());
  controls_.pop_back();
  for (size_t i = frame.inits; i < inits_.size(); ++i)
    local_set_[inits_[i]] = false;
  inits_.resize(std::min(inits_.size(), frame.inits));
  return frame;
}

void FunctionValidator::set_unreachable() {
  operands_.resize(controls_.back().height);
  low_water_ = std::min(low_water_, operands_.size());
  controls_.back().unreachable = true;
}

// --- index checks --------------------------------------------------------------------------

Status FunctionValidator::read_block_type(const ir::BlockType& bt, std::vector<ValType>& params,
                                          std::vector<ValType>& results) const {
  switch (bt.kind) {
  case ir::BlockType::Kind::Empty: break;
  case ir::BlockType::Kind::Value:
    if (bt.value == ValType::V128 && !features_.simd) return fail("disabled feature: v128");
    if (!ir::type_index_ok(module_, bt.value)) return fail("unknown type");
    results.push_back(bt.value);
    break;
  case ir::BlockType::Kind::TypeIndex:
    if (bt.type_index >= module_.types.size())
      return fail("unknown type " + std::to_string(bt.type_index));
    if (!module_.is_func_type(bt.type_index)) return type_mismatch();
    params = module_.types[bt.type_index].params;
    results = module_.types[bt.type_index].results;
    break;
  }
  return support::ok();
}

Status FunctionValidator::check_label(uint32_t label) const {
  if (label >= controls_.size()) return fail("unknown label " + std::to_string(label));
  return support::ok();
}

Status FunctionValidator::check_memory(uint32_t index) const {
  if (index >= module_.all_memories.size()) return fail("unknown memory " + std::to_string(index));
  return support::ok();
}

Result<ValType> FunctionValidator::table_elem(uint32_t index) const {
  if (index >= module_.all_tables.size()) return fail("unknown table " + std::to_string(index));
  return module_.all_tables[index].elem;
}

Status FunctionValidator::check_elem(uint32_t index) const {
  if (index >= module_.elements.size())
    return fail("unknown elem segment " + std::to_string(index));
  return support::ok();
}

Status FunctionValidator::check_data(uint32_t index) const {
  // The data count section announces the segments before the code that uses them.
  const size_t count = module_.data_count ? *module_.data_count : module_.datas.size();
  if (index >= count) return fail("unknown data segment " + std::to_string(index));
  return support::ok();
}

bool FunctionValidator::is_declared_ref(uint32_t func_index) {
  if (!context_) {
    if (!own_context_) own_context_ = compute_module_context(module_);
    context_ = &*own_context_;
  }
  return context_->is_declared(func_index);
}

// --- instructions ----------------------------------------------------------------------------

// Instructions of proposals that Features can switch off.
bool FunctionValidator::enabled(const ir::OpInfo& info) const {
  if (info.prefix == 0xFD) return features_.simd && (info.code < 0x100 || features_.relaxed_simd);
  if (info.prefix == 0 && ((info.code >= 0x06 && info.code <= 0x0A) || info.code == 0x18 ||
                           info.code == 0x19 || info.code == 0x1F))
    return features_.exceptions;
  if (info.prefix == 0 && (info.code == 0x12 || info.code == 0x13)) return features_.tail_call;
  if (info.prefix == 0xFB || (info.prefix == 0 && info.code == 0xD3)) return features_.gc;
  if (info.prefix == 0xFC) {
    return info.code < 8 ? features_.saturating_float_to_int : features_.bulk_memory;
  }
  if (info.code >= 0xC0 && info.code <= 0xC4) return features_.sign_extension;
  if ((info.code >= 0xD0 && info.code <= 0xD2) || info.code == 0x25 || info.code == 0x26 ||
      info.code == 0x1C)
    return features_.reference_types;
  return true;
}

Status FunctionValidator::operator()(const ir::Instr& instr) {
  at_ = instr.offset;
  low_water_ = operands_.size();
  if (controls_.empty()) return fail("operators remaining after end of function");
  const ir::OpInfo& info = ir::op_info(instr.op);
  if (!enabled(info)) {
    // Exception opcodes were unassigned in 2.0: its decoder rejected them as illegal opcodes.
    if (!features_.exceptions && info.prefix == 0 && info.code < 0x20)
      return support::make_error(ErrorKind::Malformed, "illegal opcode", at_);
    return fail(std::string("disabled feature: ") + info.text);
  }
  if (!features_.gc &&
      (gc_only_type(instr.type) ||
       (instr.block.kind == ir::BlockType::Kind::Value && gc_only_type(instr.block.value))))
    return fail(std::string("disabled feature: gc (") + info.text + " of " +
                ir::valtype_name(gc_only_type(instr.type) ? instr.type : instr.block.value) + ")");
  if (!features_.exceptions && instr.op == Op::RefNull && instr.type == ValType::ExnRef)
    return support::make_error(ErrorKind::Malformed, "malformed reference type", at_);
  if (instr.offset_beyond_u32 != ir::OffsetWidth::Fits && !features_.memory64) {
    // 2.0 read memarg offsets as u32 (the decoder reads 3.0's u64 unless told otherwise).
    return support::make_error(ErrorKind::Malformed,
                               instr.offset_beyond_u32 == ir::OffsetWidth::TooLong
                                   ? "integer representation too long"
                                   : "integer too large",
                               at_);
  }
  if (instr.beyond_2_0 && !features_.multi_memory) {
    // As WebAssembly 2.0's decoder reported these encodings (the decoder reads 3.0's).
    return support::make_error(ErrorKind::Malformed,
                               info.imm == ir::Imm::MemArg || info.imm == ir::Imm::MemArgLane
                                   ? "malformed memop flags"
                                   : "zero byte expected",
                               at_);
  }
  if (info.sig != ir::Sig::Special) return apply_simple(instr);
  switch (instr.op) {
  case Op::Unreachable:
  case Op::Nop:
  case Op::Block:
  case Op::Loop:
  case Op::If:
  case Op::Else:
  case Op::End: return apply_control(instr);
  case Op::Br:
  case Op::BrIf:
  case Op::BrTable:
  case Op::Return:
  case Op::ReturnCall:
  case Op::ReturnCallIndirect: return apply_branch(instr);
  case Op::TableGet:
  case Op::TableSet:
  case Op::TableInit:
  case Op::TableCopy:
  case Op::TableGrow:
  case Op::TableSize:
  case Op::TableFill: return apply_table(instr);
  case Op::Try:
  case Op::Catch:
  case Op::CatchAll:
  case Op::Delegate:
  case Op::Throw:
  case Op::ThrowRef:
  case Op::Rethrow:
  case Op::TryTable: return apply_exception(instr);
  case Op::CallRef:
  case Op::ReturnCallRef:
  case Op::RefAsNonNull:
  case Op::BrOnNull:
  case Op::BrOnNonNull: return apply_typed_ref(instr);
  default: return ir::is_gc_op(instr.op) ? apply_gc(instr) : apply_variable(instr);
  }
}

// Fixed-signature instructions, plus the index and alignment checks their immediates need.
Status FunctionValidator::apply_simple(const ir::Instr& instr) {
  const ir::OpInfo& info = ir::op_info(instr.op);
  switch (info.imm) {
  case ir::Imm::MemArg:
    WASMCAP_TRY(check_memory(instr.mem.memory));
    if (instr.mem.align > info.natural_align)
      return fail("alignment must not be larger than natural");
    WASMCAP_TRY(check_offset(instr));
    break;
  case ir::Imm::Memory: WASMCAP_TRY(check_memory(instr.mem.memory)); break;
  case ir::Imm::MemoryCopy:
    WASMCAP_TRY(check_memory(instr.mem.memory));
    WASMCAP_TRY(check_memory(instr.index2));
    break;
  case ir::Imm::MemoryInit:
    WASMCAP_TRY(check_memory(instr.mem.memory));
    WASMCAP_TRY(check_data(instr.index));
    break;
  case ir::Imm::Data: WASMCAP_TRY(check_data(instr.index)); break;
  case ir::Imm::Elem: WASMCAP_TRY(check_elem(instr.index)); break;
  case ir::Imm::MemArgLane:
    WASMCAP_TRY(check_memory(instr.mem.memory));
    if (instr.mem.align > info.natural_align)
      return fail("alignment must not be larger than natural");
    WASMCAP_TRY(check_offset(instr));
    if (instr.lane >= ir::lane_limit(instr.op)) return fail("invalid lane index");
    break;
  case ir::Imm::Lane:
    if (instr.lane >= ir::lane_limit(instr.op)) return fail("invalid lane index");
    break;
  case ir::Imm::Shuffle:
    for (uint8_t lane : instr.v128) {
      if (lane >= ir::lane_limit(instr.op)) return fail("invalid lane index");
    }
    break;
  default: break;
  }
  const ir::SigTypes sig = ir::sig_types(info.sig);
  if (touches_memory64(instr)) return apply_memory64(instr, sig);
  WASMCAP_TRY(pop_all(sig.params));
  push_all(sig.results);
  return support::ok();
}

Status FunctionValidator::apply_control(const ir::Instr& instr) {
  switch (instr.op) {
  case Op::Unreachable: set_unreachable(); return support::ok();
  case Op::Nop: return support::ok();
  case Op::Block:
  case Op::Loop:
  case Op::If: {
    std::vector<ValType> params, results;
    WASMCAP_TRY(read_block_type(instr.block, params, results));
    if (instr.op == Op::If) WASMCAP_TRY(pop(ValType::I32));
    WASMCAP_TRY(pop_all(params));
    push_control(instr.op, std::move(params), std::move(results));
    return support::ok();
  }
  case Op::Else: {
    if (controls_.back().opcode != Op::If) return type_mismatch();
    WASMCAP_ASSIGN(ControlFrame frame, pop_control());
    push_control(Op::Else, std::move(frame.start_types), std::move(frame.end_types));
    return support::ok();
  }
  case Op::End: {
    WASMCAP_ASSIGN(ControlFrame frame, pop_control());
    // An `if` without `else` has an implicit empty else-arm, which passes params through.
    if (frame.opcode == Op::If && frame.start_types != frame.end_types) return type_mismatch();
    push_all(frame.end_types);
    return support::ok();
  }
  default: return type_mismatch();
  }
}

Status FunctionValidator::apply_branch(const ir::Instr& instr) {
  switch (instr.op) {
  case Op::Br:
    WASMCAP_TRY(check_label(instr.index));
    WASMCAP_TRY(pop_all(control(instr.index).label_types()));
    set_unreachable();
    return support::ok();
  case Op::BrIf: {
    WASMCAP_TRY(check_label(instr.index));
    WASMCAP_TRY(pop(ValType::I32));
    const std::span<const ValType> types = control(instr.index).label_types();
    WASMCAP_TRY(pop_all(types));
    push_all(types);
    return support::ok();
  }
  case Op::BrTable: {
    WASMCAP_TRY(pop(ValType::I32));
    WASMCAP_TRY(check_label(instr.index));
    const size_t arity = control(instr.index).label_types().size();
    for (uint32_t label : instr.targets) {
      WASMCAP_TRY(check_label(label));
      const std::span<const ValType> types = control(label).label_types();
      if (types.size() != arity) return type_mismatch();
      // Pop against this label's types, then restore what was popped (unknowns stay unknown).
      scratch_.clear();
      for (size_t i = types.size(); i-- > 0;) {
        WASMCAP_ASSIGN(Operand t, pop(types[i]));
        scratch_.push_back(t);
      }
      for (size_t i = scratch_.size(); i-- > 0;)
        push(scratch_[i]);
    }
    WASMCAP_TRY(pop_all(control(instr.index).label_types()));
    set_unreachable();
    return support::ok();
  }
  case Op::Return:
    WASMCAP_TRY(pop_all(controls_.front().end_types));
    set_unreachable();
    return support::ok();
  case Op::ReturnCall:
  case Op::ReturnCallIndirect: {
    // A call whose results are the function's own: the callee's results must be exactly the
    // caller's, and the frame ends here (like `return`).
    const ir::FuncType* type = nullptr;
    if (instr.op == Op::ReturnCall) {
      if (instr.index >= module_.func_type_indices.size())
        return fail("unknown function " + std::to_string(instr.index));
      type = &module_.func_type(instr.index);
    } else {
      WASMCAP_ASSIGN(ValType elem, table_elem(instr.index2));
      if (!subtype(elem, ValType::FuncRef)) return type_mismatch();
      if (instr.index >= module_.types.size())
        return fail("unknown type " + std::to_string(instr.index));
      if (!module_.is_func_type(instr.index)) return type_mismatch();
      type = &module_.types[instr.index];
      WASMCAP_TRY(pop(table_addr(instr.index2)));
    }
    return tail_call_to(*type);
  }
  default: return type_mismatch();
  }
}

// A tail call to a function of `type`: its results are the caller's (subtypes of them), its
// parameters are popped, and the rest of the block is unreachable.
Status FunctionValidator::tail_call_to(const ir::FuncType& type) {
  const std::vector<ValType>& own = controls_.front().end_types;
  if (type.results.size() != own.size()) return type_mismatch();
  for (size_t i = 0; i < own.size(); ++i)
    if (!subtype(type.results[i], own[i])) return type_mismatch();
  WASMCAP_TRY(pop_all(type.params));
  set_unreachable();
  return support::ok();
}

// Parametric and variable instructions, calls and references.
Status FunctionValidator::apply_variable(const ir::Instr& instr) {
  switch (instr.op) {
  case Op::Drop: {
    WASMCAP_TRY(pop());
    return support::ok();
  }
  case Op::Select: {
    WASMCAP_TRY(pop(ValType::I32));
    WASMCAP_ASSIGN(Operand t1, pop());
    WASMCAP_ASSIGN(Operand t2, pop());
    // Untyped select is for numeric and vector operands only.
    if ((t1 && ir::is_ref(*t1)) || (t2 && ir::is_ref(*t2))) return type_mismatch();
    if (t1 && t2 && *t1 != *t2) return type_mismatch();
    push(t1 ? t1 : t2);
    return support::ok();
  }
  case Op::SelectT: {
    if (instr.types.size() != 1) return fail("invalid result arity");
    const ValType t = instr.types[0];
    if (t == ValType::V128 && !features_.simd) return fail("disabled feature: v128");
    if (!ir::type_index_ok(module_, t)) return fail("unknown type");
    WASMCAP_TRY(pop(ValType::I32));
    WASMCAP_TRY(pop(t));
    WASMCAP_TRY(pop(t));
    push(t);
    return support::ok();
  }
  case Op::LocalGet:
  case Op::LocalSet:
  case Op::LocalTee: {
    if (instr.index >= locals_.size()) return fail("unknown local " + std::to_string(instr.index));
    const ValType t = locals_[instr.index];
    if (instr.op == Op::LocalGet) WASMCAP_TRY(check_local_get(instr.index));
    if (instr.op != Op::LocalGet) {
      WASMCAP_TRY(pop(t));
      note_local_set(instr.index);
    }
    if (instr.op != Op::LocalSet) push(t);
    return support::ok();
  }
  case Op::GlobalGet:
  case Op::GlobalSet: {
    if (instr.index >= module_.all_globals.size())
      return fail("unknown global " + std::to_string(instr.index));
    const ir::GlobalType& g = module_.all_globals[instr.index];
    if (instr.op == Op::GlobalGet) {
      push(g.type);
      return support::ok();
    }
    if (!g.is_mutable) return fail("global is immutable");
    WASMCAP_TRY(pop(g.type));
    return support::ok();
  }
  case Op::Call: {
    if (instr.index >= module_.func_type_indices.size())
      return fail("unknown function " + std::to_string(instr.index));
    const ir::FuncType& type = module_.func_type(instr.index);
    WASMCAP_TRY(pop_all(type.params));
    push_all(type.results);
    return support::ok();
  }
  case Op::CallIndirect: {
    WASMCAP_ASSIGN(ValType elem, table_elem(instr.index2));
    if (!subtype(elem, ValType::FuncRef)) return type_mismatch();
    if (instr.index >= module_.types.size())
      return fail("unknown type " + std::to_string(instr.index));
    if (!module_.is_func_type(instr.index)) return type_mismatch();
    const ir::FuncType& type = module_.types[instr.index];
    WASMCAP_TRY(pop(table_addr(instr.index2)));
    WASMCAP_TRY(pop_all(type.params));
    push_all(type.results);
    return support::ok();
  }
  case Op::RefNull:
    if (!ir::type_index_ok(module_, instr.type)) return fail("unknown type");
    push(instr.type);
    return support::ok();
  case Op::RefIsNull: {
    WASMCAP_ASSIGN(Operand t, pop());
    if (t && !ir::is_ref(*t)) return type_mismatch();
    push(ValType::I32);
    return support::ok();
  }
  case Op::RefFunc: {
    if (instr.index >= module_.func_type_indices.size())
      return fail("unknown function " + std::to_string(instr.index));
    if (!is_declared_ref(instr.index)) return fail("undeclared function reference");
    // Exactly the function's type, non-null (typed function references).
    push(ValType::ref_index(module_.func_type_indices[instr.index], false));
    return support::ok();
  }
  default: return type_mismatch();
  }
}

// An i64 table (table64) takes and returns i64 indices and sizes.
Status FunctionValidator::apply_table(const ir::Instr& instr) {
  const ValType at = table_addr(instr.index);
  switch (instr.op) {
  case Op::TableGet: {
    WASMCAP_ASSIGN(ValType elem, table_elem(instr.index));
    WASMCAP_TRY(pop(at));
    push(elem);
    return support::ok();
  }
  case Op::TableSet: {
    WASMCAP_ASSIGN(ValType elem, table_elem(instr.index));
    WASMCAP_TRY(pop(elem));
    WASMCAP_TRY(pop(at));
    return support::ok();
  }
  case Op::TableSize: {
    WASMCAP_TRY(table_elem(instr.index));
    push(at);
    return support::ok();
  }
  case Op::TableGrow: {
    WASMCAP_ASSIGN(ValType elem, table_elem(instr.index));
    WASMCAP_TRY(pop(at));
    WASMCAP_TRY(pop(elem));
    push(at);
    return support::ok();
  }
  case Op::TableFill: {
    WASMCAP_ASSIGN(ValType elem, table_elem(instr.index));
    WASMCAP_TRY(pop(at));
    WASMCAP_TRY(pop(elem));
    WASMCAP_TRY(pop(at));
    return support::ok();
  }
  case Op::TableCopy: { // index = destination, index2 = source; the length: the smaller type
    WASMCAP_ASSIGN(ValType dst, table_elem(instr.index));
    WASMCAP_ASSIGN(ValType src, table_elem(instr.index2));
    if (!subtype(src, dst)) return type_mismatch();
    const ValType sat = table_addr(instr.index2);
    WASMCAP_TRY(pop(at == ValType::I64 && sat == ValType::I64 ? ValType::I64 : ValType::I32));
    WASMCAP_TRY(pop(sat));
    WASMCAP_TRY(pop(at));
    return support::ok();
  }
  case Op::TableInit: { // index = element segment, index2 = table
    WASMCAP_ASSIGN(ValType elem, table_elem(instr.index2));
    WASMCAP_TRY(check_elem(instr.index));
    if (!subtype(module_.elements[instr.index].type, elem)) return type_mismatch();
    WASMCAP_TRY(pop(ValType::I32));
    WASMCAP_TRY(pop(ValType::I32));
    WASMCAP_TRY(pop(table_addr(instr.index2)));
    return support::ok();
  }
  default: return type_mismatch();
  }
}

Status FunctionValidator::finish() const {
  if (!controls_.empty()) {
    return support::make_error(ErrorKind::Malformed, "END opcode expected", at_);
  }
  return support::ok();
}

} // namespace wasmcap::validate

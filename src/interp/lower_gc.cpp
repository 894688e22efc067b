// Lowering of GC's heap instructions (struct.*, array.*, the extern/any conversions) to the
// interpreter's ops (gc_dispatch.inc). Everything the handler needs about a type is computed
// here, once: an object's header word and size, each field's offset and how it moves to and
// from slots (runtime/gc_layout.h), so a handler touches neither the module nor the registry.
#include <algorithm>
#include <optional>

#include "interp/lower.h"
#include "ir/subtype.h"
#include "runtime/gc_layout.h"

namespace wasmcap::interp {

using ir::Op;

void Lowering::lower_gc_heap(const ir::Instr& in, size_t h) {
  auto s = [&](size_t depth) { return slot(h - depth); };
  const bool typed = ir::op_info(in.op).imm != ir::Imm::None;
  if (typed && (in.index >= module_.subtypes.size() || module_.subtypes[in.index].fields.empty()))
    return; // invalid (or a struct without fields, handled below): rejected next
  switch (in.op) {
  case Op::AnyConvertExtern:
  case Op::ExternConvertAny:
    if (h < 1) return;
    op(iop(in.op), in.offset);
    word(s(1));
    word(s(1));
    return;
  case Op::ArrayLen:
    if (h < 1) return;
    op(IOp::ArrayLen, in.offset);
    word(s(1));
    return;
  default: break;
  }
  const ir::SubType& t = module_.subtypes[in.index];
  const uint32_t canonical = module_.canonical[in.index];
  const ir::FieldType& first = t.fields[0];
  switch (in.op) {
  case Op::StructGet:
  case Op::StructGetS:
  case Op::StructGetU:
  case Op::StructSet: {
    if (in.index2 >= t.fields.size()) return;
    const runtime::GcStructLayout layout = runtime::gc_struct_layout(t.fields);
    const bool set = in.op == Op::StructSet;
    op(set ? IOp::StructSet : IOp::StructGet, in.offset);
    word(set ? s(2) : s(1));
    if (set) word(s(1));
    word(layout.offsets[in.index2]);
    word(set ? runtime::gc_set_access(t.fields[in.index2])
             : runtime::gc_access(t.fields[in.index2], in.op == Op::StructGetS));
    return;
  }
  case Op::ArrayGet:
  case Op::ArrayGetS:
  case Op::ArrayGetU:
    op(IOp::ArrayGet, in.offset);
    word(s(2));
    word(s(1));
    word(runtime::gc_access(first, in.op == Op::ArrayGetS));
    return;
  case Op::ArraySet:
    op(IOp::ArraySet, in.offset);
    word(s(3));
    word(s(2));
    word(s(1));
    word(runtime::gc_access(first, false));
    return;
  case Op::ArrayFill:
    op(IOp::ArrayFill, in.offset);
    for (size_t d = 4; d >= 1; --d)
      word(s(d));
    word(runtime::gc_access(first, false));
    return;
  case Op::ArrayCopy:
    op(IOp::ArrayCopy, in.offset);
    for (size_t d = 5; d >= 1; --d)
      word(s(d));
    word(runtime::gc_access(first, false));
    return;
  case Op::ArrayInitData:
  case Op::ArrayInitElem:
    op(iop(in.op), in.offset);
    for (size_t d = 4; d >= 1; --d)
      word(s(d));
    if (in.op == Op::ArrayInitData) word(runtime::gc_access(first, false));
    word(in.index2);
    return;
  case Op::ArrayNew:
    op(IOp::ArrayNew, in.offset);
    word(s(2));
    word(s(1));
    word(runtime::gc_array_word0(canonical, first));
    word(runtime::gc_access(first, false));
    return;
  case Op::ArrayNewDefault:
    op(IOp::ArrayNewDefault, in.offset);
    word(s(1));
    word(runtime::gc_array_word0(canonical, first));
    word(runtime::gc_access(first, false));
    return;
  case Op::ArrayNewFixed:
    op(IOp::ArrayNewFixed, in.offset);
    word(slot(h - in.index2));
    word(in.index2);
    word(runtime::gc_array_word0(canonical, first));
    word(runtime::gc_access(first, false));
    return;
  case Op::ArrayNewData:
  case Op::ArrayNewElem:
    op(iop(in.op), in.offset);
    word(s(2));
    word(s(1));
    word(runtime::gc_array_word0(canonical, first));
    if (in.op == Op::ArrayNewData) word(runtime::gc_access(first, false));
    word(in.index2);
    return;
  default: return;
  }
}

// struct.new and struct.new_default (a struct may have no fields).
void Lowering::lower_struct_new(const ir::Instr& in, size_t h) {
  if (in.index >= module_.subtypes.size()) return; // invalid: rejected next
  const ir::SubType& t = module_.subtypes[in.index];
  const runtime::GcStructLayout layout = runtime::gc_struct_layout(t.fields);
  const uint32_t word0 = runtime::gc_struct_word0(module_.canonical[in.index], layout);
  if (in.op == Op::StructNewDefault) {
    op(IOp::StructNewDefault, in.offset);
    word(slot(h));
    word(word0);
    word(layout.size);
    return;
  }
  const size_t n = t.fields.size();
  if (h < n) return;
  op(IOp::StructNew, in.offset);
  word(slot(h - n));
  word(word0);
  word(layout.size);
  word(static_cast<uint32_t>(n));
  for (size_t i = 0; i < n; ++i)
    word(layout.offsets[i] << 4 | runtime::gc_access(t.fields[i], false));
}

} // namespace wasmcap::interp

namespace wasmcap::interp {

namespace {
// A value of this type may be (or, as an externref, hold) a GC object.
bool holds_gc_ref(const ir::Module& m, ir::ValType t) {
  if (!t.is_ref()) return false;
  const ir::HeapKind top = ir::heap_top(m, t);
  return top == ir::HeapKind::Any || top == ir::HeapKind::Extern;
}
bool holds_gc_ref(const ir::Module& m, std::span<const ir::ValType> ts) {
  return std::any_of(ts.begin(), ts.end(), [&](ir::ValType t) { return holds_gc_ref(m, t); });
}
} // namespace

bool module_holds_gc_refs(const ir::Module& m) {
  for (const ir::SubType& s : m.subtypes) {
    if (s.kind != ir::TypeKind::Func) return true;
  }
  for (const ir::FuncType& t : m.types) {
    if (holds_gc_ref(m, t.params) || holds_gc_ref(m, t.results)) return true;
  }
  for (const ir::TableType& t : m.all_tables) {
    if (holds_gc_ref(m, t.elem)) return true;
  }
  for (const ir::GlobalType& g : m.all_globals) {
    if (holds_gc_ref(m, g.type)) return true;
  }
  return false;
}

// Maps are made when a GC reference can reach this function's frames at all: through the module
// (module_holds_gc_refs, asked once per module) or a local.
void Lowering::init_gc_maps(const ir::Function& fn, const ir::FuncType& type, bool module_gc_refs) {
  const ir::Module& m = module_;
  gc_maps_ = module_gc_refs || holds_gc_ref(m, fn.locals);
  if (!gc_maps_) return;
  for (size_t i = 0; i < type.params.size() + fn.locals.size(); ++i) {
    const ir::ValType t =
        i < type.params.size() ? type.params[i] : fn.locals[i - type.params.size()];
    if (holds_gc_ref(m, t)) gc_locals_.push_back(local_slots_[i]);
  }
}

// Calls (whatever the callee: an interpreted one pushes this frame, a host or compiled one runs
// through the runtime) and allocations.
bool Lowering::is_gc_safepoint(ir::Op op) {
  switch (op) {
  case Op::Call:
  case Op::CallIndirect:
  case Op::CallRef:
  case Op::ReturnCall:
  case Op::ReturnCallIndirect:
  case Op::ReturnCallRef:
  case Op::StructNew:
  case Op::StructNewDefault:
  case Op::ArrayNew:
  case Op::ArrayNewDefault:
  case Op::ArrayNewFixed:
  case Op::ArrayNewData:
  case Op::ArrayNewElem: return true;
  default: return false;
  }
}

// The slots live across the instruction: the GC locals, and every operand of a GC type (those
// it consumes too: an allocation reads its operands after it allocated, and a host callee's
// arguments stay in these slots while it runs).
void Lowering::note_gc_safepoint(size_t h, const validate::FunctionValidator& v) {
  const auto begin = static_cast<uint32_t>(out_.gc_slots.size());
  out_.gc_slots.insert(out_.gc_slots.end(), gc_locals_.begin(), gc_locals_.end());
  for (size_t depth = 0; depth < h; ++depth) {
    std::optional<ir::ValType> t = v.operand_type(depth);
    if (t && holds_gc_ref(module_, *t)) out_.gc_slots.push_back(slot(h - 1 - depth));
  }
  const auto count = static_cast<uint32_t>(out_.gc_slots.size()) - begin;
  // A later safepoint at the same position (nothing emitted in between) replaces this one.
  if (!out_.gc_safepoints.empty() && out_.gc_safepoints.back().code_pos == pos())
    out_.gc_safepoints.pop_back();
  out_.gc_safepoints.push_back({pos(), begin, count});
}

} // namespace wasmcap::interp

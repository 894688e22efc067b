// The `gc` helper compiled code calls for GC's heap instructions (translate_gc.cpp): operands
// arrive in slots (bottom first), the result goes back to slot 0, and the rules are the
// interpreter's (runtime/gc_ops.h). An allocation may collect: the compiled frames below keep
// their references on the shadow stack (runtime/gc_shadow_stack.h), and the helper pushes there
// the references among its own operands (a struct's field values, an array's elements) while it
// allocates.
#include "ir/opcode.h"
#include "runtime/gc_layout.h"
#include "runtime/gc_ops.h"
#include "runtime/gc_ref.h"
#include "runtime/gc_types.h"
#include "runtime/trap.h"
#include "llvm/jit_context.h"

namespace {

using namespace wasmcap;
using ir::Op;

uint32_t u32(const uint64_t* slots, size_t i) {
  return static_cast<uint32_t>(slots[i]); // an i32 operand was stored as 4 bytes
}

[[noreturn]] void trap(JitContext* ctx, const char* text, uint64_t offset) {
  llvm_tier::raise_error(ctx, runtime::make_trap(text), offset);
}

[[noreturn]] void exhausted(JitContext* ctx, uint64_t offset) {
  llvm_tier::raise_error(ctx, runtime::make_exhaustion(runtime::trap_text::kCallStackExhausted),
                         offset);
}

// The operands an allocation holds while it may collect: `count` values of `type` (a struct's
// fields in order, or an array's initial elements, all of the element type), `width` slots each
// where the type takes two (v128), from `s`; the traced ones go onto the shadow stack. Returns
// the top to put back once the object is made.
struct OperandRoots {
  const ir::SubType& type;
  uint32_t count;
  const uint64_t* s;
};
uint64_t* push_roots(JitContext* ctx, const OperandRoots& r, uint64_t offset) {
  runtime::GcShadowStack& shadow = *ctx->gc_shadow;
  uint64_t* const top = shadow.top;
  const bool array = r.type.kind == ir::TypeKind::Array;
  size_t traced = 0;
  for (uint32_t i = 0; i < r.count; ++i)
    traced += runtime::gc_traced(r.type.fields[array ? 0 : i]) ? 1 : 0;
  if (traced == 0) return top;
  uint64_t* at = shadow.push(traced);
  if (at == nullptr) exhausted(ctx, offset);
  size_t slot = 0;
  for (uint32_t i = 0; i < r.count; ++i) {
    const ir::FieldType& f = r.type.fields[array ? 0 : i];
    if (runtime::gc_traced(f)) *at++ = r.s[slot];
    slot += f.packed == ir::Packed::None && f.type == ir::ValType::V128 ? 2 : 1;
  }
  return top;
}

uint32_t allocate(JitContext* ctx, uint64_t bytes, uint32_t word0, uint32_t word1, uint64_t offset,
                  const OperandRoots* roots = nullptr) {
  if (bytes == 0)
    llvm_tier::raise_error(ctx, runtime::make_exhaustion(runtime::trap_text::kGcHeapLimit), offset);
  uint64_t* const top = roots != nullptr ? push_roots(ctx, *roots, offset) : nullptr;
  support::Result<uint32_t> at =
      ctx->store->gc_allocate(static_cast<uint32_t>(bytes), word0, word1);
  if (roots != nullptr) ctx->gc_shadow->pop_to(top);
  if (!at) llvm_tier::raise_error(ctx, std::move(at).error(), offset);
  return *at;
}

} // namespace

void wasmcap_jit_gc(JitContext* ctx, uint32_t op, uint32_t a, uint32_t b, uint64_t* s,
                    uint64_t offset) {
  namespace gc = runtime::gc;
  runtime::ModuleInstance& inst = *ctx->instance;
  runtime::Store& store = *ctx->store;
  const char* fault = nullptr;
  const Op o = static_cast<Op>(op);
  switch (o) {
  case Op::StructNew:
  case Op::StructNewDefault: {
    const runtime::GcType& t = runtime::gc_type(inst, a);
    const ir::SubType& sub = inst.module().subtypes[a];
    const OperandRoots roots{sub, static_cast<uint32_t>(sub.fields.size()), s};
    const uint32_t at =
        allocate(ctx, t.size, t.word0, t.size, offset, o == Op::StructNew ? &roots : nullptr);
    if (o == Op::StructNew) gc::init_struct(store.gc_base() + at, t.fields, s);
    s[0] = at;
    break;
  }
  case Op::StructGet:
  case Op::StructGetS:
  case Op::StructGetU:
  case Op::StructSet: {
    const ir::SubType& sub = inst.module().subtypes[a];
    const uint32_t field = runtime::gc_type(inst, a).fields.at(b);
    if (o == Op::StructSet) {
      fault = gc::struct_set(store.gc_base(), s[0], field >> 4,
                             runtime::gc_set_access(sub.fields[b]), s + 1, store.gc_barrier());
    } else {
      fault = gc::struct_get(store.gc_base(), s[0], field >> 4,
                             runtime::gc_access(sub.fields[b], o == Op::StructGetS), s);
    }
    break;
  }
  case Op::ArrayNew:
  case Op::ArrayNewDefault:
  case Op::ArrayNewFixed: {
    const runtime::GcType& t = runtime::gc_type(inst, a);
    const bool with_value = o == Op::ArrayNew;
    const uint32_t width = (t.access & 7) == 4 ? 2 : 1;
    const uint32_t n = o == Op::ArrayNewFixed ? b : with_value ? u32(s, width) : u32(s, 0);
    // array.new's one value, or array.new_fixed's n.
    const OperandRoots roots{inst.module().subtypes[a], with_value ? 1 : n, s};
    const uint32_t at = allocate(ctx, runtime::gc_array_bytes(n, 1u << (t.access & 7)), t.word0, n,
                                 offset, o == Op::ArrayNewDefault ? nullptr : &roots);
    if (with_value) gc::fill_array(store.gc_base() + at, n, t.access, s);
    if (o == Op::ArrayNewFixed) gc::init_array(store.gc_base() + at, n, t.access, s);
    s[0] = at;
    break;
  }
  case Op::ArrayNewData:
  case Op::ArrayNewElem: {
    const runtime::GcType& t = runtime::gc_type(inst, a);
    const uint32_t from = u32(s, 0), n = u32(s, 1);
    const bool data = o == Op::ArrayNewData;
    fault = data ? gc::check_new_data(inst.datas.at(b).bytes, from, n, t.access)
                 : gc::check_new_elem(inst.elems.at(b).refs, from, n);
    if (fault != nullptr) break;
    const uint32_t at =
        allocate(ctx, runtime::gc_array_bytes(n, 1u << (t.access & 7)), t.word0, n, offset);
    if (data) {
      gc::copy_from_data(store.gc_base() + at, inst.datas[b].bytes, from, n, t.access);
    } else {
      gc::copy_from_elem(store.gc_base() + at, inst.elems[b].refs, from, n);
    }
    s[0] = at;
    break;
  }
  case Op::ArrayGet:
  case Op::ArrayGetS:
  case Op::ArrayGetU:
  case Op::ArraySet: {
    const uint32_t access =
        runtime::gc_access(inst.module().subtypes[a].fields.at(0), o == Op::ArrayGetS);
    fault = o == Op::ArraySet
                ? gc::array_set(store.gc_base(), s[0], u32(s, 1), access, s + 2, store.gc_barrier())
                : gc::array_get(store.gc_base(), s[0], u32(s, 1), access, s);
    break;
  }
  case Op::ArrayLen: fault = gc::array_len(store.gc_base(), s[0], s); break;
  case Op::ArrayFill: {
    const uint32_t access = runtime::gc_type(inst, a).access;
    const uint32_t width = (access & 7) == 4 ? 2 : 1;
    fault = gc::array_fill(store.gc_base(), s[0], u32(s, 1), s + 2, u32(s, 2 + width), access,
                           store.gc_barrier());
    break;
  }
  case Op::ArrayCopy:
    fault = gc::array_copy(store.gc_base(), s[0], u32(s, 1), s[2], u32(s, 3), u32(s, 4),
                           runtime::gc_type(inst, a).access, store.gc_barrier());
    break;
  case Op::ArrayInitData:
    fault = gc::array_init_data(store.gc_base(), s[0], u32(s, 1), inst.datas.at(b).bytes, u32(s, 2),
                                u32(s, 3), runtime::gc_type(inst, a).access);
    break;
  case Op::ArrayInitElem:
    fault = gc::array_init_elem(store.gc_base(), s[0], u32(s, 1), inst.elems.at(b).refs, u32(s, 2),
                                u32(s, 3), store.gc_barrier());
    break;
  default: fault = "unknown GC instruction"; break;
  }
  if (fault != nullptr) trap(ctx, fault, offset);
}

// Constant expression evaluation: a tiny stack machine over the validated bytes.
#include "runtime/const_expr.h"

#include <cstring>
#include <vector>

#include "runtime/gc_ops.h"
#include "runtime/gc_ref.h"
#include "runtime/trap.h"
#include "support/byte_reader.h"

namespace wasmcap::runtime {

namespace {

// A value's slot bits (two slots for a v128), as the GC heap's field stores take them.
void to_slots(const Value& v, uint64_t* slots) {
  if (v.type == ir::ValType::V128) {
    std::memcpy(slots, v.v128.bytes.data(), 16);
  } else {
    slots[0] = v.i64;
  }
}

Value ref_value(uint64_t bits) {
  return Value::make_ref(ir::ValType::ref(ir::HeapKind::Any, true),
                         reinterpret_cast<void*>(static_cast<uintptr_t>(bits)));
}

// The top `n` values of `stack` as slots, bottom first (a v128 takes two), popped.
std::vector<uint64_t> pop_slots(std::vector<Value>& stack, size_t n) {
  std::vector<uint64_t> slots;
  for (size_t i = stack.size() - n; i < stack.size(); ++i) {
    uint64_t two[2] = {0, 0};
    to_slots(stack[i], two);
    slots.push_back(two[0]);
    if (stack[i].type == ir::ValType::V128) slots.push_back(two[1]);
  }
  stack.resize(stack.size() - n);
  return slots;
}

// struct.new(_default), array.new(_default), array.new_fixed of type `index`, taking their
// operands from the top of `stack` (validated: they are there) and filling the object as the
// tiers do (gc_ops.h).
support::Status new_object(Store& store, const ir::Module& module, uint32_t sub, uint32_t index,
                           uint32_t count, std::vector<Value>& stack, support::ByteReader& r) {
  if (index >= module.subtypes.size()) return r.error("unknown type");
  const ir::SubType& t = module.subtypes[index];
  const uint32_t canonical = module.canonical[index];
  if (sub == 0x00 || sub == 0x01) { // struct.new, struct.new_default
    const GcStructLayout layout = gc_struct_layout(t.fields);
    const size_t n = sub == 0x00 ? t.fields.size() : 0;
    if (stack.size() < n) return r.error("type mismatch");
    const std::vector<uint64_t> args = pop_slots(stack, n);
    WASMCAP_ASSIGN(uint32_t at,
                   store.gc_allocate(layout.size, gc_struct_word0(canonical, layout), layout.size));
    std::vector<uint32_t> fields;
    for (size_t i = 0; i < n; ++i)
      fields.push_back(layout.offsets[i] << 4 | gc_access(t.fields[i], false));
    gc::init_struct(store.gc_base() + at, fields, args.data());
    stack.push_back(ref_value(at));
    return support::ok();
  }
  const ir::FieldType& e = t.fields.at(0);
  uint32_t n = count;
  if (sub != 0x08) { // array.new, array.new_default: the length is on top
    if (stack.empty()) return r.error("type mismatch");
    n = stack.back().i32;
    stack.pop_back();
  }
  const size_t operands = sub == 0x07 ? 0 : sub == 0x06 ? 1 : n;
  if (stack.size() < operands) return r.error("type mismatch");
  const std::vector<uint64_t> args = pop_slots(stack, operands);
  const uint64_t bytes = gc_array_bytes(n, gc_field_size(e));
  if (bytes == 0) return make_exhaustion(trap_text::kGcHeapLimit);
  WASMCAP_ASSIGN(uint32_t at,
                 store.gc_allocate(static_cast<uint32_t>(bytes), gc_array_word0(canonical, e), n));
  const uint32_t access = gc_access(e, false);
  if (sub == 0x06) gc::fill_array(store.gc_base() + at, n, access, args.data());
  if (sub == 0x08) gc::init_array(store.gc_base() + at, n, access, args.data());
  stack.push_back(ref_value(at));
  return support::ok();
}

} // namespace

support::Result<Value> eval_const_expr(Store& store, const ir::Module& module, ir::ConstExpr expr,
                                       ir::ValType type, const ModuleInstance& inst) {
  support::ByteReader r(module.range_bytes(expr), expr.offset);
  std::vector<Value> stack;
  for (;;) {
    WASMCAP_ASSIGN(uint8_t op, r.read_u8());
    switch (op) {
    case 0x41: {
      WASMCAP_ASSIGN(int32_t v, r.read_s32());
      stack.push_back(Value::make_i32(static_cast<uint32_t>(v)));
      break;
    }
    case 0x42: {
      WASMCAP_ASSIGN(int64_t v, r.read_s64());
      stack.push_back(Value::make_i64(static_cast<uint64_t>(v)));
      break;
    }
    case 0x43: {
      WASMCAP_ASSIGN(uint32_t v, r.read_fixed_u32());
      stack.push_back(Value::make_f32_bits(v));
      break;
    }
    case 0x44: {
      WASMCAP_ASSIGN(uint64_t v, r.read_fixed_u64());
      stack.push_back(Value::make_f64_bits(v));
      break;
    }
    case 0xFD: { // v128.const is the only prefixed constant instruction
      WASMCAP_ASSIGN(uint32_t sub, r.read_u32());
      if (sub != 0x0C) return r.error("constant expression required");
      WASMCAP_ASSIGN(auto bytes, r.read_bytes(16));
      V128 v;
      std::memcpy(v.bytes.data(), bytes.data(), 16);
      stack.push_back(Value::make_v128(v));
      break;
    }
    case 0xD0: { // the heap type is an s33: one byte for an abstract type, more for an index
      WASMCAP_ASSIGN(int64_t heap, r.read_s33());
      (void)heap; // the value's type is the expression's, set at its end
      stack.push_back(Value::make_ref(ir::ValType::FuncRef, nullptr));
      break;
    }
    case 0xFB: { // GC: ref.i31, the conversions, struct.new*, array.new*
      WASMCAP_ASSIGN(uint32_t sub, r.read_u32());
      if (sub == 0x1C || sub == 0x1A || sub == 0x1B) {
        if (stack.empty()) return r.error("type mismatch");
        const uint64_t bits = stack.back().i64;
        stack.back() = ref_value(sub == 0x1C ? i31_ref(stack.back().i32) : convert_ref_world(bits));
        break;
      }
      if (sub > 0x08 || sub == 0x02 || sub == 0x03 || sub == 0x04 || sub == 0x05)
        return r.error("constant expression required");
      WASMCAP_ASSIGN(uint32_t index, r.read_u32());
      uint32_t count = 0;
      if (sub == 0x08) {
        WASMCAP_ASSIGN(count, r.read_u32());
      }
      WASMCAP_TRY(new_object(store, module, sub, index, count, stack, r));
      break;
    }
    case 0xD2: {
      WASMCAP_ASSIGN(uint32_t f, r.read_u32());
      if (f >= inst.funcs.size()) return r.error("unknown function");
      stack.push_back(Value::make_ref(ir::ValType::FuncRef, inst.funcs[f]));
      break;
    }
    case 0x23: {
      WASMCAP_ASSIGN(uint32_t g, r.read_u32());
      if (g >= inst.globals.size()) return r.error("unknown global");
      stack.push_back(inst.globals[g]->value);
      break;
    }
    // Extended constant expressions: wrapping i32/i64 add, sub, mul (validated: two operands).
    case 0x6A:
    case 0x6B:
    case 0x6C:
    case 0x7C:
    case 0x7D:
    case 0x7E: {
      if (stack.size() < 2) return r.error("type mismatch in constant expression");
      const bool wide = op >= 0x7C;
      const Value& vb = stack.back();
      const Value& va = stack[stack.size() - 2];
      const uint64_t b = wide ? vb.i64 : vb.i32, a = wide ? va.i64 : va.i32;
      stack.pop_back();
      const int kind = wide ? op - 0x7C : op - 0x6A; // 0 add, 1 sub, 2 mul
      const uint64_t v = kind == 0 ? a + b : kind == 1 ? a - b : a * b;
      stack.back() = wide ? Value::make_i64(v) : Value::make_i32(static_cast<uint32_t>(v));
      break;
    }
    case 0x0B:
      if (stack.size() != 1) return r.error("type mismatch in constant expression");
      stack.back().type = type;
      return stack.back();
    default: return r.error("constant expression required");
    }
  }
}

} // namespace wasmcap::runtime

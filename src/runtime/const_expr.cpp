// Constant expression evaluation: a tiny stack machine over the validated bytes.
#include "runtime/const_expr.h"

#include <cstring>
#include <vector>

#include "runtime/gc_ref.h"
#include "support/byte_reader.h"

namespace wasmcap::runtime {

support::Result<Value> eval_const_expr(const ir::Module& module, ir::ConstExpr expr,
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
    case 0xFB: { // GC: ref.i31 (the heap-allocating ones come with the heap)
      WASMCAP_ASSIGN(uint32_t sub, r.read_u32());
      if (sub != 0x1C || stack.empty()) return r.error("constant expression required");
      const uint64_t ref = i31_ref(stack.back().i32);
      stack.back() = Value::make_ref(ir::ValType::ref(ir::HeapKind::I31, false),
                                     reinterpret_cast<void*>(static_cast<uintptr_t>(ref)));
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

// Opcodes derived from opcodes.def: the Op enum, per-op metadata, and binary lookup.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "ir/types.h"

namespace wasmcap::ir {

enum class Op : uint16_t {
#define WASM_OP(name, text, prefix, code, imm, sig, align) name,
#include "ir/opcodes.def"
#undef WASM_OP
};

constexpr size_t kOpCount = 0
#define WASM_OP(name, text, prefix, code, imm, sig, align) +1
#include "ir/opcodes.def"
#undef WASM_OP
    ;

// What follows an opcode in the binary format.
enum class Imm : uint8_t {
  None,
  BlockType,    // s33 block type
  Label,        // u32 label depth
  BrTable,      // vec(u32) + u32 default
  Func,         // u32 function index
  CallIndirect, // u32 type index, u32 table index
  SelectTypes,  // vec(valtype)
  Local,        // u32
  Global,       // u32
  Table,        // u32 table index
  MemArg,       // u32 flags (align exponent; bit 6: a u32 memory index follows), u32 offset
  Memory,       // u32 memory index (WebAssembly 2.0: one byte that must be 0x00)
  I32,          // s32
  I64,          // s64
  F32,          // 4 bytes
  F64,          // 8 bytes
  RefType,      // a heap type (s33: negative for an abstract one, else a type index)
  MemoryInit,   // u32 data index, u32 memory index
  Data,         // u32 data index
  MemoryCopy,   // u32 destination memory, u32 source memory
  TableInit,    // u32 element index, u32 table index
  Elem,         // u32 element index
  TableCopy,    // u32 destination table, u32 source table
  V128,         // 16 bytes (SIMD)
  Shuffle,      // 16 lane bytes (SIMD)
  Lane,         // one lane byte (SIMD)
  MemArgLane,   // memarg + lane byte (SIMD)
  Tag,          // u32 tag index (throw, legacy catch)
  Type,         // u32 type index (call_ref, return_call_ref)
  TryTable,     // block type, vec(catch clause): kind byte, [u32 tag], u32 label
  BrOnCast,     // flags byte (bit 0: the first type is nullable, bit 1: the second), u32 label,
                // two heap types (s33)
  // GC's two-index immediates: a u32 type index (index), then a u32 (index2) that is
  TypeField, // a field index (struct.get, struct.set)
  TypeCount, // an operand count (array.new_fixed)
  TypeData,  // a data index (array.new_data, array.init_data)
  TypeElem,  // an element index (array.new_elem, array.init_elem)
  TypeType,  // the source array's type index (array.copy)
};

// Stack signatures `<results>_<params>`; letters: i=i32 l=i64 f=f32 d=f64 x=v128, v=nothing.
enum class Sig : uint8_t {
  Special,
  i_v,
  l_v,
  f_v,
  d_v,
  i_i,
  i_l,
  i_f,
  i_d,
  l_i,
  l_l,
  l_f,
  l_d,
  f_i,
  f_l,
  f_f,
  f_d,
  d_i,
  d_l,
  d_f,
  d_d,
  i_ii,
  i_ll,
  i_ff,
  i_dd,
  l_ll,
  f_ff,
  d_dd,
  v_v,
  v_ii,
  v_il,
  v_if,
  v_id,
  v_iii,
  // 128-bit SIMD
  x_v,
  x_i,
  x_l,
  x_f,
  x_d,
  x_x,
  x_xx,
  x_xxx,
  x_xi,
  x_xl,
  x_xf,
  x_xd,
  x_ix,
  i_x,
  l_x,
  f_x,
  d_x,
  v_ix,
};

struct SigTypes {
  std::span<const ValType> params;
  std::span<const ValType> results;
};
SigTypes sig_types(Sig sig);

struct OpInfo {
  const char* name; // enum name, e.g. "I32Add"
  const char* text; // text-format keyword, e.g. "i32.add"
  uint8_t prefix;   // 0, 0xFB, 0xFC or 0xFD
  uint32_t code;
  Imm imm;
  Sig sig;
  uint8_t natural_align; // log2, for memory access ops
};

const OpInfo& op_info(Op op);

// SIMD lane immediates: how many lanes the index may name (extract/replace_lane: the shape's
// lane count; load/store_lane: 16 / access size; shuffle: 32 across both operands); else 0.
uint32_t lane_limit(Op op);
inline const char* op_text(Op op) {
  return op_info(op).text;
}

// Binary lookup: a single-byte opcode, or a prefix byte plus its u32 sub-opcode.
std::optional<Op> op_from_byte(uint8_t byte);
std::optional<Op> op_from_prefixed(uint8_t prefix, uint32_t code);
inline bool is_prefix_byte(uint8_t b) {
  return b == 0xFB || b == 0xFC || b == 0xFD;
}
// GC's instructions (WebAssembly 3.0): the 0xFB prefix, and ref.eq.
inline bool is_gc_op(Op op) {
  return op == Op::RefEq || op_info(op).prefix == 0xFB;
}

// Text lookup: "i32.add" -> Op. `select` maps to Op::Select (the parser picks SelectT when it
// sees a result annotation).
std::optional<Op> op_from_text(std::string_view text);

} // namespace wasmcap::ir

// The interpreter's internal code: per function a flat array of 32-bit words, each instruction
// an op number followed by pre-resolved operands (frame slot indices, immediates, code offsets).
// Ops are the wasm ops of ir/opcodes.def plus a few internal ones (copies, constants, branches).
#pragma once

#include <cstdint>
#include <vector>

#include "ir/opcode.h"

namespace wasmcap::interp {

enum class IOp : uint32_t {
#define WASM_OP(name, text, prefix, code, imm, sig, align) name,
#include "ir/opcodes.def"
#undef WASM_OP
  // Internal ops (operands in brackets; slots are frame-relative, targets are code offsets).
  Copy,     // [dst, src]
  CopyN,    // [dst, src, n]             ascending copy, dst < src
  Const32,  // [dst, bits]
  Const64,  // [dst, lo, hi]
  BrUnless, // [cond, target]
  Fuel,     // [cost]                    loop header: charges the loop body's instruction count
  // v128 values take two consecutive slots; these move them whole.
  Copy128,      // [dst, src]
  Select128,    // [a s (also dst), b s, cond s]
  GlobalGet128, // [dst s, g]
  GlobalSet128, // [src s, g]
  Count
};
constexpr uint32_t kIOpCount = static_cast<uint32_t>(IOp::Count);

inline IOp iop(ir::Op op) {
  return static_cast<IOp>(static_cast<uint16_t>(op));
}

// Every value lives in 8-byte slots: one per i32/i64/f32/f64/ref, two (low half first) per v128.
// Operand layouts of the wasm ops as lowered (s = slot, t = code target, i = immediate):
//   numeric/memory ops with a Sig: [result s if any, param s..., then immediates]:
//     MemArg -> offset; MemoryInit/Data/Elem -> segment index; Memory/MemoryCopy -> none;
//     Lane -> lane; MemArgLane -> offset, lane; V128/Shuffle -> 4 words of the 16 bytes
//   Return [src s, n slots]  (branch copies and CopyN count slots too)
//   Unreachable []  Br [t]  BrIf [cond s, t]  BrTable [index s, n, t*n, default t]
//   Call [func, arg base s]  CallIndirect [type, table, arg base s, index s]
//   Select [a s (also dst), b s, cond s]  GlobalGet [dst s, g]  GlobalSet [src s, g]
//   TableGet [idx s (also dst), table]  TableSet [idx s, val s, table]  TableSize [dst s, table]
//   TableGrow [init s (also dst), n s, table]  TableFill [i s, val s, n s, table]
//   TableCopy [d s, s s, n s, dst table, src table]  TableInit [d s, s s, n s, elem, table]
//   RefNull [dst s]  RefIsNull [dst s, src s]  RefFunc [dst s, func]

// Where an instruction of the internal code came from, for backtraces.
struct OffsetEntry {
  uint32_t code_pos;
  uint64_t wasm_offset;
};

struct FunctionCode {
  std::vector<uint32_t> code;
  uint32_t func_index = 0;          // in the module's function index space
  uint32_t num_params = 0;          // slots holding parameters (first in the frame)
  uint32_t num_locals = 0;          // slots holding parameters and declared locals
  uint32_t num_results = 0;         // slots the results occupy at the frame base on return
  uint32_t frame_slots = 0;         // locals + the deepest operand stack
  uint32_t entry_cost = 1;          // fuel charged on entry: the body's instructions outside loops
  std::vector<OffsetEntry> offsets; // sorted by code_pos, one per emitted instruction

  uint64_t wasm_offset_at(uint32_t code_pos) const;
};

} // namespace wasmcap::interp

// One decoded instruction: the opcode, where it is, and its immediates. Produced by
// binary::CodeReader and consumed by visitors (validator, interpreter lowering, printers).
#pragma once

#include <array>
#include <cstdint>
#include <span>

#include "ir/opcode.h"
#include "ir/types.h"

namespace wasmcap::ir {

// How a memarg offset was encoded: within 2.0's u32, or a u64 past 2^32 or longer than 5 bytes
// (fine with memory64; the validator reports it as 2.0's decoder did when memory64 is off).
enum class OffsetWidth : uint8_t { Fits, TooLarge, TooLong };

struct MemArg {
  uint32_t align = 0;  // log2 of the alignment hint
  uint64_t offset = 0; // static offset added to the dynamic address
  uint32_t memory = 0; // memory index (multiple memories); memory.copy: the destination
};

// One clause of a try_table: which exceptions it catches and the label it branches to.
struct CatchClause {
  enum class Kind : uint8_t { Catch = 0, CatchRef = 1, CatchAll = 2, CatchAllRef = 3 };
  Kind kind = Kind::Catch;
  uint32_t tag = 0; // Catch, CatchRef only
  uint32_t label = 0;
  bool catches_all() const { return kind == Kind::CatchAll || kind == Kind::CatchAllRef; }
  bool with_ref() const { return kind == Kind::CatchRef || kind == Kind::CatchAllRef; }
};

// Which fields are meaningful depends on op_info(op).imm; see ir::Imm.
struct Instr {
  Op op = Op::Nop;
  uint64_t offset = 0; // absolute byte offset of the opcode in the module

  uint32_t index = 0;              // label depth, func/local/global/table/type/data/elem/tag index,
                                   // br_table default label, table.copy destination
  uint32_t index2 = 0;             // call_indirect/table.init table index, table.copy source table,
                                   // memory.copy source memory
  uint64_t bits = 0;               // i32.const (zero-extended u32), i64.const, f32/f64 bit pattern
  ValType type = ValType::FuncRef; // ref.null; ref.test, ref.cast: the target; br_on_cast*: the
                                   // operand's type
  ValType type2 = ValType::FuncRef; // br_on_cast, br_on_cast_fail: the target type
  BlockType block;                  // block/loop/if
  MemArg mem;                       // loads/stores
  uint8_t lane = 0;                 // SIMD lane index
  // The memory immediate uses an encoding WebAssembly 2.0 did not have (memop flags >= 32, or a
  // memory index other than the single byte 0x00): malformed when multiple memories are off.
  bool beyond_2_0 = false;
  // A memarg offset needing more than WebAssembly 2.0's u32 encoding (memory64): a value past
  // 2^32, or more than 5 bytes of LEB128. Malformed when memory64 is off.
  OffsetWidth offset_beyond_u32 = OffsetWidth::Fits;
  std::array<uint8_t, 16> v128{}; // v128.const, i8x16.shuffle lanes

  // Views into the reader's scratch storage: valid only during the visitor call.
  std::span<const uint32_t> targets;    // br_table labels (without the default)
  std::span<const ValType> types;       // select's result types (SelectT)
  std::span<const CatchClause> catches; // try_table's clauses, in order

  uint32_t i32() const { return static_cast<uint32_t>(bits); }
};

} // namespace wasmcap::ir

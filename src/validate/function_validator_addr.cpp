// FunctionValidator, 64-bit memories and tables (memory64/table64, WebAssembly 3.0): a memory or
// table declared with the i64 address type takes i64 addresses, sizes and lengths, and memarg
// offsets may use all 64 bits (on an i32 memory an offset past 2^32 is "offset out of range").
#include "validate/function_validator.h"

#include <algorithm>

namespace wasmcap::validate {

using ir::Op;
using ir::ValType;
using support::Status;

ValType FunctionValidator::memory_addr(uint32_t index) const {
  return index < module_.all_memories.size() && module_.all_memories[index].address64
             ? ValType::I64
             : ValType::I32;
}

ValType FunctionValidator::table_addr(uint32_t index) const {
  return index < module_.all_tables.size() && module_.all_tables[index].address64 ? ValType::I64
                                                                                  : ValType::I32;
}

Status FunctionValidator::check_offset(const ir::Instr& instr) const {
  if (memory_addr(instr.mem.memory) == ValType::I32 && instr.mem.offset > 0xFFFFFFFFu)
    return fail("offset out of range");
  return support::ok();
}

// Which memories an instruction addresses: memory.copy names two (mem.memory = destination,
// index2 = source), the others at most one.
bool FunctionValidator::touches_memory64(const ir::Instr& instr) const {
  switch (ir::op_info(instr.op).imm) {
  case ir::Imm::MemArg:
  case ir::Imm::MemArgLane:
  case ir::Imm::Memory:
  case ir::Imm::MemoryInit: return memory_addr(instr.mem.memory) == ValType::I64;
  case ir::Imm::MemoryCopy:
    return memory_addr(instr.mem.memory) == ValType::I64 ||
           memory_addr(instr.index2) == ValType::I64;
  default: return false;
  }
}

// The opcode table's signature with i32 addresses; here the address operands (and the results
// of memory.size/grow) take the memory's address type. memory.copy's length is i64 only when
// both memories are i64 (the smaller of the two address types).
Status FunctionValidator::apply_memory64(const ir::Instr& instr, const ir::SigTypes& sig) {
  ValType params[3] = {};
  const size_t np = std::min<size_t>(sig.params.size(), 3);
  for (size_t i = 0; i < np; ++i)
    params[i] = sig.params[i];
  const ValType at = memory_addr(instr.mem.memory);
  bool wide_result = false;
  switch (instr.op) {
  case Op::MemorySize: wide_result = true; break;
  case Op::MemoryGrow:
    params[0] = at;
    wide_result = true;
    break;
  case Op::MemoryFill:
    params[0] = at;
    params[2] = at;
    break;
  case Op::MemoryInit: params[0] = at; break;
  case Op::MemoryCopy: {
    const ValType src = memory_addr(instr.index2);
    params[0] = at;
    params[1] = src;
    params[2] = at == ValType::I64 && src == ValType::I64 ? ValType::I64 : ValType::I32;
    break;
  }
  default: params[0] = at; break; // loads, stores, lane loads/stores: the address comes first
  }
  WASMCAP_TRY(pop_all(std::span<const ValType>(params, np)));
  if (wide_result) {
    push(ValType::I64);
  } else {
    push_all(sig.results);
  }
  return support::ok();
}

} // namespace wasmcap::validate

// Instruction decoding for CodeReader: opcode lookup and immediates, driven by opcodes.def.
#include "binary/code_reader.h"

#include <cstring>

namespace wasmcap::binary {

using support::ByteReader;
using support::ErrorKind;
using support::make_error;
using support::Status;

support::Result<ir::ValType> read_heaptype(ByteReader& r, bool nullable) {
  const uint64_t at = r.offset();
  WASMCAP_ASSIGN(int64_t v, r.read_s33());
  if (v >= 0) {
    // Indices past what a ValType holds cannot name a type (the spec allows 1,000,000 types).
    if (v > ir::ValType::kMaxIndex) return make_error(ErrorKind::Invalid, "unknown type", at);
    return ir::ValType::ref_index(static_cast<uint32_t>(v), nullable);
  }
  const int64_t b = v + 0x80; // a negative s33 in one byte: the abstract heap type's code
  if (b < 0x69 || b > 0x74) return make_error(ErrorKind::Malformed, "malformed heap type", at);
  return ir::ValType::ref(static_cast<ir::HeapKind>(b), nullable);
}

support::Result<ir::ValType> read_value_type(ByteReader& r, bool ref_only) {
  const uint64_t at = r.offset();
  WASMCAP_ASSIGN(uint8_t b, r.read_u8());
  if (b == 0x63 || b == 0x64) return read_heaptype(r, b == 0x63);
  const bool ok = ir::is_valtype_byte(b) && (!ref_only || ir::valtype_from_byte(b).is_ref());
  if (!ok)
    return make_error(ErrorKind::Malformed,
                      ref_only ? "malformed reference type" : "malformed value type", at);
  return ir::valtype_from_byte(b);
}

namespace {

Status read_valtype(ByteReader& r, ir::ValType& out) {
  WASMCAP_ASSIGN(out, read_value_type(r, false));
  return support::ok();
}

Status read_blocktype(ByteReader& r, ir::BlockType& out) {
  WASMCAP_ASSIGN(uint8_t first, r.peek_u8());
  if (first == 0x40) {
    (void)r.read_u8();
    out.kind = ir::BlockType::Kind::Empty;
    return support::ok();
  }
  if (ir::is_valtype_byte(first) || first == 0x63 || first == 0x64) {
    out.kind = ir::BlockType::Kind::Value;
    WASMCAP_ASSIGN(out.value, read_value_type(r, false));
    return support::ok();
  }
  const uint64_t at = r.offset();
  WASMCAP_ASSIGN(int64_t index, r.read_s33());
  if (index < 0) return make_error(ErrorKind::Malformed, "malformed block type", at);
  out.kind = ir::BlockType::Kind::TypeIndex;
  out.type_index = static_cast<uint32_t>(index); // >= 2^32 cannot name a type; validator rejects
  if (index > 0xFFFFFFFFll) out.type_index = 0xFFFFFFFFu;
  return support::ok();
}

// Flags below 2^6 are the alignment (memory 0); with bit 6 set a memory index follows
// (multiple memories); 2^7 and beyond are malformed. WebAssembly 2.0 allowed only alignments
// below 32: `beyond_2_0` lets the validator say so when multiple memories are switched off.
Status read_memarg(ByteReader& r, ir::Instr& instr, bool validate, bool u32_offsets) {
  ir::MemArg& out = instr.mem;
  const uint64_t at = r.offset();
  WASMCAP_ASSIGN(uint32_t flags, r.read_u32());
  if (validate && flags >= 128)
    return make_error(ErrorKind::Malformed, "malformed memop flags", at);
  out.align = flags & 63;
  out.memory = 0;
  if (flags & 64) {
    WASMCAP_ASSIGN(out.memory, r.read_u32());
  }
  if (flags >= 32) instr.beyond_2_0 = true;
  // Offsets are u64 since memory64 (3.0); the validator limits them to u32 on an i32 memory.
  // 2.0 read a u32: `offset_beyond_u32` lets the validator report that when memory64 is off.
  if (u32_offsets) { // 2.0's reading (DecodeOptions::memory64 off)
    WASMCAP_ASSIGN(uint32_t offset, r.read_u32());
    out.offset = offset;
    return support::ok();
  }
  const size_t start = r.position();
  WASMCAP_ASSIGN(out.offset, r.read_u64());
  if (r.position() - start > 5)
    instr.offset_beyond_u32 = ir::OffsetWidth::TooLong;
  else if (out.offset > 0xFFFFFFFFu)
    instr.offset_beyond_u32 = ir::OffsetWidth::TooLarge;
  return support::ok();
}

// A memory index immediate (memory.size/grow/fill/init/copy); WebAssembly 2.0 had one zero byte.
Status read_memory_index(ByteReader& r, ir::Instr& instr, uint32_t& out) {
  const size_t start = r.position();
  WASMCAP_ASSIGN(out, r.read_u32());
  if (out != 0 || r.position() - start != 1) instr.beyond_2_0 = true;
  return support::ok();
}

} // namespace

Status read_instruction(ByteReader& r, ir::Instr& out, InstrScratch& scratch, bool validate) {
  out.offset = r.offset();
  WASMCAP_ASSIGN(uint8_t byte, r.read_u8());
  std::optional<ir::Op> op;
  if (ir::is_prefix_byte(byte)) {
    WASMCAP_ASSIGN(uint32_t code, r.read_u32());
    op = ir::op_from_prefixed(byte, code);
  } else {
    op = ir::op_from_byte(byte);
  }
  if (!op) return make_error(ErrorKind::Malformed, "illegal opcode", out.offset);
  out.op = *op;
  out.beyond_2_0 = false;
  out.offset_beyond_u32 = ir::OffsetWidth::Fits;
  // `out` is reused from instruction to instruction: a try_table's clauses must not stay for the
  // next block (the validator checked a later legacy `try`'s "clauses" against its labels).
  out.catches = {};

  switch (ir::op_info(*op).imm) {
  case ir::Imm::None: break;
  case ir::Imm::BlockType: WASMCAP_TRY(read_blocktype(r, out.block)); break;
  case ir::Imm::Label:
  case ir::Imm::Tag:
  case ir::Imm::Func:
  case ir::Imm::Local:
  case ir::Imm::Global:
  case ir::Imm::Table:
  case ir::Imm::Data:
  case ir::Imm::Elem:
  case ir::Imm::Type: {
    WASMCAP_ASSIGN(out.index, r.read_u32());
    break;
  }
  case ir::Imm::BrTable: {
    WASMCAP_ASSIGN(uint32_t n, r.read_count());
    scratch.targets.resize(n);
    for (uint32_t i = 0; i < n; ++i) {
      WASMCAP_ASSIGN(scratch.targets[i], r.read_u32());
    }
    WASMCAP_ASSIGN(out.index, r.read_u32());
    out.targets = std::span<const uint32_t>(scratch.targets.data(), n);
    break;
  }
  case ir::Imm::CallIndirect:
  case ir::Imm::TableInit:
  case ir::Imm::TableCopy:
  case ir::Imm::TypeField:
  case ir::Imm::TypeCount:
  case ir::Imm::TypeData:
  case ir::Imm::TypeElem:
  case ir::Imm::TypeType: {
    WASMCAP_ASSIGN(out.index, r.read_u32());
    WASMCAP_ASSIGN(out.index2, r.read_u32());
    break;
  }
  case ir::Imm::SelectTypes: {
    WASMCAP_ASSIGN(uint32_t n, r.read_count());
    scratch.types.resize(n);
    for (uint32_t i = 0; i < n; ++i)
      WASMCAP_TRY(read_valtype(r, scratch.types[i]));
    out.types = std::span<const ir::ValType>(scratch.types.data(), n);
    break;
  }
  case ir::Imm::MemArg: WASMCAP_TRY(read_memarg(r, out, validate, scratch.u32_offsets)); break;
  case ir::Imm::Memory: WASMCAP_TRY(read_memory_index(r, out, out.mem.memory)); break;
  case ir::Imm::I32: {
    WASMCAP_ASSIGN(int32_t v, r.read_s32());
    out.bits = static_cast<uint32_t>(v);
    break;
  }
  case ir::Imm::I64: {
    WASMCAP_ASSIGN(int64_t v, r.read_s64());
    out.bits = static_cast<uint64_t>(v);
    break;
  }
  case ir::Imm::F32: {
    WASMCAP_ASSIGN(uint32_t v, r.read_fixed_u32());
    out.bits = v;
    break;
  }
  case ir::Imm::F64: {
    WASMCAP_ASSIGN(out.bits, r.read_fixed_u64());
    break;
  }
  case ir::Imm::RefType: { // ref.null's heap type: the result is the nullable reference to it
    // ref.test and ref.cast have a non-null form and a nullable one (the next opcode).
    const bool nullable = *op != ir::Op::RefTest && *op != ir::Op::RefCast;
    WASMCAP_ASSIGN(out.type, read_heaptype(r, nullable));
    break;
  }
  case ir::Imm::BrOnCast: {
    const uint64_t at = r.offset();
    WASMCAP_ASSIGN(uint8_t flags, r.read_u8());
    if (flags > 3) return make_error(ErrorKind::Malformed, "malformed br_on_cast flags", at);
    WASMCAP_ASSIGN(out.index, r.read_u32());
    WASMCAP_ASSIGN(out.type, read_heaptype(r, (flags & 1) != 0));
    WASMCAP_ASSIGN(out.type2, read_heaptype(r, (flags & 2) != 0));
    break;
  }
  case ir::Imm::MemoryInit: {
    WASMCAP_ASSIGN(out.index, r.read_u32());
    WASMCAP_TRY(read_memory_index(r, out, out.mem.memory));
    break;
  }
  case ir::Imm::MemoryCopy: {
    WASMCAP_TRY(read_memory_index(r, out, out.mem.memory));
    WASMCAP_TRY(read_memory_index(r, out, out.index2));
    break;
  }
  case ir::Imm::V128:
  case ir::Imm::Shuffle: {
    WASMCAP_ASSIGN(auto bytes, r.read_bytes(16));
    std::memcpy(out.v128.data(), bytes.data(), 16);
    break;
  }
  case ir::Imm::Lane: {
    WASMCAP_ASSIGN(out.lane, r.read_u8());
    break;
  }
  case ir::Imm::MemArgLane: {
    WASMCAP_TRY(read_memarg(r, out, validate, scratch.u32_offsets));
    WASMCAP_ASSIGN(out.lane, r.read_u8());
    break;
  }
  case ir::Imm::TryTable: {
    WASMCAP_TRY(read_blocktype(r, out.block));
    WASMCAP_ASSIGN(uint32_t n, r.read_count());
    scratch.catches.resize(n);
    for (uint32_t i = 0; i < n; ++i) {
      ir::CatchClause& c = scratch.catches[i];
      const uint64_t at = r.offset();
      WASMCAP_ASSIGN(uint8_t kind, r.read_u8());
      if (kind > 3) return make_error(ErrorKind::Malformed, "malformed catch clause", at);
      c.kind = static_cast<ir::CatchClause::Kind>(kind);
      c.tag = 0;
      if (!c.catches_all()) {
        WASMCAP_ASSIGN(c.tag, r.read_u32());
      }
      WASMCAP_ASSIGN(c.label, r.read_u32());
    }
    out.catches = std::span<const ir::CatchClause>(scratch.catches.data(), n);
    break;
  }
  }
  return support::ok();
}

} // namespace wasmcap::binary

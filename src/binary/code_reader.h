// CodeReader<Visitor, Validation>: THE function-body reader. It decodes instructions (opcode and
// immediates, as opcodes.def describes them) and hands each one to a visitor; it knows nothing
// about types. The validator is one visitor, the interpreter's lowering is composed with it, and
// constant expressions are read the same way.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "ir/instr.h"
#include "support/byte_reader.h"
#include "support/result.h"

namespace wasmcap::binary {

// FullValidation checks every encoding rule (malformed input is reported); NoValidation is for
// re-reading code that has already been validated, with the checks compiled out.
struct FullValidation {
  static constexpr bool kValidate = true;
};
struct NoValidation {
  static constexpr bool kValidate = false;
};

// Scratch storage for immediates that are lists (br_table targets, select types, try_table
// clauses).
struct InstrScratch {
  // Memarg offsets as WebAssembly 2.0 read them (u32), for the decoder with memory64 off
  // (DecodeOptions::memory64); else u64, and the validator checks them against the memory.
  bool u32_offsets = false;
  std::vector<uint32_t> targets;
  std::vector<ir::ValType> types;
  std::vector<ir::CatchClause> catches;
};

// Decodes the opcode at the reader's position into `out` (op, offset, immediates). Errors:
// "illegal opcode", "zero byte expected", "unexpected end", LEB128 errors, ...
// A heap type (s33): an abstract one (a negative value) or a type index; the reference type to it.
support::Result<ir::ValType> read_heaptype(support::ByteReader& r, bool nullable);
// A value type: a one-byte shorthand or 0x63 (ref null ht) / 0x64 (ref ht). `ref_only`: a
// reference type (tables, element segments), with its own error message.
support::Result<ir::ValType> read_value_type(support::ByteReader& r, bool ref_only);

support::Status read_instruction(support::ByteReader& reader, ir::Instr& out, InstrScratch& scratch,
                                 bool validate);

template <class Visitor, class Validation = FullValidation> class CodeReader {
public:
  // `code` starts at the first instruction; `base_offset` is its offset in the module.
  CodeReader(std::span<const uint8_t> code, uint64_t base_offset, Visitor& visitor)
      : reader_(code, base_offset), visitor_(visitor) {}

  // Calls `visitor(const ir::Instr&) -> support::Status` for every instruction up to and
  // including the `end` that closes the outermost level (a function body or a constant
  // expression). Stops at the first error, from the bytes or from the visitor.
  support::Status read_expression() {
    ir::Instr instr;
    uint32_t depth = 0;
    for (;;) {
      if (reader_.at_end()) {
        return support::make_error(support::ErrorKind::Malformed,
                                   "unexpected end of section or function", reader_.offset());
      }
      WASMCAP_TRY(read_instruction(reader_, instr, scratch_, Validation::kValidate));
      WASMCAP_TRY(visitor_(static_cast<const ir::Instr&>(instr)));
      switch (instr.op) {
      case ir::Op::Block:
      case ir::Op::Loop:
      case ir::Op::If:
      case ir::Op::Try:
      case ir::Op::TryTable: ++depth; break;
      case ir::Op::End:
      case ir::Op::Delegate: // ends a legacy `try` as `end` does
        if (depth == 0) return support::ok();
        --depth;
        break;
      default: break;
      }
    }
  }

  // Read memarg offsets as 2.0's u32 (InstrScratch::u32_offsets).
  void set_u32_offsets(bool on) { scratch_.u32_offsets = on; }

  // Bytes consumed so far (after read_expression: the expression's size).
  size_t position() const { return reader_.position(); }
  bool at_end() const { return reader_.at_end(); }
  uint64_t offset() const { return reader_.offset(); }

private:
  support::ByteReader reader_;
  Visitor& visitor_;
  InstrScratch scratch_;
};

} // namespace wasmcap::binary

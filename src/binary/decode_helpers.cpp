// Small readers shared by the section decoders (types, limits, constant expressions).
#include "binary/decode_helpers.h"

#include "binary/code_reader.h"

namespace wasmcap::binary::detail {

using support::ByteReader;
using support::ErrorKind;
using support::make_error;
using support::Result;

Result<uint32_t> read_vec_count(ByteReader& r) {
  return r.read_u32();
}

Result<ir::ValType> read_valtype(ByteReader& r) {
  return read_value_type(r, false);
}

Result<ir::ValType> read_reftype(ByteReader& r) {
  return read_value_type(r, true);
}

Result<ir::Limits> read_limits(ByteReader& r, bool memory64, bool* address64, bool* shared) {
  const uint64_t at = r.offset();
  WASMCAP_ASSIGN(uint8_t flags, r.read_u8());
  // 2.0 knows only "min" (0) and "min and max" (1); memory64 (3.0) adds bit 2, an i64 address
  // type (4, 5). A memory's bit 1 is the threads proposal's shared flag (2, 3; 6, 7), read
  // when asked (DecodeOptions::shared_memory): typed and matched, refused at instantiation.
  // The flags are a byte, but the spec tests word errors as if it were a LEB128 integer.
  if (flags & 0x80) return make_error(ErrorKind::Malformed, "integer representation too long", at);
  const uint8_t known = (memory64 ? 0x05 : 0x01) | (shared != nullptr ? 0x02 : 0x00);
  if ((flags & ~known) != 0) return make_error(ErrorKind::Malformed, "integer too large", at);
  const bool wide = (flags & 0x04) != 0;
  if (address64 != nullptr) *address64 = wide;
  if (shared != nullptr) *shared = (flags & 0x02) != 0;
  ir::Limits limits;
  // 3.0 reads every limit as a u64 (an i32 memory or table past its bounds is then a validation
  // error, "memory size" or "table size"); 2.0 as a u32.
  if (memory64) {
    WASMCAP_ASSIGN(limits.min, r.read_u64());
    if (flags & 0x01) {
      WASMCAP_ASSIGN(uint64_t max, r.read_u64());
      limits.max = max;
    }
    return limits;
  }
  if (wide) {
    WASMCAP_ASSIGN(limits.min, r.read_u64());
  } else {
    WASMCAP_ASSIGN(uint32_t min, r.read_u32());
    limits.min = min;
  }
  if (flags & 0x01) {
    if (wide) {
      WASMCAP_ASSIGN(uint64_t max, r.read_u64());
      limits.max = max;
    } else {
      WASMCAP_ASSIGN(uint32_t max, r.read_u32());
      limits.max = max;
    }
  }
  return limits;
}

Result<ir::TableType> read_table_type(ByteReader& r, bool memory64) {
  ir::TableType t;
  WASMCAP_ASSIGN(t.elem, read_reftype(r));
  WASMCAP_ASSIGN(t.limits, read_limits(r, memory64, &t.address64));
  return t;
}

Result<ir::MemoryType> read_memory_type(ByteReader& r, bool memory64, bool shared_ok) {
  ir::MemoryType t;
  WASMCAP_ASSIGN(t.limits, read_limits(r, memory64, &t.address64, shared_ok ? &t.shared : nullptr));
  return t;
}

Result<ir::GlobalType> read_global_type(ByteReader& r) {
  ir::GlobalType t;
  WASMCAP_ASSIGN(t.type, read_valtype(r));
  const uint64_t at = r.offset();
  WASMCAP_ASSIGN(uint8_t mut, r.read_u8());
  if (mut > 1) return make_error(ErrorKind::Malformed, "malformed mutability", at);
  t.is_mutable = mut == 1;
  return t;
}

namespace {
// Constant expressions are only delimited here; validate/ checks which instructions they hold.
// With exception handling off, its opcodes are illegal (they were unassigned in 2.0).
struct AcceptAll {
  bool exceptions = true;
  support::Status operator()(const ir::Instr& in) {
    const ir::OpInfo& info = ir::op_info(in.op);
    if (!exceptions && info.prefix == 0 &&
        ((info.code >= 0x06 && info.code <= 0x0A) || info.code == 0x18 || info.code == 0x19 ||
         info.code == 0x1F))
      return make_error(ErrorKind::Malformed, "illegal opcode", in.offset);
    return support::ok();
  }
};
} // namespace

Result<ir::ConstExpr> read_const_expr(ByteReader& r, bool exceptions) {
  const uint64_t start = r.offset();
  AcceptAll visitor{exceptions};
  CodeReader<AcceptAll> code(r.rest(), start, visitor);
  WASMCAP_TRY(code.read_expression());
  WASMCAP_TRY(r.skip(code.position()));
  return ir::ConstExpr{start, static_cast<uint32_t>(code.position())};
}

} // namespace wasmcap::binary::detail

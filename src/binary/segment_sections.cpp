// Readers for the element section (all 8 encodings) and the data section (all 3 encodings).
#include "binary/decode_helpers.h"
#include "binary/sections.h"

namespace wasmcap::binary::detail {

using support::ByteReader;
using support::ErrorKind;
using support::make_error;
using support::Status;

namespace {

// The flags of an element segment are a bit field: bit 0 = passive or declarative (not active),
// bit 1 = explicit table index (active) / declarative (not active), bit 2 = expressions.
Status read_element(ByteReader& r, ir::ElementSegment& seg, const DecodeState& s) {
  const uint64_t at = r.offset();
  WASMCAP_ASSIGN(uint32_t flags, r.read_u32());
  if (flags > 7) return make_error(ErrorKind::Malformed, "malformed elements segment kind", at);
  const bool not_active = flags & 1;
  const bool bit1 = flags & 2;
  seg.uses_exprs = flags & 4;
  if (not_active) {
    seg.mode = bit1 ? ir::SegmentMode::Declarative : ir::SegmentMode::Passive;
  } else {
    seg.mode = ir::SegmentMode::Active;
    if (bit1) {
      WASMCAP_ASSIGN(seg.table_index, r.read_u32());
    }
    WASMCAP_ASSIGN(seg.offset, read_const_expr(r, s.exceptions));
  }
  // Encodings 0 and 4 have neither element kind nor type: funcref is implied, and function
  // indices (elemkind 0) are never null: `(ref func)` (3.0), which a funcref table takes too.
  seg.type = seg.uses_exprs ? ir::ValType::FuncRef : ir::ValType::ref(ir::HeapKind::Func, false);
  if (not_active || bit1) {
    if (seg.uses_exprs) {
      WASMCAP_ASSIGN(seg.type, read_reftype(r));
    } else {
      const uint64_t kind_at = r.offset();
      WASMCAP_ASSIGN(uint8_t kind, r.read_u8());
      if (kind != 0) return make_error(ErrorKind::Malformed, "malformed element kind", kind_at);
    }
  }
  WASMCAP_ASSIGN(uint32_t n, r.read_u32());
  for (uint32_t i = 0; i < n; ++i) {
    if (seg.uses_exprs) {
      WASMCAP_ASSIGN(ir::ConstExpr e, read_const_expr(r, s.exceptions));
      seg.exprs.push_back(e);
    } else {
      WASMCAP_ASSIGN(uint32_t f, r.read_u32());
      seg.func_indices.push_back(f);
    }
  }
  return support::ok();
}

Status read_data(ByteReader& r, ir::DataSegment& seg, const DecodeState& s) {
  const uint64_t at = r.offset();
  WASMCAP_ASSIGN(uint32_t flags, r.read_u32());
  switch (flags) {
  case 0: seg.mode = ir::SegmentMode::Active; break;
  case 1: seg.mode = ir::SegmentMode::Passive; break;
  case 2: {
    seg.mode = ir::SegmentMode::Active;
    WASMCAP_ASSIGN(seg.memory_index, r.read_u32());
    break;
  }
  default: return make_error(ErrorKind::Malformed, "malformed data segment kind", at);
  }
  if (seg.mode == ir::SegmentMode::Active) {
    WASMCAP_ASSIGN(seg.offset, read_const_expr(r, s.exceptions));
  }
  // Not read_count: running past the section is "unexpected end", as the spec tests expect.
  WASMCAP_ASSIGN(uint32_t size, r.read_u32());
  seg.init = ir::CodeRange{r.offset(), size};
  return r.skip(size);
}

} // namespace

Status read_element_section(ByteReader& r, DecodeState& s) {
  WASMCAP_ASSIGN(uint32_t n, read_vec_count(r));
  for (uint32_t i = 0; i < n; ++i)
    WASMCAP_TRY(read_element(r, s.module.elements.emplace_back(), s));
  return support::ok();
}

Status read_data_section(ByteReader& r, DecodeState& s) {
  s.has_data_section = true;
  WASMCAP_ASSIGN(uint32_t n, read_vec_count(r));
  for (uint32_t i = 0; i < n; ++i)
    WASMCAP_TRY(read_data(r, s.module.datas.emplace_back(), s));
  return support::ok();
}

} // namespace wasmcap::binary::detail

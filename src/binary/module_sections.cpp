// Readers for the sections that declare things: type, import, function, table, memory, global,
// export, start, data count and tag.
#include "binary/decode_helpers.h"
#include "binary/sections.h"

namespace wasmcap::binary::detail {

using support::ByteReader;
using support::ErrorKind;
using support::make_error;
using support::Status;

namespace {
// A tag's type: attribute 0 (an exception) and a function type index (validated later).
support::Result<uint32_t> read_tag_type(ByteReader& r) {
  const uint64_t at = r.offset();
  WASMCAP_ASSIGN(uint8_t attribute, r.read_u8());
  if (attribute != 0) return make_error(ErrorKind::Malformed, "malformed tag attribute", at);
  return r.read_u32();
}

Status read_valtypes(ByteReader& r, std::vector<ir::ValType>& out) {
  WASMCAP_ASSIGN(uint32_t n, read_vec_count(r));
  for (uint32_t i = 0; i < n; ++i) {
    WASMCAP_ASSIGN(out.emplace_back(), read_valtype(r));
  }
  return support::ok();
}
} // namespace

Status read_type_section(ByteReader& r, DecodeState& s) {
  WASMCAP_ASSIGN(uint32_t n, read_vec_count(r));
  for (uint32_t i = 0; i < n; ++i) {
    const uint64_t at = r.offset();
    WASMCAP_ASSIGN(uint8_t form, r.read_u8());
    // The form is a one-byte signed LEB128 (-0x20); the spec tests word a longer one so.
    if (form & 0x80) return make_error(ErrorKind::Malformed, "integer representation too long", at);
    if (form != 0x60) return make_error(ErrorKind::Malformed, "malformed function type", at);
    ir::FuncType t;
    WASMCAP_TRY(read_valtypes(r, t.params));
    WASMCAP_TRY(read_valtypes(r, t.results));
    s.module.types.push_back(std::move(t));
  }
  return support::ok();
}

Status read_import_section(ByteReader& r, DecodeState& s) {
  WASMCAP_ASSIGN(uint32_t n, read_vec_count(r));
  for (uint32_t i = 0; i < n; ++i) {
    ir::Import imp;
    WASMCAP_ASSIGN(imp.module, r.read_name());
    WASMCAP_ASSIGN(imp.name, r.read_name());
    const uint64_t at = r.offset();
    WASMCAP_ASSIGN(uint8_t kind, r.read_u8());
    switch (kind) {
    case 0: {
      WASMCAP_ASSIGN(imp.func_type, r.read_u32());
      break;
    }
    case 1: {
      WASMCAP_ASSIGN(imp.table, read_table_type(r, s.memory64));
      break;
    }
    case 2: {
      WASMCAP_ASSIGN(imp.memory, read_memory_type(r, s.memory64, s.shared_memory));
      break;
    }
    case 3: {
      WASMCAP_ASSIGN(imp.global, read_global_type(r));
      break;
    }
    case 4: {
      if (!s.exceptions) return make_error(ErrorKind::Malformed, "malformed import kind", at);
      WASMCAP_ASSIGN(imp.tag_type, read_tag_type(r));
      break;
    }
    default: return make_error(ErrorKind::Malformed, "malformed import kind", at);
    }
    imp.kind = static_cast<ir::ExternKind>(kind);
    s.module.imports.push_back(std::move(imp));
  }
  return support::ok();
}

Status read_function_section(ByteReader& r, DecodeState& s) {
  WASMCAP_ASSIGN(uint32_t n, read_vec_count(r));
  s.has_function_section = true;
  s.function_count = n;
  for (uint32_t i = 0; i < n; ++i) {
    WASMCAP_ASSIGN(s.module.functions.emplace_back().type_index, r.read_u32());
  }
  return support::ok();
}

Status read_table_section(ByteReader& r, DecodeState& s) {
  WASMCAP_ASSIGN(uint32_t n, read_vec_count(r));
  for (uint32_t i = 0; i < n; ++i) {
    WASMCAP_ASSIGN(uint8_t first, r.peek_u8());
    const bool with_init = first == 0x40;
    if (with_init) {
      (void)r.read_u8();
      const uint64_t at = r.offset();
      WASMCAP_ASSIGN(uint8_t zero, r.read_u8());
      if (zero != 0x00) return make_error(ErrorKind::Malformed, "malformed table", at);
    }
    WASMCAP_ASSIGN(s.module.tables.emplace_back(), read_table_type(r, s.memory64));
    std::optional<ir::ConstExpr> init;
    if (with_init) {
      WASMCAP_ASSIGN(init, read_const_expr(r, s.exceptions));
    }
    s.module.table_inits.push_back(init);
  }
  return support::ok();
}

Status read_memory_section(ByteReader& r, DecodeState& s) {
  WASMCAP_ASSIGN(uint32_t n, read_vec_count(r));
  for (uint32_t i = 0; i < n; ++i) {
    WASMCAP_ASSIGN(s.module.memories.emplace_back(),
                   read_memory_type(r, s.memory64, s.shared_memory));
  }
  return support::ok();
}

Status read_global_section(ByteReader& r, DecodeState& s) {
  WASMCAP_ASSIGN(uint32_t n, read_vec_count(r));
  for (uint32_t i = 0; i < n; ++i) {
    ir::Global& g = s.module.globals.emplace_back();
    WASMCAP_ASSIGN(g.type, read_global_type(r));
    WASMCAP_ASSIGN(g.init, read_const_expr(r, s.exceptions));
  }
  return support::ok();
}

Status read_export_section(ByteReader& r, DecodeState& s) {
  WASMCAP_ASSIGN(uint32_t n, read_vec_count(r));
  for (uint32_t i = 0; i < n; ++i) {
    ir::Export& e = s.module.exports.emplace_back();
    WASMCAP_ASSIGN(e.name, r.read_name());
    const uint64_t at = r.offset();
    WASMCAP_ASSIGN(uint8_t kind, r.read_u8());
    if (kind > (s.exceptions ? 4 : 3))
      return make_error(ErrorKind::Malformed, "malformed export kind", at);
    e.kind = static_cast<ir::ExternKind>(kind);
    WASMCAP_ASSIGN(e.index, r.read_u32());
  }
  return support::ok();
}

Status read_tag_section(ByteReader& r, DecodeState& s) {
  WASMCAP_ASSIGN(uint32_t n, read_vec_count(r));
  for (uint32_t i = 0; i < n; ++i) {
    WASMCAP_ASSIGN(s.module.tags.emplace_back(), read_tag_type(r));
  }
  return support::ok();
}

Status read_start_section(ByteReader& r, DecodeState& s) {
  WASMCAP_ASSIGN(uint32_t index, r.read_u32());
  s.module.start = index;
  return support::ok();
}

Status read_data_count_section(ByteReader& r, DecodeState& s) {
  WASMCAP_ASSIGN(uint32_t n, r.read_u32());
  s.module.data_count = n;
  return support::ok();
}

} // namespace wasmcap::binary::detail

// Readers for the sections that declare things: type, import, function, table, memory, global,
// export, start, data count and tag.
#include "binary/decode_helpers.h"
#include "binary/sections.h"
#include "ir/type_registry.h"

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

// A struct field or array element: a storage type (a value type, or i8 0x78 / i16 0x77) and its
// mutability (0 or 1).
support::Result<ir::FieldType> read_field_type(ByteReader& r) {
  ir::FieldType f;
  WASMCAP_ASSIGN(uint8_t b, r.peek_u8());
  if (b == 0x78 || b == 0x77) {
    WASMCAP_TRY(r.skip(1));
    f.packed = static_cast<ir::Packed>(b);
  } else {
    WASMCAP_ASSIGN(f.type, read_valtype(r));
  }
  const uint64_t at = r.offset();
  WASMCAP_ASSIGN(uint8_t mut, r.read_u8());
  if (mut > 1) return make_error(ErrorKind::Malformed, "malformed mutability", at);
  f.is_mutable = mut == 1;
  return f;
}

// One sub type: `0x50 vec(typeidx) comptype` (open), `0x4F vec(typeidx) comptype` (final), or a
// composite type alone (final, no supertype). A composite type is a function type (0x60), a
// struct (0x5F, a vector of fields) or an array (0x5E, one field).
Status read_sub_type(ByteReader& r, DecodeState& s, uint32_t group, uint32_t group_size) {
  ir::SubType st;
  ir::FuncType ft;
  st.group = group;
  st.group_size = group_size;
  uint64_t at = r.offset();
  WASMCAP_ASSIGN(uint8_t form, r.read_u8());
  if (form == 0x50 || form == 0x4F) {
    st.is_final = form == 0x4F;
    WASMCAP_ASSIGN(uint32_t supers, read_vec_count(r));
    for (uint32_t k = 0; k < supers; ++k) {
      WASMCAP_ASSIGN(uint32_t super, r.read_u32());
      // The binary format allows a list; types have at most one supertype (validation).
      if (k > 0) return make_error(ErrorKind::Invalid, "multiple supertypes", at);
      st.super = super;
    }
    at = r.offset();
    WASMCAP_ASSIGN(form, r.read_u8());
  }
  // The form is a one-byte signed LEB128 (-0x20); the spec tests word a longer one so.
  if (form & 0x80) return make_error(ErrorKind::Malformed, "integer representation too long", at);
  switch (form) {
  case 0x60:
    WASMCAP_TRY(read_valtypes(r, ft.params));
    WASMCAP_TRY(read_valtypes(r, ft.results));
    break;
  case 0x5F: {
    st.kind = ir::TypeKind::Struct;
    WASMCAP_ASSIGN(uint32_t n, read_vec_count(r));
    for (uint32_t k = 0; k < n; ++k) {
      WASMCAP_ASSIGN(st.fields.emplace_back(), read_field_type(r));
    }
    break;
  }
  case 0x5E: {
    st.kind = ir::TypeKind::Array;
    WASMCAP_ASSIGN(st.fields.emplace_back(), read_field_type(r));
    break;
  }
  default: return make_error(ErrorKind::Malformed, "malformed function type", at);
  }
  s.module.types.push_back(std::move(ft));
  s.module.subtypes.push_back(std::move(st));
  return support::ok();
}

Status read_type_section(ByteReader& r, DecodeState& s) {
  // Entries are recursion groups: `0x4E vec(subtype)`, or one sub type (a group of one).
  WASMCAP_ASSIGN(uint32_t n, read_vec_count(r));
  for (uint32_t i = 0; i < n; ++i) {
    const auto first = static_cast<uint32_t>(s.module.types.size());
    WASMCAP_ASSIGN(uint8_t form, r.peek_u8());
    if (form != 0x4E) {
      WASMCAP_TRY(read_sub_type(r, s, first, 1));
      continue;
    }
    WASMCAP_TRY(r.skip(1));
    const uint64_t at = r.offset();
    WASMCAP_ASSIGN(uint32_t size, read_vec_count(r));
    if (uint64_t{first} + size > ir::ValType::kMaxIndex)
      return make_error(ErrorKind::Invalid, "too many types", at);
    for (uint32_t k = 0; k < size; ++k)
      WASMCAP_TRY(read_sub_type(r, s, first, size));
  }
  ir::canonicalize(s.module);
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

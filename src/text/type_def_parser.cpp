// Parsing of type definitions: recursion groups, sub types, and the three composite types.
#include "text/type_def_parser.h"

#include <string>

#include "text/instr_parser.h"

namespace wasmcap::text {
namespace {

using support::Result;
using support::Status;

// A storage type: a value type, or the packed `i8` / `i16`.
Result<ir::FieldType> parse_storage(const ModuleBuilder& m, const Sexpr& s) {
  ir::FieldType f;
  if (s.is_atom(TokenKind::Keyword) && (s.token.text == "i8" || s.token.text == "i16")) {
    f.packed = s.token.text == "i8" ? ir::Packed::I8 : ir::Packed::I16;
    return f;
  }
  WASMCAP_ASSIGN(f.type, parse_valtype(s, &m.types));
  return f;
}

// A field type: a storage type, or `(mut storage)`.
Result<ir::FieldType> parse_field_type(const ModuleBuilder& m, const Sexpr& s) {
  if (!s.is_list_of("mut")) return parse_storage(m, s);
  if (s.items.size() != 2) return malformed_at(s.token, "unexpected token");
  WASMCAP_ASSIGN(ir::FieldType f, parse_storage(m, s.items[1]));
  f.is_mutable = true;
  return f;
}

// `(struct (field $f? fieldtype) | (field fieldtype*) ...)`, recording field names.
Status parse_struct(ModuleBuilder& m, const Sexpr& s, ir::SubType& out, uint32_t index) {
  out.kind = ir::TypeKind::Struct;
  for (size_t i = 1; i < s.items.size(); ++i) {
    const Sexpr& field = s.items[i];
    if (!field.is_list_of("field")) return malformed_at(field.token, "unexpected token");
    size_t p = 1;
    if (p < field.items.size() && field.items[p].is_atom(TokenKind::Id)) {
      if (field.items.size() != 3) return malformed_at(field.token, "unexpected token");
      auto& names = m.field_names[index];
      const auto n = static_cast<uint32_t>(out.fields.size());
      if (!names.emplace(field.items[p].token.text, n).second)
        return malformed_at(field.items[p].token, "duplicate field");
      ++p;
    }
    for (; p < field.items.size(); ++p) {
      WASMCAP_ASSIGN(out.fields.emplace_back(), parse_field_type(m, field.items[p]));
    }
  }
  return support::ok();
}

Status parse_composite(ModuleBuilder& m, const Sexpr& s, ir::SubType& sub, ir::FuncType& func,
                       uint32_t index) {
  if (s.is_list_of("func")) {
    size_t p = 1;
    WASMCAP_ASSIGN(TypeUse use, parse_type_use(m, s.items, p, true));
    if (use.index || p != s.items.size())
      return malformed_at(p < s.items.size() ? s.items[p].token : s.token, "unexpected token");
    func = std::move(use.type);
    return support::ok();
  }
  if (s.is_list_of("struct")) return parse_struct(m, s, sub, index);
  if (s.is_list_of("array")) {
    if (s.items.size() != 2) return malformed_at(s.token, "unexpected token");
    sub.kind = ir::TypeKind::Array;
    WASMCAP_ASSIGN(sub.fields.emplace_back(), parse_field_type(m, s.items[1]));
    return support::ok();
  }
  return malformed_at(s.token, "unexpected token");
}

// One `(type $t? subtype)` of a group starting at `group` with `group_size` types.
Status parse_type(ModuleBuilder& m, const Sexpr& field, uint32_t group, uint32_t group_size) {
  const auto& items = field.items;
  size_t pos = 1;
  if (pos < items.size() && items[pos].is_atom(TokenKind::Id)) ++pos; // bound earlier
  if (pos + 1 != items.size())
    return malformed_at(pos < items.size() ? items[pos].token : field.token, "unexpected token");
  const auto index = static_cast<uint32_t>(m.type_defs.size());
  ir::SubType sub;
  ir::FuncType func;
  sub.group = group;
  sub.group_size = group_size;
  const Sexpr* composite = &items[pos];
  if (composite->is_list_of("sub")) {
    const auto& s = composite->items;
    size_t p = 1;
    sub.is_final = false;
    if (p < s.size() && s[p].is_keyword("final")) {
      sub.is_final = true;
      ++p;
    }
    if (p + 1 < s.size()) {
      WASMCAP_ASSIGN(sub.super, m.types.resolve(s[p]));
      ++p;
    }
    if (p + 1 != s.size())
      return malformed_at(p < s.size() ? s[p].token : composite->token, "unexpected token");
    composite = &s[p];
  }
  WASMCAP_TRY(parse_composite(m, *composite, sub, func, index));
  m.type_defs.push_back(std::move(func));
  m.subtypes.push_back(std::move(sub));
  return support::ok();
}

} // namespace

Status parse_type_field(ModuleBuilder& m, const Sexpr& field) {
  const auto first = static_cast<uint32_t>(m.type_defs.size());
  if (field.is_list_of("type")) return parse_type(m, field, first, 1);
  // `(rec (type ...)*)`: an empty group defines nothing.
  const auto size = static_cast<uint32_t>(field.items.size() - 1);
  for (size_t i = 1; i < field.items.size(); ++i) {
    if (!field.items[i].is_list_of("type"))
      return malformed_at(field.items[i].token, "unexpected token");
    WASMCAP_TRY(parse_type(m, field.items[i], first, size));
  }
  return support::ok();
}

} // namespace wasmcap::text

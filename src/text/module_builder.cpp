// ModuleBuilder: index spaces, type interning and the final section layout of the binary.
#include "text/module_builder.h"

#include <algorithm>

#include "text/instr_parser.h"
#include "text/literals.h"

namespace wasmcap::text {

support::Result<uint32_t> IndexSpace::add(const Token* id) {
  const uint32_t index = count++;
  if (id != nullptr && !names.emplace(id->text, index).second)
    return malformed_at(*id, std::string("duplicate ") + what + " " + std::string(id->text));
  return index;
}

support::Result<uint32_t> IndexSpace::resolve(const Sexpr& ref) const {
  if (ref.is_atom(TokenKind::Id)) {
    auto it = names.find(ref.token.text);
    if (it == names.end())
      return malformed_at(ref.token,
                          std::string("unknown ") + what + " " + std::string(ref.token.text));
    return it->second;
  }
  if (ref.is_atom(TokenKind::Number)) {
    const Literal<uint64_t> n = parse_nat(ref.token.text);
    if (n.status == LiteralStatus::Ok && n.value <= UINT32_MAX)
      return static_cast<uint32_t>(n.value);
    if (n.status == LiteralStatus::OutOfRange || n.status == LiteralStatus::Ok)
      return malformed_at(ref.token, "constant out of range");
  }
  return malformed_at(ref.token, "unexpected token");
}

ModuleBuilder::ModuleBuilder() {
  funcs.what = "function";
  tables.what = "table";
  memories.what = "memory";
  globals.what = "global";
  types.what = "type";
  elems.what = "elem";
  datas.what = "data";
  tags.what = "tag";
}

uint32_t ModuleBuilder::intern_type(const ir::FuncType& t) {
  for (size_t i = 0; i < type_defs.size(); ++i) {
    const ir::SubType& s = subtypes[i];
    if (s.kind == ir::TypeKind::Func && s.is_final && !s.super && s.group_size == 1 &&
        type_defs[i] == t)
      return static_cast<uint32_t>(i);
  }
  ir::SubType s;
  s.group = static_cast<uint32_t>(type_defs.size());
  type_defs.push_back(t);
  subtypes.push_back(s);
  types.count = static_cast<uint32_t>(type_defs.size());
  return types.count - 1;
}

support::Result<uint32_t> ModuleBuilder::resolve_type_use(const TypeUse& use) {
  if (!use.index) return intern_type(use.type);
  // Without inline parts an unknown index is the validator's business; with them we cannot
  // check the match, so the text is malformed.
  if (use.has_inline && *use.index >= type_defs.size())
    return malformed_at(*use.where, "unknown type");
  if (use.has_inline && *use.index < type_defs.size() &&
      (subtypes[*use.index].kind != ir::TypeKind::Func || type_defs[*use.index] != use.type))
    return malformed_at(*use.where, "inline function type");
  return *use.index;
}

ir::FuncType ModuleBuilder::type_of(uint32_t type_index) const {
  return type_index < type_defs.size() ? type_defs[type_index] : ir::FuncType{};
}

namespace {

void section(support::ByteWriter& out, uint8_t id, const support::ByteWriter& body) {
  out.u8(id);
  out.u32(static_cast<uint32_t>(body.size()));
  out.bytes(body.data());
}

void vec_section(support::ByteWriter& out, uint8_t id,
                 const std::vector<std::vector<uint8_t>>& entries) {
  if (entries.empty()) return;
  support::ByteWriter body;
  body.u32(static_cast<uint32_t>(entries.size()));
  for (const auto& e : entries)
    body.bytes(e);
  section(out, id, body);
}

void write_valtypes(support::ByteWriter& w, const std::vector<ir::ValType>& ts) {
  w.u32(static_cast<uint32_t>(ts.size()));
  for (ir::ValType t : ts)
    write_valtype(w, t);
}

void write_field(support::ByteWriter& w, const ir::FieldType& f) {
  if (f.packed != ir::Packed::None)
    w.u8(static_cast<uint8_t>(f.packed));
  else
    write_valtype(w, f.type);
  w.u8(f.is_mutable ? 1 : 0);
}

// A sub type: the composite type alone when final without a supertype, else 0x50 (open) or 0x4F
// (final) and the supertype list first.
void write_sub_type(support::ByteWriter& w, const ir::SubType& s, const ir::FuncType& f) {
  if (!s.is_final || s.super) {
    w.u8(s.is_final ? 0x4F : 0x50);
    w.u32(s.super ? 1 : 0);
    if (s.super) w.u32(*s.super);
  }
  switch (s.kind) {
  case ir::TypeKind::Func:
    w.u8(0x60);
    write_valtypes(w, f.params);
    write_valtypes(w, f.results);
    break;
  case ir::TypeKind::Struct:
    w.u8(0x5F);
    w.u32(static_cast<uint32_t>(s.fields.size()));
    for (const ir::FieldType& field : s.fields)
      write_field(w, field);
    break;
  case ir::TypeKind::Array:
    w.u8(0x5E);
    write_field(w, s.fields.empty() ? ir::FieldType{} : s.fields[0]);
    break;
  }
}

} // namespace

std::vector<uint8_t> ModuleBuilder::encode() const {
  support::ByteWriter out;
  const uint8_t header[] = {0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00};
  out.bytes(header);
  // The `(@custom ...)` sections placed at `slot` (custom_annotation.h's section order).
  auto customs_at = [&](uint8_t slot) {
    for (const CustomSection& c : customs) {
      if (c.slot != slot) continue;
      support::ByteWriter body;
      body.name(c.name);
      body.bytes(c.bytes);
      section(out, 0, body);
    }
  };
  customs_at(0);
  if (!type_defs.empty()) {
    // One entry per recursion group: a group of one is its sub type alone, a larger one
    // `0x4E vec(subtype)`.
    support::ByteWriter body;
    uint32_t groups = 0;
    for (size_t i = 0; i < type_defs.size(); i += subtypes[i].group_size)
      ++groups;
    body.u32(groups);
    for (size_t i = 0; i < type_defs.size(); i += subtypes[i].group_size) {
      if (subtypes[i].group_size > 1) {
        body.u8(0x4E);
        body.u32(subtypes[i].group_size);
      }
      for (size_t k = i; k < i + subtypes[i].group_size; ++k)
        write_sub_type(body, subtypes[k], type_defs[k]);
    }
    section(out, 1, body);
  }
  customs_at(1);
  vec_section(out, 2, imports);
  customs_at(2);
  if (!func_types.empty()) {
    support::ByteWriter body;
    body.u32(static_cast<uint32_t>(func_types.size()));
    for (uint32_t t : func_types)
      body.u32(t);
    section(out, 3, body);
  }
  customs_at(3);
  vec_section(out, 4, tables_sec);
  customs_at(4);
  vec_section(out, 5, memories_sec);
  customs_at(5);
  vec_section(out, 13, tags_sec); // the tag section sits between memory and global
  customs_at(6);
  vec_section(out, 6, globals_sec);
  customs_at(7);
  vec_section(out, 7, exports);
  customs_at(8);
  if (start) {
    support::ByteWriter body;
    body.u32(*start);
    section(out, 8, body);
  }
  customs_at(9);
  vec_section(out, 9, elems_sec);
  customs_at(10);
  if (needs_data_count) {
    support::ByteWriter body;
    body.u32(static_cast<uint32_t>(datas_sec.size()));
    section(out, 12, body);
  }
  customs_at(11);
  // Before the code section, where the branch hinting proposal asks for it (an engine that
  // compiles while it streams the code section has the hints by then).
  if (!branch_hints.empty()) {
    support::ByteWriter body;
    body.name("metadata.code.branch_hint");
    body.u32(static_cast<uint32_t>(branch_hints.size()));
    for (const auto& [func, hints] : branch_hints) {
      body.u32(func);
      body.u32(static_cast<uint32_t>(hints.size()));
      for (const auto& [offset, hint] : hints) {
        body.u32(offset);
        body.u32(1); // the hint's size in bytes
        body.u8(hint);
      }
    }
    section(out, 0, body);
  }
  if (!codes.empty()) {
    support::ByteWriter body;
    body.u32(static_cast<uint32_t>(codes.size()));
    for (const auto& c : codes) {
      body.u32(static_cast<uint32_t>(c.size()));
      body.bytes(c);
    }
    section(out, 10, body);
  }
  customs_at(12);
  vec_section(out, 11, datas_sec);
  customs_at(kCustomSlotLast);
  // The extended name subsections (types 4, tables 5, memories 6, globals 7, elems 8, data 9),
  // as wasm-tools writes them, so component text with core modules encodes identically.
  const std::pair<uint8_t, const IndexSpace*> spaces[] = {
      {4, &types}, {5, &tables}, {6, &memories}, {7, &globals}, {8, &elems}, {9, &datas}};
  bool any_space_names = false;
  for (const auto& [sub_id, space] : spaces)
    any_space_names |= !space->names.empty();
  if (module_name || !func_names.empty() || !local_names.empty() || !label_names.empty() ||
      any_space_names) {
    support::ByteWriter body;
    body.name("name");
    if (module_name) {
      support::ByteWriter sub;
      sub.name(*module_name);
      section(body, 0, sub);
    }
    if (!func_names.empty()) {
      support::ByteWriter sub;
      sub.u32(static_cast<uint32_t>(func_names.size()));
      for (const auto& [index, name] : func_names) {
        sub.u32(index);
        sub.name(name);
      }
      section(body, 1, sub);
    }
    // Locals (2) and labels (3): an indirect name map per function.
    for (const auto& [sub_id, names] :
         {std::pair{uint8_t{2}, &local_names}, std::pair{uint8_t{3}, &label_names}}) {
      if (names->empty()) continue;
      support::ByteWriter sub;
      sub.u32(static_cast<uint32_t>(names->size()));
      for (const auto& [func, inner] : *names) {
        sub.u32(func);
        sub.u32(static_cast<uint32_t>(inner.size()));
        for (const auto& [index, name] : inner) {
          sub.u32(index);
          sub.name(name);
        }
      }
      section(body, sub_id, sub);
    }
    for (const auto& [sub_id, space] : spaces) {
      if (space->names.empty()) continue;
      std::vector<std::pair<uint32_t, std::string_view>> sorted;
      for (const auto& [name, index] : space->names)
        sorted.emplace_back(index, name.substr(1));
      std::sort(sorted.begin(), sorted.end());
      support::ByteWriter sub;
      sub.u32(static_cast<uint32_t>(sorted.size()));
      for (const auto& [index, name] : sorted) {
        sub.u32(index);
        sub.name(name);
      }
      section(body, sub_id, sub);
    }
    section(out, 0, body);
  }
  return out.take();
}

} // namespace wasmcap::text

// Module fields in two passes: declare() binds every $name to its index (so fields may refer
// forward), then define() encodes each field in textual order into the ModuleBuilder.
#include "text/module_parser.h"
#include "text/type_def_parser.h"

#include "text/instr_parser.h"
#include "text/literals.h"
#include "text/module_builder.h"

namespace wasmcap::text {
namespace {

using support::ByteWriter;
using support::Status;

// `$id? (export "name")* (import "module" "name")?`, the prefix shared by func, table, memory,
// global and tag fields.
struct FieldHead {
  const Token* id = nullptr;
  const Sexpr* name = nullptr; // `(@name "...")` (func and tag fields)
  std::vector<const Sexpr*> exports;
  const Sexpr* import = nullptr;
  size_t pos = 1;
};

FieldHead parse_head(const Sexpr& field) {
  FieldHead h;
  const auto& items = field.items;
  if (h.pos < items.size() && items[h.pos].is_atom(TokenKind::Id)) h.id = &items[h.pos++].token;
  if (h.pos < items.size() && is_name_annotation(items[h.pos]) &&
      (items[0].is_keyword("func") || items[0].is_keyword("tag")))
    h.name = &items[h.pos++];
  while (h.pos < items.size() && items[h.pos].is_list_of("export"))
    h.exports.push_back(&items[h.pos++]);
  if (h.pos < items.size() && items[h.pos].is_list_of("import")) h.import = &items[h.pos++];
  return h;
}

support::Result<std::string> string_atom(const Sexpr& s) {
  if (!s.is_atom(TokenKind::String)) return malformed_at(s.token, "unexpected token");
  return decode_string(s.token);
}

support::Result<std::string> name_atom(const Sexpr& s) {
  WASMCAP_ASSIGN(std::string n, string_atom(s));
  if (!is_valid_utf8(n)) return malformed_at(s.token, "malformed UTF-8 encoding");
  return n;
}

support::Result<uint64_t> nat_atom(const std::vector<Sexpr>& items, size_t pos, const Token& kw) {
  if (pos >= items.size() || !items[pos].is_atom(TokenKind::Number))
    return malformed_at(pos < items.size() ? items[pos].token : kw, "unexpected token");
  const Literal<uint64_t> n = parse_nat(items[pos].token.text);
  if (n.status == LiteralStatus::NotNumber)
    return malformed_at(items[pos].token, "unexpected token");
  if (n.status == LiteralStatus::OutOfRange)
    return malformed_at(items[pos].token, "constant out of range");
  return n.value;
}

} // namespace

// The address type before a table's or memory's limits (`i32` or `i64`, memory64); true and
// advances pos for `i64`.
bool address_type_i64(const std::vector<Sexpr>& items, size_t& pos) {
  if (pos >= items.size() || !items[pos].is_atom(TokenKind::Keyword)) return false;
  const bool wide = items[pos].token.text == "i64";
  if (wide || items[pos].token.text == "i32") ++pos;
  return wide;
}

// Memory limits are u64 in the text format since memory64 (WebAssembly 3.0), for i32 memories
// too: a page count past 2^16 there is the validator's "memory size" error, no longer a
// malformed constant (2.0's suite, run with memory64 off, still sees a malformed module: its
// decoder reads those limits as u32).
constexpr uint64_t kMemoryLimitMax = UINT64_MAX;

// `addrtype? min max?` limits; `limit` is the largest value the i32 address type allows (an i64
// one allows any u64: the validator checks the real bounds).
Status parse_limits(const std::vector<Sexpr>& items, size_t& pos, const Token& kw, uint64_t limit,
                    ByteWriter& w) {
  const uint8_t wide = address_type_i64(items, pos) ? 0x04 : 0x00;
  if (wide) limit = UINT64_MAX;
  WASMCAP_ASSIGN(uint64_t min, nat_atom(items, pos, kw));
  if (min > limit) return malformed_at(items[pos].token, "constant out of range");
  ++pos;
  if (pos < items.size() && items[pos].is_atom(TokenKind::Number)) {
    WASMCAP_ASSIGN(uint64_t max, nat_atom(items, pos, kw));
    if (max > limit) return malformed_at(items[pos].token, "constant out of range");
    ++pos;
    w.u8(0x01 | wide);
    w.u64(min);
    w.u64(max);
  } else {
    w.u8(0x00 | wide);
    w.u64(min);
  }
  return support::ok();
}

Status parse_memory_type(const std::vector<Sexpr>& items, size_t& pos, const Token& kw,
                         uint64_t limit, ByteWriter& w) {
  ByteWriter limits;
  WASMCAP_TRY(parse_limits(items, pos, kw, limit, limits));
  std::vector<uint8_t> bytes = limits.take();
  if (pos < items.size() && items[pos].is_keyword("shared")) {
    bytes[0] |= 0x02; // the limits' flags byte
    ++pos;
  }
  w.bytes(bytes);
  return support::ok();
}

Status expect_end(const std::vector<Sexpr>& items, size_t pos) {
  if (pos < items.size()) return malformed_at(items[pos].token, "unexpected token");
  return support::ok();
}

Status parse_table_type(const std::vector<Sexpr>& items, size_t& pos, const Token& kw,
                        ByteWriter& w, const IndexSpace* types) {
  // Table limits are u64 in the text format too (3.0): past 2^32-1 for an i32 table is the
  // validator's "table size" (a decoder without memory64 still reads them as u32: malformed).
  ByteWriter limits;
  WASMCAP_TRY(parse_limits(items, pos, kw, UINT64_MAX, limits));
  if (pos >= items.size()) return malformed_at(kw, "unexpected token");
  WASMCAP_ASSIGN(ir::ValType t, parse_valtype(items[pos], types));
  if (!ir::is_ref(t)) return malformed_at(items[pos].token, "unexpected token");
  ++pos;
  write_valtype(w, t);
  w.bytes(limits.data());
  return support::ok();
}

Status parse_global_type(const std::vector<Sexpr>& items, size_t& pos, const Token& kw,
                         ByteWriter& w, const IndexSpace* types) {
  if (pos >= items.size()) return malformed_at(kw, "unexpected token");
  const Sexpr& s = items[pos++];
  if (s.is_list_of("mut")) {
    if (s.items.size() != 2) return malformed_at(s.token, "unexpected token");
    WASMCAP_ASSIGN(ir::ValType t, parse_valtype(s.items[1], types));
    write_valtype(w, t);
    w.u8(1);
  } else {
    WASMCAP_ASSIGN(ir::ValType t, parse_valtype(s, types));
    write_valtype(w, t);
    w.u8(0);
  }
  return support::ok();
}

namespace {

class ModuleParser {
public:
  support::Result<std::vector<uint8_t>> run(const std::vector<Sexpr>& items, size_t from) {
    // `(@name ...)` for the module: only before every other field, once.
    bool other_field = false;
    for (size_t i = from; i < items.size(); ++i) {
      if (is_name_annotation(items[i])) {
        if (other_field) return malformed_at(items[i].token, "misplaced @name annotation");
        if (m_.module_name)
          return malformed_at(items[i].token, "@name annotation: multiple module names");
        WASMCAP_ASSIGN(m_.module_name, parse_name_annotation(items[i]));
        continue;
      }
      other_field = true;
      if (is_branch_hint_annotation(items[i])) {
        return malformed_at(items[i].token,
                            "@metadata.code.branch_hint annotation: not in a function");
      }
      if (is_custom_annotation(items[i])) {
        WASMCAP_ASSIGN(CustomSection c, parse_custom_annotation(items[i]));
        m_.customs.push_back(std::move(c));
        continue;
      }
      if (!items[i].is_list || items[i].items.empty() ||
          !items[i].items[0].is_atom(TokenKind::Keyword))
        return malformed_at(items[i].token, "unexpected token");
    }
    // Type names first: a type may name itself or a later one (`(ref $t)` in a parameter).
    auto name_type = [this](const Sexpr& type) {
      const auto& t = type.items;
      return m_.types.add(t.size() > 1 && t[1].is_atom(TokenKind::Id) ? &t[1].token : nullptr);
    };
    for (size_t i = from; i < items.size(); ++i) {
      if (items[i].is_list_of("type")) WASMCAP_TRY(name_type(items[i]));
      if (!items[i].is_list_of("rec")) continue;
      for (size_t k = 1; k < items[i].items.size(); ++k)
        if (items[i].items[k].is_list_of("type")) WASMCAP_TRY(name_type(items[i].items[k]));
    }
    for (size_t i = from; i < items.size(); ++i) {
      if (is_custom_annotation(items[i]) || is_name_annotation(items[i])) continue;
      WASMCAP_TRY(declare(items[i]));
    }
    for (size_t i = from; i < items.size(); ++i)
      if (!is_custom_annotation(items[i]) && !is_name_annotation(items[i]))
        WASMCAP_TRY(define(items[i]));
    return m_.encode();
  }

private:
  // Pass 1: index spaces and explicit types.
  Status declare(const Sexpr& field) {
    const auto& items = field.items;
    const std::string_view kw = items[0].token.text;
    if (kw == "type" || kw == "rec") return parse_type_field(m_, field); // named in run()
    if (kw == "import") {
      if (items.size() != 4 || !items[3].is_list || items[3].items.empty())
        return malformed_at(items.size() > 3 ? items[3].token : field.token, "unexpected token");
      const Sexpr& desc = items[3];
      const Token* id = desc.items.size() > 1 && desc.items[1].is_atom(TokenKind::Id)
                            ? &desc.items[1].token
                            : nullptr;
      WASMCAP_ASSIGN(IndexSpace * space, space_of(desc.items[0]));
      return declare_entity(*space, id, true, field.token);
    }
    if (kw == "func" || kw == "table" || kw == "memory" || kw == "global" || kw == "tag") {
      const FieldHead h = parse_head(field);
      WASMCAP_ASSIGN(IndexSpace * space, space_of(items[0]));
      WASMCAP_TRY(declare_entity(*space, h.id, h.import != nullptr, field.token));
      if (h.import == nullptr && kw == "table" && h.pos + 1 < items.size() &&
          items[h.pos + 1].is_list_of("elem"))
        WASMCAP_TRY(m_.elems.add(nullptr));
      if (h.import == nullptr && kw == "memory" && h.pos < items.size() &&
          items[h.pos].is_list_of("data"))
        WASMCAP_TRY(m_.datas.add(nullptr));
      return support::ok();
    }
    if (kw == "elem" || kw == "data") {
      const Token* id =
          items.size() > 1 && items[1].is_atom(TokenKind::Id) ? &items[1].token : nullptr;
      WASMCAP_TRY((kw == "elem" ? m_.elems : m_.datas).add(id));
      return support::ok();
    }
    if (kw == "export" || kw == "start") return support::ok();
    return malformed_at(items[0].token, "unexpected token");
  }

  support::Result<IndexSpace*> space_of(const Sexpr& kw) {
    if (kw.is_keyword("func")) return &m_.funcs;
    if (kw.is_keyword("table")) return &m_.tables;
    if (kw.is_keyword("memory")) return &m_.memories;
    if (kw.is_keyword("global")) return &m_.globals;
    if (kw.is_keyword("tag")) return &m_.tags;
    return malformed_at(kw.token, "unexpected token");
  }

  // Imports must precede every definition, so textual order is index order.
  Status declare_entity(IndexSpace& space, const Token* id, bool is_import, const Token& where) {
    if (is_import && first_definition_ != nullptr)
      return malformed_at(where, std::string("import after ") + first_definition_);
    if (!is_import && first_definition_ == nullptr) first_definition_ = space.what;
    WASMCAP_TRY(space.add(id));
    return support::ok();
  }

  // Pass 2: encoding, in textual order.
  Status define(const Sexpr& field) {
    const std::string_view kw = field.items[0].token.text;
    if (kw == "type" || kw == "rec") return support::ok();
    if (kw == "import") return define_import(field);
    if (kw == "func") return define_func(field);
    if (kw == "table") return define_table(field);
    if (kw == "memory") return define_memory(field);
    if (kw == "global") return define_global(field);
    if (kw == "tag") return define_tag(field);
    if (kw == "export") return define_export(field);
    if (kw == "start") return define_start(field);
    if (kw == "elem") return define_elem(field);
    return define_data(field);
  }

  Status add_exports(const FieldHead& h, uint8_t kind, uint32_t index) {
    for (const Sexpr* e : h.exports) {
      if (e->items.size() != 2) return malformed_at(e->token, "unexpected token");
      WASMCAP_ASSIGN(std::string name, name_atom(e->items[1]));
      ByteWriter w;
      w.name(name);
      w.u8(kind);
      w.u32(index);
      m_.exports.push_back(w.take());
    }
    return support::ok();
  }

  void note_func_name(const Token* id, uint32_t index) {
    if (id != nullptr) m_.func_names.emplace_back(index, std::string(id->text.substr(1)));
  }

  // Encodes an import of `kind` whose description is items[pos..] (after an optional $id).
  Status encode_import(const Sexpr& import, const std::string_view kind,
                       const std::vector<Sexpr>& items, size_t pos, const Token& kw,
                       const Token* id) {
    if (import.items.size() != 3) return malformed_at(import.token, "unexpected token");
    WASMCAP_ASSIGN(std::string module, name_atom(import.items[1]));
    WASMCAP_ASSIGN(std::string name, name_atom(import.items[2]));
    ByteWriter w;
    w.name(module);
    w.name(name);
    if (kind == "func") {
      WASMCAP_ASSIGN(TypeUse use, parse_type_use(m_, items, pos, true));
      WASMCAP_ASSIGN(uint32_t type, m_.resolve_type_use(use));
      w.u8(0);
      w.u32(type);
      note_func_name(id, func_index_++);
    } else if (kind == "table") {
      w.u8(1);
      WASMCAP_TRY(parse_table_type(items, pos, kw, w, &m_.types));
      ++table_index_;
    } else if (kind == "memory") {
      w.u8(2);
      WASMCAP_TRY(parse_memory_type(items, pos, kw, kMemoryLimitMax, w));
      ++memory_index_;
    } else if (kind == "tag") {
      w.u8(4);
      WASMCAP_TRY(encode_tag_type(items, pos, w));
      ++tag_index_;
    } else {
      w.u8(3);
      WASMCAP_TRY(parse_global_type(items, pos, kw, w, &m_.types));
      ++global_index_;
    }
    WASMCAP_TRY(expect_end(items, pos));
    m_.imports.push_back(w.take());
    return support::ok();
  }

  Status define_import(const Sexpr& field) {
    const Sexpr& desc = field.items[3];
    size_t pos = 1;
    const Token* id = nullptr;
    if (pos < desc.items.size() && desc.items[pos].is_atom(TokenKind::Id))
      id = &desc.items[pos++].token;
    // `(import "m" "n" (func ...))` is the inline form's long hand: same encoding.
    Sexpr import;
    import.is_list = true;
    import.token = field.token;
    import.items = {field.items[0], field.items[1], field.items[2]};
    return encode_import(import, desc.items[0].token.text, desc.items, pos, desc.token, id);
  }

  Status define_func(const Sexpr& field) {
    const FieldHead h = parse_head(field);
    const auto& items = field.items;
    WASMCAP_TRY(add_exports(h, 0, func_index_));
    if (h.import) return encode_import(*h.import, "func", items, h.pos, field.token, h.id);
    const uint32_t index = func_index_++;
    if (h.name != nullptr) {
      WASMCAP_ASSIGN(std::string name, parse_name_annotation(*h.name));
      m_.func_names.emplace_back(index, std::move(name));
    } else {
      note_func_name(h.id, index);
    }
    size_t pos = h.pos;
    WASMCAP_ASSIGN(TypeUse use, parse_type_use(m_, items, pos, true));
    WASMCAP_ASSIGN(uint32_t type, m_.resolve_type_use(use));
    m_.func_types.push_back(type);

    std::unordered_map<std::string_view, uint32_t> locals;
    std::vector<std::pair<uint32_t, std::string>> local_names;
    auto bind = [&](const Token* id, uint32_t i) -> Status {
      if (id == nullptr) return support::ok();
      if (!locals.emplace(id->text, i).second)
        return malformed_at(*id, "duplicate local " + std::string(id->text));
      local_names.emplace_back(i, std::string(id->text.substr(1)));
      return support::ok();
    };
    uint32_t count = use.has_inline || !use.index
                         ? static_cast<uint32_t>(use.type.params.size())
                         : static_cast<uint32_t>(m_.type_of(type).params.size());
    for (size_t i = 0; i < use.param_ids.size(); ++i)
      WASMCAP_TRY(bind(use.param_ids[i], static_cast<uint32_t>(i)));
    std::vector<ir::ValType> local_types;
    while (pos < items.size() && items[pos].is_list_of("local")) {
      const Sexpr& l = items[pos++];
      if (l.items.size() >= 2 && l.items[1].is_atom(TokenKind::Id)) {
        if (l.items.size() != 3) return malformed_at(l.items[1].token, "unexpected token");
        WASMCAP_ASSIGN(ir::ValType t, parse_valtype(l.items[2], &m_.types));
        WASMCAP_TRY(bind(&l.items[1].token, count++));
        local_types.push_back(t);
        continue;
      }
      for (size_t i = 1; i < l.items.size(); ++i) {
        WASMCAP_ASSIGN(ir::ValType t, parse_valtype(l.items[i], &m_.types));
        local_types.push_back(t);
        ++count;
      }
    }
    InstrParser body(m_, &locals);
    WASMCAP_TRY(body.parse_seq(items, pos));
    ByteWriter code;
    // Locals are run-length encoded: (count, type) for each run of equal types.
    std::vector<std::pair<uint32_t, ir::ValType>> runs;
    for (ir::ValType t : local_types) {
      if (!runs.empty() && runs.back().second == t)
        ++runs.back().first;
      else
        runs.emplace_back(1, t);
    }
    code.u32(static_cast<uint32_t>(runs.size()));
    for (auto [n, t] : runs) {
      code.u32(n);
      write_valtype(code, t);
    }
    // Hint offsets count from the start of the function's entry, its local declarations.
    if (!body.branch_hints().empty()) {
      auto& hints = m_.branch_hints.emplace_back(index, body.branch_hints());
      for (auto& hint : hints.second)
        hint.first += static_cast<uint32_t>(code.size());
    }
    code.bytes(body.out().data());
    code.u8(0x0B);
    m_.codes.push_back(code.take());
    if (!local_names.empty()) m_.local_names.emplace_back(index, std::move(local_names));
    if (!body.label_names().empty()) m_.label_names.emplace_back(index, body.label_names());
    return support::ok();
  }

  // An element expression: `(item instr*)` or one folded instruction.
  Status elem_expr(const Sexpr& s, ByteWriter& w) {
    if (!s.is_list) return malformed_at(s.token, "unexpected token");
    InstrParser p(m_, nullptr);
    if (s.is_list_of("item"))
      WASMCAP_TRY(p.parse_seq(s.items, 1));
    else
      WASMCAP_TRY(p.parse_one(s));
    w.bytes(p.out().data());
    w.u8(0x0B);
    return support::ok();
  }

  // An offset: `(offset instr*)` or one folded instruction.
  Status offset_expr(const Sexpr& s, ByteWriter& w) {
    InstrParser p(m_, nullptr);
    if (s.is_list_of("offset"))
      WASMCAP_TRY(p.parse_seq(s.items, 1));
    else
      WASMCAP_TRY(p.parse_one(s));
    w.bytes(p.out().data());
    w.u8(0x0B);
    return support::ok();
  }

  // An element list from items[pos..]: `func x*`, `reftype expr*`, or (active only) bare `x*`.
  // Returns the encoded vector and whether it is in expression form.
  struct ElemList {
    bool exprs = false;
    ir::ValType type = ir::ValType::FuncRef;
    uint32_t count = 0;
    ByteWriter items;
  };
  support::Result<ElemList> elem_list(const std::vector<Sexpr>& items, size_t pos) {
    ElemList out;
    if (pos < items.size() &&
        ((!items[pos].is_list && items[pos].token.kind == TokenKind::Keyword &&
          !items[pos].is_keyword("func")) ||
         items[pos].is_list_of("ref"))) {
      WASMCAP_ASSIGN(out.type, parse_valtype(items[pos], &m_.types));
      if (!ir::is_ref(out.type)) return malformed_at(items[pos].token, "unexpected token");
      out.exprs = true;
      ++pos;
      for (; pos < items.size(); ++pos, ++out.count)
        WASMCAP_TRY(elem_expr(items[pos], out.items));
      return out;
    }
    if (pos < items.size() && items[pos].is_keyword("func")) ++pos;
    for (; pos < items.size(); ++pos, ++out.count) {
      WASMCAP_ASSIGN(uint32_t f, m_.funcs.resolve(items[pos]));
      out.items.u32(f);
    }
    return out;
  }

  Status define_table(const Sexpr& field) {
    const FieldHead h = parse_head(field);
    const auto& items = field.items;
    const uint32_t index = table_index_;
    WASMCAP_TRY(add_exports(h, 1, index));
    if (h.import) return encode_import(*h.import, "table", items, h.pos, field.token, nullptr);
    ++table_index_;
    size_t pos = h.pos;
    ByteWriter w;
    size_t after_addr = pos;
    const bool wide = address_type_i64(items, after_addr);
    if (after_addr + 1 < items.size() && items[after_addr + 1].is_list_of("elem")) {
      // `(table addrtype? reftype (elem ...))`: limits fit the elements exactly, plus an active
      // segment (at `i64.const 0` for a table64).
      pos = after_addr;
      WASMCAP_ASSIGN(ir::ValType t, parse_valtype(items[pos], &m_.types));
      WASMCAP_TRY(expect_end(items, pos + 2));
      const Sexpr& elem = items[pos + 1];
      size_t epos = 1;
      ElemList list;
      if (epos < elem.items.size() && elem.items[epos].is_list) {
        list.exprs = true;
        list.type = t;
        for (; epos < elem.items.size(); ++epos, ++list.count)
          WASMCAP_TRY(elem_expr(elem.items[epos], list.items));
      } else if (t != ir::ValType::FuncRef) {
        // Function indices into a table of typed references: `ref.func` expressions of the
        // table's type, as the spec's abbreviation reads.
        if (epos < elem.items.size() && elem.items[epos].is_keyword("func")) ++epos;
        list.exprs = true;
        list.type = t;
        for (; epos < elem.items.size(); ++epos, ++list.count) {
          WASMCAP_ASSIGN(uint32_t f, m_.funcs.resolve(elem.items[epos]));
          list.items.u8(0xD2);
          list.items.u32(f);
          list.items.u8(0x0B);
        }
      } else {
        WASMCAP_ASSIGN(list, elem_list(elem.items, epos));
      }
      write_valtype(w, t);
      w.u8(wide ? 0x05 : 0x01);
      w.u32(list.count);
      w.u32(list.count);
      ByteWriter seg;
      const uint8_t offset[] = {static_cast<uint8_t>(wide ? 0x42 : 0x41), 0x00, 0x0B};
      if (index == 0 && (!list.exprs || list.type == ir::ValType::FuncRef)) {
        seg.u8(list.exprs ? 4 : 0);
        seg.bytes(offset);
      } else {
        seg.u8(list.exprs ? 6 : 2);
        seg.u32(index);
        seg.bytes(offset);
        if (list.exprs)
          write_valtype(seg, list.type);
        else
          seg.u8(0);
      }
      seg.u32(list.count);
      seg.bytes(list.items.data());
      m_.elems_sec.push_back(seg.take());
    } else {
      ByteWriter type;
      WASMCAP_TRY(parse_table_type(items, pos, field.token, type, &m_.types));
      if (pos < items.size() && items[pos].is_list) {
        // `(table n reftype expr)`: the initial element (3.0), after 0x40 0x00.
        w.u8(0x40);
        w.u8(0x00);
        w.bytes(type.data());
        InstrParser init(m_, nullptr);
        WASMCAP_TRY(init.parse_seq(items, pos));
        w.bytes(init.out().data());
        w.u8(0x0B);
      } else {
        w.bytes(type.data());
        WASMCAP_TRY(expect_end(items, pos));
      }
    }
    m_.tables_sec.push_back(w.take());
    return support::ok();
  }

  Status define_memory(const Sexpr& field) {
    const FieldHead h = parse_head(field);
    const auto& items = field.items;
    WASMCAP_TRY(add_exports(h, 2, memory_index_));
    if (h.import) return encode_import(*h.import, "memory", items, h.pos, field.token, nullptr);
    const uint32_t index = memory_index_++;
    size_t pos = h.pos;
    ByteWriter w;
    size_t after_addr = pos;
    const bool wide = address_type_i64(items, after_addr);
    if (after_addr < items.size() && items[after_addr].is_list_of("data")) {
      // `(memory addrtype? (data ...))`: the data at offset 0 (`i64.const 0` for memory64).
      pos = after_addr;
      WASMCAP_TRY(expect_end(items, pos + 1));
      WASMCAP_ASSIGN(std::string bytes, concat_strings(items[pos].items, 1));
      const uint64_t pages = (bytes.size() + ir::kPageSize - 1) / ir::kPageSize;
      w.u8(wide ? 0x05 : 0x01);
      w.u64(pages);
      w.u64(pages);
      ByteWriter seg;
      if (index == 0) {
        seg.u8(0);
      } else {
        seg.u8(2);
        seg.u32(index);
      }
      const uint8_t offset[] = {static_cast<uint8_t>(wide ? 0x42 : 0x41), 0x00, 0x0B};
      seg.bytes(offset);
      seg.name(bytes);
      m_.datas_sec.push_back(seg.take());
    } else {
      WASMCAP_TRY(parse_memory_type(items, pos, field.token, kMemoryLimitMax, w));
      WASMCAP_TRY(expect_end(items, pos));
    }
    m_.memories_sec.push_back(w.take());
    return support::ok();
  }

  Status define_global(const Sexpr& field) {
    const FieldHead h = parse_head(field);
    const auto& items = field.items;
    WASMCAP_TRY(add_exports(h, 3, global_index_));
    if (h.import) return encode_import(*h.import, "global", items, h.pos, field.token, nullptr);
    ++global_index_;
    size_t pos = h.pos;
    ByteWriter w;
    WASMCAP_TRY(parse_global_type(items, pos, field.token, w, &m_.types));
    InstrParser init(m_, nullptr);
    WASMCAP_TRY(init.parse_seq(items, pos));
    w.bytes(init.out().data());
    w.u8(0x0B);
    m_.globals_sec.push_back(w.take());
    return support::ok();
  }

  // A tag's type: attribute 0 (exception) and the type use's index.
  Status encode_tag_type(const std::vector<Sexpr>& items, size_t& pos, ByteWriter& w) {
    WASMCAP_ASSIGN(TypeUse use, parse_type_use(m_, items, pos, false));
    WASMCAP_ASSIGN(uint32_t type, m_.resolve_type_use(use));
    w.u8(0);
    w.u32(type);
    return support::ok();
  }

  Status define_tag(const Sexpr& field) {
    const FieldHead h = parse_head(field);
    const auto& items = field.items;
    WASMCAP_TRY(add_exports(h, 4, tag_index_));
    if (h.name != nullptr) WASMCAP_TRY(parse_name_annotation(*h.name));
    if (h.import) return encode_import(*h.import, "tag", items, h.pos, field.token, nullptr);
    ++tag_index_;
    size_t pos = h.pos;
    ByteWriter w;
    WASMCAP_TRY(encode_tag_type(items, pos, w));
    WASMCAP_TRY(expect_end(items, pos));
    m_.tags_sec.push_back(w.take());
    return support::ok();
  }

  Status define_export(const Sexpr& field) {
    const auto& items = field.items;
    if (items.size() != 3 || !items[2].is_list || items[2].items.size() != 2)
      return malformed_at(items.size() > 2 ? items[2].token : field.token, "unexpected token");
    WASMCAP_ASSIGN(std::string name, name_atom(items[1]));
    const Sexpr& desc = items[2];
    WASMCAP_ASSIGN(IndexSpace * space, space_of(desc.items[0]));
    WASMCAP_ASSIGN(uint32_t index, space->resolve(desc.items[1]));
    ByteWriter w;
    w.name(name);
    w.u8(space == &m_.funcs      ? 0
         : space == &m_.tables   ? 1
         : space == &m_.memories ? 2
         : space == &m_.tags     ? 4
                                 : 3);
    w.u32(index);
    m_.exports.push_back(w.take());
    return support::ok();
  }

  Status define_start(const Sexpr& field) {
    if (field.items.size() != 2) return malformed_at(field.token, "unexpected token");
    if (m_.start) return malformed_at(field.token, "multiple start sections");
    WASMCAP_ASSIGN(uint32_t f, m_.funcs.resolve(field.items[1]));
    m_.start = f;
    return support::ok();
  }

  Status define_elem(const Sexpr& field) {
    const auto& items = field.items;
    size_t pos = 1;
    if (pos < items.size() && items[pos].is_atom(TokenKind::Id)) ++pos;
    enum { Passive, Active, Declarative } mode = Passive;
    std::optional<uint32_t> table;
    ByteWriter offset;
    if (pos < items.size() && items[pos].is_keyword("declare")) {
      mode = Declarative;
      ++pos;
    } else {
      if (pos < items.size() && items[pos].is_list_of("table")) {
        if (items[pos].items.size() != 2) return malformed_at(items[pos].token, "unexpected token");
        WASMCAP_ASSIGN(table, m_.tables.resolve(items[pos].items[1]));
        ++pos;
      } else if (pos < items.size() &&
                 (items[pos].is_atom(TokenKind::Number) || items[pos].is_atom(TokenKind::Id))) {
        WASMCAP_ASSIGN(table, m_.tables.resolve(items[pos])); // legacy `(elem 0 (offset) ...)`
        ++pos;
      }
      // (A `(ref ...)` list is the element type of a passive segment, not an offset.)
      if (pos < items.size() && items[pos].is_list && !items[pos].is_list_of("item") &&
          !items[pos].is_list_of("ref")) {
        mode = Active;
        WASMCAP_TRY(offset_expr(items[pos], offset));
        ++pos;
      } else if (table) {
        return malformed_at(pos < items.size() ? items[pos].token : field.token,
                            "unexpected token");
      }
    }
    WASMCAP_ASSIGN(ElemList list, elem_list(items, pos));
    ByteWriter w;
    auto kind = [&list](ByteWriter& out) { // element kind 0 (funcref) or the reference type
      if (list.exprs)
        write_valtype(out, list.type);
      else
        out.u8(0x00);
    };
    const uint8_t expr_bit = list.exprs ? 4 : 0;
    if (mode == Active) {
      // A table written out, even table 0, keeps the explicit form (as wasm-tools encodes it).
      const bool plain = !table && (!list.exprs || list.type == ir::ValType::FuncRef);
      if (plain) {
        w.u8(expr_bit);
        w.bytes(offset.data());
      } else {
        w.u8(static_cast<uint8_t>(2 | expr_bit));
        w.u32(table.value_or(0));
        w.bytes(offset.data());
        kind(w);
      }
    } else {
      w.u8(static_cast<uint8_t>((mode == Passive ? 1 : 3) | expr_bit));
      kind(w);
    }
    w.u32(list.count);
    w.bytes(list.items.data());
    m_.elems_sec.push_back(w.take());
    return support::ok();
  }

  Status define_data(const Sexpr& field) {
    const auto& items = field.items;
    size_t pos = 1;
    if (pos < items.size() && items[pos].is_atom(TokenKind::Id)) ++pos;
    std::optional<uint32_t> memory;
    if (pos < items.size() && items[pos].is_list_of("memory")) {
      if (items[pos].items.size() != 2) return malformed_at(items[pos].token, "unexpected token");
      WASMCAP_ASSIGN(memory, m_.memories.resolve(items[pos].items[1]));
      ++pos;
    } else if (pos < items.size() && items[pos].is_atom(TokenKind::Number)) {
      WASMCAP_ASSIGN(memory, m_.memories.resolve(items[pos])); // legacy `(data 0 (offset) ...)`
      ++pos;
    }
    ByteWriter w;
    if (pos < items.size() && items[pos].is_list) {
      ByteWriter offset;
      WASMCAP_TRY(offset_expr(items[pos], offset));
      ++pos;
      if (memory.value_or(0) == 0) {
        w.u8(0);
      } else {
        w.u8(2);
        w.u32(*memory);
      }
      w.bytes(offset.data());
    } else {
      if (memory)
        return malformed_at(pos < items.size() ? items[pos].token : field.token,
                            "unexpected token");
      w.u8(1);
    }
    WASMCAP_ASSIGN(std::string bytes, concat_strings(items, pos));
    w.name(bytes);
    m_.datas_sec.push_back(w.take());
    return support::ok();
  }

  ModuleBuilder m_;
  const char* first_definition_ = nullptr;
  uint32_t func_index_ = 0, table_index_ = 0, memory_index_ = 0, global_index_ = 0, tag_index_ = 0;
};

} // namespace

support::Result<std::string> concat_strings(const std::vector<Sexpr>& items, size_t from) {
  std::string out;
  for (size_t i = from; i < items.size(); ++i) {
    WASMCAP_ASSIGN(std::string s, string_atom(items[i]));
    out += s;
  }
  return out;
}

support::Result<std::vector<uint8_t>> encode_module_fields(const std::vector<Sexpr>& items,
                                                           size_t from) {
  return ModuleParser().run(items, from);
}

} // namespace wasmcap::text

// Component and core types in component text: value types (inline compound types become type
// definitions of their own, before the type using them), func types, component and instance
// types with their declarators, resource types, core func and module types, and the externdesc
// forms of imports and exports.
#include "text/component_encoder.h"

#include "text/instr_parser.h"
#include "text/literals.h"
#include "text/module_parser.h"

namespace wasmcap::text {
namespace component {

using support::ByteWriter;
using support::Status;

namespace {

std::optional<uint8_t> primitive(std::string_view kw) {
  static constexpr std::pair<std::string_view, uint8_t> kPrims[] = {
      {"bool", 0x7f},    {"s8", 0x7e},   {"u8", 0x7d},      {"s16", 0x7c},
      {"u16", 0x7b},     {"s32", 0x7a},  {"u32", 0x79},     {"s64", 0x78},
      {"u64", 0x77},     {"f32", 0x76},  {"float32", 0x76}, {"f64", 0x75},
      {"float64", 0x75}, {"char", 0x74}, {"string", 0x73},  {"error-context", 0x64},
  };
  for (const auto& [name, code] : kPrims)
    if (name == kw) return code;
  return std::nullopt;
}

support::Error unexpected(const Token& t) {
  return malformed_at(t, "unexpected token");
}

support::Result<std::string> label(const Sexpr& s) {
  if (!s.is_atom(TokenKind::String)) return unexpected(s.token);
  WASMCAP_ASSIGN(std::string l, decode_string(s.token));
  if (!is_valid_utf8(l)) return malformed_at(s.token, "malformed UTF-8 encoding");
  return l;
}

support::Result<uint32_t> u32_of(const Sexpr& s) {
  const Literal<uint64_t> n = parse_nat(s.token.text);
  if (s.is_list || n.status != LiteralStatus::Ok || n.value > UINT32_MAX)
    return unexpected(s.token);
  return static_cast<uint32_t>(n.value);
}

const Token* take_id(const std::vector<Sexpr>& items, size_t& pos) {
  if (pos < items.size() && items[pos].is_atom(TokenKind::Id)) return &items[pos++].token;
  return nullptr;
}

} // namespace

Status Encoder::valtype(const Sexpr& s, ByteWriter& w) {
  if (s.is_atom(TokenKind::Keyword)) {
    const auto p = primitive(s.token.text);
    if (!p) return unexpected(s.token);
    w.u8(*p);
    return support::ok();
  }
  // A type index is written as a signed LEB128 (s33), as decoders read it so that an index and
  // a primitive type's byte (0x64-0x7f) never look alike: index 66 is 0xc2 0x00, not 0x42.
  if (!s.is_list) {
    WASMCAP_ASSIGN(uint32_t idx, resolve(Sort::Type, s));
    w.s64(idx);
    return support::ok();
  }
  // An inline compound type: defined on its own, then referred to by index.
  const std::vector<Sexpr> one = {s};
  WASMCAP_ASSIGN(uint32_t idx, define_type(one, 0, s.token, nullptr));
  w.s64(idx);
  return support::ok();
}

// `t?` as `0x00 | 0x01 t`.
Status Encoder::opt_valtype(const Sexpr* s, ByteWriter& w) {
  if (!s) {
    w.u8(0x00);
    return support::ok();
  }
  w.u8(0x01);
  return valtype(*s, w);
}

Status Encoder::functype(const std::vector<Sexpr>& items, size_t pos, size_t end, ByteWriter& w) {
  bool async = false;
  if (pos < end && items[pos].is_keyword("async")) {
    async = true;
    ++pos;
  }
  ByteWriter params;
  uint32_t nparams = 0;
  for (; pos < end && items[pos].is_list_of("param"); ++pos) {
    const Sexpr& p = items[pos];
    if (p.items.size() != 3) return unexpected(p.token);
    WASMCAP_ASSIGN(std::string name, label(p.items[1]));
    params.name(name);
    WASMCAP_TRY(valtype(p.items[2], params));
    ++nparams;
  }
  ByteWriter result;
  if (pos < end && items[pos].is_list_of("result")) {
    const Sexpr& r = items[pos++];
    if (r.items.size() != 2) return unexpected(r.token);
    result.u8(0x00);
    WASMCAP_TRY(valtype(r.items[1], result));
  } else {
    result.u8(0x01);
    result.u8(0x00);
  }
  if (pos < end) return unexpected(items[pos].token);
  w.u8(async ? 0x43 : 0x40);
  w.u32(nparams);
  w.bytes(params.data());
  w.bytes(result.data());
  return support::ok();
}

Status Encoder::deftype(const std::vector<Sexpr>& items, size_t pos, const Token& where,
                        ByteWriter& w) {
  if (pos + 1 != items.size()) return unexpected(pos < items.size() ? items[pos].token : where);
  const Sexpr& t = items[pos];
  if (t.is_atom(TokenKind::Keyword)) {
    const auto p = primitive(t.token.text);
    if (!p) return unexpected(t.token);
    w.u8(*p);
    return support::ok();
  }
  if (!t.is_list || t.items.empty() || !t.items[0].is_atom(TokenKind::Keyword))
    return unexpected(t.token);
  const std::string_view kw = t.items[0].token.text;
  const auto& a = t.items;
  const size_t n = a.size();
  auto arg = [&](size_t i) -> const Sexpr* { return i < n ? &a[i] : nullptr; };
  if (kw == "record" || kw == "tuple" || kw == "variant" || kw == "flags" || kw == "enum") {
    ByteWriter body;
    for (size_t i = 1; i < n; ++i) {
      const Sexpr& e = a[i];
      if (kw == "record") {
        if (!e.is_list_of("field") || e.items.size() != 3) return unexpected(e.token);
        WASMCAP_ASSIGN(std::string l, label(e.items[1]));
        body.name(l);
        WASMCAP_TRY(valtype(e.items[2], body));
      } else if (kw == "variant") {
        if (!e.is_list_of("case")) return unexpected(e.token);
        size_t p = 1;
        take_id(e.items, p);
        if (p >= e.items.size()) return unexpected(e.token);
        WASMCAP_ASSIGN(std::string l, label(e.items[p++]));
        body.name(l);
        const Sexpr* payload = nullptr;
        if (p < e.items.size() && !e.items[p].is_list_of("refines")) payload = &e.items[p++];
        if (p < e.items.size() && e.items[p].is_list_of("refines")) ++p;
        if (p != e.items.size()) return unexpected(e.items[p].token);
        WASMCAP_TRY(opt_valtype(payload, body));
        body.u8(0x00);
      } else if (kw == "tuple") {
        WASMCAP_TRY(valtype(e, body));
      } else {
        WASMCAP_ASSIGN(std::string l, label(e));
        body.name(l);
      }
    }
    w.u8(kw == "record"    ? 0x72
         : kw == "variant" ? 0x71
         : kw == "tuple"   ? 0x6f
         : kw == "flags"   ? 0x6e
                           : 0x6d);
    w.u32(static_cast<uint32_t>(n - 1));
    w.bytes(body.data());
    return support::ok();
  }
  if (kw == "list") {
    if (n == 2) {
      w.u8(0x70);
      return valtype(a[1], w);
    }
    if (n != 3) return unexpected(t.token);
    ByteWriter body;
    WASMCAP_TRY(valtype(a[1], body));
    WASMCAP_ASSIGN(uint32_t len, u32_of(a[2]));
    w.u8(0x67);
    w.bytes(body.data());
    w.u32(len);
    return support::ok();
  }
  if (kw == "option") {
    if (n != 2) return unexpected(t.token);
    w.u8(0x6b);
    return valtype(a[1], w);
  }
  if (kw == "result") {
    size_t i = 1;
    const Sexpr* ok = nullptr;
    const Sexpr* err = nullptr;
    if (arg(i) && !arg(i)->is_list_of("error")) ok = &a[i++];
    if (arg(i) && arg(i)->is_list_of("error")) {
      if (a[i].items.size() != 2) return unexpected(a[i].token);
      err = &a[i++].items[1];
    }
    if (i != n) return unexpected(a[i].token);
    ByteWriter body;
    WASMCAP_TRY(opt_valtype(ok, body));
    WASMCAP_TRY(opt_valtype(err, body));
    w.u8(0x6a);
    w.bytes(body.data());
    return support::ok();
  }
  if (kw == "own" || kw == "borrow") {
    if (n != 2) return unexpected(t.token);
    WASMCAP_ASSIGN(uint32_t idx, resolve(Sort::Type, a[1]));
    w.u8(kw == "own" ? 0x69 : 0x68);
    w.u32(idx);
    return support::ok();
  }
  if (kw == "stream" || kw == "future") {
    if (n > 2) return unexpected(t.token);
    ByteWriter body;
    WASMCAP_TRY(opt_valtype(arg(1), body));
    w.u8(kw == "stream" ? 0x66 : 0x65);
    w.bytes(body.data());
    return support::ok();
  }
  if (kw == "map") {
    if (n != 3) return unexpected(t.token);
    ByteWriter body;
    WASMCAP_TRY(valtype(a[1], body));
    WASMCAP_TRY(valtype(a[2], body));
    w.u8(0x63);
    w.bytes(body.data());
    return support::ok();
  }
  if (kw == "func") return functype(a, 1, n, w);
  if (kw == "component" || kw == "instance") {
    size_t p = 1;
    const Token* id = take_id(a, p);
    if (!id) id = defining_;
    WASMCAP_ASSIGN(
        std::vector<uint8_t> decls,
        encode_body(t, p, id, &s_,
                    kw == "component" ? Scope::Kind::ComponentType : Scope::Kind::InstanceType));
    w.u8(kw == "component" ? 0x41 : 0x42);
    w.bytes(decls);
    return support::ok();
  }
  if (kw == "resource") {
    // `(resource (rep i32|i64) (dtor (core func $f))?)`
    if (n < 2 || n > 3 || !a[1].is_list_of("rep") || a[1].items.size() != 2 ||
        !(a[1].items[1].is_keyword("i32") || a[1].items[1].is_keyword("i64")))
      return unexpected(t.token);
    w.u8(0x3f);
    w.u8(a[1].items[1].is_keyword("i32") ? 0x7f : 0x7e);
    if (n == 2) {
      w.u8(0x00);
      return support::ok();
    }
    const Sexpr& dtor = a[2];
    if (!dtor.is_list_of("dtor") || dtor.items.size() != 2) return unexpected(dtor.token);
    uint32_t f;
    if (dtor.items[1].is_list) {
      WASMCAP_ASSIGN(f, item_ref(dtor.items[1], Sort::CoreFunc)); // needs the `core` prefix
    } else {
      WASMCAP_ASSIGN(f, resolve(Sort::CoreFunc, dtor.items[1]));
    }
    w.u8(0x01);
    w.u32(f);
    return support::ok();
  }
  const auto p = primitive(kw);
  if (p && n == 1) {
    w.u8(*p);
    return support::ok();
  }
  return unexpected(t.items[0].token);
}

support::Result<uint32_t> Encoder::define_type(const std::vector<Sexpr>& items, size_t pos,
                                               const Token& where, const Token* id) {
  ByteWriter w;
  defining_ = id;
  WASMCAP_TRY(deftype(items, pos, where, w));
  const uint32_t idx = add(kType, w.take(), Sort::Type);
  WASMCAP_TRY(bind(id, Sort::Type, idx));
  return idx;
}

support::Result<uint32_t> Encoder::type_use(const std::vector<Sexpr>& items, size_t pos, size_t end,
                                            Sort sort, const Token& where) {
  if (pos + 1 == end && items[pos].is_list_of("type")) {
    const Sexpr& t = items[pos];
    if (t.items.size() != 2) return unexpected(t.token);
    return resolve(sort == Sort::CoreModule ? Sort::CoreType : Sort::Type, t.items[1]);
  }
  // An inline type: a type definition of its own, like wasm-tools' expansion.
  Sexpr synth;
  synth.is_list = true;
  synth.token = where;
  Sexpr kw;
  kw.token = where;
  kw.token.kind = TokenKind::Keyword;
  kw.token.text = sort == Sort::Func        ? "func"
                  : sort == Sort::Component ? "component"
                  : sort == Sort::Instance  ? "instance"
                                            : "module";
  synth.items.push_back(kw);
  for (size_t i = pos; i < end; ++i)
    synth.items.push_back(items[i]);
  if (sort == Sort::CoreModule) return core_module_type(synth, nullptr);
  const std::vector<Sexpr> one = {std::move(synth)};
  return define_type(one, 0, where, nullptr);
}

support::Result<std::pair<Sort, const Token*>> Encoder::externdesc(const Sexpr& d, ByteWriter& w) {
  if (!d.is_list) return unexpected(d.token);
  size_t pos = 0;
  WASMCAP_ASSIGN(Sort sort, parse_sort(d, pos, false));
  const Token* id = take_id(d.items, pos);
  const size_t end = d.items.size();
  switch (sort) {
  case Sort::CoreModule: {
    WASMCAP_ASSIGN(uint32_t t, type_use(d.items, pos, end, sort, d.token));
    w.u8(0x00);
    w.u8(0x11);
    w.u32(t);
    break;
  }
  case Sort::Func:
  case Sort::Component:
  case Sort::Instance: {
    WASMCAP_ASSIGN(uint32_t t, type_use(d.items, pos, end, sort, d.token));
    w.u8(sort_code(sort));
    w.u32(t);
    break;
  }
  case Sort::Type: {
    if (pos + 1 != end) return unexpected(d.token);
    const Sexpr& b = d.items[pos];
    if (b.is_list_of("eq") && b.items.size() == 2) {
      WASMCAP_ASSIGN(uint32_t t, resolve(Sort::Type, b.items[1]));
      w.u8(0x03);
      w.u8(0x00);
      w.u32(t);
    } else if (b.is_list_of("sub") && b.items.size() == 2 && b.items[1].is_keyword("resource")) {
      w.u8(0x03);
      w.u8(0x01);
    } else {
      return unexpected(b.token);
    }
    break;
  }
  case Sort::Value: {
    if (pos + 1 != end) return unexpected(d.token);
    const Sexpr& b = d.items[pos];
    w.u8(0x02);
    if (b.is_list_of("eq") && b.items.size() == 2) {
      WASMCAP_ASSIGN(uint32_t v, resolve(Sort::Value, b.items[1]));
      w.u8(0x00);
      w.u32(v);
    } else {
      w.u8(0x01);
      WASMCAP_TRY(valtype(b, w));
    }
    break;
  }
  default: return unexpected(d.token);
  }
  return std::pair<Sort, const Token*>{sort, id};
}

// `(core type $id? (func ...))` or `(core type $id? (module ...))`.
Status Encoder::core_type_field(const Sexpr& f) {
  const auto& items = f.items;
  size_t pos = 2;
  const Token* id = take_id(items, pos);
  if (pos + 1 != items.size() || !items[pos].is_list) return unexpected(f.token);
  const Sexpr& t = items[pos];
  if (t.is_list_of("module")) {
    WASMCAP_ASSIGN(uint32_t idx, core_module_type(t, id));
    (void)idx;
    return support::ok();
  }
  if (!t.is_list_of("func")) return unexpected(t.token);
  ByteWriter w;
  WASMCAP_TRY(core_functype(t, w));
  WASMCAP_TRY(bind(id, Sort::CoreType, add(kCoreType, w.take(), Sort::CoreType)));
  return support::ok();
}

// `(func (param $x? t*)* (result t*)*)` as `0x60 vec(t) vec(t)`.
Status Encoder::core_functype(const Sexpr& t, ByteWriter& w) {
  std::vector<ir::ValType> params, results;
  for (size_t i = 1; i < t.items.size(); ++i) {
    const Sexpr& p = t.items[i];
    const bool is_param = p.is_list_of("param");
    if (!is_param && !p.is_list_of("result")) return unexpected(p.token);
    size_t j = 1;
    if (is_param && j < p.items.size() && p.items[j].is_atom(TokenKind::Id)) ++j;
    for (; j < p.items.size(); ++j) {
      WASMCAP_ASSIGN(ir::ValType v, parse_valtype(p.items[j]));
      (is_param ? params : results).push_back(v);
    }
  }
  w.u8(0x60);
  w.u32(static_cast<uint32_t>(params.size()));
  for (ir::ValType v : params)
    write_valtype(w, v);
  w.u32(static_cast<uint32_t>(results.size()));
  for (ir::ValType v : results)
    write_valtype(w, v);
  return support::ok();
}

support::Result<uint32_t> Encoder::core_module_type(const Sexpr& m, const Token* id) {
  size_t pos = 1;
  if (const Token* inner = take_id(m.items, pos); inner && !id) id = inner;
  WASMCAP_ASSIGN(std::vector<uint8_t> decls, encode_body(m, pos, id, &s_, Scope::Kind::ModuleType));
  ByteWriter w;
  w.u8(0x50);
  w.bytes(decls);
  const uint32_t idx = add(kCoreType, w.take(), Sort::CoreType);
  WASMCAP_TRY(bind(id, Sort::CoreType, idx));
  return idx;
}

// A core externtype: `(func $id? (type i) | params/results)`, `(table ...)`, `(memory ...)`,
// `(global ...)`, `(tag $id? (type i))`.
Status Encoder::core_externtype(const Sexpr& d, ByteWriter& w) {
  if (!d.is_list || d.items.empty()) return unexpected(d.token);
  size_t pos = 1;
  take_id(d.items, pos);
  const auto& items = d.items;
  const Token& kw = d.items[0].token;
  if (d.is_list_of("func") || d.is_list_of("tag")) {
    uint32_t t;
    if (pos + 1 == items.size() && items[pos].is_list_of("type") && items[pos].items.size() == 2) {
      WASMCAP_ASSIGN(t, resolve(Sort::CoreType, items[pos].items[1]));
    } else {
      Sexpr ft;
      ft.is_list = true;
      ft.token = d.token;
      ft.items.push_back(d.items[0]);
      ft.items[0].token.text = "func";
      for (size_t i = pos; i < items.size(); ++i)
        ft.items.push_back(items[i]);
      ByteWriter tw;
      WASMCAP_TRY(core_functype(ft, tw));
      t = add(kCoreType, tw.take(), Sort::CoreType);
    }
    if (d.is_list_of("func")) {
      w.u8(0x00);
    } else {
      w.u8(0x04);
      w.u8(0x00);
    }
    w.u32(t);
    return support::ok();
  }
  if (d.is_list_of("table")) {
    w.u8(0x01);
    WASMCAP_TRY(parse_table_type(items, pos, kw, w));
  } else if (d.is_list_of("memory")) {
    w.u8(0x02);
    WASMCAP_TRY(parse_memory_type(items, pos, kw, UINT32_MAX, w));
  } else if (d.is_list_of("global")) {
    w.u8(0x03);
    WASMCAP_TRY(parse_global_type(items, pos, kw, w));
  } else {
    return unexpected(d.token);
  }
  if (pos != items.size()) return unexpected(items[pos].token);
  return support::ok();
}

// Declarators of component, instance and core module types.
Status Encoder::decl(const Sexpr& d) {
  if (!d.is_list || d.items.empty() || !d.items[0].is_atom(TokenKind::Keyword))
    return unexpected(d.token);
  const std::string_view kw = d.items[0].token.text;
  if (s_.kind == Scope::Kind::ModuleType) {
    if (kw == "import" || kw == "export") {
      const bool imp = kw == "import";
      if (d.items.size() != (imp ? 4u : 3u)) return unexpected(d.token);
      ByteWriter w;
      for (size_t i = 1; i + 1 < d.items.size(); ++i) {
        WASMCAP_ASSIGN(std::string n, label(d.items[i]));
        w.name(n);
      }
      WASMCAP_TRY(core_externtype(d.items.back(), w));
      s_.items.emplace_back(imp ? kImport : kExport, w.take());
      return support::ok();
    }
    if (kw == "type") {
      size_t pos = 1;
      const Token* id = take_id(d.items, pos);
      if (pos + 1 != d.items.size() || !d.items[pos].is_list_of("func")) return unexpected(d.token);
      ByteWriter w;
      WASMCAP_TRY(core_functype(d.items[pos], w));
      return bind(id, Sort::CoreType, add(kCoreType, w.take(), Sort::CoreType));
    }
    if (kw == "alias") {
      const Sexpr& target = d.items.back();
      if (!target.is_list_of("type")) return unexpected(target.token);
      size_t pos = 1;
      const Token* id = take_id(target.items, pos);
      WASMCAP_TRY(alias(d.items, 1, d.items.size() - 1, Sort::CoreType, id));
      return support::ok();
    }
    return unexpected(d.items[0].token);
  }
  if (kw == "core") {
    if (d.items.size() < 2 || !d.items[1].is_keyword("type")) return unexpected(d.token);
    return core_type_field(d);
  }
  if (kw == "type") return type_field(d);
  if (kw == "alias") return alias_field(d);
  if (kw == "import" && s_.kind == Scope::Kind::ComponentType) return extern_decl(d, kImport);
  if (kw == "export") return extern_decl(d, kExport);
  return unexpected(d.items[0].token);
}

// `(import|export "name" attrs* externdesc)`: an import (any scope) or an export declarator.
Status Encoder::extern_decl(const Sexpr& f, uint8_t section) {
  size_t pos = 1;
  ByteWriter w;
  WASMCAP_TRY(name_attributes(f.items, pos, w));
  if (pos + 1 != f.items.size()) return unexpected(f.token);
  WASMCAP_ASSIGN(auto sort_id, externdesc(f.items[pos], w));
  const uint32_t idx = add(section, w.take(), sort_id.first);
  return bind(sort_id.second, sort_id.first, idx);
}

Status Encoder::type_field(const Sexpr& f) {
  size_t pos = 1;
  const Token* id = take_id(f.items, pos);
  std::vector<const Sexpr*> exports;
  while (pos < f.items.size() && is_inline_export(f.items[pos]))
    exports.push_back(&f.items[pos++]);
  WASMCAP_ASSIGN(uint32_t idx, define_type(f.items, pos, f.token, id));
  return inline_exports(exports, Sort::Type, idx);
}

} // namespace component
} // namespace wasmcap::text

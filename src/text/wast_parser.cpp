// parse_wast(): a .wast script to Commands. Text modules are encoded here, so the runner sees
// only bytes; a module that fails to encode keeps its error for assert_malformed to check.
#include "text/wast_script.h"

#include "text/component_encoder.h"
#include "text/instr_parser.h"
#include "text/literals.h"
#include "text/module_parser.h"
#include "text/sexpr.h"

namespace wasmcap::text {
namespace {

using support::Status;

support::Result<std::string> string_of(const Sexpr& s) {
  if (!s.is_atom(TokenKind::String)) return malformed_at(s.token, "unexpected token");
  return decode_string(s.token);
}

template <class T> support::Result<T> literal(const Literal<T>& lit, const Token& t) {
  if (lit.status == LiteralStatus::Ok) return lit.value;
  if (lit.status == LiteralStatus::OutOfRange) return malformed_at(t, "constant out of range");
  return malformed_at(t, "unknown operator");
}

// A float value or, in expected results, a NaN pattern.
support::Result<ScriptValue> float_value(const Sexpr& a, bool is64) {
  ScriptValue v;
  v.type = is64 ? ir::ValType::F64 : ir::ValType::F32;
  if (a.is_keyword("nan:canonical")) {
    v.kind = ScriptValue::Kind::NanCanonical;
    return v;
  }
  if (a.is_keyword("nan:arithmetic")) {
    v.kind = ScriptValue::Kind::NanArithmetic;
    return v;
  }
  if (a.is_list) return malformed_at(a.token, "unexpected token");
  v.kind = is64 ? ScriptValue::Kind::F64 : ScriptValue::Kind::F32;
  if (is64) {
    WASMCAP_ASSIGN(v.bits, literal(parse_f64(a.token.text), a.token));
  } else {
    WASMCAP_ASSIGN(v.bits, literal(parse_f32(a.token.text), a.token));
  }
  return v;
}

support::Result<ScriptValue> v128_value(const Sexpr& s) {
  ScriptValue v;
  v.kind = ScriptValue::Kind::V128;
  v.type = ir::ValType::V128;
  if (s.items.size() < 2 || !s.items[1].is_atom(TokenKind::Keyword))
    return malformed_at(s.token, "unexpected token");
  const std::string_view shape = s.items[1].token.text;
  size_t lanes;
  if (shape == "i8x16")
    lanes = 16;
  else if (shape == "i16x8")
    lanes = 8;
  else if (shape == "i32x4" || shape == "f32x4")
    lanes = 4;
  else if (shape == "i64x2" || shape == "f64x2")
    lanes = 2;
  else
    return malformed_at(s.items[1].token, "unexpected token");
  if (s.items.size() != lanes + 2) return malformed_at(s.token, "wrong number of lane literals");
  v.lane_shape = std::string(shape);
  for (size_t i = 0; i < lanes; ++i) {
    const Sexpr& a = s.items[i + 2];
    if (a.is_list) return malformed_at(a.token, "unexpected token");
    ScriptValue lane;
    if (shape[0] == 'f') {
      WASMCAP_ASSIGN(lane, float_value(a, shape == "f64x2"));
    } else if (shape == "i64x2") {
      lane.kind = ScriptValue::Kind::I64;
      lane.type = ir::ValType::I64;
      WASMCAP_ASSIGN(lane.bits, literal(parse_i64(a.token.text), a.token));
    } else {
      lane.kind = ScriptValue::Kind::I32;
      WASMCAP_ASSIGN(uint32_t bits, literal(parse_i32(a.token.text), a.token));
      const int lane_bits = shape == "i8x16" ? 8 : shape == "i16x8" ? 16 : 32;
      lane.bits = lane_bits == 32 ? bits : bits & ((1u << lane_bits) - 1);
    }
    v.lanes.push_back(lane);
  }
  return v;
}

support::Result<ScriptValue> value(const Sexpr& s);

// A component value whose keyword is items[from] and whose arguments follow it: the items of
// `(u32.const 1)`, or the rest of `(field "n" u32.const 1)` where the value is not parenthesized.
support::Result<std::optional<ScriptValue>> component_value(const std::vector<Sexpr>& items,
                                                            size_t from, const Token& where) {
  using K = ScriptValue::Kind;
  const std::string_view kw = items[from].token.text;
  const size_t nargs = items.size() - from - 1;
  auto arg = [&](size_t i) -> const Sexpr& { return items[from + 1 + i]; };
  ScriptValue v;
  struct Int {
    std::string_view name;
    K kind;
    int bits;
    bool is_signed;
  };
  static constexpr Int kInts[] = {
      {"u8.const", K::U8, 8, false},    {"s8.const", K::S8, 8, true},
      {"u16.const", K::U16, 16, false}, {"s16.const", K::S16, 16, true},
      {"u32.const", K::U32, 32, false}, {"s32.const", K::S32, 32, true},
      {"u64.const", K::U64, 64, false}, {"s64.const", K::S64, 64, true},
  };
  for (const Int& i : kInts) {
    if (kw != i.name) continue;
    if (nargs != 1 || arg(0).is_list) return malformed_at(where, "unexpected token");
    const Token& t = arg(0).token;
    v.kind = i.kind;
    if (!i.is_signed) {
      WASMCAP_ASSIGN(v.bits, literal(parse_nat(t.text), t));
      if (i.bits < 64 && v.bits >> i.bits) return malformed_at(t, "constant out of range");
    } else {
      WASMCAP_ASSIGN(uint64_t bits, literal(parse_i64(t.text), t));
      const auto value = static_cast<int64_t>(bits);
      const int64_t lo = i.bits == 64 ? INT64_MIN : -(int64_t{1} << (i.bits - 1));
      const int64_t hi = i.bits == 64 ? INT64_MAX : (int64_t{1} << (i.bits - 1)) - 1;
      const bool negative_literal = !t.text.empty() && t.text[0] == '-';
      if (value < lo || value > hi || (value < 0 && !negative_literal))
        return malformed_at(t, "constant out of range");
      v.bits = bits;
    }
    return std::optional<ScriptValue>(v);
  }
  auto elements = [&](size_t first) -> support::Status {
    for (size_t i = first; i < nargs; ++i) {
      WASMCAP_ASSIGN(ScriptValue e, value(arg(i)));
      v.elements.push_back(std::move(e));
    }
    return support::ok();
  };
  if (kw == "bool.const") {
    if (nargs != 1 || !(arg(0).is_keyword("true") || arg(0).is_keyword("false")))
      return malformed_at(where, "unexpected token");
    v.kind = K::Bool;
    v.bits = arg(0).is_keyword("true") ? 1 : 0;
  } else if (kw == "char.const") {
    if (nargs != 1) return malformed_at(where, "unexpected token");
    WASMCAP_ASSIGN(std::string c, string_of(arg(0)));
    // Exactly one UTF-8 encoded scalar value.
    const auto b = [&](size_t i) { return static_cast<uint8_t>(c[i]); };
    const size_t len = c.empty() ? 0 : b(0) < 0x80 ? 1 : b(0) < 0xe0 ? 2 : b(0) < 0xf0 ? 3 : 4;
    if (len == 0 || c.size() != len || !is_valid_utf8(c))
      return malformed_at(arg(0).token, "malformed char");
    uint32_t cp = len == 1 ? b(0) : b(0) & (0xff >> (len + 1));
    for (size_t i = 1; i < len; ++i)
      cp = (cp << 6) | (b(i) & 0x3f);
    v.kind = K::Char;
    v.bits = cp;
  } else if (kw == "str.const") {
    if (nargs != 1) return malformed_at(where, "unexpected token");
    v.kind = K::String;
    WASMCAP_ASSIGN(v.text, string_of(arg(0)));
  } else if (kw == "list.const" || kw == "tuple.const") {
    v.kind = kw == "list.const" ? K::List : K::Tuple;
    WASMCAP_TRY(elements(0));
  } else if (kw == "record.const") {
    v.kind = K::Record;
    for (size_t i = 0; i < nargs; ++i) {
      const Sexpr& f = arg(i);
      if (!f.is_list_of("field") || f.items.size() < 3)
        return malformed_at(f.token, "unexpected token");
      WASMCAP_ASSIGN(std::string label, string_of(f.items[1]));
      ScriptValue e;
      if (f.items.size() == 3 && f.items[2].is_list) {
        WASMCAP_ASSIGN(e, value(f.items[2]));
      } else {
        if (!f.items[2].is_atom(TokenKind::Keyword))
          return malformed_at(f.token, "unexpected token");
        WASMCAP_ASSIGN(auto cv, component_value(f.items, 2, f.token));
        if (!cv) return malformed_at(f.items[2].token, "unexpected token");
        e = std::move(*cv);
      }
      v.labels.push_back(std::move(label));
      v.elements.push_back(std::move(e));
    }
  } else if (kw == "variant.const" || kw == "enum.const") {
    if (nargs < 1 || nargs > (kw == "enum.const" ? 1u : 2u))
      return malformed_at(where, "unexpected token");
    v.kind = kw == "enum.const" ? K::Enum : K::Variant;
    WASMCAP_ASSIGN(v.text, string_of(arg(0)));
    WASMCAP_TRY(elements(1));
  } else if (kw == "flags.const") {
    v.kind = K::Flags;
    for (size_t i = 0; i < nargs; ++i) {
      WASMCAP_ASSIGN(std::string label, string_of(arg(i)));
      v.labels.push_back(std::move(label));
    }
  } else if (kw == "option.none") {
    if (nargs != 0) return malformed_at(where, "unexpected token");
    v.kind = K::OptionNone;
  } else if (kw == "option.some") {
    if (nargs != 1) return malformed_at(where, "unexpected token");
    v.kind = K::OptionSome;
    WASMCAP_TRY(elements(0));
  } else if (kw == "result.ok" || kw == "result.err") {
    if (nargs > 1) return malformed_at(where, "unexpected token");
    v.kind = kw == "result.ok" ? K::ResultOk : K::ResultErr;
    WASMCAP_TRY(elements(0));
  } else {
    return std::optional<ScriptValue>();
  }
  return std::optional<ScriptValue>(std::move(v));
}

// `(i32.const 1)`, `(f32.const nan:canonical)`, `(ref.null func)`, `(ref.extern 1)`, ...
support::Result<ScriptValue> value(const Sexpr& s) {
  if (!s.is_list || s.items.empty() || !s.items[0].is_atom(TokenKind::Keyword))
    return malformed_at(s.token, "unexpected token");
  const std::string_view kw = s.items[0].token.text;
  ScriptValue v;
  if (kw == "v128.const") return v128_value(s);
  if (kw == "either" && s.items.size() >= 2) {
    v.kind = ScriptValue::Kind::Either;
    for (size_t i = 1; i < s.items.size(); ++i) {
      WASMCAP_ASSIGN(ScriptValue e, value(s.items[i]));
      v.type = e.type;
      v.elements.push_back(std::move(e));
    }
    return v;
  }
  WASMCAP_ASSIGN(std::optional<ScriptValue> cv, component_value(s.items, 0, s.token));
  if (cv) return std::move(*cv);
  if (kw == "ref.func" && s.items.size() == 1) {
    v.kind = ScriptValue::Kind::RefFunc;
    v.type = ir::ValType::FuncRef;
    return v;
  }
  // `(ref.any)`, `(ref.eq)`, `(ref.i31)`, `(ref.struct)`, `(ref.array)`: a non-null reference of
  // that abstract type (result patterns of the GC proposal's tests).
  static constexpr std::pair<std::string_view, ir::HeapKind> kAbstract[] = {
      {"ref.any", ir::HeapKind::Any},     {"ref.eq", ir::HeapKind::Eq},
      {"ref.i31", ir::HeapKind::I31},     {"ref.struct", ir::HeapKind::Struct},
      {"ref.array", ir::HeapKind::Array}, {"ref.extern", ir::HeapKind::Extern},
  };
  for (const auto& [name, heap] : kAbstract) {
    if (s.items.size() != 1 || kw != name) continue;
    v.kind = ScriptValue::Kind::RefAbstract;
    v.ref_type = ir::ValType::ref(heap, false);
    v.type = v.ref_type;
    return v;
  }
  if (kw == "ref.null" && s.items.size() == 1) { // a null of any type (a result pattern)
    v.kind = ScriptValue::Kind::RefNull;
    v.ref_type = ir::ValType{};
    v.type = v.ref_type;
    return v;
  }
  if (s.items.size() != 2) return malformed_at(s.token, "unexpected token");
  const Sexpr& a = s.items[1];
  if (kw == "i32.const") {
    v.kind = ScriptValue::Kind::I32;
    v.type = ir::ValType::I32;
    WASMCAP_ASSIGN(v.bits, literal(parse_i32(a.token.text), a.token));
    return v;
  }
  if (kw == "i64.const") {
    v.kind = ScriptValue::Kind::I64;
    v.type = ir::ValType::I64;
    WASMCAP_ASSIGN(v.bits, literal(parse_i64(a.token.text), a.token));
    return v;
  }
  if (kw == "f32.const") return float_value(a, false);
  if (kw == "f64.const") return float_value(a, true);
  if (kw == "ref.null") {
    v.kind = ScriptValue::Kind::RefNull;
    if (!a.is_atom(TokenKind::Keyword)) return malformed_at(a.token, "unexpected token");
    WASMCAP_ASSIGN(v.ref_type, parse_heaptype(a, true)); // func, extern, any, none, ...
    v.type = v.ref_type;
    return v;
  }
  if (kw == "ref.host") {
    v.kind = ScriptValue::Kind::RefHost;
    v.type = ir::ValType::ref(ir::HeapKind::Any, true);
    WASMCAP_ASSIGN(v.bits, literal(parse_nat(a.token.text), a.token));
    return v;
  }
  if (kw == "ref.extern") {
    v.kind = ScriptValue::Kind::RefExtern;
    v.type = ir::ValType::ExternRef;
    WASMCAP_ASSIGN(v.bits, literal(parse_nat(a.token.text), a.token));
    return v;
  }
  return malformed_at(s.items[0].token, "unexpected token");
}

// `(component definition? $id? ...)`: like a module, but the text is encoded as a component and
// quoted text is wrapped in `(component ...)`.
support::Result<ScriptModule> component(const Sexpr& s) {
  ScriptModule m;
  m.is_component = true;
  size_t pos = 1;
  if (pos < s.items.size() && s.items[pos].is_keyword("definition")) {
    m.is_definition = true;
    ++pos;
  }
  const Token* id = nullptr;
  if (pos < s.items.size() && s.items[pos].is_atom(TokenKind::Id)) {
    id = &s.items[pos].token;
    m.name = std::string(s.items[pos++].token.text);
  }
  if (pos < s.items.size() && s.items[pos].is_keyword("binary")) {
    m.kind = ScriptModule::Kind::Binary;
    WASMCAP_ASSIGN(std::string bytes, concat_strings(s.items, pos + 1));
    m.bytes.assign(bytes.begin(), bytes.end());
  } else if (pos < s.items.size() && s.items[pos].is_keyword("quote")) {
    m.kind = ScriptModule::Kind::Quote;
    m.quote = "(component ";
    for (size_t i = pos + 1; i < s.items.size(); ++i) {
      WASMCAP_ASSIGN(std::string part, string_of(s.items[i]));
      m.quote += part;
      m.quote += ' ';
    }
    m.quote += ')';
  } else {
    auto bytes = encode_component(s, pos, id);
    if (bytes)
      m.bytes = std::move(*bytes);
    else
      m.encode_error = std::move(bytes).error();
  }
  return m;
}

support::Result<ScriptModule> module(const Sexpr& s) {
  if (s.is_list_of("component")) return component(s);
  if (!s.is_list_of("module")) return malformed_at(s.token, "unexpected token");
  ScriptModule m;
  size_t pos = 1;
  if (pos < s.items.size() && s.items[pos].is_keyword("definition")) {
    m.is_definition = true;
    ++pos;
  }
  if (pos < s.items.size() && s.items[pos].is_atom(TokenKind::Id))
    m.name = std::string(s.items[pos++].token.text);
  if (pos < s.items.size() && s.items[pos].is_keyword("binary")) {
    m.kind = ScriptModule::Kind::Binary;
    WASMCAP_ASSIGN(std::string bytes, concat_strings(s.items, pos + 1));
    m.bytes.assign(bytes.begin(), bytes.end());
  } else if (pos < s.items.size() && s.items[pos].is_keyword("quote")) {
    m.kind = ScriptModule::Kind::Quote;
    for (size_t i = pos + 1; i < s.items.size(); ++i) {
      WASMCAP_ASSIGN(std::string part, string_of(s.items[i]));
      m.quote += part;
      m.quote += ' ';
    }
  } else {
    m.kind = ScriptModule::Kind::Text;
    auto bytes = encode_module_fields(s.items, pos);
    if (bytes)
      m.bytes = std::move(*bytes);
    else
      m.encode_error = std::move(bytes).error();
  }
  return m;
}

support::Result<Action> action(const Sexpr& s) {
  Action a;
  if (s.is_list_of("invoke"))
    a.kind = Action::Kind::Invoke;
  else if (s.is_list_of("get"))
    a.kind = Action::Kind::Get;
  else
    return malformed_at(s.token, "unexpected token");
  size_t pos = 1;
  if (pos < s.items.size() && s.items[pos].is_atom(TokenKind::Id))
    a.module = std::string(s.items[pos++].token.text);
  if (pos >= s.items.size()) return malformed_at(s.token, "unexpected token");
  WASMCAP_ASSIGN(a.field, string_of(s.items[pos++]));
  for (; pos < s.items.size(); ++pos) {
    if (a.kind == Action::Kind::Get) return malformed_at(s.items[pos].token, "unexpected token");
    WASMCAP_ASSIGN(ScriptValue v, value(s.items[pos]));
    a.args.push_back(std::move(v));
  }
  return a;
}

// `(assert_x <module|action> "message")`
Status module_and_message(const Sexpr& s, Command& c) {
  if (s.items.size() != 3) return malformed_at(s.token, "unexpected token");
  WASMCAP_ASSIGN(c.module, module(s.items[1]));
  WASMCAP_ASSIGN(c.message, string_of(s.items[2]));
  return support::ok();
}

support::Result<Command> command(const Sexpr& s) {
  Command c;
  c.line = s.token.line;
  if (!s.is_list || s.items.empty() || !s.items[0].is_atom(TokenKind::Keyword))
    return malformed_at(s.token, "unexpected token");
  const std::string_view kw = s.items[0].token.text;
  using K = Command::Kind;
  if (kw == "component" && s.items.size() > 1 && s.items[1].is_keyword("instance")) {
    c.kind = K::ComponentInstance;
    if (s.items.size() != 4 || !s.items[2].is_atom(TokenKind::Id) ||
        !s.items[3].is_atom(TokenKind::Id))
      return malformed_at(s.token, "unexpected token");
    c.instance_name = std::string(s.items[2].token.text);
    c.definition_name = std::string(s.items[3].token.text);
  } else if (kw == "module" && s.items.size() > 1 && s.items[1].is_keyword("instance")) {
    c.kind = K::ModuleInstance;
    if (s.items.size() > 4) return malformed_at(s.token, "unexpected token");
    for (size_t i = 2; i < s.items.size(); ++i)
      if (!s.items[i].is_atom(TokenKind::Id))
        return malformed_at(s.items[i].token, "unexpected token");
    if (s.items.size() > 2) c.instance_name = std::string(s.items[2].token.text);
    if (s.items.size() > 3) c.definition_name = std::string(s.items[3].token.text);
  } else if (kw == "module" || kw == "component") {
    c.kind = K::Module;
    WASMCAP_ASSIGN(c.module, module(s));
  } else if (kw == "register") {
    c.kind = K::Register;
    if (s.items.size() < 2 || s.items.size() > 3) return malformed_at(s.token, "unexpected token");
    WASMCAP_ASSIGN(c.register_name, string_of(s.items[1]));
    if (s.items.size() == 3) {
      if (!s.items[2].is_atom(TokenKind::Id))
        return malformed_at(s.items[2].token, "unexpected token");
      c.register_module = std::string(s.items[2].token.text);
    }
  } else if (kw == "invoke" || kw == "get") {
    c.kind = K::Action;
    WASMCAP_ASSIGN(c.action, action(s));
  } else if (kw == "assert_return") {
    c.kind = K::AssertReturn;
    if (s.items.size() < 2) return malformed_at(s.token, "unexpected token");
    WASMCAP_ASSIGN(c.action, action(s.items[1]));
    for (size_t i = 2; i < s.items.size(); ++i) {
      WASMCAP_ASSIGN(ScriptValue v, value(s.items[i]));
      c.expected.push_back(std::move(v));
    }
  } else if (kw == "assert_trap" || kw == "assert_exhaustion") {
    c.kind = kw == "assert_trap" ? K::AssertTrap : K::AssertExhaustion;
    if (s.items.size() != 3) return malformed_at(s.token, "unexpected token");
    if (kw == "assert_trap" &&
        (s.items[1].is_list_of("module") || s.items[1].is_list_of("component"))) {
      WASMCAP_ASSIGN(c.module, module(s.items[1]));
    } else {
      WASMCAP_ASSIGN(c.action, action(s.items[1]));
    }
    WASMCAP_ASSIGN(c.message, string_of(s.items[2]));
  } else if (kw == "assert_exception") {
    c.kind = K::AssertException;
    if (s.items.size() != 2) return malformed_at(s.token, "unexpected token");
    WASMCAP_ASSIGN(c.action, action(s.items[1]));
  } else if (kw == "assert_invalid" || kw == "assert_invalid_custom") {
    // The `_custom` forms (the suite's custom/ folder) blame a custom section or annotation;
    // wasmcap checks those it gives meaning to (`@custom`) and reports them as the plain forms.
    c.kind = K::AssertInvalid;
    WASMCAP_TRY(module_and_message(s, c));
  } else if (kw == "assert_malformed" || kw == "assert_malformed_custom") {
    c.kind = K::AssertMalformed;
    WASMCAP_TRY(module_and_message(s, c));
  } else if (kw == "assert_unlinkable") {
    c.kind = K::AssertUnlinkable;
    WASMCAP_TRY(module_and_message(s, c));
  } else if (kw == "assert_uninstantiable") {
    c.kind = K::AssertUninstantiable;
    WASMCAP_TRY(module_and_message(s, c));
  } else {
    return malformed_at(s.items[0].token, "unexpected token");
  }
  return c;
}

} // namespace

support::Result<Script> parse_wast(std::string_view source) {
  WASMCAP_ASSIGN(std::vector<Sexpr> top, parse_sexprs(source));
  Script script;
  // A script may also be a bare module's fields (e.g. a .wat file run as a script).
  if (!top.empty() && top[0].is_list && !top[0].items.empty() &&
      !top[0].items[0].is_keyword("module") && !top[0].items[0].is_keyword("component") &&
      !top[0].items[0].token.text.starts_with("assert_") &&
      !top[0].items[0].is_keyword("register") && !top[0].items[0].is_keyword("invoke") &&
      !top[0].items[0].is_keyword("get")) {
    Command c;
    c.line = top[0].token.line;
    ScriptModule m;
    WASMCAP_ASSIGN(m.bytes, encode_module_fields(top, 0));
    c.module = std::move(m);
    script.commands.push_back(std::move(c));
    return script;
  }
  for (const Sexpr& s : top) {
    WASMCAP_ASSIGN(Command c, command(s));
    script.commands.push_back(std::move(c));
  }
  return script;
}

} // namespace wasmcap::text

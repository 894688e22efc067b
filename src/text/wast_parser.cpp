// parse_wast(): a .wast script to Commands. Text modules are encoded here, so the runner sees
// only bytes; a module that fails to encode keeps its error for assert_malformed to check.
#include "text/wast_script.h"

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

// `(i32.const 1)`, `(f32.const nan:canonical)`, `(ref.null func)`, `(ref.extern 1)`, ...
support::Result<ScriptValue> value(const Sexpr& s) {
  if (!s.is_list || s.items.empty() || !s.items[0].is_atom(TokenKind::Keyword))
    return malformed_at(s.token, "unexpected token");
  const std::string_view kw = s.items[0].token.text;
  ScriptValue v;
  if (kw == "v128.const") return v128_value(s);
  if (kw == "ref.func" && s.items.size() == 1) {
    v.kind = ScriptValue::Kind::RefFunc;
    v.type = ir::ValType::FuncRef;
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
    if (a.is_keyword("func"))
      v.ref_type = ir::ValType::FuncRef;
    else if (a.is_keyword("extern"))
      v.ref_type = ir::ValType::ExternRef;
    else
      return malformed_at(a.token, "unexpected token");
    v.type = v.ref_type;
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

support::Result<ScriptModule> module(const Sexpr& s) {
  if (!s.is_list_of("module")) return malformed_at(s.token, "unexpected token");
  ScriptModule m;
  size_t pos = 1;
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
  if (kw == "module") {
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
    if (kw == "assert_trap" && s.items[1].is_list_of("module")) {
      WASMCAP_ASSIGN(c.module, module(s.items[1]));
    } else {
      WASMCAP_ASSIGN(c.action, action(s.items[1]));
    }
    WASMCAP_ASSIGN(c.message, string_of(s.items[2]));
  } else if (kw == "assert_invalid") {
    c.kind = K::AssertInvalid;
    WASMCAP_TRY(module_and_message(s, c));
  } else if (kw == "assert_malformed") {
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
      !top[0].items[0].is_keyword("module") && !top[0].items[0].token.text.starts_with("assert_") &&
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

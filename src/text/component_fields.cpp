// Component body fields: core modules, core and component instances, nested components, funcs,
// canonical definitions, imports, exports and start, with their inline abbreviations
// (`(export "x")` and `(import "x")` on definitions, `(func (canon lift ...))`, `(core func
// (canon lower ...))`, `(func (alias export ...))`, inline instances in `instantiate`).
#include "text/component_encoder.h"

#include "text/instr_parser.h"
#include "text/literals.h"
#include "text/module_parser.h"

namespace wasmcap::text {
namespace component {

using support::ByteWriter;
using support::Status;

namespace {

support::Error unexpected(const Token& t) {
  return malformed_at(t, "unexpected token");
}

const Token* take_id(const std::vector<Sexpr>& items, size_t& pos) {
  if (pos < items.size() && items[pos].is_atom(TokenKind::Id)) return &items[pos++].token;
  return nullptr;
}

bool is_attribute(const Sexpr& s) {
  return s.is_list_of("implements") || s.is_list_of("external-id") || s.is_list_of("versionsuffix");
}

// `(import "name" attrs*)` on a definition.
bool is_inline_import(const Sexpr& s) {
  if (!s.is_list_of("import") || s.items.size() < 2 || !s.items[1].is_atom(TokenKind::String))
    return false;
  for (size_t i = 2; i < s.items.size(); ++i)
    if (!is_attribute(s.items[i])) return false;
  return true;
}

support::Result<uint32_t> u32_of(const Sexpr& s) {
  const Literal<uint64_t> n = parse_nat(s.token.text);
  if (s.is_list || n.status != LiteralStatus::Ok || n.value > UINT32_MAX)
    return unexpected(s.token);
  return static_cast<uint32_t>(n.value);
}

// A canonical built-in and the immediates it takes after its opcode.
enum class Imm : uint8_t {
  None,
  Type,
  TypeOpts,
  TypeAsync,
  Opts,
  Cancel,
  CancelMemory,
  ValIdx,
  ResultOpts,
  Async,
  CoreTypeTable,
  Shared,
  SharedCoreType,
  SharedCoreTypeTable,
};
struct Builtin {
  std::string_view name;
  uint8_t code;
  Imm imm;
};
constexpr Builtin kBuiltins[] = {
    {"resource.new", 0x02, Imm::Type},
    {"resource.drop", 0x03, Imm::Type},
    {"resource.rep", 0x04, Imm::Type},
    {"backpressure.inc", 0x24, Imm::None},
    {"backpressure.dec", 0x25, Imm::None},
    {"task.return", 0x09, Imm::ResultOpts},
    {"task.cancel", 0x05, Imm::None},
    {"context.get", 0x0a, Imm::ValIdx},
    {"context.set", 0x0b, Imm::ValIdx},
    {"subtask.cancel", 0x06, Imm::Async},
    {"subtask.drop", 0x0d, Imm::None},
    {"stream.new", 0x0e, Imm::Type},
    {"stream.read", 0x0f, Imm::TypeOpts},
    {"stream.write", 0x10, Imm::TypeOpts},
    {"stream.cancel-read", 0x11, Imm::TypeAsync},
    {"stream.cancel-write", 0x12, Imm::TypeAsync},
    {"stream.drop-readable", 0x13, Imm::Type},
    {"stream.drop-writable", 0x14, Imm::Type},
    {"future.new", 0x15, Imm::Type},
    {"future.read", 0x16, Imm::TypeOpts},
    {"future.write", 0x17, Imm::TypeOpts},
    {"future.cancel-read", 0x18, Imm::TypeAsync},
    {"future.cancel-write", 0x19, Imm::TypeAsync},
    {"future.drop-readable", 0x1a, Imm::Type},
    {"future.drop-writable", 0x1b, Imm::Type},
    {"error-context.new", 0x1c, Imm::Opts},
    {"error-context.debug-message", 0x1d, Imm::Opts},
    {"error-context.drop", 0x1e, Imm::None},
    {"waitable-set.new", 0x1f, Imm::None},
    {"waitable-set.wait", 0x20, Imm::CancelMemory},
    {"waitable-set.poll", 0x21, Imm::CancelMemory},
    {"waitable-set.drop", 0x22, Imm::None},
    {"waitable.join", 0x23, Imm::None},
    {"thread.index", 0x26, Imm::None},
    {"thread.new-indirect", 0x27, Imm::CoreTypeTable},
    {"thread.resume-later", 0x28, Imm::None},
    {"thread.suspend", 0x29, Imm::Cancel},
    {"thread.yield", 0x0c, Imm::Cancel},
    {"thread.suspend-then-resume", 0x2a, Imm::Cancel},
    {"thread.yield-then-resume", 0x2b, Imm::Cancel},
    {"thread.suspend-then-promote", 0x2c, Imm::Cancel},
    {"thread.yield-then-promote", 0x2d, Imm::Cancel},
    {"thread.spawn-ref", 0x40, Imm::SharedCoreType},
    {"thread.spawn-indirect", 0x41, Imm::SharedCoreTypeTable},
    {"thread.available-parallelism", 0x42, Imm::Shared},
};

// Reads a LEB128 u32 of our own encoder's output at bytes[pos]; false if it runs off the end.
bool read_u32(const std::vector<uint8_t>& bytes, size_t& pos, uint32_t& v) {
  v = 0;
  for (int shift = 0; shift < 35 && pos < bytes.size(); shift += 7) {
    const uint8_t b = bytes[pos++];
    v |= static_cast<uint32_t>(b & 0x7f) << shift;
    if (!(b & 0x80)) return true;
  }
  return false;
}

// `(core module $m ...)`: the module name subsection (id 0) goes first in the module's `name`
// section, which is created if the module has none (as wasm-tools does).
std::vector<uint8_t> with_module_name(std::vector<uint8_t> m, std::string_view name) {
  ByteWriter sub;
  sub.name(name);
  ByteWriter names;
  names.u8(0x00);
  names.u32(static_cast<uint32_t>(sub.size()));
  names.bytes(sub.data());
  size_t pos = 8;
  while (pos < m.size()) {
    const size_t start = pos;
    const uint8_t id = m[pos++];
    uint32_t size, len;
    if (!read_u32(m, pos, size) || size > m.size() - pos) return m;
    const size_t end = pos + size;
    size_t p = pos;
    if (id == 0 && read_u32(m, p, len) && len == 4 && p + 4 <= end &&
        std::string_view(reinterpret_cast<const char*>(&m[p]), 4) == "name") {
      names.bytes(std::span<const uint8_t>(m.data() + p + 4, end - (p + 4)));
      m.erase(m.begin() + static_cast<ptrdiff_t>(start), m.begin() + static_cast<ptrdiff_t>(end));
      break;
    }
    pos = end;
  }
  ByteWriter custom;
  custom.name("name");
  custom.bytes(names.data());
  ByteWriter out;
  out.bytes(m);
  out.u8(0x00);
  out.u32(static_cast<uint32_t>(custom.size()));
  out.bytes(custom.data());
  return out.take();
}

} // namespace

bool is_inline_export(const Sexpr& s) {
  if (!s.is_list_of("export") || s.items.size() < 2 || !s.items[1].is_atom(TokenKind::String))
    return false;
  for (size_t i = 2; i < s.items.size(); ++i)
    if (!is_attribute(s.items[i])) return false;
  return true;
}

Status Encoder::field(const Sexpr& f) {
  if (!f.is_list || f.items.empty() || !f.items[0].is_atom(TokenKind::Keyword))
    return unexpected(f.token);
  const std::string_view kw = f.items[0].token.text;
  if (kw == "core") return core_field(f);
  if (kw == "component") return component_field(f);
  if (kw == "instance") return instance_field(f);
  if (kw == "alias") return alias_field(f);
  if (kw == "type") return type_field(f);
  if (kw == "canon") return canon_field(f);
  if (kw == "func") return func_field(f);
  if (kw == "start") return start_field(f);
  if (kw == "import") return extern_decl(f, kImport);
  if (kw == "export") return export_field(f);
  return unexpected(f.items[0].token);
}

Status Encoder::inline_exports(const std::vector<const Sexpr*>& exports, Sort sort,
                               uint32_t index) {
  for (const Sexpr* e : exports) {
    size_t pos = 1;
    ByteWriter w;
    WASMCAP_TRY(name_attributes(e->items, pos, w));
    write_sort(w, sort);
    w.u32(index);
    w.u8(0x00);
    s_.deferred_exports.emplace_back(w.take(), sort);
  }
  return support::ok();
}

static Head parse_head(const Sexpr& f, size_t pos) {
  Head h;
  h.id = take_id(f.items, pos);
  while (pos < f.items.size() && is_inline_export(f.items[pos]))
    h.exports.push_back(&f.items[pos++]);
  if (pos < f.items.size() && is_inline_import(f.items[pos])) h.import = &f.items[pos++];
  h.pos = pos;
  return h;
}

// `(sort $id? (import "n" attrs*) rest...)` as `(import "n" attrs* (sort $id? rest...))`.
Status Encoder::inline_import(const Sexpr& f, size_t kw_end, const Head& h) {
  Sexpr desc;
  desc.is_list = true;
  desc.token = f.token;
  for (size_t i = 0; i < kw_end; ++i)
    desc.items.push_back(f.items[i]);
  if (h.id) {
    Sexpr id;
    id.token = *h.id;
    desc.items.push_back(id);
  }
  for (size_t i = h.pos; i < f.items.size(); ++i)
    desc.items.push_back(f.items[i]);
  ByteWriter w;
  size_t pos = 1;
  WASMCAP_TRY(name_attributes(h.import->items, pos, w));
  WASMCAP_ASSIGN(auto sort_id, externdesc(desc, w));
  const uint32_t idx = add(kImport, w.take(), sort_id.first);
  WASMCAP_TRY(bind(sort_id.second, sort_id.first, idx));
  return inline_exports(h.exports, sort_id.first, idx);
}

Status Encoder::core_field(const Sexpr& f) {
  if (f.items.size() < 2 || !f.items[1].is_atom(TokenKind::Keyword)) return unexpected(f.token);
  const std::string_view kw = f.items[1].token.text;
  if (kw == "type") return core_type_field(f);
  const Head h = parse_head(f, 2);
  if (kw == "module") {
    if (h.import) return inline_import(f, 2, h);
    std::vector<uint8_t> bytes;
    if (h.pos < f.items.size() && f.items[h.pos].is_keyword("binary")) {
      WASMCAP_ASSIGN(std::string b, concat_strings(f.items, h.pos + 1));
      bytes.assign(b.begin(), b.end());
    } else {
      WASMCAP_ASSIGN(bytes, encode_module_fields(f.items, h.pos));
      if (h.id) bytes = with_module_name(std::move(bytes), h.id->text.substr(1));
    }
    const uint32_t idx = add(kCoreModule, std::move(bytes), Sort::CoreModule);
    WASMCAP_TRY(bind(h.id, Sort::CoreModule, idx));
    return inline_exports(h.exports, Sort::CoreModule, idx);
  }
  if (kw == "instance") {
    if (!h.exports.empty() || h.import) return unexpected(f.token);
    WASMCAP_ASSIGN(uint32_t idx, core_instance(f.items, h.pos));
    return bind(h.id, Sort::CoreInstance, idx);
  }
  size_t pos = 1;
  WASMCAP_ASSIGN(Sort sort, parse_sort(f, pos, true));
  if (h.pos + 1 != f.items.size() || !h.exports.empty() || h.import) return unexpected(f.token);
  const Sexpr& body = f.items[h.pos];
  if (body.is_list_of("alias")) {
    WASMCAP_TRY(alias(body.items, 1, body.items.size(), sort, h.id));
    return support::ok();
  }
  if (body.is_list_of("canon") && sort == Sort::CoreFunc)
    return canon(body, body.items.size(), std::nullopt, h.id, {});
  return unexpected(body.token);
}

// `(instantiate $m (with "n" (instance ..))*)` or `(export "n" (sort ref))*` at items[pos..].
support::Result<uint32_t> Encoder::core_instance(const std::vector<Sexpr>& items, size_t pos) {
  ByteWriter w;
  if (pos < items.size() && items[pos].is_list_of("instantiate")) {
    if (pos + 1 != items.size()) return unexpected(items[pos + 1].token);
    const auto& a = items[pos].items;
    if (a.size() < 2) return unexpected(items[pos].token);
    WASMCAP_ASSIGN(uint32_t m, a[1].is_list ? item_ref(a[1], Sort::CoreModule, true)
                                            : resolve(Sort::CoreModule, a[1]));
    ByteWriter args;
    for (size_t i = 2; i < a.size(); ++i) {
      const Sexpr& with = a[i];
      if (!with.is_list_of("with") || with.items.size() != 3 ||
          !with.items[1].is_atom(TokenKind::String) || !with.items[2].is_list_of("instance"))
        return unexpected(with.token);
      WASMCAP_ASSIGN(std::string name, decode_string(with.items[1].token));
      const Sexpr& inst = with.items[2];
      uint32_t idx;
      if (inst.items.size() == 2 && !inst.items[1].is_list) {
        WASMCAP_ASSIGN(idx, resolve(Sort::CoreInstance, inst.items[1]));
      } else {
        WASMCAP_ASSIGN(idx, core_instance(inst.items, 1));
      }
      args.name(name);
      args.u8(0x12);
      args.u32(idx);
    }
    w.u8(0x00);
    w.u32(m);
    w.u32(static_cast<uint32_t>(a.size() - 2));
    w.bytes(args.data());
  } else {
    ByteWriter exports;
    for (size_t i = pos; i < items.size(); ++i) {
      const Sexpr& e = items[i];
      if (!e.is_list_of("export") || e.items.size() != 3 || !e.items[1].is_atom(TokenKind::String))
        return unexpected(e.token);
      WASMCAP_ASSIGN(std::string name, decode_string(e.items[1].token));
      size_t p = 0;
      WASMCAP_ASSIGN(Sort sort, parse_sort(e.items[2], p, true));
      WASMCAP_ASSIGN(uint32_t idx, item_ref(e.items[2], sort, true));
      exports.name(name);
      exports.u8(sort_code(sort));
      exports.u32(idx);
    }
    w.u8(0x01);
    w.u32(static_cast<uint32_t>(items.size() - pos));
    w.bytes(exports.data());
  }
  return add(kCoreInstance, w.take(), Sort::CoreInstance);
}

// A `sortidx` from an item reference list such as `(func $f)` or `(instance $i "x")`; an inline
// `(instance (export ...)*)` defines an instance first.
support::Result<Sort> Encoder::sort_ref(const Sexpr& r, ByteWriter& w) {
  if (!r.is_list) return unexpected(r.token);
  size_t p = 0;
  WASMCAP_ASSIGN(Sort sort, parse_sort(r, p, false));
  uint32_t idx;
  if (sort == Sort::Instance && (r.items.size() == 1 || r.items[1].is_list)) {
    WASMCAP_ASSIGN(idx, instance_body(r.items, 1));
  } else {
    WASMCAP_ASSIGN(idx, item_ref(r, sort));
  }
  write_sort(w, sort);
  w.u32(idx);
  return sort;
}

// An instance expression at items[pos..]: `(instantiate ...)` or inline exports.
support::Result<uint32_t> Encoder::instance_body(const std::vector<Sexpr>& items, size_t pos) {
  ByteWriter w;
  if (pos < items.size() && items[pos].is_list_of("instantiate")) {
    if (pos + 1 != items.size()) return unexpected(items[pos + 1].token);
    const auto& a = items[pos].items;
    if (a.size() < 2) return unexpected(items[pos].token);
    WASMCAP_ASSIGN(uint32_t c,
                   a[1].is_list ? item_ref(a[1], Sort::Component) : resolve(Sort::Component, a[1]));
    ByteWriter args;
    for (size_t i = 2; i < a.size(); ++i) {
      const Sexpr& with = a[i];
      if (!with.is_list_of("with") || with.items.size() != 3 ||
          !with.items[1].is_atom(TokenKind::String))
        return unexpected(with.token);
      WASMCAP_ASSIGN(std::string name, decode_string(with.items[1].token));
      args.name(name);
      WASMCAP_TRY(sort_ref(with.items[2], args));
    }
    w.u8(0x00);
    w.u32(c);
    w.u32(static_cast<uint32_t>(a.size() - 2));
    w.bytes(args.data());
  } else {
    ByteWriter exports;
    for (size_t i = pos; i < items.size(); ++i) {
      const Sexpr& e = items[i];
      if (!e.is_list_of("export")) return unexpected(e.token);
      size_t p = 1;
      WASMCAP_TRY(name_attributes(e.items, p, exports));
      if (p + 1 != e.items.size()) return unexpected(e.token);
      WASMCAP_TRY(sort_ref(e.items[p], exports));
    }
    w.u8(0x01);
    w.u32(static_cast<uint32_t>(items.size() - pos));
    w.bytes(exports.data());
  }
  return add(kInstance, w.take(), Sort::Instance);
}

Status Encoder::instance_field(const Sexpr& f) {
  const Head h = parse_head(f, 1);
  if (h.import) return inline_import(f, 1, h);
  uint32_t idx;
  if (h.pos + 1 == f.items.size() && f.items[h.pos].is_list_of("alias")) {
    const auto& a = f.items[h.pos].items;
    WASMCAP_ASSIGN(idx, alias(a, 1, a.size(), Sort::Instance, nullptr));
  } else {
    WASMCAP_ASSIGN(idx, instance_body(f.items, h.pos));
  }
  WASMCAP_TRY(bind(h.id, Sort::Instance, idx));
  return inline_exports(h.exports, Sort::Instance, idx);
}

Status Encoder::component_field(const Sexpr& f) {
  const Head h = parse_head(f, 1);
  if (h.import) return inline_import(f, 1, h);
  WASMCAP_ASSIGN(std::vector<uint8_t> bytes,
                 encode_body(f, h.pos, h.id, &s_, Scope::Kind::Component));
  const uint32_t idx = add(kComponent, std::move(bytes), Sort::Component);
  WASMCAP_TRY(bind(h.id, Sort::Component, idx));
  return inline_exports(h.exports, Sort::Component, idx);
}

Status Encoder::func_field(const Sexpr& f) {
  const Head h = parse_head(f, 1);
  if (h.import) return inline_import(f, 1, h);
  const auto& items = f.items;
  if (h.pos + 1 == items.size() && items[h.pos].is_list_of("alias")) {
    const auto& a = items[h.pos].items;
    WASMCAP_ASSIGN(uint32_t idx, alias(a, 1, a.size(), Sort::Func, h.id));
    return inline_exports(h.exports, Sort::Func, idx);
  }
  if (h.pos >= items.size() || !items.back().is_list_of("canon")) return unexpected(f.token);
  WASMCAP_ASSIGN(uint32_t type, type_use(items, h.pos, items.size() - 1, Sort::Func, f.token));
  const Sexpr& c = items.back();
  return canon(c, c.items.size(), type, h.id, h.exports);
}

Status Encoder::canon_field(const Sexpr& f) {
  // `(canon lift ... (func $id? typeuse))`, `(canon lower ... (core func $id?))`, ...
  const auto& items = f.items;
  if (items.size() < 3 || !items.back().is_list) return unexpected(f.token);
  const Sexpr& target = items.back();
  size_t pos = 0;
  WASMCAP_ASSIGN(Sort sort, parse_sort(target, pos, false));
  const Token* id = take_id(target.items, pos);
  std::optional<uint32_t> type;
  if (sort == Sort::Func) {
    WASMCAP_ASSIGN(type,
                   type_use(target.items, pos, target.items.size(), Sort::Func, target.token));
  } else if (sort != Sort::CoreFunc || pos != target.items.size()) {
    return unexpected(target.token);
  }
  return canon(f, items.size() - 1, type, id, {});
}

Status Encoder::canon_opts(const std::vector<Sexpr>& items, size_t& pos, size_t end,
                           ByteWriter& w) {
  ByteWriter opts;
  uint32_t n = 0;
  for (; pos < end; ++pos, ++n) {
    const Sexpr& o = items[pos];
    if (o.is_keyword("string-encoding=utf8")) {
      opts.u8(0x00);
    } else if (o.is_keyword("string-encoding=utf16")) {
      opts.u8(0x01);
    } else if (o.is_keyword("string-encoding=latin1+utf16")) {
      opts.u8(0x02);
    } else if (o.is_keyword("async")) {
      opts.u8(0x06);
    } else if (o.is_list && o.items.size() == 2 && o.items[0].is_atom(TokenKind::Keyword)) {
      const std::string_view kw = o.items[0].token.text;
      const Sort sort = kw == "memory" ? Sort::CoreMemory : Sort::CoreFunc;
      uint8_t code;
      if (kw == "memory")
        code = 0x03;
      else if (kw == "realloc")
        code = 0x04;
      else if (kw == "post-return")
        code = 0x05;
      else if (kw == "callback")
        code = 0x07;
      else
        return unexpected(o.token);
      uint32_t idx;
      if (o.items[1].is_list) {
        WASMCAP_ASSIGN(idx, item_ref(o.items[1], sort));
      } else {
        WASMCAP_ASSIGN(idx, resolve(sort, o.items[1]));
      }
      opts.u8(code);
      opts.u32(idx);
    } else {
      break;
    }
  }
  w.u32(n);
  w.bytes(opts.data());
  return support::ok();
}

// `(canon <op> ...)` with its items [2, end); the definition's type (lift), $id and exports come
// from the field that holds it.
Status Encoder::canon(const Sexpr& c, size_t end, std::optional<uint32_t> lift_type,
                      const Token* id, const std::vector<const Sexpr*>& exports) {
  const auto& items = c.items;
  if (items.size() < 2 || !items[1].is_atom(TokenKind::Keyword)) return unexpected(c.token);
  const std::string_view op = items[1].token.text;
  size_t pos = 2;
  ByteWriter w;
  Sort sort = Sort::CoreFunc;
  if (op == "lift" || op == "lower") {
    const bool lift = op == "lift";
    if (pos >= end || !items[pos].is_list) return unexpected(c.token);
    WASMCAP_ASSIGN(uint32_t f, item_ref(items[pos], lift ? Sort::CoreFunc : Sort::Func));
    ++pos;
    w.u8(lift ? 0x00 : 0x01);
    w.u8(0x00);
    w.u32(f);
    WASMCAP_TRY(canon_opts(items, pos, end, w));
    if (lift) {
      if (!lift_type) return unexpected(c.token);
      w.u32(*lift_type);
      sort = Sort::Func;
    }
  } else {
    const Builtin* b = nullptr;
    for (const Builtin& x : kBuiltins)
      if (x.name == op) b = &x;
    if (!b) return unexpected(items[1].token);
    w.u8(b->code);
    auto flag = [&](std::string_view kw) {
      const bool set = pos < end && items[pos].is_keyword(kw);
      if (set) ++pos;
      w.u8(set ? 0x01 : 0x00);
    };
    switch (b->imm) {
    case Imm::None: break;
    case Imm::Type:
    case Imm::TypeOpts:
    case Imm::TypeAsync: {
      if (pos >= end) return unexpected(c.token);
      // `$t` or `(type $t)` or `(type $i "t")`
      const Sexpr& ref = items[pos];
      WASMCAP_ASSIGN(uint32_t t,
                     ref.is_list ? item_ref(ref, Sort::Type) : resolve(Sort::Type, ref));
      ++pos;
      w.u32(t);
      if (b->imm == Imm::TypeOpts) WASMCAP_TRY(canon_opts(items, pos, end, w));
      if (b->imm == Imm::TypeAsync) flag("async");
      break;
    }
    case Imm::Opts: WASMCAP_TRY(canon_opts(items, pos, end, w)); break;
    case Imm::Async: flag("async"); break;
    case Imm::Cancel: flag("cancellable"); break;
    case Imm::CancelMemory: {
      flag("cancellable");
      if (pos >= end || !items[pos].is_list_of("memory") || items[pos].items.size() != 2)
        return unexpected(c.token);
      const Sexpr& m = items[pos++].items[1];
      uint32_t idx;
      if (m.is_list) {
        WASMCAP_ASSIGN(idx, item_ref(m, Sort::CoreMemory));
      } else {
        WASMCAP_ASSIGN(idx, resolve(Sort::CoreMemory, m));
      }
      w.u32(idx);
      break;
    }
    case Imm::ValIdx: {
      if (pos + 1 >= end) return unexpected(c.token);
      WASMCAP_ASSIGN(ir::ValType t, parse_valtype(items[pos]));
      WASMCAP_ASSIGN(uint32_t i, u32_of(items[pos + 1]));
      pos += 2;
      write_valtype(w, t);
      w.u32(i);
      break;
    }
    case Imm::ResultOpts: {
      if (pos < end && items[pos].is_list_of("result")) {
        if (items[pos].items.size() != 2) return unexpected(items[pos].token);
        w.u8(0x00);
        WASMCAP_TRY(valtype(items[pos].items[1], w));
        ++pos;
      } else {
        w.u8(0x01);
        w.u8(0x00);
      }
      WASMCAP_TRY(canon_opts(items, pos, end, w));
      break;
    }
    case Imm::Shared: flag("shared"); break;
    case Imm::SharedCoreType: {
      flag("shared");
      if (pos >= end) return unexpected(c.token);
      WASMCAP_ASSIGN(uint32_t t, items[pos].is_list ? item_ref(items[pos], Sort::CoreType)
                                                    : resolve(Sort::CoreType, items[pos]));
      ++pos;
      w.u32(t);
      break;
    }
    case Imm::SharedCoreTypeTable: flag("shared"); [[fallthrough]];
    case Imm::CoreTypeTable: {
      if (pos + 1 >= end) return unexpected(c.token);
      uint32_t t, tbl;
      if (items[pos].is_list) {
        WASMCAP_ASSIGN(t, item_ref(items[pos], Sort::CoreType));
      } else {
        WASMCAP_ASSIGN(t, resolve(Sort::CoreType, items[pos]));
      }
      if (items[pos + 1].is_list) {
        WASMCAP_ASSIGN(tbl, item_ref(items[pos + 1], Sort::CoreTable));
      } else {
        WASMCAP_ASSIGN(tbl, resolve(Sort::CoreTable, items[pos + 1]));
      }
      pos += 2;
      w.u32(t);
      w.u32(tbl);
      break;
    }
    }
  }
  if (pos != end) return unexpected(items[pos].token);
  const uint32_t idx = add(kCanon, w.take(), sort);
  WASMCAP_TRY(bind(id, sort, idx));
  return inline_exports(exports, sort, idx);
}

// `(export $id? "name" attrs* (sort ref) externdesc?)`.
Status Encoder::export_field(const Sexpr& f) {
  const auto& items = f.items;
  size_t pos = 1;
  const Token* id = take_id(items, pos);
  ByteWriter name;
  WASMCAP_TRY(name_attributes(items, pos, name));
  if (pos >= items.size() || pos + 2 < items.size()) return unexpected(f.token);
  // The ascribed type's inline definitions come before the aliases of the item reference.
  ByteWriter ascription;
  if (pos + 2 == items.size()) {
    ascription.u8(0x01);
    WASMCAP_TRY(externdesc(items[pos + 1], ascription));
  } else {
    ascription.u8(0x00);
  }
  ByteWriter w;
  w.bytes(name.data());
  WASMCAP_ASSIGN(Sort sort, sort_ref(items[pos], w));
  w.bytes(ascription.data());
  const uint32_t idx = add(kExport, w.take(), sort);
  return bind(id, sort, idx);
}

// `(start $f (value $v)* (result (value $id?))*)`.
Status Encoder::start_field(const Sexpr& f) {
  const auto& items = f.items;
  if (items.size() < 2) return unexpected(f.token);
  WASMCAP_ASSIGN(uint32_t fn, resolve(Sort::Func, items[1]));
  ByteWriter args;
  uint32_t nargs = 0;
  size_t pos = 2;
  for (; pos < items.size() && items[pos].is_list_of("value"); ++pos, ++nargs) {
    if (items[pos].items.size() != 2) return unexpected(items[pos].token);
    WASMCAP_ASSIGN(uint32_t v, resolve(Sort::Value, items[pos].items[1]));
    args.u32(v);
  }
  std::vector<const Token*> results;
  for (; pos < items.size() && items[pos].is_list_of("result"); ++pos) {
    const Sexpr& r = items[pos];
    if (r.items.size() != 2 || !r.items[1].is_list_of("value")) return unexpected(r.token);
    size_t p = 1;
    results.push_back(take_id(r.items[1].items, p));
  }
  if (pos != items.size()) return unexpected(items[pos].token);
  ByteWriter w;
  w.u32(fn);
  w.u32(nargs);
  w.bytes(args.data());
  w.u32(static_cast<uint32_t>(results.size()));
  s_.items.emplace_back(kStart, w.take());
  for (const Token* id : results)
    WASMCAP_TRY(bind(id, Sort::Value, s_.counts[static_cast<size_t>(Sort::Value)]++));
  return support::ok();
}

} // namespace component
} // namespace wasmcap::text

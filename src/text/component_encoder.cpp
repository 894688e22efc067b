// The component encoder's frame: sorts, scopes and their layout as sections or declarators, $id
// resolution across scopes (with implicit outer aliases), item references, aliases, names with
// attributes, and the two passes over a component body. Field encoders are in
// component_fields.cpp, types in component_types.cpp.
#include "text/component_encoder.h"

#include <algorithm>

#include "text/literals.h"

namespace wasmcap::text {
namespace component {

using support::ByteWriter;
using support::Status;

namespace {

struct SortInfo {
  const char* name;
  bool core;
  uint8_t code;
};

constexpr SortInfo kSorts[kSortCount] = {
    {"func", true, 0x00},      {"table", true, 0x01},    {"memory", true, 0x02},
    {"global", true, 0x03},    {"tag", true, 0x04},      {"type", true, 0x10},
    {"module", true, 0x11},    {"instance", true, 0x12}, {"func", false, 0x01},
    {"value", false, 0x02},    {"type", false, 0x03},    {"component", false, 0x04},
    {"instance", false, 0x05},
};

const SortInfo& info(Sort s) {
  return kSorts[static_cast<size_t>(s)];
}

// Only these sorts may be referred to across a component boundary (Explainer: outer aliases).
bool outer_aliasable(Sort s) {
  return s == Sort::Type || s == Sort::Component || s == Sort::CoreType || s == Sort::CoreModule;
}

// The declarator tag a section id stands for in a type scope.
uint8_t decl_tag(Scope::Kind kind, uint8_t section) {
  if (kind == Scope::Kind::ModuleType) {
    switch (section) {
    case kImport: return 0x00;
    case kCoreType: return 0x01;
    case kAlias: return 0x02;
    default: return 0x03; // export
    }
  }
  switch (section) {
  case kCoreType: return 0x00;
  case kType: return 0x01;
  case kAlias: return 0x02;
  case kImport: return 0x03;
  default: return 0x04; // export
  }
}

support::Result<uint32_t> u32_atom(const Sexpr& s) {
  if (!s.is_atom(TokenKind::Number)) return malformed_at(s.token, "unexpected token");
  const Literal<uint64_t> n = parse_nat(s.token.text);
  if (n.status == LiteralStatus::NotNumber) return malformed_at(s.token, "unexpected token");
  if (n.status == LiteralStatus::OutOfRange || n.value > UINT32_MAX)
    return malformed_at(s.token, "constant out of range");
  return static_cast<uint32_t>(n.value);
}

const uint32_t* find_name(const Scope& s, Sort sort, std::string_view name) {
  const auto& m = s.names[static_cast<size_t>(sort)];
  if (auto it = m.find(std::string(name)); it != m.end()) return &it->second;
  if (s.prebound) {
    const auto& p = (*s.prebound)[static_cast<size_t>(sort)];
    if (auto it = p.find(std::string(name)); it != p.end()) return &it->second;
  }
  return nullptr;
}

} // namespace

bool is_core(Sort s) {
  return info(s).core;
}
uint8_t sort_code(Sort s) {
  return info(s).code;
}
const char* sort_name(Sort s) {
  return info(s).name;
}

void write_sort(ByteWriter& w, Sort s) {
  if (is_core(s)) w.u8(0x00);
  w.u8(sort_code(s));
}

std::vector<uint8_t> Scope::encode() const {
  ByteWriter out;
  if (kind != Kind::Component) {
    out.u32(static_cast<uint32_t>(items.size()));
    for (const auto& [section, bytes] : items) {
      out.u8(decl_tag(kind, section));
      out.bytes(bytes);
    }
    return out.take();
  }
  const uint8_t preamble[] = {0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00};
  out.bytes(preamble);
  for (size_t i = 0; i < items.size();) {
    const uint8_t section = items[i].first;
    ByteWriter body;
    size_t next = i + 1;
    if (section == kCoreModule || section == kComponent || section == kStart) {
      body.bytes(items[i].second);
    } else {
      while (next < items.size() && items[next].first == section)
        ++next;
      body.u32(static_cast<uint32_t>(next - i));
      for (size_t j = i; j < next; ++j)
        body.bytes(items[j].second);
    }
    out.u8(section);
    out.u32(static_cast<uint32_t>(body.size()));
    out.bytes(body.data());
    i = next;
  }
  // The `component-name` section (Binary.md, Name Section): the component's own $id, then the
  // $ids of each sort in sort order, by index. Optional, but it makes our bytes those of
  // wasm-tools and gives tools names to show.
  ByteWriter section;
  if (!id.empty()) {
    ByteWriter sub;
    sub.name(std::string_view(id).substr(1));
    section.u8(0x00);
    section.u32(static_cast<uint32_t>(sub.size()));
    section.bytes(sub.data());
  }
  for (size_t sort = 0; sort < kSortCount; ++sort) {
    if (names[sort].empty()) continue;
    std::vector<std::pair<uint32_t, std::string_view>> sorted;
    for (const auto& [name, index] : names[sort])
      sorted.emplace_back(index, name);
    std::sort(sorted.begin(), sorted.end());
    ByteWriter sub;
    write_sort(sub, static_cast<Sort>(sort));
    sub.u32(static_cast<uint32_t>(sorted.size()));
    for (const auto& [index, name] : sorted) {
      sub.u32(index);
      sub.name(name.substr(1));
    }
    section.u8(0x01);
    section.u32(static_cast<uint32_t>(sub.size()));
    section.bytes(sub.data());
  }
  if (section.size() != 0) {
    ByteWriter custom;
    custom.name("component-name");
    custom.bytes(section.data());
    out.u8(0x00);
    out.u32(static_cast<uint32_t>(custom.size()));
    out.bytes(custom.data());
  }
  return out.take();
}

uint32_t Encoder::add(uint8_t section, std::vector<uint8_t> bytes, Sort sort) {
  s_.items.emplace_back(section, std::move(bytes));
  return s_.counts[static_cast<size_t>(sort)]++;
}

void Encoder::finish() {
  for (auto& [bytes, sort] : s_.deferred_exports)
    add(kExport, std::move(bytes), sort);
  s_.deferred_exports.clear();
}

Status Encoder::bind(const Token* id, Sort sort, uint32_t index) {
  if (!id) return support::ok();
  auto [it, fresh] = s_.names[static_cast<size_t>(sort)].emplace(std::string(id->text), index);
  if (!fresh) return malformed_at(*id, "duplicate " + std::string(sort_name(sort)) + " identifier");
  return support::ok();
}

support::Result<uint32_t> Encoder::resolve(Sort sort, const Sexpr& ref) {
  if (ref.is_atom(TokenKind::Number)) return u32_atom(ref);
  if (!ref.is_atom(TokenKind::Id)) return malformed_at(ref.token, "unexpected token");
  const std::string_view name = ref.token.text;
  if (const uint32_t* i = find_name(s_, sort, name)) return *i;
  const std::string key =
      std::string(sort_name(sort)) + (is_core(sort) ? "/core" : "") + std::string(name);
  if (auto it = s_.outer_cache.find(key); it != s_.outer_cache.end()) return it->second;
  uint32_t depth = 1;
  for (const Scope* p = s_.parent; p; p = p->parent, ++depth) {
    const uint32_t* i = find_name(*p, sort, name);
    if (!i) continue;
    if (!outer_aliasable(sort)) {
      // A first pass may not know yet that a later local definition has this name.
      if (s_.tolerant) return 0u;
      return malformed_at(ref.token, "outer item `" + std::string(name.substr(1)) +
                                         "` is not a module, type, or component");
    }
    ByteWriter w;
    if (s_.kind == Scope::Kind::ModuleType) {
      w.u8(0x10);
      w.u8(0x01);
    } else {
      write_sort(w, sort);
      w.u8(0x02);
    }
    w.u32(depth);
    w.u32(*i);
    const uint32_t index = add(kAlias, w.take(), sort);
    s_.outer_cache.emplace(key, index);
    return index;
  }
  if (s_.tolerant) return 0u;
  return malformed_at(ref.token,
                      "unknown " + std::string(sort_name(sort)) + " " + std::string(name));
}

support::Result<Sort> Encoder::parse_sort(const Sexpr& list, size_t& pos, bool core_ctx) {
  const auto& items = list.items;
  if (!list.is_list || pos >= items.size() || !items[pos].is_atom(TokenKind::Keyword))
    return malformed_at(pos < items.size() ? items[pos].token : list.last_token(),
                        "unexpected token");
  bool core = core_ctx;
  if (items[pos].is_keyword("core")) {
    core = true;
    ++pos;
    if (pos >= items.size()) return malformed_at(list.last_token(), "unexpected token");
  }
  const std::string_view kw = items[pos].token.text;
  for (size_t i = 0; i < kSortCount; ++i) {
    if (kSorts[i].core == core && kw == kSorts[i].name) {
      ++pos;
      return static_cast<Sort>(i);
    }
  }
  return malformed_at(items[pos].token, "unexpected token");
}

support::Result<uint32_t> Encoder::item_ref(const Sexpr& list, Sort sort, bool core_ctx) {
  if (!list.is_list) return malformed_at(list.token, "unexpected token");
  size_t pos = 0;
  WASMCAP_ASSIGN(Sort got, parse_sort(list, pos, core_ctx));
  if (got != sort) return malformed_at(list.token, "unexpected token");
  if (pos >= list.items.size()) return malformed_at(list.last_token(), "unexpected token");
  const Sexpr& ref = list.items[pos++];
  if (pos == list.items.size()) return resolve(sort, ref);
  // `(sort $i "a" "b")`: aliases, through instances, of the named exports.
  // Core modules are exported by component instances, other core items by core instances.
  const bool core_inst = is_core(sort) && sort != Sort::CoreModule;
  const Sort inst_sort = core_inst ? Sort::CoreInstance : Sort::Instance;
  WASMCAP_ASSIGN(uint32_t inst, resolve(inst_sort, ref));
  for (; pos < list.items.size(); ++pos) {
    if (!list.items[pos].is_atom(TokenKind::String))
      return malformed_at(list.items[pos].token, "unexpected token");
    WASMCAP_ASSIGN(std::string name, decode_string(list.items[pos].token));
    const Sort target = pos + 1 == list.items.size() ? sort : inst_sort;
    ByteWriter w;
    write_sort(w, target);
    w.u8(core_inst ? 0x01 : 0x00);
    w.u32(inst);
    w.name(name);
    inst = add(kAlias, w.take(), target);
  }
  return inst;
}

support::Result<uint32_t> Encoder::alias(const std::vector<Sexpr>& items, size_t pos, size_t end,
                                         Sort sort, const Token* id) {
  const Token& where = items[0].token;
  auto at = [&](size_t i) -> const Sexpr* { return i < end ? &items[i] : nullptr; };
  ByteWriter w;
  const bool module_type = s_.kind == Scope::Kind::ModuleType;
  if (!module_type) write_sort(w, sort);
  if (at(pos) && at(pos)->is_keyword("outer")) {
    if (!at(pos + 1) || !at(pos + 2) || pos + 3 != end)
      return malformed_at(where, "unexpected token");
    const Sexpr& ct = items[pos + 1];
    uint32_t depth = 0;
    const Scope* target = &s_;
    if (ct.is_atom(TokenKind::Id)) {
      while (target && target->id != ct.token.text) {
        target = target->parent;
        ++depth;
      }
      if (!target)
        return malformed_at(ct.token, "outer component `" + std::string(ct.token.text.substr(1)) +
                                          "` not found");
    } else {
      WASMCAP_ASSIGN(depth, u32_atom(ct));
      for (uint32_t d = 0; d < depth && target; ++d)
        target = target->parent;
    }
    const Sexpr& idx = items[pos + 2];
    uint32_t index = 0;
    if (idx.is_atom(TokenKind::Id)) {
      const uint32_t* i = target ? find_name(*target, sort, idx.token.text) : nullptr;
      if (!i && !s_.tolerant)
        return malformed_at(idx.token, "unknown " + std::string(sort_name(sort)) + " " +
                                           std::string(idx.token.text));
      index = i ? *i : 0;
    } else {
      WASMCAP_ASSIGN(index, u32_atom(idx));
    }
    if (module_type) {
      w.u8(0x10);
      w.u8(0x01);
    } else {
      w.u8(0x02);
    }
    w.u32(depth);
    w.u32(index);
  } else {
    bool core = false;
    if (at(pos) && at(pos)->is_keyword("core")) {
      core = true;
      ++pos;
    }
    if (!at(pos) || !at(pos)->is_keyword("export") || !at(pos + 1) || !at(pos + 2) ||
        pos + 3 != end || !items[pos + 2].is_atom(TokenKind::String))
      return malformed_at(where, "unexpected token");
    WASMCAP_ASSIGN(uint32_t inst,
                   resolve(core ? Sort::CoreInstance : Sort::Instance, items[pos + 1]));
    WASMCAP_ASSIGN(std::string name, decode_string(items[pos + 2].token));
    w.u8(core ? 0x01 : 0x00);
    w.u32(inst);
    w.name(name);
  }
  const uint32_t index = add(kAlias, w.take(), sort);
  WASMCAP_TRY(bind(id, sort, index));
  return index;
}

Status Encoder::alias_field(const Sexpr& f) {
  // `(alias <target> (sort $id?))`
  const auto& items = f.items;
  if (items.size() < 2 || !items.back().is_list) return malformed_at(f.token, "unexpected token");
  const Sexpr& target = items.back();
  size_t pos = 0;
  WASMCAP_ASSIGN(Sort sort, parse_sort(target, pos, false));
  const Token* id = nullptr;
  if (pos < target.items.size() && target.items[pos].is_atom(TokenKind::Id))
    id = &target.items[pos++].token;
  if (pos != target.items.size()) return malformed_at(target.items[pos].token, "unexpected token");
  WASMCAP_TRY(alias(items, 1, items.size() - 1, sort, id));
  return support::ok();
}

Status Encoder::name_attributes(const std::vector<Sexpr>& items, size_t& pos, ByteWriter& w) {
  if (pos >= items.size() || !items[pos].is_atom(TokenKind::String))
    return malformed_at(pos < items.size() ? items[pos].token : items.back().token,
                        "unexpected token");
  WASMCAP_ASSIGN(std::string name, decode_string(items[pos].token));
  if (!is_valid_utf8(name)) return malformed_at(items[pos].token, "malformed UTF-8 encoding");
  ++pos;
  ByteWriter attrs;
  uint32_t count = 0;
  bool seen[3] = {false, false, false};
  for (; pos < items.size(); ++pos) {
    const Sexpr& a = items[pos];
    uint8_t tag;
    if (a.is_list_of("implements"))
      tag = 0x00;
    else if (a.is_list_of("versionsuffix"))
      tag = 0x01;
    else if (a.is_list_of("external-id"))
      tag = 0x02;
    else
      break;
    if (seen[tag] || a.items.size() != 2 || !a.items[1].is_atom(TokenKind::String))
      return malformed_at(a.token, "unexpected token");
    seen[tag] = true;
    WASMCAP_ASSIGN(std::string value, decode_string(a.items[1].token));
    if (!is_valid_utf8(value)) return malformed_at(a.items[1].token, "malformed UTF-8 encoding");
    attrs.u8(tag);
    attrs.name(value);
    ++count;
  }
  if (count == 0) {
    w.u8(0x00);
    w.name(name);
  } else {
    w.u8(0x02);
    w.name(name);
    w.u32(count);
    w.bytes(attrs.data());
  }
  return support::ok();
}

support::Result<std::vector<uint8_t>> encode_body(const Sexpr& c, size_t from, const Token* id,
                                                  Scope* parent, Scope::Kind kind) {
  const bool outer_tolerant = parent && parent->tolerant;
  auto run = [&](Scope& scope) -> Status {
    scope.kind = kind;
    scope.parent = parent;
    if (id) scope.id = std::string(id->text);
    Encoder e(scope);
    for (size_t i = from; i < c.items.size(); ++i) {
      if (kind == Scope::Kind::Component) {
        WASMCAP_TRY(e.field(c.items[i]));
      } else {
        WASMCAP_TRY(e.decl(c.items[i]));
      }
    }
    e.finish();
    return support::ok();
  };
  // Type scopes need one pass. So does a component inside a first pass: only its index counts
  // there, and a single pass keeps the work quadratic rather than exponential in the nesting.
  if (kind != Scope::Kind::Component || outer_tolerant) {
    Scope scope;
    scope.tolerant = outer_tolerant;
    WASMCAP_TRY(run(scope));
    return scope.encode();
  }
  // Pass 1 learns where every $id lands; pass 2 encodes with forward references resolved.
  Scope first;
  first.tolerant = true;
  WASMCAP_TRY(run(first));
  Scope second;
  second.tolerant = outer_tolerant;
  second.prebound = &first.names;
  WASMCAP_TRY(run(second));
  return second.encode();
}

} // namespace component

support::Result<std::vector<uint8_t>> encode_component(const Sexpr& component, size_t from,
                                                       const Token* id) {
  return component::encode_body(component, from, id, nullptr, component::Scope::Kind::Component);
}

} // namespace wasmcap::text

// Instruction encoding from S-expressions. Flat blocks keep their nesting on an explicit stack;
// folded instructions recurse once per parenthesis level, bounded by kMaxNesting.
#include "text/instr_parser.h"

#include <utility>

#include "ir/opcode.h"
#include "text/literals.h"

namespace wasmcap::text {
namespace {

using support::ByteWriter;
using support::Status;

const Sexpr* atom_at(const std::vector<Sexpr>& items, size_t pos) {
  return pos < items.size() && !items[pos].is_list ? &items[pos] : nullptr;
}

// The token to blame when an expected item is missing: the next item or the last one.
const Token& blame(const std::vector<Sexpr>& items, size_t pos, const Token& fallback) {
  if (pos < items.size()) return items[pos].token;
  return items.empty() ? fallback : items.back().token;
}

void write_op(ByteWriter& w, ir::Op op) {
  const ir::OpInfo& info = ir::op_info(op);
  if (info.prefix == 0) {
    w.u8(static_cast<uint8_t>(info.code));
  } else {
    w.u8(info.prefix);
    w.u32(info.code);
  }
}

template <class T> support::Result<T> literal_result(const Literal<T>& lit, const Token& t) {
  if (lit.status == LiteralStatus::Ok) return lit.value;
  if (lit.status == LiteralStatus::OutOfRange) return malformed_at(t, "constant out of range");
  return malformed_at(t, "unknown operator");
}

// A number immediate at items[pos]: missing is "unexpected token", garbage "unknown operator".
template <class T, class F>
support::Result<T> number_imm(const std::vector<Sexpr>& items, size_t& pos, const Token& kw,
                              F parse) {
  const Sexpr* a = atom_at(items, pos);
  if (a == nullptr || a->token.kind == TokenKind::String || a->token.kind == TokenKind::Id)
    return malformed_at(blame(items, pos, kw), "unexpected token");
  ++pos;
  return literal_result(parse(a->token.text), a->token);
}

Status expect_no_more(const std::vector<Sexpr>& items, size_t pos) {
  if (pos < items.size()) return malformed_at(items[pos].token, "unexpected token");
  return support::ok();
}

bool is_index_atom(const Sexpr* a) {
  return a != nullptr && (a->token.kind == TokenKind::Id || a->token.kind == TokenKind::Number);
}

support::Result<uint32_t> index_imm(const IndexSpace& space, const std::vector<Sexpr>& items,
                                    size_t& pos, const Token& kw) {
  const Sexpr* a = atom_at(items, pos);
  if (!is_index_atom(a)) return malformed_at(blame(items, pos, kw), "unexpected token");
  ++pos;
  return space.resolve(*a);
}

// `memory.copy` / `table.copy`: both indices, or neither (both 0).
support::Status copy_imm(const IndexSpace& space, const std::vector<Sexpr>& items, size_t& pos,
                         const Token& kw, ByteWriter& w) {
  uint32_t dst = 0, src = 0;
  if (is_index_atom(atom_at(items, pos))) {
    WASMCAP_ASSIGN(dst, index_imm(space, items, pos, kw));
    WASMCAP_ASSIGN(src, index_imm(space, items, pos, kw));
  }
  w.u32(dst);
  w.u32(src);
  return support::ok();
}

// `memory` (multiple memories) goes into the flags' bit 6 and after them; memory 0 keeps the
// WebAssembly 2.0 encoding.
support::Status memarg_imm(const std::vector<Sexpr>& items, size_t& pos, uint8_t natural_align,
                           uint32_t memory, ByteWriter& w) {
  uint64_t offset = 0;
  uint32_t align = natural_align;
  const Sexpr* a = atom_at(items, pos);
  if (a && a->token.kind == TokenKind::Keyword && a->token.text.starts_with("offset=")) {
    const Literal<uint64_t> n = parse_nat(a->token.text.substr(7));
    if (n.status == LiteralStatus::NotNumber) return malformed_at(a->token, "unknown operator");
    // u64 since memory64; past 2^32 on an i32 memory the validator says "offset out of range".
    if (n.status == LiteralStatus::OutOfRange)
      return malformed_at(a->token, "i64 constant out of range");
    offset = n.value;
    a = atom_at(items, ++pos);
  }
  if (a && a->token.kind == TokenKind::Keyword && a->token.text.starts_with("align=")) {
    const Literal<uint64_t> n = parse_nat(a->token.text.substr(6));
    if (n.status == LiteralStatus::NotNumber) return malformed_at(a->token, "unknown operator");
    if (n.status == LiteralStatus::OutOfRange || n.value == 0 || (n.value & (n.value - 1)) != 0)
      return malformed_at(a->token, "alignment");
    align = 0;
    while ((uint64_t{1} << align) < n.value)
      ++align;
    ++pos;
  }
  if (memory == 0) {
    w.u32(align);
  } else {
    w.u32(align | 64);
    w.u32(memory);
  }
  w.u64(offset);
  return support::ok();
}

support::Result<uint8_t> lane_imm(const std::vector<Sexpr>& items, size_t& pos, const Token& kw) {
  const Sexpr* a = atom_at(items, pos);
  if (a == nullptr || a->token.kind != TokenKind::Number)
    return malformed_at(blame(items, pos, kw), "unexpected token");
  ++pos;
  const Literal<uint64_t> n = parse_nat(a->token.text);
  if (n.status == LiteralStatus::NotNumber) return malformed_at(a->token, "malformed lane index");
  if (n.status != LiteralStatus::Ok || n.value > 255)
    return malformed_at(a->token, "malformed lane index");
  return static_cast<uint8_t>(n.value);
}

support::Status v128_imm(const std::vector<Sexpr>& items, size_t& pos, const Token& kw,
                         ByteWriter& w) {
  const Sexpr* shape = atom_at(items, pos);
  if (shape == nullptr || shape->token.kind != TokenKind::Keyword)
    return malformed_at(blame(items, pos, kw), "unexpected token");
  const std::string_view s = shape->token.text;
  int lanes, lane_bits;
  bool is_float = false;
  if (s == "i8x16")
    lanes = 16, lane_bits = 8;
  else if (s == "i16x8")
    lanes = 8, lane_bits = 16;
  else if (s == "i32x4")
    lanes = 4, lane_bits = 32;
  else if (s == "i64x2")
    lanes = 2, lane_bits = 64;
  else if (s == "f32x4")
    lanes = 4, lane_bits = 32, is_float = true;
  else if (s == "f64x2")
    lanes = 2, lane_bits = 64, is_float = true;
  else
    return malformed_at(shape->token, "unexpected token");
  ++pos;
  for (int i = 0; i < lanes; ++i) {
    const Sexpr* a = atom_at(items, pos);
    if (a == nullptr || (a->token.kind != TokenKind::Number && a->token.kind != TokenKind::Keyword))
      return malformed_at(blame(items, pos, kw), "wrong number of lane literals");
    ++pos;
    uint64_t bits;
    if (is_float) {
      if (lane_bits == 32) {
        WASMCAP_ASSIGN(bits, literal_result(parse_f32(a->token.text), a->token));
      } else {
        WASMCAP_ASSIGN(bits, literal_result(parse_f64(a->token.text), a->token));
      }
    } else if (lane_bits == 64) {
      WASMCAP_ASSIGN(bits, literal_result(parse_i64(a->token.text), a->token));
    } else {
      // i8/i16 lanes: an unsigned value below 2^N or a signed one of N bits.
      WASMCAP_ASSIGN(const uint64_t v, literal_result(parse_i64(a->token.text), a->token));
      const int64_t sv = static_cast<int64_t>(v);
      const int64_t lo = -(int64_t{1} << (lane_bits - 1)), hi = (int64_t{1} << lane_bits) - 1;
      if (sv < lo || sv > hi || (a->token.text[0] == '+' && sv >= (int64_t{1} << (lane_bits - 1))))
        return malformed_at(a->token, "constant out of range");
      bits = v;
    }
    for (int b = 0; b < lane_bits / 8; ++b)
      w.u8(static_cast<uint8_t>(bits >> (8 * b)));
  }
  const Sexpr* extra = atom_at(items, pos);
  if (extra && extra->token.kind == TokenKind::Number)
    return malformed_at(extra->token, "wrong number of lane literals");
  return support::ok();
}

} // namespace

namespace {

std::optional<ir::HeapKind> heap_keyword(const Sexpr& s) {
  static constexpr std::pair<std::string_view, ir::HeapKind> kHeaps[] = {
      {"func", ir::HeapKind::Func},
      {"extern", ir::HeapKind::Extern},
      {"exn", ir::HeapKind::Exn},
      {"any", ir::HeapKind::Any},
      {"eq", ir::HeapKind::Eq},
      {"i31", ir::HeapKind::I31},
      {"struct", ir::HeapKind::Struct},
      {"array", ir::HeapKind::Array},
      {"none", ir::HeapKind::None},
      {"nofunc", ir::HeapKind::NoFunc},
      {"noextern", ir::HeapKind::NoExtern},
      {"noexn", ir::HeapKind::NoExn},
  };
  if (!s.is_atom(TokenKind::Keyword)) return std::nullopt;
  for (const auto& [name, kind] : kHeaps)
    if (s.token.text == name) return kind;
  return std::nullopt;
}

} // namespace

support::Result<ir::ValType> parse_heaptype(const Sexpr& s, bool nullable,
                                            const IndexSpace* types) {
  if (auto kind = heap_keyword(s)) return ir::ValType::ref(*kind, nullable);
  if (s.is_atom(TokenKind::Id) || s.is_atom(TokenKind::Number)) {
    static const IndexSpace kNoNames; // numeric indices only (component core types)
    WASMCAP_ASSIGN(uint32_t index, (types != nullptr ? *types : kNoNames).resolve(s));
    // An index past what a ValType holds names no type: it stays unknown to the validator.
    return ir::ValType::ref_index(std::min(index, ir::ValType::kMaxIndex), nullable);
  }
  return malformed_at(s.token, "unexpected token");
}

support::Result<ir::ValType> parse_valtype(const Sexpr& s, const IndexSpace* types) {
  if (s.is_atom(TokenKind::Keyword)) {
    const std::string_view t = s.token.text;
    if (t == "i32") return ir::ValType::I32;
    if (t == "i64") return ir::ValType::I64;
    if (t == "f32") return ir::ValType::F32;
    if (t == "f64") return ir::ValType::F64;
    if (t == "v128") return ir::ValType::V128;
    // The shorthands `funcref`, `anyref`, `nullfuncref`, ...: `(ref null ht)`.
    static constexpr std::pair<std::string_view, ir::HeapKind> kShort[] = {
        {"funcref", ir::HeapKind::Func},
        {"externref", ir::HeapKind::Extern},
        {"exnref", ir::HeapKind::Exn},
        {"anyref", ir::HeapKind::Any},
        {"eqref", ir::HeapKind::Eq},
        {"i31ref", ir::HeapKind::I31},
        {"structref", ir::HeapKind::Struct},
        {"arrayref", ir::HeapKind::Array},
        {"nullref", ir::HeapKind::None},
        {"nullfuncref", ir::HeapKind::NoFunc},
        {"nullexternref", ir::HeapKind::NoExtern},
        {"nullexnref", ir::HeapKind::NoExn},
    };
    for (const auto& [name, kind] : kShort)
      if (t == name) return ir::ValType::ref(kind, true);
  }
  // `(ref null? ht)`.
  if (s.is_list_of("ref")) {
    const bool nullable = s.items.size() == 3 && s.items[1].is_keyword("null");
    if (s.items.size() == (nullable ? 3u : 2u))
      return parse_heaptype(s.items.back(), nullable, types);
  }
  return malformed_at(s.token, "unexpected token");
}

void write_valtype(ByteWriter& w, ir::ValType t) {
  if (const uint8_t b = ir::valtype_byte(t)) {
    w.u8(b);
    return;
  }
  w.u8(t.nullable() ? 0x63 : 0x64);
  if (t.is_concrete())
    w.s64(t.index());
  else
    w.u8(static_cast<uint8_t>(t.heap())); // a negative s33 in one byte
}

support::Result<TypeUse> parse_type_use(const ModuleBuilder& m, const std::vector<Sexpr>& items,
                                        size_t& pos, bool allow_param_ids) {
  TypeUse use;
  if (pos < items.size() && items[pos].is_list_of("type")) {
    const Sexpr& t = items[pos];
    if (t.items.size() != 2) return malformed_at(t.token, "unexpected token");
    WASMCAP_ASSIGN(use.index, m.types.resolve(t.items[1]));
    use.where = &t.token;
    ++pos;
  }
  while (pos < items.size() && items[pos].is_list_of("param")) {
    const Sexpr& p = items[pos++];
    use.has_inline = true;
    if (use.where == nullptr) use.where = &p.token;
    if (p.items.size() >= 2 && p.items[1].is_atom(TokenKind::Id)) {
      if (!allow_param_ids || p.items.size() != 3)
        return malformed_at(p.items[1].token, "unexpected token");
      WASMCAP_ASSIGN(ir::ValType t, parse_valtype(p.items[2], &m.types));
      use.type.params.push_back(t);
      use.param_ids.push_back(&p.items[1].token);
      continue;
    }
    for (size_t i = 1; i < p.items.size(); ++i) {
      WASMCAP_ASSIGN(ir::ValType t, parse_valtype(p.items[i], &m.types));
      use.type.params.push_back(t);
      use.param_ids.push_back(nullptr);
    }
  }
  while (pos < items.size() && items[pos].is_list_of("result")) {
    const Sexpr& r = items[pos++];
    use.has_inline = true;
    if (use.where == nullptr) use.where = &r.token;
    for (size_t i = 1; i < r.items.size(); ++i) {
      WASMCAP_ASSIGN(ir::ValType t, parse_valtype(r.items[i], &m.types));
      use.type.results.push_back(t);
    }
  }
  return use;
}

void InstrParser::push_label(const Token* label) {
  // Every block, loop and if has a label index (in textual order) for the name section.
  if (label) label_names_.emplace_back(block_count_, std::string(label->text.substr(1)));
  ++block_count_;
  labels_.push_back(label ? label->text : std::string_view());
}

const Token* InstrParser::take_label(const std::vector<Sexpr>& items, size_t& pos) {
  const Sexpr* a = atom_at(items, pos);
  if (a && a->token.kind == TokenKind::Id) {
    ++pos;
    return &a->token;
  }
  return nullptr;
}

support::Result<uint32_t> InstrParser::label_depth(const Sexpr& s) const {
  if (s.is_atom(TokenKind::Id)) {
    for (size_t i = labels_.size(); i-- > 0;)
      if (labels_[i] == s.token.text) return static_cast<uint32_t>(labels_.size() - 1 - i);
    return malformed_at(s.token, "unknown label " + std::string(s.token.text));
  }
  if (s.is_atom(TokenKind::Number)) {
    const Literal<uint64_t> n = parse_nat(s.token.text);
    if (n.status == LiteralStatus::Ok && n.value <= UINT32_MAX)
      return static_cast<uint32_t>(n.value);
    return malformed_at(s.token, "constant out of range");
  }
  return malformed_at(s.token, "unexpected token");
}

support::Result<uint32_t> InstrParser::local_index(const Sexpr& s) const {
  if (s.is_atom(TokenKind::Id)) {
    if (locals_ != nullptr) {
      auto it = locals_->find(s.token.text);
      if (it != locals_->end()) return it->second;
    }
    return malformed_at(s.token, "unknown local " + std::string(s.token.text));
  }
  if (s.is_atom(TokenKind::Number)) {
    const Literal<uint64_t> n = parse_nat(s.token.text);
    if (n.status == LiteralStatus::Ok && n.value <= UINT32_MAX)
      return static_cast<uint32_t>(n.value);
    return malformed_at(s.token, "constant out of range");
  }
  return malformed_at(s.token, "unexpected token");
}

// The optional memory index before a memory instruction's other immediates (0 when absent).
// With `lane_follows` (the SIMD lane loads and stores) a lone number is the lane, not a memory.
support::Result<uint32_t> InstrParser::optional_memory(const std::vector<Sexpr>& items, size_t& pos,
                                                       bool lane_follows) const {
  const Sexpr* a = atom_at(items, pos);
  if (!is_index_atom(a)) return 0u;
  if (lane_follows && a->token.kind == TokenKind::Number) {
    const Sexpr* next = atom_at(items, pos + 1);
    const bool memarg_next =
        next != nullptr && next->token.kind == TokenKind::Keyword &&
        (next->token.text.starts_with("offset=") || next->token.text.starts_with("align="));
    if (!memarg_next && (next == nullptr || next->token.kind != TokenKind::Number)) return 0u;
  }
  ++pos;
  return m_.memories.resolve(*a);
}

Status InstrParser::parse_block_type(const std::vector<Sexpr>& items, size_t& pos, ByteWriter& w) {
  WASMCAP_ASSIGN(TypeUse use, parse_type_use(m_, items, pos, false));
  if (!use.index && use.type.params.empty() && use.type.results.size() <= 1) {
    if (use.type.results.empty())
      w.u8(0x40);
    else
      write_valtype(w, use.type.results[0]);
    return support::ok();
  }
  WASMCAP_ASSIGN(uint32_t index, m_.resolve_type_use(use));
  w.s64(index);
  return support::ok();
}

// `try_table $l? blocktype (catch x l)* (catch_ref x l)* (catch_all l)* (catch_all_ref l)*`
// up to its body: the clauses' labels are resolved outside the try_table, before its own label.
Status InstrParser::parse_try_table_head(const std::vector<Sexpr>& items, size_t& pos,
                                         ByteWriter& w) {
  const Token* label = take_label(items, pos);
  write_op(w, ir::Op::TryTable);
  WASMCAP_TRY(parse_block_type(items, pos, w));
  ByteWriter clauses;
  uint32_t n = 0;
  for (; pos < items.size() && items[pos].is_list && !items[pos].items.empty(); ++pos, ++n) {
    const Sexpr& c = items[pos];
    uint8_t kind;
    if (c.is_list_of("catch"))
      kind = 0;
    else if (c.is_list_of("catch_ref"))
      kind = 1;
    else if (c.is_list_of("catch_all"))
      kind = 2;
    else if (c.is_list_of("catch_all_ref"))
      kind = 3;
    else
      break;
    const size_t want = kind < 2 ? 3 : 2;
    if (c.items.size() != want) return malformed_at(c.token, "unexpected token");
    clauses.u8(kind);
    if (kind < 2) {
      WASMCAP_ASSIGN(uint32_t tag, m_.tags.resolve(c.items[1]));
      clauses.u32(tag);
    }
    WASMCAP_ASSIGN(uint32_t depth, label_depth(c.items[want - 1]));
    clauses.u32(depth);
  }
  w.u32(n);
  w.bytes(clauses.data());
  push_label(label);
  return support::ok();
}

namespace {
// A heap type's binary encoding: a type index as a positive s33, an abstract type as its
// negative one-byte code.
void write_heaptype(ByteWriter& w, ir::ValType t) {
  if (t.is_concrete())
    w.s64(t.index());
  else
    w.u8(static_cast<uint8_t>(t.heap()));
}
} // namespace

// `ref.test rt` / `ref.cast rt`: the reference type written picks the non-null form or the
// nullable one (the next opcode), followed by its heap type.
Status InstrParser::parse_ref_cast(const Token& kw, ir::Op op, const std::vector<Sexpr>& items,
                                   size_t& pos, ByteWriter& w) {
  if (pos >= items.size()) return malformed_at(kw, "unexpected token");
  WASMCAP_ASSIGN(ir::ValType t, parse_valtype(items[pos], &m_.types));
  if (!t.is_ref()) return malformed_at(items[pos].token, "unexpected token");
  ++pos;
  if (t.nullable()) op = op == ir::Op::RefTest ? ir::Op::RefTestNull : ir::Op::RefCastNull;
  write_op(w, op);
  write_heaptype(w, t);
  return support::ok();
}

// `br_on_cast $l rt1 rt2` (and _fail): a flags byte for the two nullabilities, the label, the
// two heap types.
Status InstrParser::parse_br_on_cast(const Token& kw, ir::Op op, const std::vector<Sexpr>& items,
                                     size_t& pos, ByteWriter& w) {
  const Sexpr* a = atom_at(items, pos);
  if (!is_index_atom(a) || pos + 2 >= items.size())
    return malformed_at(blame(items, pos, kw), "unexpected token");
  WASMCAP_ASSIGN(uint32_t depth, label_depth(*a));
  WASMCAP_ASSIGN(ir::ValType from, parse_valtype(items[pos + 1], &m_.types));
  WASMCAP_ASSIGN(ir::ValType to, parse_valtype(items[pos + 2], &m_.types));
  if (!from.is_ref() || !to.is_ref()) return malformed_at(items[pos + 1].token, "unexpected token");
  pos += 3;
  write_op(w, op);
  w.u8(static_cast<uint8_t>((from.nullable() ? 1 : 0) | (to.nullable() ? 2 : 0)));
  w.u32(depth);
  write_heaptype(w, from);
  write_heaptype(w, to);
  return support::ok();
}

Status InstrParser::parse_plain(const Sexpr& keyword, const std::vector<Sexpr>& items, size_t& pos,
                                ByteWriter& w) {
  const Token& kw = keyword.token;
  std::optional<ir::Op> found = ir::op_from_text(kw.text);
  if (!found) return malformed_at(kw, "unknown operator " + std::string(kw.text));
  ir::Op op = *found;
  const ir::OpInfo& info = ir::op_info(op);
  if (op == ir::Op::Select && pos < items.size() && items[pos].is_list_of("result")) {
    ByteWriter types;
    uint32_t n = 0;
    while (pos < items.size() && items[pos].is_list_of("result")) {
      const Sexpr& r = items[pos++];
      for (size_t i = 1; i < r.items.size(); ++i, ++n) {
        WASMCAP_ASSIGN(ir::ValType t, parse_valtype(r.items[i], &m_.types));
        write_valtype(types, t);
      }
    }
    write_op(w, ir::Op::SelectT);
    w.u32(n);
    w.bytes(types.data());
    return support::ok();
  }
  if (op == ir::Op::RefTest || op == ir::Op::RefCast) return parse_ref_cast(kw, op, items, pos, w);
  if (info.imm == ir::Imm::BrOnCast) return parse_br_on_cast(kw, op, items, pos, w);
  write_op(w, op);
  switch (info.imm) {
  case ir::Imm::None: break;
  case ir::Imm::BlockType: WASMCAP_TRY(parse_block_type(items, pos, w)); break;
  case ir::Imm::Label: {
    const Sexpr* a = atom_at(items, pos);
    if (!is_index_atom(a)) return malformed_at(blame(items, pos, kw), "unexpected token");
    ++pos;
    WASMCAP_ASSIGN(uint32_t d, label_depth(*a));
    w.u32(d);
    break;
  }
  case ir::Imm::BrTable: {
    std::vector<uint32_t> targets;
    while (is_index_atom(atom_at(items, pos))) {
      WASMCAP_ASSIGN(uint32_t d, label_depth(items[pos]));
      targets.push_back(d);
      ++pos;
    }
    if (targets.empty()) return malformed_at(blame(items, pos, kw), "unexpected token");
    w.u32(static_cast<uint32_t>(targets.size() - 1));
    for (uint32_t t : targets)
      w.u32(t);
    break;
  }
  case ir::Imm::Func: {
    WASMCAP_ASSIGN(uint32_t i, index_imm(m_.funcs, items, pos, kw));
    w.u32(i);
    break;
  }
  case ir::Imm::CallIndirect: {
    uint32_t table = 0;
    if (is_index_atom(atom_at(items, pos))) {
      WASMCAP_ASSIGN(table, m_.tables.resolve(items[pos]));
      ++pos;
    }
    WASMCAP_ASSIGN(TypeUse use, parse_type_use(m_, items, pos, false));
    WASMCAP_ASSIGN(uint32_t type, m_.resolve_type_use(use));
    w.u32(type);
    w.u32(table);
    break;
  }
  case ir::Imm::SelectTypes: break; // reached only through `select (result ...)` above
  case ir::Imm::Local: {
    const Sexpr* a = atom_at(items, pos);
    if (!is_index_atom(a)) return malformed_at(blame(items, pos, kw), "unexpected token");
    ++pos;
    WASMCAP_ASSIGN(uint32_t i, local_index(*a));
    w.u32(i);
    break;
  }
  case ir::Imm::Global: {
    WASMCAP_ASSIGN(uint32_t i, index_imm(m_.globals, items, pos, kw));
    w.u32(i);
    break;
  }
  case ir::Imm::Tag: {
    WASMCAP_ASSIGN(uint32_t i, index_imm(m_.tags, items, pos, kw));
    w.u32(i);
    break;
  }
  case ir::Imm::TryTable: // reached only through parse_try_table (it opens a label)
  case ir::Imm::BrOnCast: // parse_br_on_cast
    return malformed_at(kw, "unexpected token");
  case ir::Imm::Table: {
    uint32_t table = 0;
    if (is_index_atom(atom_at(items, pos))) {
      WASMCAP_ASSIGN(table, m_.tables.resolve(items[pos]));
      ++pos;
    }
    w.u32(table);
    break;
  }
  case ir::Imm::MemArg: {
    WASMCAP_ASSIGN(uint32_t memory, optional_memory(items, pos, false));
    WASMCAP_TRY(memarg_imm(items, pos, info.natural_align, memory, w));
    break;
  }
  case ir::Imm::Memory: {
    WASMCAP_ASSIGN(uint32_t memory, optional_memory(items, pos, false));
    w.u32(memory);
    break;
  }
  case ir::Imm::I32: {
    WASMCAP_ASSIGN(uint32_t v, number_imm<uint32_t>(items, pos, kw, parse_i32));
    w.s32(static_cast<int32_t>(v));
    break;
  }
  case ir::Imm::I64: {
    WASMCAP_ASSIGN(uint64_t v, number_imm<uint64_t>(items, pos, kw, parse_i64));
    w.s64(static_cast<int64_t>(v));
    break;
  }
  case ir::Imm::F32: {
    WASMCAP_ASSIGN(uint32_t v, number_imm<uint32_t>(items, pos, kw, parse_f32));
    w.fixed_u32(v);
    break;
  }
  case ir::Imm::F64: {
    WASMCAP_ASSIGN(uint64_t v, number_imm<uint64_t>(items, pos, kw, parse_f64));
    w.fixed_u64(v);
    break;
  }
  case ir::Imm::RefType: {
    const Sexpr* a = atom_at(items, pos);
    if (a == nullptr) return malformed_at(blame(items, pos, kw), "unexpected token");
    WASMCAP_ASSIGN(ir::ValType t, parse_heaptype(*a, true, &m_.types));
    write_heaptype(w, t);
    ++pos;
    break;
  }
  case ir::Imm::Type: {
    WASMCAP_ASSIGN(uint32_t i, index_imm(m_.types, items, pos, kw));
    w.u32(i);
    break;
  }
  case ir::Imm::TypeField:
  case ir::Imm::TypeCount:
  case ir::Imm::TypeData:
  case ir::Imm::TypeElem:
  case ir::Imm::TypeType: {
    WASMCAP_ASSIGN(uint32_t type, index_imm(m_.types, items, pos, kw));
    w.u32(type);
    WASMCAP_ASSIGN(uint32_t second, second_gc_index(info.imm, type, items, pos, kw));
    w.u32(second);
    break;
  }
  case ir::Imm::MemoryInit: {
    // `memory.init $data` or `memory.init $memory $data`; the binary puts the data index first.
    uint32_t memory = 0;
    if (is_index_atom(atom_at(items, pos)) && is_index_atom(atom_at(items, pos + 1))) {
      WASMCAP_ASSIGN(memory, m_.memories.resolve(items[pos]));
      ++pos;
    }
    WASMCAP_ASSIGN(uint32_t i, index_imm(m_.datas, items, pos, kw));
    w.u32(i);
    w.u32(memory);
    m_.needs_data_count = true;
    break;
  }
  case ir::Imm::Data: {
    WASMCAP_ASSIGN(uint32_t i, index_imm(m_.datas, items, pos, kw));
    w.u32(i);
    m_.needs_data_count = true;
    break;
  }
  case ir::Imm::MemoryCopy: WASMCAP_TRY(copy_imm(m_.memories, items, pos, kw, w)); break;
  case ir::Imm::TableInit: {
    // `table.init $elem` or `table.init $table $elem`; the binary puts the element index first.
    uint32_t table = 0;
    if (is_index_atom(atom_at(items, pos)) && is_index_atom(atom_at(items, pos + 1))) {
      WASMCAP_ASSIGN(table, m_.tables.resolve(items[pos]));
      ++pos;
    }
    WASMCAP_ASSIGN(uint32_t elem, index_imm(m_.elems, items, pos, kw));
    w.u32(elem);
    w.u32(table);
    break;
  }
  case ir::Imm::Elem: {
    WASMCAP_ASSIGN(uint32_t i, index_imm(m_.elems, items, pos, kw));
    w.u32(i);
    break;
  }
  case ir::Imm::TableCopy: WASMCAP_TRY(copy_imm(m_.tables, items, pos, kw, w)); break;
  case ir::Imm::V128: WASMCAP_TRY(v128_imm(items, pos, kw, w)); break;
  case ir::Imm::Shuffle:
    for (int i = 0; i < 16; ++i) {
      const Sexpr* a = atom_at(items, pos);
      if (a == nullptr) return malformed_at(blame(items, pos, kw), "invalid lane length");
      WASMCAP_ASSIGN(uint8_t lane, lane_imm(items, pos, kw));
      w.u8(lane);
    }
    if (const Sexpr* a = atom_at(items, pos); a && a->token.kind == TokenKind::Number)
      return malformed_at(a->token, "invalid lane length");
    break;
  case ir::Imm::Lane: {
    WASMCAP_ASSIGN(uint8_t lane, lane_imm(items, pos, kw));
    w.u8(lane);
    break;
  }
  case ir::Imm::MemArgLane: {
    // A memory index comes first only when a memarg or the lane follows it.
    WASMCAP_ASSIGN(uint32_t memory, optional_memory(items, pos, true));
    WASMCAP_TRY(memarg_imm(items, pos, info.natural_align, memory, w));
    WASMCAP_ASSIGN(uint8_t lane, lane_imm(items, pos, kw));
    w.u8(lane);
    break;
  }
  }
  return support::ok();
}

support::Result<uint32_t> InstrParser::second_gc_index(ir::Imm imm, uint32_t type,
                                                       const std::vector<Sexpr>& items, size_t& pos,
                                                       const Token& kw) {
  switch (imm) {
  case ir::Imm::TypeData: m_.needs_data_count = true; return index_imm(m_.datas, items, pos, kw);
  case ir::Imm::TypeElem: return index_imm(m_.elems, items, pos, kw);
  case ir::Imm::TypeType: return index_imm(m_.types, items, pos, kw);
  default: break;
  }
  static const IndexSpace numbers_only; // a count, or a field by number: no names
  // A field: its number, or its name in the struct type's `(field $name ...)`.
  const Sexpr* a = atom_at(items, pos);
  if (!is_index_atom(a)) return malformed_at(blame(items, pos, kw), "unexpected token");
  ++pos;
  if (imm == ir::Imm::TypeCount || a->token.kind == TokenKind::Number)
    return numbers_only.resolve(*a);
  auto names = m_.field_names.find(type);
  if (names != m_.field_names.end()) {
    auto it = names->second.find(a->token.text);
    if (it != names->second.end()) return it->second;
  }
  return malformed_at(a->token, "unknown field");
}

// A hint that attaches to no `if` or `br_if` is well-formed but invalid, as the spec tests have
// it (assert_invalid_custom), unlike a misplaced or repeated annotation (malformed).
Status InstrParser::note_hint(const Sexpr& annotation) {
  if (locals_ == nullptr) // a constant expression
    return malformed_at(annotation.token,
                        "@metadata.code.branch_hint annotation: not in a function");
  if (pending_hint_)
    return malformed_at(annotation.token,
                        "@metadata.code.branch_hint annotation: duplicate annotation");
  WASMCAP_ASSIGN(pending_hint_, parse_branch_hint_annotation(annotation));
  pending_hint_at_ = &annotation.token;
  return support::ok();
}

Status InstrParser::no_pending_hint() const {
  if (!pending_hint_) return support::ok();
  support::Error e =
      malformed_at(*pending_hint_at_, "@metadata.code.branch_hint annotation: invalid target");
  e.kind = support::ErrorKind::Invalid;
  return e;
}

Result<std::optional<uint8_t>> InstrParser::take_hint(std::string_view kw) {
  if (!pending_hint_) return std::optional<uint8_t>{};
  if (kw != "if" && kw != "br_if") {
    WASMCAP_TRY(no_pending_hint());
  }
  return std::exchange(pending_hint_, std::nullopt);
}

Status InstrParser::parse_one(const Sexpr& list) {
  return parse_folded(list, 0);
}

Status InstrParser::parse_seq(const std::vector<Sexpr>& items, size_t from) {
  return parse_seq_at(items, from, 0);
}

Status InstrParser::parse_seq_at(const std::vector<Sexpr>& items, size_t from, size_t depth) {
  enum class Open : uint8_t { Block, If, Else, Try, Catch, CatchAll };
  std::vector<Open> open;
  // `end $l` / `else $l` must repeat the block's label, if any.
  auto check_label = [&](size_t& pos) -> Status {
    const Token* id = take_label(items, pos);
    if (id != nullptr && id->text != labels_.back()) return malformed_at(*id, "mismatching label");
    return support::ok();
  };
  size_t pos = from;
  while (pos < items.size()) {
    const Sexpr& item = items[pos];
    if (item.is_list) {
      WASMCAP_TRY(parse_folded(item, depth + 1));
      ++pos;
      continue;
    }
    if (item.token.kind != TokenKind::Keyword) return malformed_at(item.token, "unexpected token");
    ++pos;
    const std::string_view kw = item.token.text;
    WASMCAP_ASSIGN(std::optional<uint8_t> hint, take_hint(kw));
    if (hint) hints_.emplace_back(static_cast<uint32_t>(out_.size()), *hint);
    if (kw == "block" || kw == "loop" || kw == "if" || kw == "try") {
      const Token* label = take_label(items, pos);
      write_op(out_, *ir::op_from_text(kw));
      WASMCAP_TRY(parse_block_type(items, pos, out_));
      push_label(label);
      open.push_back(kw == "if" ? Open::If : kw == "try" ? Open::Try : Open::Block);
    } else if (kw == "try_table") {
      WASMCAP_TRY(parse_try_table_head(items, pos, out_));
      open.push_back(Open::Block);
    } else if (kw == "else") {
      if (open.empty() || open.back() != Open::If)
        return malformed_at(item.token, "unexpected token");
      WASMCAP_TRY(check_label(pos));
      open.back() = Open::Else;
      write_op(out_, ir::Op::Else);
    } else if (kw == "catch" || kw == "catch_all") {
      // Legacy: after the try body or a catch, never after catch_all.
      if (open.empty() || (open.back() != Open::Try && open.back() != Open::Catch))
        return malformed_at(item.token, "unexpected token");
      // `catch $label $tag`: a label first only when an index follows it.
      if (kw == "catch_all" || is_index_atom(atom_at(items, pos + 1)))
        WASMCAP_TRY(check_label(pos));
      write_op(out_, kw == "catch" ? ir::Op::Catch : ir::Op::CatchAll);
      if (kw == "catch") {
        WASMCAP_ASSIGN(uint32_t tag, index_imm(m_.tags, items, pos, item.token));
        out_.u32(tag);
      }
      open.back() = kw == "catch" ? Open::Catch : Open::CatchAll;
    } else if (kw == "delegate") {
      // Ends a try without catches; its label counts from outside the try.
      if (open.empty() || open.back() != Open::Try)
        return malformed_at(item.token, "unexpected token");
      open.pop_back();
      labels_.pop_back();
      const Sexpr* a = atom_at(items, pos);
      if (!is_index_atom(a)) return malformed_at(blame(items, pos, item.token), "unexpected token");
      ++pos;
      WASMCAP_ASSIGN(uint32_t d, label_depth(*a));
      write_op(out_, ir::Op::Delegate);
      out_.u32(d);
    } else if (kw == "end") {
      if (open.empty()) return malformed_at(item.token, "unexpected token");
      WASMCAP_TRY(check_label(pos));
      open.pop_back();
      labels_.pop_back();
      write_op(out_, ir::Op::End);
    } else {
      WASMCAP_TRY(parse_plain(item, items, pos, out_));
    }
  }
  if (!open.empty()) return malformed_at(blame(items, pos, items.back().token), "unexpected end");
  return no_pending_hint();
}

Status InstrParser::parse_folded_try(const std::vector<Sexpr>& items, size_t pos, size_t depth,
                                     const Token& where) {
  const Token* label = take_label(items, pos);
  write_op(out_, ir::Op::Try);
  WASMCAP_TRY(parse_block_type(items, pos, out_));
  push_label(label);
  if (pos >= items.size() || !items[pos].is_list_of("do"))
    return malformed_at(blame(items, pos, where), "unexpected token");
  WASMCAP_TRY(parse_seq_at(items[pos].items, 1, depth));
  ++pos;
  if (pos < items.size() && items[pos].is_list_of("delegate")) {
    const Sexpr& d = items[pos++];
    if (d.items.size() != 2) return malformed_at(d.token, "unexpected token");
    labels_.pop_back(); // the delegate's label counts from outside the try
    WASMCAP_ASSIGN(uint32_t target, label_depth(d.items[1]));
    WASMCAP_TRY(expect_no_more(items, pos));
    write_op(out_, ir::Op::Delegate);
    out_.u32(target);
    return support::ok();
  }
  while (pos < items.size() && items[pos].is_list_of("catch")) {
    const Sexpr& c = items[pos++];
    size_t at = 1;
    write_op(out_, ir::Op::Catch);
    WASMCAP_ASSIGN(uint32_t tag, index_imm(m_.tags, c.items, at, c.token));
    out_.u32(tag);
    WASMCAP_TRY(parse_seq_at(c.items, at, depth));
  }
  if (pos < items.size() && items[pos].is_list_of("catch_all")) {
    write_op(out_, ir::Op::CatchAll);
    WASMCAP_TRY(parse_seq_at(items[pos].items, 1, depth));
    ++pos;
  }
  labels_.pop_back();
  WASMCAP_TRY(expect_no_more(items, pos));
  write_op(out_, ir::Op::End);
  return support::ok();
}

Status InstrParser::parse_folded(const Sexpr& list, size_t depth) {
  if (depth > kMaxNesting) return malformed_at(list.token, "nesting too deep");
  const std::vector<Sexpr>& items = list.items;
  if (items.empty() || items[0].token.kind != TokenKind::Keyword || items[0].is_list)
    return is_branch_hint_annotation(list) ? note_hint(list)
                                           : malformed_at(list.token, "unexpected token");
  const std::string_view kw = items[0].token.text;
  WASMCAP_ASSIGN(std::optional<uint8_t> hint, take_hint(kw));
  size_t pos = 1;
  if (kw == "block" || kw == "loop") {
    const Token* label = take_label(items, pos);
    write_op(out_, *ir::op_from_text(kw));
    WASMCAP_TRY(parse_block_type(items, pos, out_));
    push_label(label);
    WASMCAP_TRY(parse_seq_at(items, pos, depth));
    labels_.pop_back();
    write_op(out_, ir::Op::End);
    return support::ok();
  }
  if (kw == "if") {
    const Token* label = take_label(items, pos);
    ByteWriter bt;
    WASMCAP_TRY(parse_block_type(items, pos, bt));
    while (pos < items.size() && items[pos].is_list && !items[pos].is_list_of("then")) {
      WASMCAP_TRY(parse_folded(items[pos], depth + 1));
      ++pos;
    }
    if (pos >= items.size() || !items[pos].is_list_of("then"))
      return malformed_at(blame(items, pos, list.token), "unexpected token");
    WASMCAP_TRY(no_pending_hint()); // an annotation after the condition
    if (hint) hints_.emplace_back(static_cast<uint32_t>(out_.size()), *hint);
    write_op(out_, ir::Op::If);
    out_.bytes(bt.data());
    push_label(label);
    WASMCAP_TRY(parse_seq_at(items[pos].items, 1, depth));
    ++pos;
    if (pos < items.size() && items[pos].is_list_of("else")) {
      write_op(out_, ir::Op::Else);
      WASMCAP_TRY(parse_seq_at(items[pos].items, 1, depth));
      ++pos;
    }
    labels_.pop_back();
    if (pos < items.size()) return malformed_at(items[pos].token, "unexpected token");
    write_op(out_, ir::Op::End);
    return support::ok();
  }
  if (kw == "try_table") {
    WASMCAP_TRY(parse_try_table_head(items, pos, out_));
    WASMCAP_TRY(parse_seq_at(items, pos, depth));
    labels_.pop_back();
    write_op(out_, ir::Op::End);
    return support::ok();
  }
  if (kw == "try") return parse_folded_try(items, pos, depth, list.token);
  if (kw == "else" || kw == "end" || kw == "then" || kw == "catch" || kw == "catch_all" ||
      kw == "catch_ref" || kw == "catch_all_ref" || kw == "delegate" || kw == "do")
    return malformed_at(items[0].token, "unexpected token");
  ByteWriter instr;
  WASMCAP_TRY(parse_plain(items[0], items, pos, instr));
  for (; pos < items.size(); ++pos) {
    if (!items[pos].is_list) return malformed_at(items[pos].token, "unexpected token");
    WASMCAP_TRY(parse_folded(items[pos], depth + 1));
  }
  WASMCAP_TRY(no_pending_hint()); // an annotation after the operands
  if (hint) hints_.emplace_back(static_cast<uint32_t>(out_.size()), *hint);
  out_.bytes(instr.data());
  return support::ok();
}

} // namespace wasmcap::text

// `(@custom ...)`: name, placement and contents of a custom section written as an annotation.
#include "text/custom_annotation.h"

#include <string_view>

namespace wasmcap::text {
namespace {

// The binary's section order, by the keyword placements name them with (CustomSection::slot
// counts positions in this list).
constexpr std::string_view kSectionOrder[] = {"type",      "import", "func",   "table", "memory",
                                              "tag",       "global", "export", "start", "elem",
                                              "datacount", "code",   "data"};
static_assert(std::size(kSectionOrder) == kCustomSlotLast);

support::Error custom_error(const Token& at, const char* what) {
  return malformed_at(at, std::string("@custom annotation: ") + what);
}

// `(before first)`, `(after last)`, `(before|after <section>)`: the slot it names.
support::Result<uint8_t> placement(const Sexpr& s) {
  const bool before = s.items.size() >= 1 && s.items[0].is_keyword("before");
  const bool after = s.items.size() >= 1 && s.items[0].is_keyword("after");
  if (!before && !after) return custom_error(s.token, "malformed placement");
  if (s.items.size() != 2 || !s.items[1].is_atom(TokenKind::Keyword))
    return custom_error(s.token, "malformed section kind");
  const std::string_view kind = s.items[1].token.text;
  if (before && kind == "first") return uint8_t{0};
  if (after && kind == "last") return kCustomSlotLast;
  for (uint8_t i = 0; i < kCustomSlotLast; ++i)
    if (kSectionOrder[i] == kind) return static_cast<uint8_t>(before ? i : i + 1);
  return custom_error(s.items[1].token, "malformed section kind");
}

} // namespace

bool is_custom_annotation(const Sexpr& s) {
  return s.is_list && !s.items.empty() && s.items[0].is_atom(TokenKind::Reserved) &&
         s.items[0].token.text == "@custom";
}

bool is_name_annotation(const Sexpr& s) {
  return s.is_list && !s.items.empty() && s.items[0].is_atom(TokenKind::Reserved) &&
         s.items[0].token.text == "@name";
}

support::Result<std::string> parse_name_annotation(const Sexpr& s) {
  if (s.items.size() != 2 || !s.items[1].is_atom(TokenKind::String))
    return malformed_at(s.token, "@name annotation: expected one string");
  WASMCAP_ASSIGN(std::string name, decode_string(s.items[1].token));
  if (!is_valid_utf8(name))
    return malformed_at(s.items[1].token, "@name annotation: malformed UTF-8 encoding");
  return name;
}

bool is_branch_hint_annotation(const Sexpr& s) {
  return s.is_list && !s.items.empty() && s.items[0].is_atom(TokenKind::Reserved) &&
         s.items[0].token.text == "@metadata.code.branch_hint";
}

support::Result<uint8_t> parse_branch_hint_annotation(const Sexpr& s) {
  if (s.items.size() != 2 || !s.items[1].is_atom(TokenKind::String))
    return malformed_at(s.token, "@metadata.code.branch_hint annotation: expected one string");
  WASMCAP_ASSIGN(std::string hint, decode_string(s.items[1].token));
  if (hint.size() != 1 || static_cast<uint8_t>(hint[0]) > 1)
    return malformed_at(s.items[1].token,
                        "@metadata.code.branch_hint annotation: expected \"\\00\" or \"\\01\"");
  return static_cast<uint8_t>(hint[0]);
}

support::Result<CustomSection> parse_custom_annotation(const Sexpr& s) {
  CustomSection c;
  if (s.items.size() < 2 || !s.items[1].is_atom(TokenKind::String))
    return custom_error(s.token, "missing section name");
  WASMCAP_ASSIGN(c.name, decode_string(s.items[1].token));
  if (!is_valid_utf8(c.name)) return custom_error(s.items[1].token, "malformed UTF-8 encoding");
  size_t pos = 2;
  if (pos < s.items.size() && s.items[pos].is_list) {
    WASMCAP_ASSIGN(c.slot, placement(s.items[pos]));
    ++pos;
  }
  for (; pos < s.items.size(); ++pos) {
    if (!s.items[pos].is_atom(TokenKind::String))
      return custom_error(s.items[pos].token, "unexpected token");
    WASMCAP_ASSIGN(std::string part, decode_string(s.items[pos].token));
    c.bytes.insert(c.bytes.end(), part.begin(), part.end());
  }
  return c;
}

} // namespace wasmcap::text

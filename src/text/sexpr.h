// S-expressions: the token stream folded into a tree of atoms and lists. Both the module parser
// and the script parser walk this tree, which makes lookahead (`(param ...`?) trivial.
#pragma once

#include <string_view>
#include <vector>

#include "support/result.h"
#include "text/lexer.h"

namespace wasmcap::text {

// Nesting deeper than this is rejected, which bounds every recursive walk of the tree.
constexpr size_t kMaxNesting = 3000;

struct Sexpr {
  bool is_list = false;
  Token token; // the atom, or the list's opening parenthesis
  std::vector<Sexpr> items;

  bool is_atom(TokenKind k) const { return !is_list && token.kind == k; }
  bool is_keyword(std::string_view kw) const {
    return is_atom(TokenKind::Keyword) && token.text == kw;
  }
  // A list whose first item is the keyword `kw`, e.g. `(param ...)`.
  bool is_list_of(std::string_view kw) const {
    return is_list && !items.empty() && items[0].is_keyword(kw);
  }
  // Where a list ends, for "unexpected end" style errors: its last item, or itself.
  const Token& last_token() const { return items.empty() ? token : items.back().token; }
};

// Parses all top-level S-expressions of the source (a script has many, a module one).
support::Result<std::vector<Sexpr>> parse_sexprs(std::string_view source);

} // namespace wasmcap::text

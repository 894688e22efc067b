// S-expression tree builder: an explicit stack of open lists, so depth costs no native stack.
#include "text/sexpr.h"

#include <string>

namespace wasmcap::text {

support::Result<std::vector<Sexpr>> parse_sexprs(std::string_view source) {
  WASMCAP_ASSIGN(std::vector<Token> tokens, tokenize(source));
  std::vector<Sexpr> top;
  std::vector<Sexpr> open; // the chain of lists still waiting for their ')'
  for (const Token& t : tokens) {
    switch (t.kind) {
    case TokenKind::LParen: {
      if (open.size() >= kMaxNesting) return malformed_at(t, "nesting too deep");
      Sexpr list;
      list.is_list = true;
      list.token = t;
      open.push_back(std::move(list));
      break;
    }
    case TokenKind::RParen: {
      if (open.empty()) return malformed_at(t, "unexpected token");
      Sexpr done = std::move(open.back());
      open.pop_back();
      (open.empty() ? top : open.back().items).push_back(std::move(done));
      break;
    }
    case TokenKind::Eof:
      if (!open.empty()) {
        const Token& o = open.back().token;
        return malformed_at(t, "unexpected end: the \"(\" at " + std::to_string(o.line) + ":" +
                                   std::to_string(o.column) + " is never closed");
      }
      break;
    default: {
      Sexpr atom;
      atom.token = t;
      (open.empty() ? top : open.back().items).push_back(std::move(atom));
    }
    }
  }
  return top;
}

} // namespace wasmcap::text

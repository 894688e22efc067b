// The WAT/WAST lexer: turns source text into tokens (parens, atoms, strings) with line:column,
// skipping whitespace, line comments, nested block comments and annotations `(@id ...)` (all but
// `(@custom ...)`, `(@name ...)` and `(@metadata.code.branch_hint ...)`, which the module parser
// reads: custom_annotation.h). A quoted identifier `$"..."` becomes the Id token of its decoded
// name, so `$"a"` and `$a` are the same name.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "support/result.h"

namespace wasmcap::text {

enum class TokenKind : uint8_t {
  LParen,
  RParen,
  Keyword,  // starts with a lowercase letter: `module`, `i32.add`, `offset=4`, `inf`, `nan:0x1`
  Id,       // `$name`
  Number,   // starts with a digit or a sign: `12`, `-0x1p3`, `+inf`
  String,   // `"..."`; `text` keeps the quotes, decode with decode_string()
  Reserved, // any other run of id characters
  Eof,
};

struct Token {
  TokenKind kind = TokenKind::Eof;
  std::string_view text; // into the source, or into `owned`
  uint32_t line = 0;
  uint32_t column = 0;
  // A quoted identifier's decoded text (`$` + name), which is not a substring of the source;
  // shared so that copies of the token keep `text` valid. Null for every other token.
  std::shared_ptr<const std::string> owned;
};

// A Malformed error at a source position.
support::Error malformed_at(uint32_t line, uint32_t column, std::string message);
inline support::Error malformed_at(const Token& t, std::string message) {
  return malformed_at(t.line, t.column, std::move(message));
}

// Splits the whole source into tokens, ending with one Eof token.
support::Result<std::vector<Token>> tokenize(std::string_view source);

// Decodes a String token's escapes into raw bytes (which need not be UTF-8).
support::Result<std::string> decode_string(const Token& token);

// True if `s` is well-formed UTF-8 (names must be).
bool is_valid_utf8(std::string_view s);

} // namespace wasmcap::text

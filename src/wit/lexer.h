// The WIT lexer: turns one .wit file into tokens with line:column (WIT.md, "Lexical structure").
// Whitespace and comments (line, and nested block comments; doc comments included) are dropped.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "support/result.h"

namespace wasmcap::wit {

enum class TokenKind : uint8_t {
  Id,         // kebab-case identifier or keyword: `record`, `input-stream`
  ExplicitId, // `%`-escaped identifier: text is the name without `%`, never a keyword
  Integer, // a digit run, possibly a semver: `4`, `0.2.12`, `1.0.0-rc.1+b`; checked by the parser
  String,  // `"..."` (only in `@external-id`); text keeps the quotes
  Equals,
  Comma,
  Colon,
  Semicolon,
  LParen,
  RParen,
  LBrace,
  RBrace,
  Less,
  Greater,
  Star,
  Arrow,
  Slash,
  Dot,
  At,
  Underscore, // `_` in `result<_, E>`
  Eof,
};

struct Token {
  TokenKind kind = TokenKind::Eof;
  std::string_view text;
  uint32_t line = 0;
  uint32_t column = 0;
};

// A short description of a token for error messages: "`record`", "`{`", "end of file".
std::string describe(const Token& token);

// True when `text` is one of WIT's keywords (an identifier that must be written `%text`).
bool is_keyword(std::string_view text);

// A Malformed error at a place in a file: where.line/column as given, where.section = the file.
support::Error error_at(support::ErrorKind kind, std::string_view file, uint32_t line,
                        uint32_t column, std::string message);

// Splits a whole file into tokens, ending with one Eof token. Identifiers are checked to be
// kebab-case (words of lowercase or uppercase letters and digits, each starting with a letter).
support::Result<std::vector<Token>> tokenize(std::string_view file, std::string_view source);

} // namespace wasmcap::wit

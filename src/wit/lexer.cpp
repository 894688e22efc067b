// The WIT lexer: one linear pass over a file, tracking line and column for error messages.
#include "wit/lexer.h"

#include <algorithm>
#include <array>

namespace wasmcap::wit {
namespace {

bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_id_char(char c) {
  return is_alpha(c) || is_digit(c) || c == '-';
}
bool is_semver_ident_char(char c) {
  return is_alpha(c) || is_digit(c) || c == '-';
}

// WIT's kebab-case rule: `-`-separated words, each starting with a letter and all of whose
// letters are of one case. Returns "" when `id` is fine, else why it is not.
std::string kebab_problem(std::string_view id) {
  if (id.empty()) return "empty identifier";
  size_t start = 0;
  while (start <= id.size()) {
    size_t end = id.find('-', start);
    if (end == std::string_view::npos) end = id.size();
    std::string_view word = id.substr(start, end - start);
    if (word.empty()) return "identifier `" + std::string(id) + "` has an empty word";
    if (!is_alpha(word[0]))
      return "identifier `" + std::string(id) + "` has a word not starting with a letter";
    bool lower = false, upper = false;
    for (char c : word) {
      lower |= c >= 'a' && c <= 'z';
      upper |= c >= 'A' && c <= 'Z';
    }
    if (lower && upper) return "identifier `" + std::string(id) + "` mixes cases in a word";
    start = end + 1;
  }
  return "";
}

class Lexer {
public:
  Lexer(std::string_view file, std::string_view src) : file_(file), src_(src) {}

  support::Result<std::vector<Token>> run() {
    std::vector<Token> out;
    for (;;) {
      WASMCAP_TRY(skip_space());
      Token t;
      t.line = line_;
      t.column = column_;
      size_t begin = pos_;
      if (pos_ >= src_.size()) {
        t.kind = TokenKind::Eof;
        out.push_back(t);
        return out;
      }
      char c = src_[pos_];
      if (is_alpha(c) || c == '%') {
        bool explicit_id = c == '%';
        if (explicit_id) advance();
        size_t word = pos_;
        while (pos_ < src_.size() && is_id_char(src_[pos_]))
          advance();
        t.kind = explicit_id ? TokenKind::ExplicitId : TokenKind::Id;
        t.text = src_.substr(word, pos_ - word);
        if (std::string why = kebab_problem(t.text); !why.empty())
          return error_at(support::ErrorKind::Malformed, file_, t.line, t.column, why);
      } else if (is_digit(c)) {
        lex_number();
        t.kind = TokenKind::Integer;
        t.text = src_.substr(begin, pos_ - begin);
      } else if (c == '"') {
        advance();
        while (pos_ < src_.size() && src_[pos_] != '"' && src_[pos_] != '\n') {
          if (src_[pos_] == '\\' && pos_ + 1 < src_.size()) advance();
          advance();
        }
        if (pos_ >= src_.size() || src_[pos_] != '"')
          return error_at(support::ErrorKind::Malformed, file_, t.line, t.column,
                          "unterminated string");
        advance();
        t.kind = TokenKind::String;
        t.text = src_.substr(begin, pos_ - begin);
      } else {
        if (c == '-' && pos_ + 1 < src_.size() && src_[pos_ + 1] == '>') {
          advance();
          t.kind = TokenKind::Arrow;
        } else {
          switch (c) {
          case '=': t.kind = TokenKind::Equals; break;
          case ',': t.kind = TokenKind::Comma; break;
          case ':': t.kind = TokenKind::Colon; break;
          case ';': t.kind = TokenKind::Semicolon; break;
          case '(': t.kind = TokenKind::LParen; break;
          case ')': t.kind = TokenKind::RParen; break;
          case '{': t.kind = TokenKind::LBrace; break;
          case '}': t.kind = TokenKind::RBrace; break;
          case '<': t.kind = TokenKind::Less; break;
          case '>': t.kind = TokenKind::Greater; break;
          case '*': t.kind = TokenKind::Star; break;
          case '/': t.kind = TokenKind::Slash; break;
          case '.': t.kind = TokenKind::Dot; break;
          case '@': t.kind = TokenKind::At; break;
          case '_': t.kind = TokenKind::Underscore; break;
          default: {
            std::string shown = (static_cast<unsigned char>(c) >= 0x20 && c != 0x7f)
                                    ? std::string(1, c)
                                    : "\\x" + std::to_string(static_cast<unsigned char>(c));
            return error_at(support::ErrorKind::Malformed, file_, t.line, t.column,
                            "unexpected character `" + shown + "`");
          }
          }
        }
        advance();
        t.text = src_.substr(begin, pos_ - begin);
      }
      out.push_back(t);
    }
  }

private:
  void advance() {
    if (src_[pos_] == '\n') {
      ++line_;
      column_ = 1;
    } else if ((static_cast<unsigned char>(src_[pos_]) & 0xC0) != 0x80) {
      ++column_; // columns count code points, not UTF-8 continuation bytes
    }
    ++pos_;
  }

  support::Status skip_space() {
    while (pos_ < src_.size()) {
      char c = src_[pos_];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        advance();
      } else if (c == '/' && pos_ + 1 < src_.size() && src_[pos_ + 1] == '/') {
        while (pos_ < src_.size() && src_[pos_] != '\n')
          advance();
      } else if (c == '/' && pos_ + 1 < src_.size() && src_[pos_ + 1] == '*') {
        uint32_t line = line_, column = column_;
        int depth = 0;
        do {
          if (pos_ + 1 >= src_.size())
            return error_at(support::ErrorKind::Malformed, file_, line, column,
                            "unterminated block comment");
          if (src_[pos_] == '/' && src_[pos_ + 1] == '*') {
            ++depth;
            advance();
          } else if (src_[pos_] == '*' && src_[pos_ + 1] == '/') {
            --depth;
            advance();
          }
          advance();
        } while (depth > 0);
      } else {
        break;
      }
    }
    return support::ok();
  }

  // Digits, then as much of a semver as follows: `.N.N`, a `-prerelease` and a `+build`, whose
  // dot-separated parts are taken only while a part follows (so `0.2.12.{` stops at `12`).
  void lex_number() {
    auto digits = [&] {
      while (pos_ < src_.size() && is_digit(src_[pos_]))
        advance();
    };
    digits();
    for (int i = 0; i < 2; ++i) {
      if (pos_ + 1 < src_.size() && src_[pos_] == '.' && is_digit(src_[pos_ + 1])) {
        advance();
        digits();
      }
    }
    for (char sep : {'-', '+'}) {
      if (pos_ + 1 >= src_.size() || src_[pos_] != sep || !is_semver_ident_char(src_[pos_ + 1]))
        continue;
      do {
        advance();
        while (pos_ < src_.size() && is_semver_ident_char(src_[pos_]))
          advance();
      } while (pos_ + 1 < src_.size() && src_[pos_] == '.' && is_semver_ident_char(src_[pos_ + 1]));
    }
  }

  std::string_view file_;
  std::string_view src_;
  size_t pos_ = 0;
  uint32_t line_ = 1;
  uint32_t column_ = 1;
};

} // namespace

bool is_keyword(std::string_view text) {
  static constexpr std::array<std::string_view, 42> kKeywords = {
      "as",  "async",  "bool",   "borrow",  "char",   "constructor", "enum",    "export",    "f32",
      "f64", "flags",  "from",   "func",    "future", "import",      "include", "interface", "list",
      "map", "option", "own",    "package", "record", "resource",    "result",  "s16",       "s32",
      "s64", "s8",     "static", "stream",  "string", "tuple",       "type",    "u16",       "u32",
      "u64", "u8",     "use",    "variant", "with",   "world"};
  return std::find(kKeywords.begin(), kKeywords.end(), text) != kKeywords.end();
}

std::string describe(const Token& token) {
  if (token.kind == TokenKind::Eof) return "end of file";
  if (token.kind == TokenKind::ExplicitId) return "`%" + std::string(token.text) + "`";
  return "`" + std::string(token.text) + "`";
}

support::Error error_at(support::ErrorKind kind, std::string_view file, uint32_t line,
                        uint32_t column, std::string message) {
  support::Error e = support::make_error(kind, std::move(message));
  e.where.line = line;
  e.where.column = column;
  e.where.section = std::string(file);
  return e;
}

support::Result<std::vector<Token>> tokenize(std::string_view file, std::string_view source) {
  return Lexer(file, source).run();
}

} // namespace wasmcap::wit

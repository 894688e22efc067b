// The WAT/WAST lexer: one linear pass over the source, tracking line and column for errors.
#include "text/lexer.h"

namespace wasmcap::text {
namespace {

bool is_idchar(unsigned char c) {
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
  switch (c) {
  case '!':
  case '#':
  case '$':
  case '%':
  case '&':
  case '\'':
  case '*':
  case '+':
  case '-':
  case '.':
  case '/':
  case ':':
  case '<':
  case '=':
  case '>':
  case '?':
  case '@':
  case '\\':
  case '^':
  case '_':
  case '`':
  case '|':
  case '~': return true;
  default: return false;
  }
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

class Lexer {
public:
  explicit Lexer(std::string_view src) : src_(src) {}

  support::Result<std::vector<Token>> run() {
    std::vector<Token> out;
    for (;;) {
      WASMCAP_TRY(skip_space());
      Token t;
      t.line = line_;
      t.column = col_;
      if (pos_ >= src_.size()) {
        t.kind = TokenKind::Eof;
        out.push_back(t);
        return out;
      }
      const size_t start = pos_;
      const char c = src_[pos_];
      if (c == '(' && pos_ + 1 < src_.size() && src_[pos_ + 1] == '@') {
        WASMCAP_TRY(annotation(out)); // skipped, or `(@custom`'s first two tokens
        continue;
      } else if (c == '$' && pos_ + 1 < src_.size() && src_[pos_ + 1] == '"') {
        WASMCAP_TRY(quoted_id(t));
        out.push_back(std::move(t));
        continue;
      } else if (c == '(') {
        t.kind = TokenKind::LParen;
        advance();
      } else if (c == ')') {
        t.kind = TokenKind::RParen;
        advance();
      } else if (c == '"') {
        WASMCAP_TRY(skip_string(t));
        t.kind = TokenKind::String;
        // A string glued to the next atom or string is not a token boundary the grammar allows.
        if (pos_ < src_.size() &&
            (src_[pos_] == '"' || is_idchar(static_cast<unsigned char>(src_[pos_]))))
          return malformed_at(t, "unknown operator");
      } else if (is_idchar(static_cast<unsigned char>(c))) {
        while (pos_ < src_.size() && is_idchar(static_cast<unsigned char>(src_[pos_])))
          advance();
        if (c == '$')
          t.kind = pos_ - start > 1 ? TokenKind::Id : TokenKind::Reserved;
        else if (c >= 'a' && c <= 'z')
          t.kind = TokenKind::Keyword;
        else if ((c >= '0' && c <= '9') || c == '+' || c == '-')
          t.kind = TokenKind::Number;
        else
          t.kind = TokenKind::Reserved;
        // An atom glued to a string (`0"a"`) is one malformed token in the spec's grammar.
        if (pos_ < src_.size() && src_[pos_] == '"') return malformed_at(t, "unexpected token");
      } else {
        return malformed_at(t, "unexpected character");
      }
      t.text = src_.substr(start, pos_ - start);
      out.push_back(t);
    }
  }

private:
  // The string at pos_ (a quoted identifier's or annotation id's), decoded: non-empty UTF-8, else
  // malformed at `at` with `empty` or the UTF-8 message.
  support::Result<std::string> quoted_name(const Token& at, const char* empty) {
    Token str = at;
    const size_t start = pos_;
    WASMCAP_TRY(skip_string(str));
    str.text = src_.substr(start, pos_ - start);
    WASMCAP_ASSIGN(std::string name, decode_string(str));
    if (name.empty()) return malformed_at(at, empty);
    if (!is_valid_utf8(name)) return malformed_at(at, "malformed UTF-8 encoding");
    return name;
  }

  // `$"name"`: an Id token whose text is `$` and the decoded, non-empty UTF-8 name.
  support::Status quoted_id(Token& t) {
    advance(); // '$'
    WASMCAP_ASSIGN(std::string name, quoted_name(t, "empty identifier"));
    if (pos_ < src_.size() &&
        (src_[pos_] == '"' || is_idchar(static_cast<unsigned char>(src_[pos_]))))
      return malformed_at(t, "unknown operator");
    t.kind = TokenKind::Id;
    t.owned = std::make_shared<const std::string>("$" + name);
    t.text = *t.owned;
    return support::ok();
  }

  // At `(@`: the annotation's id (id characters or a non-empty string). `(@custom ...)`,
  // `(@name ...)` and `(@metadata.code.branch_hint ...)` are kept: their `(` and `@id` tokens go
  // to `out` and the rest is lexed as usual.
  // Any other annotation is skipped to its matching `)`, whatever it holds.
  support::Status annotation(std::vector<Token>& out) {
    Token open;
    open.kind = TokenKind::LParen;
    open.line = line_;
    open.column = col_;
    open.text = src_.substr(pos_, 1);
    advance(); // '('
    const size_t id_start = pos_;
    advance(); // '@'
    Token id = open;
    id.column = col_;
    if (pos_ < src_.size() && src_[pos_] == '"') {
      WASMCAP_TRY(quoted_name(open, "empty annotation id"));
    } else {
      while (pos_ < src_.size() && is_idchar(static_cast<unsigned char>(src_[pos_])))
        advance();
      if (pos_ - id_start == 1) return malformed_at(open, "empty annotation id");
    }
    const std::string_view name = src_.substr(id_start, pos_ - id_start);
    if (name == "@custom" || name == "@name" || name == "@metadata.code.branch_hint") {
      id.kind = TokenKind::Reserved;
      id.text = name;
      out.push_back(open);
      out.push_back(id);
      return support::ok();
    }
    return skip_annotation_body(open);
  }

  // The rest of an annotation up to its `)`: balanced parentheses, strings, comments, nested
  // annotations (there `(@` needs no id) and any printable ASCII (the spec's reserved tokens such
  // as `,` `;` `{`).
  support::Status skip_annotation_body(const Token& open) {
    size_t depth = 1;
    while (pos_ < src_.size()) {
      const unsigned char c = static_cast<unsigned char>(src_[pos_]);
      const char next = pos_ + 1 < src_.size() ? src_[pos_ + 1] : '\0';
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        advance();
      } else if (c == ';' && next == ';') {
        while (pos_ < src_.size() && src_[pos_] != '\n' && src_[pos_] != '\r')
          advance();
      } else if (c == '(' && next == ';') {
        WASMCAP_TRY(skip_block_comment());
      } else if (c == '(') {
        advance();
        ++depth;
      } else if (c == ')') {
        advance();
        if (--depth == 0) return support::ok();
      } else if (c == '"') {
        Token str;
        str.line = line_;
        str.column = col_;
        WASMCAP_TRY(skip_string(str));
      } else if (c >= 0x80) {
        return malformed_at(line_, col_,
                            utf8_sequence_ok() ? "illegal character" : "malformed UTF-8 encoding");
      } else if (c < 0x20 || c == 0x7F) {
        return malformed_at(line_, col_, "illegal character");
      } else {
        advance();
      }
    }
    return malformed_at(open, "unclosed annotation");
  }

  // Whether the bytes at pos_ start a well-formed UTF-8 sequence (for the error's wording).
  bool utf8_sequence_ok() const {
    const std::string_view rest = src_.substr(pos_, 4);
    for (size_t n = 2; n <= rest.size(); ++n)
      if (is_valid_utf8(rest.substr(0, n))) return true;
    return false;
  }

  void advance() {
    if (src_[pos_] == '\n') {
      ++line_;
      col_ = 1;
    } else {
      ++col_;
    }
    ++pos_;
  }

  support::Status skip_space() {
    while (pos_ < src_.size()) {
      const char c = src_[pos_];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        advance();
      } else if (c == ';' && pos_ + 1 < src_.size() && src_[pos_ + 1] == ';') {
        while (pos_ < src_.size() && src_[pos_] != '\n' && src_[pos_] != '\r')
          advance();
      } else if (c == '(' && pos_ + 1 < src_.size() && src_[pos_ + 1] == ';') {
        WASMCAP_TRY(skip_block_comment());
      } else if (c == ';') {
        return malformed_at(line_, col_, "unexpected character");
      } else {
        break;
      }
    }
    return support::ok();
  }

  // Block comments nest, so count depth instead of recursing.
  support::Status skip_block_comment() {
    const uint32_t line = line_, col = col_;
    size_t depth = 0;
    while (pos_ < src_.size()) {
      if (src_[pos_] == '(' && pos_ + 1 < src_.size() && src_[pos_ + 1] == ';') {
        advance();
        advance();
        ++depth;
      } else if (src_[pos_] == ';' && pos_ + 1 < src_.size() && src_[pos_ + 1] == ')') {
        advance();
        advance();
        if (--depth == 0) return support::ok();
      } else {
        advance();
      }
    }
    return malformed_at(line, col, "unclosed comment");
  }

  support::Status skip_string(const Token& t) {
    advance(); // opening quote
    while (pos_ < src_.size()) {
      const char c = src_[pos_];
      if (c == '"') {
        advance();
        return support::ok();
      }
      if (c == '\n') break;
      if (c == '\\' && pos_ + 1 < src_.size()) advance();
      advance();
    }
    return malformed_at(t, "unclosed string");
  }

  std::string_view src_;
  size_t pos_ = 0;
  uint32_t line_ = 1;
  uint32_t col_ = 1;
};

} // namespace

support::Error malformed_at(uint32_t line, uint32_t column, std::string message) {
  support::Error e;
  e.kind = support::ErrorKind::Malformed;
  e.message = std::move(message);
  e.where.line = line;
  e.where.column = column;
  return e;
}

support::Result<std::vector<Token>> tokenize(std::string_view source) {
  return Lexer(source).run();
}

support::Result<std::string> decode_string(const Token& token) {
  std::string out;
  std::string_view s = token.text.substr(1, token.text.size() - 2);
  for (size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == 0x7F) return malformed_at(token, "malformed string: control character");
    if (c != '\\') {
      out += static_cast<char>(c);
      continue;
    }
    if (++i >= s.size()) return malformed_at(token, "malformed string: bad escape");
    switch (s[i]) {
    case 'n': out += '\n'; break;
    case 't': out += '\t'; break;
    case 'r': out += '\r'; break;
    case '\\': out += '\\'; break;
    case '\'': out += '\''; break;
    case '"': out += '"'; break;
    case 'u': {
      if (i + 1 >= s.size() || s[i + 1] != '{')
        return malformed_at(token, "malformed string: bad escape");
      i += 2;
      uint32_t cp = 0;
      size_t digits = 0;
      while (i < s.size() && s[i] != '}') {
        if (s[i] == '_' && digits > 0) {
          ++i;
          continue;
        }
        const int h = hex_value(s[i]);
        if (h < 0 || cp > 0x10FFFF) return malformed_at(token, "malformed string: bad escape");
        cp = cp * 16 + static_cast<uint32_t>(h);
        ++digits;
        ++i;
      }
      if (i >= s.size() || digits == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp < 0xE000))
        return malformed_at(token, "malformed string: bad escape");
      append_utf8(out, cp);
      break;
    }
    default: {
      const int h1 = hex_value(s[i]);
      const int h2 = i + 1 < s.size() ? hex_value(s[i + 1]) : -1;
      if (h1 < 0 || h2 < 0) return malformed_at(token, "malformed string: bad escape");
      out += static_cast<char>(h1 * 16 + h2);
      ++i;
    }
    }
  }
  return out;
}

bool is_valid_utf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    size_t n;
    uint32_t cp;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      n = 1;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      n = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    for (size_t k = 1; k <= n; ++k) {
      if (i + k >= s.size()) return false;
      const unsigned char cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
        cp > 0x10FFFF || (cp >= 0xD800 && cp < 0xE000))
      return false;
    i += n + 1;
  }
  return true;
}

} // namespace wasmcap::text

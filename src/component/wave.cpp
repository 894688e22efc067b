// WAVE parsing and printing (wave.h): a small recursive-descent reader guided by the type.
#include "component/wave.h"

#include "component/utf8.h"

#include <cmath>
#include <cstdio>
#include <cstring>

namespace wasmcap::component {

namespace {

using support::Result;

Error bad(std::string message) {
  return make_error(ErrorKind::Usage, "WAVE: " + std::move(message));
}

class Reader {
public:
  explicit Reader(std::string_view s) : s_(s) {}

  void skip_ws() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r'))
      ++i_;
  }
  bool eat(char c) {
    skip_ws();
    if (i_ < s_.size() && s_[i_] == c) {
      ++i_;
      return true;
    }
    return false;
  }
  Status expect(char c) {
    if (!eat(c)) return bad(std::string("expected `") + c + "` at " + std::to_string(i_));
    return ok();
  }
  bool at_end() {
    skip_ws();
    return i_ >= s_.size();
  }
  // A label or keyword: [a-zA-Z0-9-]+ (with an optional leading %).
  std::string word() {
    skip_ws();
    if (i_ < s_.size() && s_[i_] == '%') ++i_;
    const size_t start = i_;
    while (i_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[i_])) || s_[i_] == '-' ||
                              s_[i_] == '.' || s_[i_] == '+'))
      ++i_;
    return std::string(s_.substr(start, i_ - start));
  }
  Result<uint32_t> escape() {
    if (i_ >= s_.size()) return bad("unterminated escape");
    const char c = s_[i_++];
    switch (c) {
    case 'n': return uint32_t{'\n'};
    case 't': return uint32_t{'\t'};
    case 'r': return uint32_t{'\r'};
    case '\\': return uint32_t{'\\'};
    case '"': return uint32_t{'"'};
    case '\'': return uint32_t{'\''};
    case 'u': {
      if (i_ >= s_.size() || s_[i_] != '{') return bad("expected `{` after \\u");
      const size_t close = s_.find('}', i_);
      if (close == std::string_view::npos) return bad("unterminated \\u{...}");
      const std::string hex(s_.substr(i_ + 1, close - i_ - 1));
      i_ = close + 1;
      return static_cast<uint32_t>(std::strtoul(hex.c_str(), nullptr, 16));
    }
    default: return bad(std::string("unknown escape \\") + c);
    }
  }
  Result<std::string> quoted(char q) {
    WASMCAP_TRY(expect(q));
    std::string out;
    while (i_ < s_.size() && s_[i_] != q) {
      if (s_[i_] == '\\') {
        ++i_;
        WASMCAP_ASSIGN(const uint32_t cp, escape());
        append_utf8(out, cp);
      } else {
        out += s_[i_++];
      }
    }
    if (i_ >= s_.size()) return bad("unterminated quote");
    ++i_;
    return out;
  }

  Result<Val> value(const Type& t);

private:
  std::string_view s_;
  size_t i_ = 0;
};

Result<Val> int_val(const std::string& w, PrimType p) {
  if (w.empty()) return bad("expected a number");
  errno = 0;
  char* end = nullptr;
  const bool is_signed =
      p == PrimType::S8 || p == PrimType::S16 || p == PrimType::S32 || p == PrimType::S64;
  uint64_t bits;
  if (is_signed) {
    const long long v = std::strtoll(w.c_str(), &end, 10);
    bits = static_cast<uint64_t>(v);
    const int width = p == PrimType::S8    ? 8
                      : p == PrimType::S16 ? 16
                      : p == PrimType::S32 ? 32
                                           : 64;
    if (width < 64 && (v < -(1ll << (width - 1)) || v >= (1ll << (width - 1))))
      return bad(w + " is out of range");
  } else {
    if (w[0] == '-') return bad(w + " is out of range");
    const unsigned long long v = std::strtoull(w.c_str(), &end, 10);
    bits = v;
    const int width = p == PrimType::U8    ? 8
                      : p == PrimType::U16 ? 16
                      : p == PrimType::U32 ? 32
                                           : 64;
    if (width < 64 && v >= (1ull << width)) return bad(w + " is out of range");
  }
  if (errno != 0 || *end != '\0') return bad("`" + w + "` is not an integer");
  static const Val::Kind kinds[] = {Val::Kind::Bool, Val::Kind::S8,  Val::Kind::U8,
                                    Val::Kind::S16,  Val::Kind::U16, Val::Kind::S32,
                                    Val::Kind::U32,  Val::Kind::S64, Val::Kind::U64};
  return Val::make(kinds[static_cast<size_t>(p)], bits);
}

Result<Val> float_val(const std::string& w, PrimType p) {
  double d;
  if (w == "nan") {
    d = NAN;
  } else if (w == "inf") {
    d = INFINITY;
  } else if (w == "-inf") {
    d = -INFINITY;
  } else {
    char* end = nullptr;
    d = std::strtod(w.c_str(), &end);
    if (w.empty() || *end != '\0') return bad("`" + w + "` is not a number");
  }
  if (p == PrimType::F32) {
    const float f = static_cast<float>(d);
    uint32_t b;
    std::memcpy(&b, &f, 4);
    return Val::make(Val::Kind::F32, b);
  }
  uint64_t b;
  std::memcpy(&b, &d, 8);
  return Val::make(Val::Kind::F64, b);
}

int label_index(const Type& t, const std::string& label) {
  if (t.kind == Type::Kind::Variant) {
    for (size_t i = 0; i < t.fields.size(); ++i) {
      if (t.fields[i].first == label) return static_cast<int>(i);
    }
  }
  for (size_t i = 0; i < t.labels.size(); ++i) {
    if (t.labels[i] == label) return static_cast<int>(i);
  }
  return -1;
}

Result<Val> Reader::value(const Type& t) {
  skip_ws();
  switch (t.kind) {
  case Type::Kind::Prim:
    switch (t.prim) {
    case PrimType::Bool: {
      const std::string w = word();
      if (w == "true") return Val::make(Val::Kind::Bool, 1);
      if (w == "false") return Val::make(Val::Kind::Bool, 0);
      return bad("expected true or false, found `" + w + "`");
    }
    case PrimType::String: {
      WASMCAP_ASSIGN(std::string s, quoted('"'));
      return Val::string(std::move(s));
    }
    case PrimType::Char: {
      WASMCAP_ASSIGN(std::string s, quoted('\''));
      uint32_t cp = 0;
      const auto b = static_cast<unsigned char>(s.empty() ? 0 : s[0]);
      if (b < 0x80)
        cp = b;
      else if (b < 0xe0 && s.size() >= 2)
        cp = ((b & 0x1fu) << 6) | (s[1] & 0x3f);
      else if (b < 0xf0 && s.size() >= 3)
        cp = ((b & 0x0fu) << 12) | ((s[1] & 0x3f) << 6) | (s[2] & 0x3f);
      else if (s.size() >= 4)
        cp = ((b & 0x07u) << 18) | ((s[1] & 0x3f) << 12) | ((s[2] & 0x3f) << 6) | (s[3] & 0x3f);
      return Val::make(Val::Kind::Char, cp);
    }
    case PrimType::F32:
    case PrimType::F64: return float_val(word(), t.prim);
    case PrimType::ErrorContext: return bad("error-context values have no text form");
    default: return int_val(word(), t.prim);
    }
  case Type::Kind::List:
  case Type::Kind::FixedList: {
    WASMCAP_TRY(expect('['));
    Val v = Val::make(Val::Kind::List);
    if (!eat(']')) {
      do {
        WASMCAP_ASSIGN(Val e, value(*t.types[0]));
        v.items.push_back(std::move(e));
      } while (eat(','));
      WASMCAP_TRY(expect(']'));
    }
    return v;
  }
  case Type::Kind::Tuple: {
    WASMCAP_TRY(expect('('));
    Val v = Val::make(Val::Kind::Tuple);
    for (size_t i = 0; i < t.types.size(); ++i) {
      if (i) WASMCAP_TRY(expect(','));
      WASMCAP_ASSIGN(Val e, value(*t.types[i]));
      v.items.push_back(std::move(e));
    }
    eat(',');
    WASMCAP_TRY(expect(')'));
    return v;
  }
  case Type::Kind::Record: {
    WASMCAP_TRY(expect('{'));
    Val v = Val::make(Val::Kind::Record);
    v.items.resize(t.fields.size());
    std::vector<bool> seen(t.fields.size(), false);
    if (!eat('}')) {
      do {
        if (eat('}')) break;
        const std::string label = word();
        int i = -1;
        for (size_t k = 0; k < t.fields.size(); ++k) {
          if (t.fields[k].first == label) i = static_cast<int>(k);
        }
        if (i < 0) return bad("unknown field `" + label + "`");
        WASMCAP_TRY(expect(':'));
        WASMCAP_ASSIGN(v.items[i], value(*t.fields[i].second));
        seen[i] = true;
      } while (eat(','));
      if (!at_end()) WASMCAP_TRY(expect('}'));
    }
    for (size_t k = 0; k < seen.size(); ++k) {
      if (seen[k]) continue;
      if (t.fields[k].second->kind != Type::Kind::Option)
        return bad("missing field `" + t.fields[k].first + "`");
      v.items[k] = Val::make(Val::Kind::Option, 0); // an omitted option field is none
    }
    return v;
  }
  case Type::Kind::Map: {
    // WAVE writes a map like a record whose labels are key values: {"a": 1, "b": 2}; the
    // empty map is {} (or {:}, WAVE's spelling that no record or flags value shares).
    WASMCAP_TRY(expect('{'));
    Val v = Val::make(Val::Kind::Map);
    const Type& entry = *t.types[0];
    if (eat(':')) {
      WASMCAP_TRY(expect('}'));
      return v;
    }
    while (!eat('}')) {
      Val e = Val::make(Val::Kind::Tuple);
      WASMCAP_ASSIGN(Val key, value(*entry.types[0]));
      WASMCAP_TRY(expect(':'));
      WASMCAP_ASSIGN(Val val, value(*entry.types[1]));
      e.items.push_back(std::move(key));
      e.items.push_back(std::move(val));
      v.items.push_back(std::move(e));
      if (!eat(',')) {
        WASMCAP_TRY(expect('}'));
        break;
      }
    }
    return v;
  }
  case Type::Kind::Flags: {
    WASMCAP_TRY(expect('{'));
    uint64_t bits = 0;
    if (!eat('}')) {
      do {
        const std::string label = word();
        const int i = label_index(t, label);
        if (i < 0) return bad("unknown flag `" + label + "`");
        bits |= uint64_t{1} << i;
      } while (eat(','));
      WASMCAP_TRY(expect('}'));
    }
    return Val::make(Val::Kind::Flags, bits);
  }
  case Type::Kind::Enum:
  case Type::Kind::Variant: {
    const std::string label = word();
    const int i = label_index(t, label);
    if (i < 0) return bad("unknown case `" + label + "`");
    Val v = Val::make(t.kind == Type::Kind::Enum ? Val::Kind::Enum : Val::Kind::Variant,
                      static_cast<uint64_t>(i));
    if (t.kind == Type::Kind::Variant && t.fields[i].second) {
      WASMCAP_TRY(expect('('));
      WASMCAP_ASSIGN(Val p, value(*t.fields[i].second));
      v.items.push_back(std::move(p));
      WASMCAP_TRY(expect(')'));
    }
    return v;
  }
  case Type::Kind::Option: {
    const size_t save = i_;
    const std::string w = word();
    if (w == "none") return Val::make(Val::Kind::Option, 0);
    if (w == "some") {
      WASMCAP_TRY(expect('('));
      WASMCAP_ASSIGN(Val p, value(*t.types[0]));
      WASMCAP_TRY(expect(')'));
      return Val::with_payload(Val::Kind::Option, 1, {std::move(p)});
    }
    i_ = save; // WAVE lets a present option be written as its value
    WASMCAP_ASSIGN(Val p, value(*t.types[0]));
    return Val::with_payload(Val::Kind::Option, 1, {std::move(p)});
  }
  case Type::Kind::Result: {
    const std::string w = word();
    if (w != "ok" && w != "err") return bad("expected ok or err, found `" + w + "`");
    const bool is_ok = w == "ok";
    Val v = Val::make(Val::Kind::Result, is_ok ? 0 : 1);
    const TypePtr& pt = is_ok ? t.ok : t.err;
    if (pt) {
      WASMCAP_TRY(expect('('));
      WASMCAP_ASSIGN(Val p, value(*pt));
      v.items.push_back(std::move(p));
      WASMCAP_TRY(expect(')'));
    }
    return v;
  }
  default: break;
  }
  return bad("values of this type (handles, streams) have no text form");
}

std::string quote(const std::string& s, char q) {
  std::string out(1, q);
  for (const char c : s) {
    if (c == q || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[16];
      std::snprintf(buf, sizeof buf, "\\u{%x}", c);
      out += buf;
    } else {
      out += c;
    }
  }
  return out + q;
}

std::string print_float(double d) {
  if (std::isnan(d)) return "nan";
  if (std::isinf(d)) return d > 0 ? "inf" : "-inf";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", d);
  // The shortest text that reads back the same.
  for (int prec = 1; prec <= 17; ++prec) {
    char b[64];
    std::snprintf(b, sizeof b, "%.*g", prec, d);
    if (std::strtod(b, nullptr) == d) return b;
  }
  return buf;
}

} // namespace

Result<Val> wave_parse(std::string_view text, const Type& t) {
  Reader r(text);
  WASMCAP_ASSIGN(Val v, r.value(t));
  if (!r.at_end()) return bad("unexpected text after the value: `" + std::string(text) + "`");
  return v;
}

Result<std::pair<std::string, std::vector<std::string>>> wave_split_call(std::string_view call) {
  const size_t open = call.find('(');
  if (open == std::string_view::npos)
    return std::pair(std::string(call), std::vector<std::string>{});
  if (call.back() != ')')
    return bad("expected `name(arg, ...)`, found `" + std::string(call) + "`");
  std::string name(call.substr(0, open));
  while (!name.empty() && name.back() == ' ')
    name.pop_back();
  const std::string_view inner = call.substr(open + 1, call.size() - open - 2);
  std::vector<std::string> args;
  int depth = 0;
  char in_quote = 0;
  std::string cur;
  for (size_t i = 0; i < inner.size(); ++i) {
    const char c = inner[i];
    if (in_quote) {
      cur += c;
      if (c == '\\' && i + 1 < inner.size()) {
        cur += inner[++i];
      } else if (c == in_quote) {
        in_quote = 0;
      }
      continue;
    }
    if (c == '"' || c == '\'') in_quote = c;
    if (c == '(' || c == '[' || c == '{') ++depth;
    if (c == ')' || c == ']' || c == '}') --depth;
    if (c == ',' && depth == 0) {
      args.push_back(cur);
      cur.clear();
      continue;
    }
    cur += c;
  }
  if (cur.find_first_not_of(" \t") != std::string::npos || !args.empty()) args.push_back(cur);
  return std::pair(std::move(name), std::move(args));
}

std::string wave_print(const Val& v, const Type& t) {
  switch (t.kind) {
  case Type::Kind::Prim:
    switch (t.prim) {
    case PrimType::Bool: return v.bits ? "true" : "false";
    case PrimType::S8:
    case PrimType::S16:
    case PrimType::S32:
    case PrimType::S64: return std::to_string(static_cast<int64_t>(v.bits));
    case PrimType::F32: {
      float f;
      const auto b = static_cast<uint32_t>(v.bits);
      std::memcpy(&f, &b, 4);
      return print_float(f);
    }
    case PrimType::F64: {
      double d;
      std::memcpy(&d, &v.bits, 8);
      return print_float(d);
    }
    case PrimType::Char: {
      std::string s;
      append_utf8(s, static_cast<uint32_t>(v.bits));
      return quote(s, '\'');
    }
    case PrimType::String: return quote(v.str, '"');
    default: return std::to_string(v.bits);
    }
  case Type::Kind::List:
  case Type::Kind::FixedList: {
    std::string s = "[";
    const size_t n = v.list_size();
    for (size_t i = 0; i < n; ++i) {
      const Val e =
          v.packed_bytes ? Val::make(Val::Kind::U8, static_cast<uint8_t>(v.str[i])) : v.items[i];
      s += (i ? ", " : "") + wave_print(e, *t.types[0]);
    }
    return s + "]";
  }
  case Type::Kind::Map: {
    const Type& entry = *t.types[0];
    std::string s = "{";
    for (size_t i = 0; i < v.items.size(); ++i) {
      const Val& e = v.items[i];
      if (e.items.size() != 2) return "?";
      s += (i ? ", " : "") + wave_print(e.items[0], *entry.types[0]) + ": " +
           wave_print(e.items[1], *entry.types[1]);
    }
    return s + "}";
  }
  case Type::Kind::Tuple: {
    std::string s = "(";
    for (size_t i = 0; i < t.types.size() && i < v.items.size(); ++i)
      s += (i ? ", " : "") + wave_print(v.items[i], *t.types[i]);
    return s + ")";
  }
  case Type::Kind::Record: {
    std::string s = "{";
    for (size_t i = 0; i < t.fields.size() && i < v.items.size(); ++i) {
      s += (i ? ", " : "") + t.fields[i].first + ": " + wave_print(v.items[i], *t.fields[i].second);
    }
    return s + "}";
  }
  case Type::Kind::Flags: {
    std::string s = "{";
    bool first = true;
    for (size_t i = 0; i < t.labels.size(); ++i) {
      if (!(v.bits >> i & 1)) continue;
      s += (first ? "" : ", ") + t.labels[i];
      first = false;
    }
    return s + "}";
  }
  case Type::Kind::Enum: return v.bits < t.labels.size() ? t.labels[v.bits] : "?";
  case Type::Kind::Variant: {
    if (v.bits >= t.fields.size()) return "?";
    std::string s = t.fields[v.bits].first;
    if (t.fields[v.bits].second && !v.items.empty())
      s += "(" + wave_print(v.items[0], *t.fields[v.bits].second) + ")";
    return s;
  }
  case Type::Kind::Option:
    if (v.bits == 0 || v.items.empty()) return "none";
    return "some(" + wave_print(v.items[0], *t.types[0]) + ")";
  case Type::Kind::Result: {
    const bool is_ok = v.bits == 0;
    std::string s = is_ok ? "ok" : "err";
    const TypePtr& pt = is_ok ? t.ok : t.err;
    if (pt && !v.items.empty()) s += "(" + wave_print(v.items[0], *pt) + ")";
    return s;
  }
  case Type::Kind::Own:
  case Type::Kind::Borrow: return "<handle " + std::to_string(v.bits) + ">";
  default: return "?";
  }
}

} // namespace wasmcap::component

// A minimal JSON reader for the spec test driver (wast2json output only: objects, arrays,
// strings, numbers, literals). Test-only; returns nullopt on malformed input.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wasmcap::testing {

struct Json {
  enum class Kind { Null, Bool, Number, String, Array, Object } kind = Kind::Null;
  std::string str; // String, or the number's text
  bool boolean = false;
  std::vector<Json> items;
  std::map<std::string, Json> fields;

  const Json* get(const std::string& key) const {
    auto it = fields.find(key);
    return it == fields.end() ? nullptr : &it->second;
  }
  std::string get_str(const std::string& key) const {
    const Json* j = get(key);
    return j != nullptr ? j->str : std::string();
  }
};

class JsonParser {
public:
  explicit JsonParser(std::string_view text) : s_(text) {}
  std::optional<Json> parse() {
    Json j;
    if (!value(j)) return std::nullopt;
    return j;
  }

private:
  void ws() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\n' || s_[i_] == '\r' || s_[i_] == '\t'))
      ++i_;
  }
  bool lit(std::string_view w) {
    if (s_.substr(i_, w.size()) != w) return false;
    i_ += w.size();
    return true;
  }
  bool string(std::string& out) {
    if (i_ >= s_.size() || s_[i_] != '"') return false;
    ++i_;
    while (i_ < s_.size() && s_[i_] != '"') {
      char c = s_[i_++];
      if (c != '\\') {
        out.push_back(c);
        continue;
      }
      if (i_ >= s_.size()) return false;
      char e = s_[i_++];
      switch (e) {
      case 'n': out.push_back('\n'); break;
      case 't': out.push_back('\t'); break;
      case 'r': out.push_back('\r'); break;
      case 'b': out.push_back('\b'); break;
      case 'f': out.push_back('\f'); break;
      case 'u': {
        if (i_ + 4 > s_.size()) return false;
        unsigned cp = static_cast<unsigned>(std::stoul(std::string(s_.substr(i_, 4)), nullptr, 16));
        i_ += 4;
        if (cp >= 0xD800 && cp < 0xDC00 && s_.substr(i_, 2) == "\\u") {
          unsigned lo =
              static_cast<unsigned>(std::stoul(std::string(s_.substr(i_ + 2, 4)), nullptr, 16));
          i_ += 6;
          cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        }
        encode_utf8(cp, out);
        break;
      }
      default: out.push_back(e); break;
      }
    }
    if (i_ >= s_.size()) return false;
    ++i_;
    return true;
  }
  static void encode_utf8(unsigned cp, std::string& out) {
    if (cp < 0x80) {
      out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }
  bool value(Json& j) {
    ws();
    if (i_ >= s_.size()) return false;
    char c = s_[i_];
    if (c == '{') {
      j.kind = Json::Kind::Object;
      ++i_;
      ws();
      if (i_ < s_.size() && s_[i_] == '}') return ++i_, true;
      for (;;) {
        ws();
        std::string key;
        if (!string(key)) return false;
        ws();
        if (!lit(":")) return false;
        Json v;
        if (!value(v)) return false;
        j.fields.emplace(std::move(key), std::move(v));
        ws();
        if (lit(",")) continue;
        return lit("}");
      }
    }
    if (c == '[') {
      j.kind = Json::Kind::Array;
      ++i_;
      ws();
      if (i_ < s_.size() && s_[i_] == ']') return ++i_, true;
      for (;;) {
        Json v;
        if (!value(v)) return false;
        j.items.push_back(std::move(v));
        ws();
        if (lit(",")) continue;
        return lit("]");
      }
    }
    if (c == '"') {
      j.kind = Json::Kind::String;
      return string(j.str);
    }
    if (lit("true")) return j.kind = Json::Kind::Bool, j.boolean = true, true;
    if (lit("false")) return j.kind = Json::Kind::Bool, true;
    if (lit("null")) return true;
    j.kind = Json::Kind::Number;
    while (i_ < s_.size() && (std::isdigit(static_cast<unsigned char>(s_[i_])) || s_[i_] == '-' ||
                              s_[i_] == '+' || s_[i_] == '.' || s_[i_] == 'e' || s_[i_] == 'E')) {
      j.str.push_back(s_[i_++]);
    }
    return !j.str.empty();
  }

  std::string_view s_;
  size_t i_ = 0;
};

} // namespace wasmcap::testing

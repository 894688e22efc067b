// parse_wat(): a whole WAT source (one `(module ...)`, bare module fields, or one
// `(component ...)`) to binary bytes.
#include "text/wat_parser.h"

#include "text/component_encoder.h"
#include "text/module_parser.h"
#include "text/sexpr.h"

namespace wasmcap::text {

support::Result<std::vector<uint8_t>> parse_wat(std::string_view source) {
  WASMCAP_ASSIGN(std::vector<Sexpr> top, parse_sexprs(source));
  if (top.size() == 1 && top[0].is_list_of("module")) {
    const auto& items = top[0].items;
    size_t pos = 1;
    if (pos < items.size() && items[pos].is_atom(TokenKind::Id)) ++pos;
    if (pos < items.size() && items[pos].is_keyword("binary")) {
      WASMCAP_ASSIGN(std::string bytes, concat_strings(items, pos + 1));
      return std::vector<uint8_t>(bytes.begin(), bytes.end());
    }
    return encode_module_fields(items, pos);
  }
  if (top.size() == 1 && top[0].is_list_of("component")) {
    const auto& items = top[0].items;
    size_t pos = 1;
    const Token* id = nullptr;
    if (pos < items.size() && items[pos].is_atom(TokenKind::Id)) id = &items[pos++].token;
    if (pos < items.size() && items[pos].is_keyword("binary")) {
      WASMCAP_ASSIGN(std::string bytes, concat_strings(items, pos + 1));
      return std::vector<uint8_t>(bytes.begin(), bytes.end());
    }
    return encode_component(top[0], pos, id);
  }
  return encode_module_fields(top, 0);
}

} // namespace wasmcap::text

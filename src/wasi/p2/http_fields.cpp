// wasi:http/types `fields` (headers and trailers): names checked as HTTP tokens and lower-cased,
// values checked for bytes HTTP forbids, hop-by-hop fields refused (the server owns the
// connection and the framing), immutable views for the headers of requests and responses.
#include <algorithm>
#include <cctype>
#include <charconv>

#include "wasi/p2/http.h"
#include "wasi/p2/http_objects.h"
#include "wasi/p2/registry.h"
#include "wasi/p2/values.h"

namespace wasmcap::wasi::p2 {

namespace {

constexpr std::string_view kHeaderError = "wasi:http/types.header-error";

bool token_char(unsigned char c) {
  if (std::isalnum(c)) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
}

// The fields a handler may not set: they describe the connection, not the message.
bool forbidden(std::string_view lower) {
  for (std::string_view f : {"connection", "keep-alive", "proxy-connection", "transfer-encoding",
                             "upgrade", "http2-settings", "te"}) {
    if (lower == f) return true;
  }
  return false;
}

Val header_error(std::string_view which) {
  return err_val(variant_val(kHeaderError, which));
}

support::Result<Fields*> fields_of(P2Ctx& cx, const Val& h) {
  return handle_object<Fields>(cx, h, resources::kFields);
}

Ret make(P2Ctx& cx, std::shared_ptr<FieldList> list, bool immutable) {
  return std::optional<Val>(
      own_val(resources::kFields, add_fields(cx, std::move(list), immutable)));
}

Ret constructor(P2Ctx& cx, std::span<const Val>) {
  return make(cx, std::make_shared<FieldList>(), false);
}

Ret from_list(P2Ctx& cx, std::span<const Val> a) {
  auto list = std::make_shared<FieldList>();
  for (const Val& t : a[0].items) {
    std::string name = t.items[0].str, value = val_bytes(t.items[1]);
    if (!valid_field_name(name) || !valid_field_value(value)) {
      return std::optional<Val>(header_error("invalid-syntax"));
    }
    name = lower_case(name);
    if (forbidden(name)) return std::optional<Val>(header_error("forbidden"));
    list->entries.emplace_back(std::move(name), std::move(value));
  }
  const uint32_t rep = add_fields(cx, std::move(list), false);
  return std::optional<Val>(ok_val(own_val(resources::kFields, rep)));
}

Ret get(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(Fields * f, fields_of(cx, a[0]));
  const std::string name = lower_case(a[1].str);
  std::vector<Val> out;
  for (const auto& [n, v] : f->list->entries) {
    if (n == name) out.push_back(Val::bytes(v));
  }
  return std::optional<Val>(list_val(std::move(out)));
}

Ret has(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(Fields * f, fields_of(cx, a[0]));
  const std::string name = lower_case(a[1].str);
  const bool found = std::any_of(f->list->entries.begin(), f->list->entries.end(),
                                 [&](const auto& e) { return e.first == name; });
  return std::optional<Val>(bool_val(found));
}

// The checks set, delete and append share; nullopt when the change may go ahead.
support::Result<std::optional<Val>> refuse_change(Fields& f, std::string_view name) {
  if (f.immutable) return std::optional<Val>(header_error("immutable"));
  if (!valid_field_name(name)) return std::optional<Val>(header_error("invalid-syntax"));
  if (forbidden(lower_case(name))) return std::optional<Val>(header_error("forbidden"));
  return std::optional<Val>();
}

void erase(FieldList& list, std::string_view name) {
  std::erase_if(list.entries, [&](const auto& e) { return e.first == name; });
}

Ret set(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(Fields * f, fields_of(cx, a[0]));
  WASMCAP_ASSIGN(std::optional<Val> refused, refuse_change(*f, a[1].str));
  if (refused) return refused;
  for (const Val& v : a[2].items) {
    if (!valid_field_value(val_bytes(v))) return std::optional<Val>(header_error("invalid-syntax"));
  }
  const std::string name = lower_case(a[1].str);
  erase(*f->list, name);
  for (const Val& v : a[2].items)
    f->list->entries.emplace_back(name, val_bytes(v));
  return std::optional<Val>(ok_val());
}

Ret remove(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(Fields * f, fields_of(cx, a[0]));
  WASMCAP_ASSIGN(std::optional<Val> refused, refuse_change(*f, a[1].str));
  if (refused) return refused;
  erase(*f->list, lower_case(a[1].str));
  return std::optional<Val>(ok_val());
}

Ret append(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(Fields * f, fields_of(cx, a[0]));
  WASMCAP_ASSIGN(std::optional<Val> refused, refuse_change(*f, a[1].str));
  if (refused) return refused;
  std::string value = val_bytes(a[2]);
  if (!valid_field_value(value)) return std::optional<Val>(header_error("invalid-syntax"));
  f->list->entries.emplace_back(lower_case(a[1].str), std::move(value));
  return std::optional<Val>(ok_val());
}

Ret entries(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(Fields * f, fields_of(cx, a[0]));
  std::vector<Val> out;
  out.reserve(f->list->entries.size());
  for (const auto& [n, v] : f->list->entries) {
    out.push_back(tuple_val({Val::string(n), Val::bytes(v)}));
  }
  return std::optional<Val>(list_val(std::move(out)));
}

Ret clone(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(Fields * f, fields_of(cx, a[0]));
  return make(cx, std::make_shared<FieldList>(*f->list), false);
}

const HostFunction kFieldsFunctions[] = {
    {"wasi:http/types", "[constructor]fields", constructor},
    {"wasi:http/types", "[static]fields.from-list", from_list},
    {"wasi:http/types", "[method]fields.get", get},
    {"wasi:http/types", "[method]fields.has", has},
    {"wasi:http/types", "[method]fields.set", set},
    {"wasi:http/types", "[method]fields.delete", remove},
    {"wasi:http/types", "[method]fields.append", append},
    {"wasi:http/types", "[method]fields.entries", entries},
    {"wasi:http/types", "[method]fields.clone", clone},
};

} // namespace

bool valid_field_name(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return token_char(static_cast<unsigned char>(c));
  });
}

bool valid_field_value(std::string_view value) {
  return std::none_of(value.begin(), value.end(),
                      [](char c) { return c == '\r' || c == '\n' || c == '\0'; });
}

std::string lower_case(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::optional<uint64_t> declared_length(const FieldList& fields) {
  for (const auto& [name, value] : fields.entries) {
    if (name != "content-length") continue;
    uint64_t n = 0;
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
    if (ec == std::errc() && end == value.data() + value.size()) return n;
  }
  return std::nullopt;
}

uint32_t add_fields(P2Ctx& cx, std::shared_ptr<FieldList> list, bool immutable) {
  auto f = std::make_unique<Fields>();
  f->list = std::move(list);
  f->immutable = immutable;
  return cx.add(std::move(f));
}

support::Result<std::shared_ptr<FieldList>> take_fields(P2Ctx& cx, const Val& own) {
  WASMCAP_ASSIGN(const uint32_t rep, handle_rep(own, resources::kFields));
  WASMCAP_ASSIGN(std::unique_ptr<Fields> f, cx.take_as<Fields>(rep, resources::kFields));
  return f->list;
}

std::span<const HostFunction> http_fields_functions() {
  return kFieldsFunctions;
}

} // namespace wasmcap::wasi::p2

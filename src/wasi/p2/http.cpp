// wasi:http in the WASI 0.2 host: the small conversions the http*.cpp files share (methods,
// error codes).
#include "wasi/p2/http.h"

#include "wasi/p2/values.h"

namespace wasmcap::wasi::p2 {

namespace {
constexpr std::string_view kMethod = "wasi:http/types.method";
// The method variant's named cases, as HTTP spells them (the WIT's case is the lower-cased name).
constexpr std::string_view kMethods[] = {"GET",     "HEAD",    "POST",  "PUT",  "DELETE",
                                         "CONNECT", "OPTIONS", "TRACE", "PATCH"};
} // namespace

Val method_val(std::string_view method) {
  for (std::string_view m : kMethods) {
    if (m == method) return variant_val(kMethod, lower_case(m));
  }
  return variant_val(kMethod, "other", Val::string(std::string(method)));
}

std::string method_name(const Val& method) {
  if (method.has_payload()) return method.payload().str;
  const std::string name = case_name(kMethod, static_cast<uint32_t>(method.bits));
  std::string upper = name;
  for (char& c : upper)
    c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
  return upper;
}

Val internal_error(std::string_view message) {
  return variant_val(kHttpErrorCode, "internal-error", some_val(Val::string(std::string(message))));
}

} // namespace wasmcap::wasi::p2

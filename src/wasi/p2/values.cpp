// Value helpers for host functions (values.h): case indices by WIT name from the generated table.
#include "wasi/p2/values.h"

#include <map>
#include <mutex>
#include <string>

#include "wit/wasi_table.h"

namespace wasmcap::wasi::p2 {

Val bytes_val(std::span<const uint8_t> bytes) {
  return Val::bytes(std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

std::string val_bytes(const Val& v) {
  if (v.packed_bytes) return v.str;
  std::string out;
  out.reserve(v.items.size());
  for (const Val& b : v.items)
    out.push_back(static_cast<char>(b.bits));
  return out;
}

uint32_t case_index(std::string_view type, std::string_view case_name) {
  static std::mutex mu;
  static std::map<std::string, uint32_t, std::less<>> cache;
  std::string key = std::string(type) + "#" + std::string(case_name);
  std::lock_guard lock(mu);
  if (auto it = cache.find(key); it != cache.end()) return it->second;
  // "wasi:filesystem/types.error-code" -> "wasi:filesystem/types@<version>.error-code", with the
  // version of the vendored WIT (every 0.2.x orders its cases the same way: WIT's semver rules
  // only ever append).
  const size_t dot = type.rfind('.');
  const std::string iface(type.substr(0, dot));
  const auto* i = wit::table::find_interface(iface + "@0.2.12");
  const std::string qualified =
      iface + "@" + (i ? i->version : "0.2.12") + std::string(type.substr(dot));
  uint32_t index = ~0u;
  if (const wit::table::TypeDef* t = wit::table::find_type(qualified)) {
    const auto fields = t->fields();
    for (uint32_t k = 0; k < fields.size(); ++k) {
      if (case_name == fields[k].name) index = k;
    }
  }
  cache.emplace(std::move(key), index);
  return index;
}

std::string case_name(std::string_view type, uint32_t index) {
  const size_t dot = type.rfind('.');
  const std::string iface(type.substr(0, dot));
  const auto* i = wit::table::find_interface(iface + "@0.2.12");
  const std::string qualified =
      iface + "@" + (i ? i->version : "0.2.12") + std::string(type.substr(dot));
  if (const wit::table::TypeDef* t = wit::table::find_type(qualified)) {
    const auto fields = t->fields();
    if (index < fields.size()) return std::string(fields[index].name);
  }
  return "case " + std::to_string(index);
}

support::Result<uint32_t> handle_rep(const Val& v, const HostResourceType& t) {
  if ((v.kind != Val::Kind::Own && v.kind != Val::Kind::Borrow) ||
      (v.resource && v.resource != &t)) {
    return make_error(ErrorKind::Trap, "expected a handle to a " + std::string(t.name));
  }
  return static_cast<uint32_t>(v.bits);
}

} // namespace wasmcap::wasi::p2

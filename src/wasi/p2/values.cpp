// Value helpers for host functions (values.h): case indices by WIT name from the generated
// table, through an index built once.
#include "wasi/p2/values.h"

#include <map>
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

namespace {

// Every enum, variant and flags type of the vendored WIT by its unversioned name
// ("wasi:filesystem/types.error-code"), built once on first use. Host functions look case
// indices up on every call (an error code, a flag), so the lookup must not lock or allocate:
// the map is immutable after its (thread-safe) static initialisation and searched with
// string_view keys.
using TypeIndex = std::map<std::string, const wit::table::TypeDef*, std::less<>>;

const TypeIndex& type_index() {
  static const TypeIndex index = [] {
    TypeIndex out;
    for (const wit::table::TypeDef& t : wit::table::types()) {
      // "wasi:filesystem/types@0.2.12.error-code": the interface up to '@', the type's own name
      // after the last '.' (WIT names have no dots; versions do).
      const std::string_view name = t.name;
      const size_t at = name.find('@'), dot = name.rfind('.');
      if (at == std::string_view::npos || dot == std::string_view::npos || dot < at) continue;
      std::string key = std::string(name.substr(0, at)) + std::string(name.substr(dot));
      // Should the table hold several 0.2.x, the vendored 0.2.12 orders the cases (WIT's semver
      // rules only ever append, so any 0.2.x agrees on the cases it has).
      const bool vendored = name.substr(at + 1, dot - at - 1) == "0.2.12";
      auto [it, fresh] = out.emplace(std::move(key), &t);
      if (!fresh && vendored) it->second = &t;
    }
    return out;
  }();
  return index;
}

const wit::table::TypeDef* find_unversioned(std::string_view type) {
  const TypeIndex& index = type_index();
  auto it = index.find(type);
  return it == index.end() ? nullptr : it->second;
}

} // namespace

uint32_t case_index(std::string_view type, std::string_view case_name) {
  if (const wit::table::TypeDef* t = find_unversioned(type)) {
    const auto fields = t->fields();
    for (uint32_t k = 0; k < fields.size(); ++k) {
      if (case_name == fields[k].name) return k;
    }
  }
  return ~0u;
}

std::string case_name(std::string_view type, uint32_t index) {
  if (const wit::table::TypeDef* t = find_unversioned(type)) {
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

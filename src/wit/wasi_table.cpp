// Lookups over the generated WASI table (the data is wasi_table_data.cpp, written by
// tools/witgen into the build directory; see wasi_table.h).
#include "wit/wasi_table.h"

#include <algorithm>

namespace wasmcap::wit::table {
namespace detail {
extern const Function kFunctions[];
extern const uint32_t kFunctionCount;
extern const TypeDef kTypes[];
extern const uint32_t kTypeCount;
extern const Interface kInterfaces[];
extern const uint32_t kInterfaceCount;
extern const World kWorlds[];
extern const uint32_t kWorldCount;
} // namespace detail

std::span<const Function> functions() {
  return {detail::kFunctions, detail::kFunctionCount};
}
std::span<const TypeDef> types() {
  return {detail::kTypes, detail::kTypeCount};
}
std::span<const Interface> interfaces() {
  return {detail::kInterfaces, detail::kInterfaceCount};
}
std::span<const World> worlds() {
  return {detail::kWorlds, detail::kWorldCount};
}

const Function* find_function(std::string_view interface, std::string_view name) {
  auto all = functions();
  auto key = [](const Function& f) {
    return std::pair<std::string_view, std::string_view>(f.interface, f.name);
  };
  auto it = std::lower_bound(all.begin(), all.end(), std::pair(interface, name),
                             [&](const Function& f, const auto& k) { return key(f) < k; });
  return it != all.end() && key(*it) == std::pair(interface, name) ? &*it : nullptr;
}

const TypeDef* find_type(std::string_view qualified_name) {
  auto all = types();
  auto it = std::lower_bound(all.begin(), all.end(), qualified_name,
                             [](const TypeDef& t, std::string_view k) { return t.name < k; });
  return it != all.end() && it->name == qualified_name ? &*it : nullptr;
}

const Interface* find_interface(std::string_view name) {
  for (const Interface& i : interfaces())
    if (i.name == name) return &i;
  return nullptr;
}

const World* find_world(std::string_view name) {
  for (const World& w : worlds())
    if (w.name == name) return &w;
  return nullptr;
}

} // namespace wasmcap::wit::table

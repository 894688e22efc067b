// `wasmcap inspect` of a component: its world (imports and exports in WIT), its core modules,
// and the capability summary ("this component can: ..."), as text or JSON.
#include <cstdio>

#include "subcommands.h"

namespace wasmcap::cli {

namespace {

std::string json_str(std::string_view s) {
  std::string out = "\"";
  for (const char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string summary(CapabilitySet groups) {
  std::string out;
  for (size_t i = 0; i < kCapabilityGroupCount; ++i) {
    const auto g = static_cast<CapabilityGroup>(i);
    if (groups.has(g))
      out += (out.empty() ? "" : ", ") + std::string(capability_group_description(g));
  }
  return out;
}

std::string items_json(const std::vector<Component::Item>& items) {
  std::string j = "[";
  for (size_t i = 0; i < items.size(); ++i) {
    const Component::Item& it = items[i];
    j += std::string(i ? "," : "") + "{\"name\":" + json_str(it.name) +
         ",\"kind\":" + json_str(it.kind);
    if (!it.wit.empty()) j += ",\"type\":" + json_str(it.wit);
    if (!it.functions.empty()) {
      j += ",\"functions\":[";
      for (size_t k = 0; k < it.functions.size(); ++k) {
        const Component::Function& f = it.functions[k];
        j += std::string(k ? "," : "") + "{\"name\":" + json_str(f.name) +
             ",\"type\":" + json_str(f.wit);
        if (f.group) j += ",\"group\":" + json_str(capability_group_name(*f.group));
        j += "}";
      }
      j += "]";
    }
    j += "}";
  }
  return j + "]";
}

} // namespace

int inspect_component(const Engine& engine, const std::string& file, std::span<const uint8_t> bytes,
                      bool json) {
  auto c = load_component(engine, bytes);
  if (!c) return report_error(file, c.error(), "component");
  const CapabilitySet groups = c->capability_groups();
  if (json) {
    std::string j = "{\"file\":" + json_str(file) + ",\"kind\":\"component\"";
    j += ",\"imports\":" + items_json(c->imports()) + ",\"exports\":" + items_json(c->exports());
    j += ",\"core_modules\":" + std::to_string(c->core_module_count()) +
         ",\"core_module_bytes\":" + std::to_string(c->core_module_bytes()) +
         ",\"nested_components\":" + std::to_string(c->nested_component_count());
    j += ",\"capabilities\":{\"groups\":[";
    bool first = true;
    for (size_t i = 0; i < kCapabilityGroupCount; ++i) {
      const auto g = static_cast<CapabilityGroup>(i);
      if (!groups.has(g)) continue;
      j += std::string(first ? "" : ",") + json_str(capability_group_name(g));
      first = false;
    }
    j += "],\"summary\":" +
         json_str(groups.empty() ? "none" : "this component can: " + summary(groups));
    j += "},\"world\":" + json_str(c->world_wit()) + "}";
    std::printf("%s\n", j.c_str());
    return kExitOk;
  }
  std::printf("component %s\n", file.c_str());
  if (groups.empty()) {
    std::printf("capabilities: none (this component can only compute)\n");
  } else {
    std::printf("capabilities: this component can: %s\n", summary(groups).c_str());
  }
  std::printf("core modules: %zu (%llu bytes), nested components: %zu\n", c->core_module_count(),
              static_cast<unsigned long long>(c->core_module_bytes()), c->nested_component_count());
  std::printf("%s", c->world_wit().c_str());
  return kExitOk;
}

} // namespace wasmcap::cli

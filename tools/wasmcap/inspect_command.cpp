// `wasmcap inspect [--json] FILE`: what a module is and what it wants before running it -- its
// imports and exports with types, memories, tables, globals, start function, custom sections,
// producers, and its WASI imports grouped into capabilities ("this module can: read files").
#include <cinttypes>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "subcommands.h"
#include "wasmcap/capabilities.h"
#include "wasmcap/producers.h"
#include "wasmcap/wasmcap.hpp"

namespace wasmcap::cli {

namespace {

std::string json_string(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += ch;
    } else if (c < 0x20 || c == 0x7f) {
      out += "\\u00";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += ch; // names are valid UTF-8 (the decoder checks), so they pass through
    }
  }
  return out + "\"";
}

std::string limits_text(const Limits& l) {
  return "min " + std::to_string(l.min) + (l.max ? ", max " + std::to_string(*l.max) : "");
}

const char* kind_name(ExternKind k) {
  switch (k) {
  case ExternKind::Func: return "func";
  case ExternKind::Table: return "table";
  case ExternKind::Memory: return "memory";
  case ExternKind::Global: return "global";
  case ExternKind::Tag: return "tag";
  }
  return "?";
}

struct Inspection {
  std::string file;
  const Module* module = nullptr;
  CapabilitySummary caps;
  std::vector<CustomSection> customs;
  std::vector<ProducerField> producers;
  std::string producers_error;
};

// The groups in order, as "read files, write files, read the clock".
std::string can_text(CapabilitySet groups) {
  std::string out;
  for (size_t i = 0; i < kCapabilityGroupCount; ++i) {
    const auto g = static_cast<CapabilityGroup>(i);
    if (groups.has(g))
      out += (out.empty() ? "" : ", ") + std::string(capability_group_description(g));
  }
  return out;
}

void print_text(const Inspection& in) {
  const Module& m = *in.module;
  std::printf("module %s", in.file.c_str());
  if (!m.name().empty()) std::printf(" ($%s)", std::string(m.name()).c_str());
  std::printf("\n");
  if (in.caps.groups.empty()) {
    std::printf("capabilities: none (this module can only compute%s)\n",
                in.caps.other.empty() ? "" : " and call the imports its embedder provides");
  } else {
    std::printf("capabilities: this module can: %s\n", can_text(in.caps.groups).c_str());
  }
  for (size_t i = 0; i < kCapabilityGroupCount; ++i) {
    const auto g = static_cast<CapabilityGroup>(i);
    std::string fns;
    for (const WasiImportUse& u : in.caps.wasi) {
      if (u.group == g) fns += (fns.empty() ? "" : ", ") + u.name;
    }
    if (!fns.empty()) {
      std::printf("  %-8s %s\n", std::string(capability_group_name(g)).c_str(), fns.c_str());
    }
  }
  const auto imports = m.imports();
  std::printf("imports (%zu):\n", imports.size());
  for (const ImportType& i : imports) {
    std::printf("  %s.%s: %s\n", i.module.c_str(), i.name.c_str(),
                extern_type_to_string(i.type).c_str());
  }
  const auto exports = m.exports();
  std::printf("exports (%zu):\n", exports.size());
  for (const ExportType& e : exports)
    std::printf("  %s: %s\n", e.name.c_str(), extern_type_to_string(e.type).c_str());
  for (const MemoryType& mem : m.memories())
    std::printf("memory: %s%s%s (pages of 64 KiB)\n", mem.address64 ? "i64 " : "",
                limits_text(mem.limits).c_str(), mem.shared ? ", shared" : "");
  for (const TableType& t : m.tables())
    std::printf("table: %s%s %s\n", t.address64 ? "i64 " : "", valtype_name(t.elem),
                limits_text(t.limits).c_str());
  for (const GlobalType& g : m.globals())
    std::printf("global: %s%s\n", g.is_mutable ? "mut " : "", valtype_name(g.type));
  if (auto start = m.start_function()) {
    const std::string_view name = m.function_name(*start);
    std::printf("start: func %" PRIu32 "%s%s\n", *start, name.empty() ? "" : " $",
                std::string(name).c_str());
  }
  std::printf("custom sections (%zu):\n", in.customs.size());
  for (const CustomSection& c : in.customs)
    std::printf("  %s (%zu bytes)%s%s\n", c.name.c_str(), c.payload.size(),
                c.note.empty() ? "" : ": ", c.note.c_str());
  for (const ProducerField& f : in.producers) {
    std::string values;
    for (const ProducerValue& v : f.values) {
      values += (values.empty() ? "" : ", ") + v.name + (v.version.empty() ? "" : " " + v.version);
    }
    std::printf("producers %s: %s\n", f.name.c_str(), values.c_str());
  }
  if (!in.producers_error.empty())
    std::printf("producers: unreadable (%s)\n", in.producers_error.c_str());
}

void print_json(const Inspection& in) {
  const Module& m = *in.module;
  std::string j = "{\"file\":" + json_string(in.file) + ",\"name\":" + json_string(m.name());
  j += ",\"imports\":[";
  bool first = true;
  for (const ImportType& i : m.imports()) {
    j += std::string(first ? "" : ",") + "{\"module\":" + json_string(i.module) +
         ",\"name\":" + json_string(i.name) + ",\"kind\":\"" + kind_name(i.type.kind) +
         "\",\"type\":" + json_string(extern_type_to_string(i.type));
    if (is_wasi_module_name(i.module)) {
      if (auto g = wasi_function_group(i.name)) {
        j += ",\"group\":" + json_string(capability_group_name(*g));
      }
    }
    j += "}";
    first = false;
  }
  j += "],\"exports\":[";
  first = true;
  for (const ExportType& e : m.exports()) {
    j += std::string(first ? "" : ",") + "{\"name\":" + json_string(e.name) + ",\"kind\":\"" +
         kind_name(e.type.kind) + "\",\"type\":" + json_string(extern_type_to_string(e.type)) + "}";
    first = false;
  }
  // "address": "i64" only for a 64-bit memory or table (memory64), so 32-bit output is unchanged.
  auto limits_json = [](const Limits& l, bool address64) {
    return "{\"min\":" + std::to_string(l.min) +
           (l.max ? ",\"max\":" + std::to_string(*l.max) : std::string()) +
           (address64 ? ",\"address\":\"i64\"" : "") + "}";
  };
  j += "],\"memories\":[";
  first = true;
  for (const MemoryType& mem : m.memories()) {
    j += std::string(first ? "" : ",") + limits_json(mem.limits, mem.address64);
    first = false;
  }
  j += "],\"tables\":[";
  first = true;
  for (const TableType& t : m.tables()) {
    j += std::string(first ? "" : ",") + "{\"elem\":\"" + valtype_name(t.elem) +
         "\",\"limits\":" + limits_json(t.limits, t.address64) + "}";
    first = false;
  }
  j += "],\"globals\":[";
  first = true;
  for (const GlobalType& g : m.globals()) {
    j += std::string(first ? "" : ",") + "{\"type\":\"" + valtype_name(g.type) +
         "\",\"mutable\":" + (g.is_mutable ? "true" : "false") + "}";
    first = false;
  }
  j += "],\"start\":";
  j += m.start_function() ? std::to_string(*m.start_function()) : "null";
  j += ",\"custom_sections\":[";
  first = true;
  for (const CustomSection& c : in.customs) {
    j += std::string(first ? "" : ",") + "{\"name\":" + json_string(c.name) +
         ",\"size\":" + std::to_string(c.payload.size()) +
         (c.note.empty() ? "" : ",\"note\":" + json_string(c.note)) + "}";
    first = false;
  }
  j += "],\"producers\":{";
  first = true;
  for (const ProducerField& f : in.producers) {
    j += std::string(first ? "" : ",") + json_string(f.name) + ":[";
    for (size_t k = 0; k < f.values.size(); ++k) {
      j += std::string(k ? "," : "") + "{\"name\":" + json_string(f.values[k].name) +
           ",\"version\":" + json_string(f.values[k].version) + "}";
    }
    j += "]";
    first = false;
  }
  j += "},\"capabilities\":{\"groups\":[";
  first = true;
  for (size_t i = 0; i < kCapabilityGroupCount; ++i) {
    const auto g = static_cast<CapabilityGroup>(i);
    if (!in.caps.groups.has(g)) continue;
    j += std::string(first ? "" : ",") + json_string(capability_group_name(g));
    first = false;
  }
  j +=
      "],\"summary\":" +
      json_string(in.caps.groups.empty() ? "none" : "this module can: " + can_text(in.caps.groups));
  j += "}}";
  std::printf("%s\n", j.c_str());
}

} // namespace

Action add_inspect_command(CLI::App& app) {
  auto file = std::make_shared<std::string>();
  auto json = std::make_shared<bool>(false);
  CLI::App* cmd = app.add_subcommand(
      "inspect", "Show a module's imports, exports, sections and the capabilities it wants, "
                 "without running it");
  cmd->footer("FILE is a wasm binary or WAT text, or a component (its world in WIT, its core "
              "modules).\n"
              "Example: wasmcap inspect --json tool.wasm\n"
              "Exit status: 0, or 3 cannot read FILE, 4 malformed, 5 invalid.");
  cmd->add_flag("--json", *json, "Print one JSON object instead of text");
  cmd->add_option("FILE", *file, "The module to inspect (.wasm or .wat)")->required();
  return [file, json]() {
    Engine engine;
    if (auto bytes = read_whole_file(*file); bytes && looks_like_component(*bytes)) {
      return inspect_component(engine, *file, *bytes, *json);
    }
    auto module = load_module(engine, *file);
    if (!module) return report_error(*file, module.error());
    Inspection insp;
    insp.file = *file;
    insp.module = &*module;
    insp.caps = summarize_capabilities(*module);
    insp.customs = module->custom_sections();
    for (const CustomSection& c : insp.customs) {
      if (c.name != "producers") continue;
      auto p = parse_producers(c.payload);
      if (p) {
        insp.producers = std::move(*p);
      } else {
        insp.producers_error = p.error().to_string();
      }
    }
    if (*json) {
      print_json(insp);
    } else {
      print_text(insp);
    }
    return kExitOk;
  };
}

} // namespace wasmcap::cli

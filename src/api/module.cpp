// Module creation: the pipeline decode -> validate -> compile is wired here and nowhere else.
#include "wasmcap/module.h"

#include <algorithm>
#include <cstdio>

#include "api/module_data.h"
#include "api/tier_choice.h"
#include "api/tier_up.h"
#include "binary/decoder.h"
#include "interp/compile.h"
#include "text/wat_parser.h"

namespace wasmcap {

namespace {

ExternType import_extern_type(const ir::Module& m, const ir::Import& imp) {
  ExternType t;
  t.kind = imp.kind;
  switch (imp.kind) {
  case ExternKind::Func: t.func = m.types[imp.func_type]; break;
  case ExternKind::Table: t.table = imp.table; break;
  case ExternKind::Memory: t.memory = imp.memory; break;
  case ExternKind::Global: t.global = imp.global; break;
  case ExternKind::Tag: t.func = m.types[imp.tag_type]; break;
  }
  return t;
}

ExternType export_extern_type(const ir::Module& m, const ir::Export& e) {
  ExternType t;
  t.kind = e.kind;
  switch (e.kind) {
  case ExternKind::Func: t.func = m.func_type(e.index); break;
  case ExternKind::Table: t.table = m.all_tables[e.index]; break;
  case ExternKind::Memory: t.memory = m.all_memories[e.index]; break;
  case ExternKind::Global: t.global = m.all_globals[e.index]; break;
  case ExternKind::Tag: t.func = m.types[m.all_tags[e.index]]; break;
  }
  return t;
}

std::string limits_to_string(const Limits& l) {
  std::string s = "{min " + std::to_string(l.min);
  if (l.max) s += ", max " + std::to_string(*l.max);
  return s + "}";
}

} // namespace

std::string extern_type_to_string(const ExternType& t) {
  switch (t.kind) {
  case ExternKind::Func: return "func " + functype_to_string(t.func);
  case ExternKind::Table:
    return std::string("table ") + (t.table.address64 ? "i64 " : "") + valtype_name(t.table.elem) +
           " " + limits_to_string(t.table.limits);
  case ExternKind::Memory:
    return std::string("memory ") + (t.memory.address64 ? "i64 " : "") +
           limits_to_string(t.memory.limits) + (t.memory.shared ? " shared" : "");
  case ExternKind::Global:
    return std::string("global ") + (t.global.is_mutable ? "mut " : "") +
           valtype_name(t.global.type);
  case ExternKind::Tag: return "tag " + functype_to_string(t.func);
  }
  return "?";
}

Result<Module> Module::from_binary(const Engine& engine, std::span<const uint8_t> bytes) {
  const Config& config = engine.config();
  auto decoded = binary::decode_module(bytes, detail::decode_options_for(config));
  if (!decoded) return decoded.error();
  auto module = std::make_shared<const ir::Module>(std::move(decoded).value());
  interp::CompileOptions options;
  options.metering = detail::needs_metering(config);
  const bool tiers_up = detail::tiers_up(config);
  options.poll_calls = tiers_up;
  options.reserve_guard_pages = tiers_up && detail::guard_pages_allowed(config);
  std::string fallback;
  auto jit = detail::compile_with_jit(config, module, detail::features_for(config), fallback);
  auto code =
      jit ? std::move(*jit) : interp::compile(module, detail::features_for(config), options);
  if (!code) return code.error();
  auto data = std::make_shared<detail::ModuleData>();
  data->code = std::move(code).value();
  if (tiers_up) data->tier_up = std::make_shared<detail::TierUp>(module, data->code, config);
  data->module = std::move(module);
  data->jit_fallback = std::move(fallback);
  return Module(std::move(data));
}

Result<Module> Module::from_text(const Engine& engine, std::string_view text) {
  auto bytes = text::parse_wat(text);
  if (!bytes) return bytes.error();
  return from_binary(engine, *bytes);
}

Result<Module> Module::from_bytes_or_text(const Engine& engine, std::span<const uint8_t> bytes) {
  if (detail::has_wasm_magic(bytes)) {
    return from_binary(engine, bytes);
  }
  return from_text(engine,
                   std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

std::vector<ImportType> Module::imports() const {
  std::vector<ImportType> out;
  const ir::Module& m = *data_->module;
  for (const ir::Import& imp : m.imports) {
    out.push_back({imp.module, imp.name, import_extern_type(m, imp)});
  }
  return out;
}

std::vector<ExportType> Module::exports() const {
  std::vector<ExportType> out;
  const ir::Module& m = *data_->module;
  for (const ir::Export& e : m.exports)
    out.push_back({e.name, export_extern_type(m, e)});
  return out;
}

const std::string& Module::jit_fallback_reason() const {
  return data_->jit_fallback;
}

namespace {

// Per-function tier-up's hot batches (all but a final whole-module one), for tier_up_report().
std::string hot_batch_text(const std::vector<detail::TierUp::Batch>& batches) {
  std::string out;
  for (const detail::TierUp::Batch& b : batches) {
    if (b.whole) continue;
    char text[160];
    std::snprintf(text, sizeof text,
                  "%s%zu function(s) (%.1f KB of bodies) after %.1f ms, in %.1f ms",
                  out.empty() ? "" : "; ", b.functions, static_cast<double>(b.bytes) / 1024,
                  b.started_ms, b.compile_ms);
    out += text;
  }
  return "hot batches: " + out;
}

} // namespace

std::string Module::tier_up_report() const {
  if (!data_->tier_up) return {};
  const detail::TierUp::Status s = data_->tier_up->status();
  char line[640];
  switch (s.state) {
  case detail::TierUp::State::Idle: return "not instantiated, nothing compiled";
  case detail::TierUp::State::Waiting:
    return "ran on the interpreter only (ended before the delay)";
  case detail::TierUp::State::Compiling:
    if (!s.batches.empty()) { // the hot batch is in; the whole module was still compiling
      std::snprintf(line, sizeof line,
                    "%s; %u instance(s) switched to them; the whole module still compiling at the "
                    "end; %llu frame(s) moved over at a loop",
                    hot_batch_text(s.batches).c_str(), s.hot_switched,
                    static_cast<unsigned long long>(s.osr_entries));
      return line;
    }
    std::snprintf(
        line, sizeof line,
        "compile started after %.1f ms, still running at the end (compiled code not used)",
        s.compile_started_ms);
    return line;
  case detail::TierUp::State::Hot:
    std::snprintf(line, sizeof line, "%s; %u instance(s) switched to them; nothing after them",
                  hot_batch_text(s.batches).c_str(), s.hot_switched);
    return line;
  case detail::TierUp::State::Ready: {
    std::string hot;
    if (s.batches.size() > 1) {
      hot = hot_batch_text(s.batches) + ", " + std::to_string(s.hot_switched) +
            " instance(s) switched to them; then the whole module (" +
            std::to_string(s.batches.back().functions) + " functions) ";
    }
    std::snprintf(
        line, sizeof line,
        "%scompiled in the background after %.1f ms, in %.1f ms; %u instance(s) switched; "
        "%llu frame(s) moved over at a loop (entries for %zu function(s))",
        hot.c_str(), s.batches.empty() ? s.compile_started_ms : s.batches.back().started_ms,
        s.compile_ms, s.switched, static_cast<unsigned long long>(s.osr_entries), s.osr_functions);
    return s.note.empty() ? std::string(line) : line + std::string(" (") + s.note + ")";
  }
  case detail::TierUp::State::Failed:
    if (!s.batches.empty()) {
      return hot_batch_text(s.batches) + "; the rest stays on the interpreter: " + s.note;
    }
    return "stays on the interpreter: " + s.note;
  }
  return {};
}

bool Module::wait_for_tier_up() const {
  return data_->tier_up && data_->tier_up->wait();
}

std::string_view Module::name() const {
  const auto& n = data_->module->names.module;
  return n ? std::string_view(*n) : std::string_view{};
}

} // namespace wasmcap

namespace wasmcap {

std::vector<MemoryType> Module::memories() const {
  return data_->module->memories;
}

std::vector<TableType> Module::tables() const {
  return data_->module->tables;
}

std::vector<GlobalType> Module::globals() const {
  const ir::Module& m = *data_->module;
  return {m.all_globals.begin() + m.num_imported_globals, m.all_globals.end()};
}

std::optional<uint32_t> Module::start_function() const {
  return data_->module->start;
}

std::string_view Module::function_name(uint32_t func_index) const {
  return data_->module->func_name(func_index);
}

std::vector<CustomSection> Module::custom_sections() const {
  const ir::Module& m = *data_->module;
  std::vector<CustomSection> out;
  for (const ir::CustomSection& c : m.customs) {
    // The decoder bounds-checked the section; clamp anyway so a view never leaves the bytes.
    const uint64_t start = std::min<uint64_t>(c.offset, m.bytes.size());
    const uint64_t size = std::min<uint64_t>(c.size, m.bytes.size() - start);
    out.push_back({c.name, std::span<const uint8_t>(m.bytes).subspan(start, size), {}});
    if (c.name == "metadata.code.branch_hint") {
      size_t hints = 0, funcs = 0;
      for (const ir::Function& f : m.functions) {
        hints += f.branch_hints.size();
        funcs += f.branch_hints.empty() ? 0 : 1;
      }
      auto count = [](size_t n, const char* what) {
        return std::to_string(n) + " " + what + (n == 1 ? "" : "s");
      };
      out.back().note = m.branch_hint_problem.empty()
                            ? count(hints, "branch hint") + " in " + count(funcs, "function")
                            : "ignored: " + m.branch_hint_problem;
    }
  }
  return out;
}

} // namespace wasmcap

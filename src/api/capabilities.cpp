// The public capability classifier (include/wasmcap/capabilities.h) over src/wasi's one table
// of WASI functions (wasi/function_info.cpp).
#include "wasmcap/capabilities.h"

#include "wasi/function_info.h"

namespace wasmcap {

bool is_wasi_module_name(std::string_view module) {
  return wasi::is_wasi_module(module);
}

std::optional<CapabilityGroup> wasi_function_group(std::string_view name) {
  const wasi::FunctionInfo* f = wasi::function_info(name);
  if (!f) return std::nullopt;
  return f->group;
}

std::vector<std::string_view> wasi_functions_in(CapabilityGroup g) {
  std::vector<std::string_view> out;
  for (const wasi::FunctionInfo& f : wasi::all_function_infos()) {
    if (f.group == g) out.push_back(f.name);
  }
  return out;
}

CapabilitySummary summarize_capabilities(const std::vector<ImportType>& imports) {
  CapabilitySummary s;
  bool opens_paths = false, writes_fds = false;
  for (const ImportType& imp : imports) {
    if (!is_wasi_module_name(imp.module)) {
      s.other.push_back(imp);
      continue;
    }
    const wasi::FunctionInfo* f = wasi::function_info(imp.name);
    if (!f || imp.type.kind != ExternKind::Func) {
      s.unknown_wasi.push_back(imp);
      continue;
    }
    s.wasi.push_back({imp.module, imp.name, f->group});
    s.groups.add(f->group);
    opens_paths |= f->by == wasi::GroupBy::PathOpen;
    writes_fds |= imp.name == "fd_write" || imp.name == "fd_pwrite";
  }
  // A module that can open paths and write to descriptors can write files: say so rather than
  // under-report (the grant decides whether it actually may).
  if (opens_paths && writes_fds) s.groups.add(CapabilityGroup::FsWrite);
  return s;
}

std::vector<WasiImportUse> refused_imports(const std::vector<ImportType>& imports,
                                           CapabilitySet allowed) {
  std::vector<WasiImportUse> out;
  for (const ImportType& imp : imports) {
    if (!is_wasi_module_name(imp.module)) continue;
    const wasi::FunctionInfo* f = wasi::function_info(imp.name);
    if (!f) continue; // not a WASI function: linking reports it
    const CapabilitySet could = wasi::possible_groups(*f);
    bool any_allowed = could.empty();
    for (size_t i = 0; i < kCapabilityGroupCount; ++i) {
      const auto g = static_cast<CapabilityGroup>(i);
      any_allowed |= could.has(g) && allowed.has(g);
    }
    if (!any_allowed) out.push_back({imp.module, imp.name, f->group});
  }
  return out;
}

} // namespace wasmcap

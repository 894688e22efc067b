// What a module can do, read from its imports: every WASI import (wasi_snapshot_preview1 and
// wasi_unstable) classified into a capability group, a summary in human terms, and the imports
// a policy would refuse outright (`wasmcap run --strict`). The library never prints.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wasmcap/capability_group.h"
#include "wasmcap/module.h"

namespace wasmcap {

// True for the two WASI module names wasmcap implements.
bool is_wasi_module_name(std::string_view module);
// The group of a WASI function (the one inspect reports), or nullopt for an unknown name.
std::optional<CapabilityGroup> wasi_function_group(std::string_view name);
// Every WASI function whose reported group is `g`, in witx order (for docs and tests).
std::vector<std::string_view> wasi_functions_in(CapabilityGroup g);

struct WasiImportUse {
  std::string module, name;
  CapabilityGroup group;
};

struct CapabilitySummary {
  // What the module can do if granted the resources. Descriptor I/O (fd_read, fd_write...)
  // reports stdio; path_open reports fs-read, and fs-write too when the module also imports
  // fd_write or fd_pwrite (it could then open a file for writing).
  CapabilitySet groups;
  std::vector<WasiImportUse> wasi;      // each WASI function import with its group
  std::vector<ImportType> unknown_wasi; // WASI-module imports that are not WASI functions
  std::vector<ImportType> other;        // imports the embedder must provide itself
};
CapabilitySummary summarize_capabilities(const std::vector<ImportType>& imports);
inline CapabilitySummary summarize_capabilities(const Module& module) {
  return summarize_capabilities(module.imports());
}

// The WASI imports that could do nothing under `allowed`: every group a call of them might need
// is denied (descriptor functions serve stdio, files and sockets, so they are refused only when
// all of those are). Empty: the module can be instantiated under strict mode.
std::vector<WasiImportUse> refused_imports(const std::vector<ImportType>& imports,
                                           CapabilitySet allowed);

} // namespace wasmcap

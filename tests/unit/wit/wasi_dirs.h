// Test helpers: where the vendored WASI 0.2.12 WIT packages are, and all of them resolved.
#pragma once

#include <filesystem>
#include <string>

#include "wit/resolver.h"

namespace wasmcap::wit::test {

inline const char* const kWasiPackages[] = {"io",      "clocks", "random", "filesystem",
                                            "sockets", "cli",    "http"};

inline std::filesystem::path wasi_dir(std::string_view package) {
  return std::filesystem::path(WASMCAP_SOURCE_DIR) / "wit" / "wasi-0.2.12" / package;
}

inline support::Result<Resolve> load_all_wasi() {
  std::vector<SourceGroup> groups;
  for (const char* p : kWasiPackages) {
    WASMCAP_ASSIGN(SourceGroup g, read_directory(wasi_dir(p)));
    groups.push_back(std::move(g));
  }
  return resolve_sources(groups);
}

} // namespace wasmcap::wit::test

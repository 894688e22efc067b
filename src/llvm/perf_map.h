// The perf map: Linux perf's convention for naming JIT code (/tmp/perf-PID.map, one line
// "START SIZE NAME" per symbol, hex without 0x), so `perf record` / `perf report` show a wasm
// function's name instead of an anonymous address. Off until enable_perf_map(); then every
// module's machine code, compiled or loaded from a .cwasm, is appended as it is installed
// (JitModule::index_code). Process-wide, as the file is.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace wasmcap::llvm_tier {

void enable_perf_map();
bool perf_map_enabled();

struct PerfMapEntry {
  uintptr_t start = 0;
  uint64_t size = 0;
  std::string name;
};
// Appends the entries to /tmp/perf-PID.map (created on first use); errors are ignored: a
// profile that cannot be written must not stop the program.
void write_perf_map(const std::vector<PerfMapEntry>& entries);

} // namespace wasmcap::llvm_tier

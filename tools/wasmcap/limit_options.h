// Resource-limit options of `wasmcap run`: --fuel, --timeout, --max-memory, --max-table-elements,
// --max-wasm-stack, --max-gc-heap, and wasmtime's spellings (-W fuel=N, -W timeout=2s, ...). Parsed
// as text by CLI11, then checked and applied to the engine's Config, so a bad value is a clear
// usage error.
#pragma once

#include <CLI/CLI.hpp>

#include <optional>
#include <string>
#include <vector>

#include "wasmcap/config.h"
#include "wasmcap/error.h"

namespace wasmcap::cli {

struct LimitOptions {
  std::optional<std::string> fuel;
  std::optional<std::string> timeout;
  std::optional<std::string> max_memory;
  std::optional<std::string> max_table_elements;
  std::optional<std::string> max_wasm_stack;
  std::optional<std::string> max_gc_heap;
  std::vector<std::string> wasmtime_options; // -W KEY=VALUE
};

void add_limit_options(CLI::App& cmd, LimitOptions& opts);

// Applies the options to `config`; errors are ErrorKind::Usage naming the option and value.
Status apply_limit_options(const LimitOptions& opts, Config& config);

// "4096", "64KiB", "16MiB", "1GiB" (also K/M/G, KB/MB/GB as powers of 1024) -> bytes.
Result<uint64_t> parse_size(const std::string& text);
// "250ms", "2s", "1m", or a bare number of seconds -> milliseconds.
Result<uint64_t> parse_duration_ms(const std::string& text);

} // namespace wasmcap::cli

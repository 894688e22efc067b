// Parsing and applying the resource-limit options of `wasmcap run`.
#include "limit_options.h"
#include "feature_options.h"
#include "wasmcap/policy.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>

namespace wasmcap::cli {

namespace {

Error usage(const std::string& what) {
  return make_error(ErrorKind::Usage, what);
}

// Splits "16MiB" into 16 and "MiB"; the number must be a plain non-negative integer.
Result<std::pair<uint64_t, std::string>> split_number(const std::string& text) {
  size_t i = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])))
    ++i;
  if (i == 0 || i > 19) return usage("\"" + text + "\" is not a number");
  const uint64_t n = std::strtoull(text.substr(0, i).c_str(), nullptr, 10);
  return std::make_pair(n, text.substr(i));
}

Result<uint64_t> parse_count(const std::string& text) {
  auto split = split_number(text);
  if (!split) return split.error();
  if (!split->second.empty()) return usage("\"" + text + "\" is not a whole number");
  return split->first;
}

Result<uint64_t> scaled(uint64_t n, uint64_t unit, const std::string& text) {
  if (unit != 0 && n > UINT64_MAX / unit) return usage("\"" + text + "\" is too large");
  return n * unit;
}

} // namespace

Result<uint64_t> parse_size(const std::string& text) {
  return parse_byte_size(text); // the policy lines' sizes (include/wasmcap/policy.h)
}

Result<uint64_t> parse_duration_ms(const std::string& text) {
  auto split = split_number(text);
  if (!split) return split.error();
  const std::string& s = split->second;
  uint64_t unit;
  if (s == "ms")
    unit = 1;
  else if (s.empty() || s == "s")
    unit = 1000;
  else if (s == "m")
    unit = 60'000;
  else
    return usage("\"" + text + "\": unknown duration suffix (use ms, s or m)");
  return scaled(split->first, unit, text);
}

void add_limit_options(CLI::App& cmd, LimitOptions& opts) {
  cmd.add_option("--fuel", opts.fuel,
                 "Stop the guest with \"all fuel consumed\" after about N wasm instructions")
      ->type_name("N");
  cmd.add_option("--timeout", opts.timeout,
                 "Stop the guest with \"interrupted\" after DURATION (e.g. 500ms, 2s, 1m)")
      ->type_name("DURATION");
  cmd.add_option("--max-memory", opts.max_memory,
                 "Cap every linear memory at SIZE (e.g. 64MiB); memory.grow past it fails")
      ->type_name("SIZE");
  cmd.add_option("--max-table-elements", opts.max_table_elements,
                 "Cap every table at N elements; table.grow past it fails")
      ->type_name("N");
  cmd.add_option("--max-wasm-stack", opts.max_wasm_stack,
                 "Wasm value stack SIZE (at least 4KiB); deeper recursion traps \"call stack "
                 "exhausted\"")
      ->type_name("SIZE");
  cmd.add_option("--max-gc-heap", opts.max_gc_heap,
                 "Cap the GC heap (Wasm GC's structs and arrays) at SIZE; an allocation past it, "
                 "after a collection, traps \"GC heap limit reached\"")
      ->type_name("SIZE");
  cmd.add_option("-W", opts.wasmtime_options,
                 "wasmtime spellings: fuel=N, timeout=DURATION, max-memory-size=SIZE, "
                 "max-wasm-stack=SIZE, max-table-elements=N; WebAssembly features: tail-call=n, "
                 "extended-const=n, multi-memory=n, exceptions=n, memory64=n, simd=n, "
                 "relaxed-simd=n, gc=n")
      ->type_name("KEY=VALUE")
      ->allow_extra_args(false);
}

Status apply_limit_options(const LimitOptions& given, Config& config) {
  LimitOptions opts = given;
  // The option as the user spelled it, for messages: "--fuel" or "-W fuel".
  std::string fuel_name = "--fuel", timeout_name = "--timeout", memory_name = "--max-memory",
              table_name = "--max-table-elements", stack_name = "--max-wasm-stack";
  for (const std::string& w : given.wasmtime_options) {
    const size_t eq = w.find('=');
    const std::string key = w.substr(0, eq);
    if (eq == std::string::npos) return usage("-W " + w + ": expected KEY=VALUE");
    const std::string value = w.substr(eq + 1);
    if (key == "fuel") {
      opts.fuel = value;
      fuel_name = "-W fuel";
    } else if (key == "timeout") {
      opts.timeout = value;
      timeout_name = "-W timeout";
    } else if (key == "max-memory-size") {
      opts.max_memory = value;
      memory_name = "-W max-memory-size";
    } else if (key == "max-wasm-stack") {
      opts.max_wasm_stack = value;
      stack_name = "-W max-wasm-stack";
    } else if (key == "max-table-elements") {
      opts.max_table_elements = value;
      table_name = "-W max-table-elements";
    } else if (auto applied = apply_feature_option(key, value, config)) {
      if (!*applied) return *applied;
    } else {
      return usage("-W " + key +
                   ": unknown option (known: fuel, timeout, max-memory-size, "
                   "max-wasm-stack, max-table-elements, " +
                   kFeatureKeys + ")");
    }
  }
  auto named = [](const std::string& name, const Error& e) {
    return usage(name + ": " + e.message);
  };
  if (opts.fuel) {
    auto n = parse_count(*opts.fuel);
    if (!n) return named(fuel_name, n.error());
    config.fuel = *n;
  }
  if (opts.timeout) {
    auto ms = parse_duration_ms(*opts.timeout);
    if (!ms) return named(timeout_name, ms.error());
    config.timeout_ms = *ms;
  }
  if (opts.max_memory) {
    auto bytes = parse_size(*opts.max_memory);
    if (!bytes) return named(memory_name, bytes.error());
    // Past 4 GiB it matters for 64-bit memories only (an i32 memory stops at 4 GiB anyway).
    const uint64_t pages = *bytes / 65536;
    config.max_memory_pages = static_cast<uint32_t>(pages > UINT32_MAX ? UINT32_MAX : pages);
  }
  if (opts.max_table_elements) {
    auto n = parse_count(*opts.max_table_elements);
    if (!n) return named(table_name, n.error());
    config.max_table_elements = static_cast<uint32_t>(*n > UINT32_MAX ? UINT32_MAX : *n);
  }
  if (opts.max_wasm_stack) {
    auto bytes = parse_size(*opts.max_wasm_stack);
    if (!bytes) return named(stack_name, bytes.error());
    if (*bytes < 4096)
      return usage(stack_name + " " + *opts.max_wasm_stack + ": must be at least 4KiB");
    config.max_wasm_stack = *bytes;
  }
  if (opts.max_gc_heap) {
    auto bytes = parse_size(*opts.max_gc_heap);
    if (!bytes) return named("--max-gc-heap", bytes.error());
    config.max_gc_heap = std::min<uint64_t>(*bytes, Config{}.max_gc_heap);
  }
  return ok();
}

} // namespace wasmcap::cli

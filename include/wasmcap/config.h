// Engine configuration: which tier runs code, which proposals are on, and resource limits.
#pragma once

#include <cstdint>

namespace wasmcap {

enum class Tier : uint8_t { Interpreter };

struct Config {
  Tier tier = Tier::Interpreter;
  bool simd = true; // 128-bit SIMD (WebAssembly 2.0)
  // Bytes of wasm value stack per call chain; deeper recursion traps "call stack exhausted".
  uint64_t max_wasm_stack = 8u << 20;
};

} // namespace wasmcap

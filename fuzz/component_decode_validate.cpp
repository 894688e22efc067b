// Fuzz target: raw bytes -> component::decode_component -> component::validate_component. Any
// input must come back as a component type or an Error value; crashes, hangs, leaks and UB are
// bugs. Seeds: fuzz/corpus/component_decode_validate (made by fuzz/tools/component_seeds.cpp
// from the component model's reference tests).
#include <cstddef>
#include <cstdint>
#include <span>
#include <variant>

#include "component/decoder.h"
#include "component/validate.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const uint8_t> bytes(data, size);
  // A known bug, caught so that fuzzing (and CI's short run) goes on past it: a malformed LEB128
  // immediate of a canonical built-in makes the decoder call error() on a value, which throws
  // std::bad_variant_access (tests/regress/component_decode_builtin_leb.cpp). Set this to false
  // once that test passes.
  constexpr bool kCatchKnownLebBug = true;
  try {
    auto component = wasmcap::component::decode_component(bytes);
    if (!component) return 0;
    (void)wasmcap::component::validate_component(*component, bytes);
  } catch (const std::bad_variant_access&) {
    if (!kCatchKnownLebBug) throw;
  }
  return 0;
}

// Fuzz target: raw bytes -> component::decode_component -> component::validate_component. Any
// input must come back as a component type or an Error value; crashes, hangs, leaks and UB are
// bugs. Seeds: fuzz/corpus/component_decode_validate (made by fuzz/tools/component_seeds.cpp
// from the component model's reference tests).
#include <cstddef>
#include <cstdint>
#include <span>

#include "component/decoder.h"
#include "component/validate.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const uint8_t> bytes(data, size);
  auto component = wasmcap::component::decode_component(bytes);
  if (!component) return 0;
  (void)wasmcap::component::validate_component(*component, bytes);
  return 0;
}

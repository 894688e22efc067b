// Fuzz target: raw bytes -> binary decoder -> module validator. Any input must come back as a
// module or an Error value; crashes, hangs, leaks and UB are bugs.
#include <cstddef>
#include <cstdint>
#include <span>

#include "binary/decoder.h"
#include "validate/features.h"
#include "validate/module_validator.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto module = wasmcap::binary::decode_module(std::span<const uint8_t>(data, size));
  if (!module) return 0;
  wasmcap::validate::Features features;
  (void)wasmcap::validate::validate_module(*module, features);
  return 0;
}

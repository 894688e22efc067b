// Features: which WebAssembly proposals the validator accepts. Runtime configuration, not #ifs.
#pragma once

namespace wasmcap::validate {

struct Features {
  bool simd = true;            // 128-bit SIMD (WebAssembly 2.0)
  bool bulk_memory = true;     // WebAssembly 2.0
  bool reference_types = true; // WebAssembly 2.0
  bool multi_value = true;     // WebAssembly 2.0
  bool sign_extension = true;  // WebAssembly 2.0
  bool saturating_float_to_int = true;
};

} // namespace wasmcap::validate

// What a public wasmcap::Module holds: the decoded module, the tier's compiled code, and under
// Tier::Auto the compile that will replace it.
#pragma once

#include <cstring>
#include <memory>
#include <span>
#include <string>

#include "ir/module.h"
#include "runtime/tier.h"
#include "wasmcap/externs.h"
#include "wasmcap/instance.h"
#include "wasmcap/module.h"

namespace wasmcap::detail {

class TierUp; // api/tier_up.h

struct ModuleData {
  std::shared_ptr<const ir::Module> module;
  std::shared_ptr<const runtime::ModuleCode> code;
  std::shared_ptr<TierUp> tier_up; // Tier::Auto: the background compile to come
  std::string jit_fallback;        // Tier::Jit: why the interpreter runs it ("" when compiled)
};

// Export `index` of `instance` (in its module's export order, ir::Module::exports): what
// Instance::exports() gives without copying every name, for the component runtime.
Extern instance_export(const Instance& instance, size_t index);

// Whether `bytes` start like a wasm binary (else they are taken for WAT text).
inline bool has_wasm_magic(std::span<const uint8_t> bytes) {
  static constexpr uint8_t kMagic[4] = {0x00, 0x61, 0x73, 0x6d};
  return bytes.size() >= 4 && std::memcmp(bytes.data(), kMagic, 4) == 0;
}

} // namespace wasmcap::detail

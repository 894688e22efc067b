// What a public wasmcap::Module holds: the decoded module and the tier's compiled code.
#pragma once

#include <cstring>
#include <memory>
#include <span>

#include "ir/module.h"
#include "runtime/tier.h"
#include "wasmcap/module.h"

namespace wasmcap::detail {

struct ModuleData {
  std::shared_ptr<const ir::Module> module;
  std::shared_ptr<const runtime::ModuleCode> code;
};

// Whether `bytes` start like a wasm binary (else they are taken for WAT text).
inline bool has_wasm_magic(std::span<const uint8_t> bytes) {
  static constexpr uint8_t kMagic[4] = {0x00, 0x61, 0x73, 0x6d};
  return bytes.size() >= 4 && std::memcmp(bytes.data(), kMagic, 4) == 0;
}

} // namespace wasmcap::detail

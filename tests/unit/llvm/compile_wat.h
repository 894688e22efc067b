// Test helper shared by the LLVM tier's unit tests: WAT text compiled by the tier (O2, ORC).
#pragma once

#include <memory>
#include <string_view>

#include "binary/decoder.h"
#include "text/wat_parser.h"
#include "llvm/compile.h"

namespace wasmcap::test {

// `checks`: llvm_tier::kCheck* bits to compile in (none by default).
inline support::Result<std::shared_ptr<const runtime::ModuleCode>>
compile_wat(std::string_view wat, uint32_t checks = 0) {
  auto bytes = text::parse_wat(wat);
  if (!bytes) return bytes.error();
  auto module = binary::decode_module(*bytes);
  if (!module) return module.error();
  return llvm_tier::compile(std::make_shared<const ir::Module>(std::move(*module)),
                            validate::Features{}, false, checks);
}

} // namespace wasmcap::test

// The LLVM tier's entry point: validates a module and compiles every function to native code
// with LLVM (O2, ORC LLJIT). The result is a runtime::ModuleCode that runtime::instantiate()
// accepts. No LLVM headers here: src/api includes it.
#pragma once

#include <memory>

#include "ir/module.h"
#include "runtime/tier.h"
#include "support/result.h"
#include "validate/features.h"

namespace wasmcap::llvm_tier {

// Errors are the validator's (Invalid / Malformed), or one for which is_unsupported() is true
// when the module uses something this tier cannot compile yet (SIMD, v128 values): the caller
// then runs the module on the interpreter.
support::Result<std::shared_ptr<const runtime::ModuleCode>>
compile(std::shared_ptr<const ir::Module> module, const validate::Features& features);

bool is_unsupported(const support::Error& error);

} // namespace wasmcap::llvm_tier

// The interpreter tier's entry point: validates every function body and lowers it, in the same
// pass, to the interpreter's internal code. The result is a runtime::ModuleCode that
// runtime::instantiate() accepts.
#pragma once

#include <memory>

#include "ir/module.h"
#include "runtime/tier.h"
#include "support/result.h"
#include "validate/features.h"

namespace wasmcap::interp {

class CompiledModule; // defined in interp/compiled_module.h (internal)

struct CompileOptions {
  // Emit fuel/interrupt polls (a Fuel op per loop header, a charge per function entry). Without
  // them fuel, timeouts and Store::interrupt have no effect on this module's code, which then
  // pays nothing for them.
  bool metering = false;
  // Tiering (Tier::Auto): calls within the module check the store's poll flag, so that once
  // compiled code replaces this code, frames still running here call into it. The module's
  // memories get guard pages for the compiled code to come.
  bool poll_calls = false;
  bool reserve_guard_pages = false;
};

// Module-level checks (validate_module_without_bodies) plus per-body validation and lowering.
// Errors are the validator's (ErrorKind::Invalid / Malformed).
support::Result<std::shared_ptr<const runtime::ModuleCode>>
compile(std::shared_ptr<const ir::Module> module, const validate::Features& features,
        const CompileOptions& options = {});

inline support::Result<std::shared_ptr<const runtime::ModuleCode>>
compile(ir::Module module, const validate::Features& features, const CompileOptions& options = {}) {
  return compile(std::make_shared<const ir::Module>(std::move(module)), features, options);
}

} // namespace wasmcap::interp

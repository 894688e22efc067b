// Instantiation per the spec: import matching (with limits subtyping), globals, element and
// data segments in order, dropping of active/declarative segments, then the start function.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "runtime/extern.h"
#include "runtime/module_instance.h"
#include "runtime/store.h"
#include "runtime/tier.h"
#include "support/result.h"

namespace wasmcap::runtime {

// `imports` are in the module's import order. Errors: Unlinkable "incompatible import type ..."
// (or a wrong import count), Trap "out of bounds table/memory access" from segments or any trap
// of the start function. On a trap the instance stays in the store and writes made to imported
// tables/memories before the failure remain (WebAssembly 2.0 semantics).
support::Result<ModuleInstance*> instantiate(Store& store, std::shared_ptr<const ModuleCode> code,
                                             std::span<const Extern> imports);

// Resolves the module's imports with `lookup(module, field)` in import order; a missing one is
// Unlinkable "unknown import \"module\".\"field\"". Types are checked by instantiate().
using ImportLookup =
    std::function<std::optional<Extern>(std::string_view module, std::string_view field)>;
support::Result<std::vector<Extern>> resolve_imports(const ir::Module& module,
                                                     const ImportLookup& lookup);

} // namespace wasmcap::runtime

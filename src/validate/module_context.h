// ModuleContext: facts about a module that validating any function needs and that are costly
// to recompute per function (the set of declared function references, C.refs in the spec).
#pragma once

#include <cstdint>
#include <vector>

#include "ir/module.h"

namespace wasmcap::validate {

struct ModuleContext {
  // declared_funcs[i]: function i is referenced outside function bodies (element segments,
  // global initializers, exports), so `ref.func i` is allowed in bodies.
  std::vector<bool> declared_funcs;

  bool is_declared(uint32_t func_index) const {
    return func_index < declared_funcs.size() && declared_funcs[func_index];
  }
};

// Scans the module once. Constant expressions that fail to decode are skipped here; the module
// validator reports them.
ModuleContext compute_module_context(const ir::Module& module);

} // namespace wasmcap::validate

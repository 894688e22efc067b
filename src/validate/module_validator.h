// Module-level validation: everything outside function bodies, and the whole module.
#pragma once

#include "ir/module.h"
#include "support/result.h"
#include "validate/features.h"

namespace wasmcap::validate {

// Types of imports and definitions, limits, the single-memory rule, constant expressions,
// exports, the start function and segments. Errors are ErrorKind::Invalid with the spec's
// wording. Bodies are not looked at: validate them with validate_function (validate_function.h).
support::Status validate_module_without_bodies(const ir::Module& module, const Features& features);

// validate_module_without_bodies, then every function body; stops at the first error.
support::Status validate_module(const ir::Module& module, const Features& features);

} // namespace wasmcap::validate

// Validation of the type section (WebAssembly 3.0): the type indices each recursion group may
// name, and declared subtyping (`(sub final? $super ...)`): a supertype is earlier, not final,
// of the same kind, and the type matches it structurally.
#pragma once

#include "ir/module.h"
#include "support/result.h"

namespace wasmcap::validate {

support::Status validate_type_section(const ir::Module& m);

} // namespace wasmcap::validate

// Whether a module uses exception handling at all: the LLVM tier compiles only such modules with
// functions that may unwind, and only their activations let an exception a call returned unwind
// through compiled frames (docs/llvm.md, "Exception handling"); all others stay `nounwind`.
#pragma once

#include "ir/module.h"

namespace wasmcap::binary {

// Tags, exnref anywhere in a type, or an exception instruction in a body. A body that fails to
// decode counts as not using them (validation reports it).
bool uses_exception_handling(const ir::Module& mod);

} // namespace wasmcap::binary

// Whether a module has tail calls: the LLVM tier then gives every function the `tailcc`
// convention (docs/llvm.md, "Tail calls"), and tiering compiles such a module whole rather than
// in batches, since a chain of tail calls between two tiers would grow the stack
// (docs/tiering.md, "Per-function tier-up").
#pragma once

#include "ir/module.h"

namespace wasmcap::binary {

// A return_call, return_call_indirect or return_call_ref in some body. A body that fails to decode
// counts as having none (validation reports it).
bool uses_tail_calls(const ir::Module& mod);

} // namespace wasmcap::binary

// The SIGSEGV/SIGBUS handler that turns an access into a guard page by compiled code into the
// trap "out of bounds memory access", and the thread's record of which compiled-code activation
// is running (the handler's only way to find it). Host side; see docs/llvm.md.
#pragma once

#include "llvm/jit_context.h"

namespace wasmcap::llvm_tier {

// Installs the handler once per process (chaining to the previous one for every fault that is
// not ours) and an alternate signal stack once per thread. Called before guard-page code runs.
void prepare_fault_handling();

// JitModule::call brackets compiled code with these: the innermost activation's context on this
// thread (enter returns the previous one, which leave restores, also after a trap).
JitContext* enter_compiled_code(JitContext* ctx);
void leave_compiled_code(JitContext* previous);

} // namespace wasmcap::llvm_tier

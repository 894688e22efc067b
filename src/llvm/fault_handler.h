// The SIGSEGV/SIGBUS handler that turns an access into a guard page by compiled code into the
// trap "out of bounds memory access", and the thread's record of which compiled-code activation
// is running (the handler's only way to find it). Host side; see docs/llvm.md.
#pragma once

#include "llvm/jit_context.h"

namespace wasmcap::llvm_tier {

// Installs the handler once per process (chaining to the previous one for every fault that is
// not ours) and an alternate signal stack once per thread. Called before compiled code runs.
void prepare_fault_handling();

// For a signal handler (async-signal-safe) with its ucontext: when this thread was interrupted in
// the machine code of an activation of `store`, leaves it for the activation's landing, which
// traps "interrupted" with the backtrace from the interrupted instruction; this call does not
// return then. Otherwise (host code, the interpreter, another store) it returns and does nothing.
// Whatever the code kept in registers and not yet stored is lost (docs/llvm.md, "Interruption
// and fuel"): the caller abandons the store, or accepts that.
void stop_compiled_code_in_signal(const runtime::Store* store, void* ucontext);

// JitModule::call brackets compiled code with these: the innermost activation's context on this
// thread (enter returns the previous one, which leave restores, also after a trap).
JitContext* enter_compiled_code(JitContext* ctx);
void leave_compiled_code(JitContext* previous);

} // namespace wasmcap::llvm_tier

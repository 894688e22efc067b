// Exceptions thrown by compiled code (docs/llvm.md, "Exception handling"), the host side: a wasm
// throw becomes a forced unwind (`_Unwind_ForcedUnwind`) of an exception object of wasmcap's own
// class, which runs the landing pads compiled code has inside try_table/try bodies (through the
// personality routine `wasmcap_jit_personality`, which reads their LSDA) and stops at the first
// frame that is not compiled code of the activation: there the exception leaves the activation as
// the interpreter's "uncaught exception" error. Nothing runs on the path that does not throw.
#pragma once

#include <cstdint>

#include "support/result.h"
#include "llvm/jit_context.h"

namespace wasmcap::llvm_tier {

// Offset of the runtime::Exception* in the unwinder's exception object (HostLayout).
uint64_t unwind_exception_offset();
// wasmcap_jit_personality and this binary's _Unwind_Resume (HostHelpers): compiled code must use
// the unwinder that registered its tables, which the host links (a CLI links it statically).
void* personality_address();
void* unwind_resume_address();

// Throws `x` from the helper called by compiled code at wasm `offset`. `from`: the error a call
// out of compiled code returned carrying `x` (its backtrace and hold are kept); null for a throw.
[[noreturn]] void raise_exception(JitContext* ctx, runtime::Exception* x, uint64_t offset,
                                  support::Error* from);

} // namespace wasmcap::llvm_tier

extern "C" {
using wasmcap::llvm_tier::JitContext;
// `throw tag`: a new exception of the instance's tag `tag`, its payload from `slots`.
[[noreturn]] void wasmcap_jit_throw(JitContext* ctx, uint32_t tag, const uint64_t* slots,
                                    uint64_t offset);
// `throw_ref` (and the legacy `rethrow`): traps on null.
[[noreturn]] void wasmcap_jit_throw_ref(JitContext* ctx, wasmcap::runtime::Exception* x,
                                        uint64_t offset);
// A catch clause took `x`: its payload to `out`; `keep`: it became an exnref (catch_ref, a legacy
// catch), else the store may reuse it.
void wasmcap_jit_catch(JitContext* ctx, wasmcap::runtime::Exception* x, uint64_t* out,
                       uint32_t keep);
}

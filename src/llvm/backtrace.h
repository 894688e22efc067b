// Backtraces through compiled code. Compiled functions carry asynchronous unwind tables
// (.eh_frame, exact at every instruction); the host registers each module's tables with the
// unwinder it links (UnwindRegistration) and, when compiled code traps, walks the native stack
// with it to find the return address of every compiled frame of the trapping activation
// (collect_compiled_pcs). JitModule turns those addresses into wasm frames. Nothing of this runs
// until a trap: a call costs what it did without it. Host side; see docs/llvm.md, "Backtraces".
#pragma once

#include <cstdint>
#include <vector>

namespace wasmcap::llvm_tier {

struct CodeSet;

// Registers a zero-terminated .eh_frame section for as long as this object lives. The tables
// must stay mapped until then (JitModule destroys this before it frees its code).
class UnwindRegistration {
public:
  explicit UnwindRegistration(const void* eh_frame);
  ~UnwindRegistration();
  UnwindRegistration(const UnwindRegistration&) = delete;
  UnwindRegistration& operator=(const UnwindRegistration&) = delete;

private:
  const void* eh_frame_;
};

// Walks this thread's stack from the caller outwards and collects, innermost first, the PCs of
// the frames that lie in `code` (an activation's modules, native_table.h), up to the first frame
// outside it after them (the runtime's entry into compiled code). A PC is the return address minus
// one (inside the call instruction) or, for the frame a signal interrupted, the faulting
// instruction itself.
//
// With `in_signal_handler` set it allocates nothing of its own (it fills `pcs` up to its
// capacity, then stops); reserve_fault_trace() gives the thread's buffer that capacity first.
void collect_compiled_pcs(const CodeSet& code, std::vector<uintptr_t>& pcs, bool in_signal_handler);

// The buffer the fault handler fills for the activation it leaves (fault_handler.cpp), read by
// fault_trap (jit_module.h) right after the longjmp. reserve_fault_trace() sizes it once per
// thread, before compiled code can fault.
std::vector<uintptr_t>& fault_trace();
void reserve_fault_trace();

} // namespace wasmcap::llvm_tier

// Backtraces through compiled code (backtrace.h): registration of unwind tables with the unwinder
// this binary links (libgcc's, through the same entry points a JIT uses for C++ exceptions) and
// the stack walk. The walk uses _Unwind_Backtrace, which also steps through the kernel's signal
// frame, so the fault handler can walk from the faulting instruction outwards.
#include "llvm/backtrace.h"

#include <unwind.h>

#include "llvm/jit_module.h"
#include "llvm/native_table.h"

// libgcc's registration entry points (not declared by <unwind.h>): the argument is the start of
// a whole .eh_frame section, read up to its zero terminator.
extern "C" void __register_frame(void* eh_frame);
extern "C" void __deregister_frame(void* eh_frame);

namespace wasmcap::llvm_tier {

namespace {

// Deep enough for any stack a run can exhaust (compiled frames are at least 16 bytes, and the
// stack limit leaves well under 16 MiB); it bounds the walk's time if something goes wrong.
constexpr size_t kMaxFrames = size_t{1} << 20;
// What the fault handler can record without allocating: deeper traces keep their innermost part.
constexpr size_t kFaultTraceCapacity = 4096;

struct Walk {
  const CodeSet* code;
  std::vector<uintptr_t>* pcs;
  size_t limit;
  bool started = false;
};

_Unwind_Reason_Code visit(struct _Unwind_Context* context, void* arg) {
  auto* walk = static_cast<Walk*>(arg);
  int before_instruction = 0;
  const uintptr_t ip = _Unwind_GetIPInfo(context, &before_instruction);
  if (ip == 0) return _URC_END_OF_STACK;
  // A return address points after its call (possibly at the next function): step back into it.
  const uintptr_t pc = before_instruction != 0 ? ip : ip - 1;
  if (!walk->code->contains_pc(pc)) {
    // Host frames before the compiled ones are the helper or signal handler that is walking;
    // the first one after them is the runtime's entry, where this activation began.
    return walk->started ? _URC_NORMAL_STOP : _URC_NO_REASON;
  }
  walk->started = true;
  if (walk->pcs->size() == walk->limit) return _URC_NORMAL_STOP;
  walk->pcs->push_back(pc);
  return _URC_NO_REASON;
}

} // namespace

UnwindRegistration::UnwindRegistration(const void* eh_frame) : eh_frame_(eh_frame) {
  if (eh_frame_ != nullptr) __register_frame(const_cast<void*>(eh_frame_));
}

UnwindRegistration::~UnwindRegistration() {
  if (eh_frame_ != nullptr) __deregister_frame(const_cast<void*>(eh_frame_));
}

void collect_compiled_pcs(const CodeSet& code, std::vector<uintptr_t>& pcs,
                          bool in_signal_handler) {
  pcs.clear();
  Walk walk{&code, &pcs, in_signal_handler ? pcs.capacity() : kMaxFrames};
  _Unwind_Backtrace(&visit, &walk);
}

std::vector<uintptr_t>& fault_trace() {
  thread_local std::vector<uintptr_t> trace;
  return trace;
}

void reserve_fault_trace() {
  fault_trace().reserve(kFaultTraceCapacity);
}

} // namespace wasmcap::llvm_tier

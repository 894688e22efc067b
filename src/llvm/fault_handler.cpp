// Guard-page faults. Code compiled with guard pages loads and stores at base + zext(address) +
// offset with no compare; past the committed size the access hits PROT_NONE address space of the
// memory's 8 GiB reservation and the kernel sends SIGSEGV. The handler claims the fault only when
// all of these hold, else it chains to whatever handler was installed before (or the default
// action, so a real host crash still crashes):
//   - this thread is running compiled code (the innermost activation's JitContext is set),
//   - that context's module was compiled for guard pages,
//   - the faulting PC lies in the machine code of that module or of another module of the
//     activation (native_table.h: every module of the set has the same guard pages), and
//   - the faulting address lies in the reservation of the context's memory 0.
// It then records the PC in the activation, walks the stack for the backtrace (backtrace.h: the
// unwinder steps through the signal frame; the thread in compiled code holds no lock the walk
// could need, and the PCs go to a buffer reserved beforehand), restores the signal mask the fault
// interrupted (a longjmp out of a handler would otherwise leave SIGSEGV blocked, and the next fault
// would kill the process) and longjmps to the activation's landing in JitModule::call, which builds
// the trap outside signal context. Compiled code holds no locks and owns nothing, so leaving it
// from the handler is as safe as the trap helper's own longjmp.
//
// The same exit serves interruption without checks (stop_compiled_code_in_signal): a signal
// handler on the thread running compiled code leaves it at the interrupted instruction.
#include "llvm/fault_handler.h"

#include <signal.h>
#include <sys/mman.h>
#include <ucontext.h>

#include <csetjmp>
#include <cstdint>
#include <mutex>

#include "llvm/backtrace.h"
#include "llvm/jit_module.h"
#include "llvm/native_table.h"

namespace wasmcap::llvm_tier {

namespace {

constinit thread_local JitContext* t_current = nullptr;

struct sigaction g_previous_segv = {};
struct sigaction g_previous_bus = {};

uintptr_t fault_pc(const ucontext_t* uc) {
#if defined(__x86_64__)
  return static_cast<uintptr_t>(uc->uc_mcontext.gregs[REG_RIP]);
#elif defined(__aarch64__)
  return static_cast<uintptr_t>(uc->uc_mcontext.pc);
#else
  (void)uc;
  return 0; // unknown architecture: never claim a fault
#endif
}

bool is_guard_fault(const JitContext* ctx, uintptr_t pc, uintptr_t addr) {
  if (ctx == nullptr || ctx->module == nullptr || !ctx->module->guard_pages()) return false;
  if (!code_set(*ctx).contains_pc(pc)) return false;
  const auto base = reinterpret_cast<uintptr_t>(ctx->mem_base);
  return ctx->mem_reserved != 0 && addr >= base && addr - base < ctx->mem_reserved;
}

// Leaves the compiled code the signal interrupted at `pc` for the activation's landing in
// JitModule::call, which builds the trap (a fault's, or "interrupted").
[[noreturn]] void leave_from_signal(JitContext* ctx, const ucontext_t* uc, uintptr_t pc,
                                    bool interrupted) {
  ctx->activation->fault_pc = pc;
  ctx->activation->interrupted = interrupted;
  // The stack is still there now, not after the longjmp: walk it here, into the buffer
  // reserved for this (no allocation in a signal handler).
  collect_compiled_pcs(code_set(*ctx), fault_trace(), true);
  pthread_sigmask(SIG_SETMASK, &uc->uc_sigmask, nullptr);
  std::longjmp(ctx->activation->jump, 2);
}

// Not ours: hand the fault to whoever had it before, as if we were never installed.
void chain(int sig, siginfo_t* info, void* uc) {
  const struct sigaction& prev = sig == SIGBUS ? g_previous_bus : g_previous_segv;
  if ((prev.sa_flags & SA_SIGINFO) != 0 && prev.sa_sigaction != nullptr) {
    prev.sa_sigaction(sig, info, uc);
    return;
  }
  if (prev.sa_handler != SIG_DFL && prev.sa_handler != SIG_IGN && prev.sa_handler != nullptr) {
    prev.sa_handler(sig);
    return;
  }
  // Default action: uninstall and let the fault happen again on return (or re-raise a signal
  // that was sent rather than caused by an instruction), so the process dies with the signal.
  struct sigaction dfl = {};
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  sigaction(sig, &dfl, nullptr);
  if (info == nullptr || info->si_code <= 0) raise(sig);
}

void on_fault(int sig, siginfo_t* info, void* ucv) {
  auto* uc = static_cast<ucontext_t*>(ucv);
  JitContext* ctx = t_current;
  const uintptr_t pc = uc != nullptr ? fault_pc(uc) : 0;
  const auto addr = info != nullptr ? reinterpret_cast<uintptr_t>(info->si_addr) : 0;
  if (info != nullptr && info->si_code > 0 && is_guard_fault(ctx, pc, addr)) {
    leave_from_signal(ctx, uc, pc, false);
  }
  chain(sig, info, ucv);
}

// A per-thread alternate stack, so the handler also runs (and chains) when the fault is a
// native stack overflow. Freed when the thread exits.
struct AltStack {
  static constexpr size_t kSize = 64u << 10;
  void* mem = nullptr;
  AltStack() {
    stack_t current = {};
    if (sigaltstack(nullptr, &current) == 0 && (current.ss_flags & SS_DISABLE) == 0) return;
    void* p = mmap(nullptr, kSize, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return;
    stack_t ss = {};
    ss.ss_sp = p;
    ss.ss_size = kSize;
    if (sigaltstack(&ss, nullptr) != 0) {
      munmap(p, kSize);
      return;
    }
    mem = p;
  }
  ~AltStack() {
    if (mem == nullptr) return;
    stack_t ss = {};
    ss.ss_flags = SS_DISABLE;
    sigaltstack(&ss, nullptr);
    munmap(mem, kSize);
  }
  AltStack(const AltStack&) = delete;
  AltStack& operator=(const AltStack&) = delete;
};

} // namespace

void prepare_fault_handling() {
  // Called at every entry into compiled code: after the first on a thread, one TLS load.
  thread_local bool prepared = false;
  if (prepared) return;
  prepared = true;
  static std::once_flag once;
  std::call_once(once, [] {
    struct sigaction sa = {};
    sa.sa_sigaction = &on_fault;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, &g_previous_segv);
    sigaction(SIGBUS, &sa, &g_previous_bus);
  });
  thread_local AltStack alt_stack;
  (void)alt_stack;
  reserve_fault_trace();
}

void stop_compiled_code_in_signal(const runtime::Store* store, void* ucontext) {
  JitContext* ctx = t_current;
  const auto* uc = static_cast<const ucontext_t*>(ucontext);
  if (ctx == nullptr || uc == nullptr || ctx->store != store || ctx->module == nullptr) return;
  const uintptr_t pc = fault_pc(uc);
  if (code_set(*ctx).contains_pc(pc)) leave_from_signal(ctx, uc, pc, true);
}

JitContext* enter_compiled_code(JitContext* ctx) {
  JitContext* previous = t_current;
  t_current = ctx;
  return previous;
}

void leave_compiled_code(JitContext* previous) {
  t_current = previous;
}

} // namespace wasmcap::llvm_tier

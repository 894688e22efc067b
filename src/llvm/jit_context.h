// The host side of the contract with compiled code: the per-entry JitContext compiled code reads
// (memory, globals, functions, stack limit), the per-function descriptor behind
// FuncInstance::code, and the helper functions compiled code calls. The plugin never includes
// this file: it learns field offsets and helper addresses through tier_abi.h.
#pragma once

#include <atomic>
#include <csetjmp>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "runtime/func.h"
#include "runtime/global.h"
#include "runtime/module_instance.h"
#include "runtime/store.h"
#include "support/result.h"
#include "llvm/tier_abi.h"

namespace wasmcap::llvm_tier {

class JitModule;
class NativeTable;

// One entry from the runtime into compiled code (JitModule::call). Traps longjmp here: compiled
// frames hold no resources, and helpers finish their C++ scopes before they jump.
struct Activation {
  std::jmp_buf jump;
  // The shadow stack's top at entry (runtime/gc_shadow_stack.h), put back at every exit: compiled
  // frames publish their tops at calls and never pop them.
  uint64_t* shadow_top = nullptr;
  // Set before a longjmp from a helper. Optional: most entries never trap, and an interpreter
  // frame calling compiled code in a loop pays for every construction and destruction.
  std::optional<support::Error> error;
  uintptr_t fault_pc = 0;   // set before a longjmp from the fault handler (fault_handler.h)
  bool interrupted = false; // that longjmp came from stop_compiled_code_in_signal, not a fault
};

// Built on the C++ stack at each entry for the callee's instance and passed as the first
// argument of every compiled function; calls within one instance pass it along. Compiled code
// reads mem_base/mem_size (memory 0's) after every call (a callee may grow memory), and helpers
// that leave compiled code refresh them from the Memory before they return. Other memories are
// read through `memories`: their Memory's own base and current size (docs/llvm.md, "Multiple
// memories"), so they need no refresh.
struct JitContext {
  uint8_t* mem_base = nullptr;
  uint64_t mem_size = 0;
  uint64_t mem_reserved = 0; // memory 0's guard-page reservation (0: none); the fault handler's
  runtime::Memory* const* memories = nullptr; // the instance's memories, by memory index
  runtime::Global* const* globals = nullptr;
  runtime::FuncInstance* const* funcs = nullptr;
  uintptr_t stack_limit = 0; // compiled code traps "call stack exhausted" below this address
  runtime::ModuleInstance* instance = nullptr;
  runtime::Store* store = nullptr;
  Activation* activation = nullptr;
  const JitModule* module = nullptr;
  // kCheckInterrupt: the store's interrupt trigger (runtime::InterruptState): this thread's stack
  // limit, or InterruptState::kRaised when the store was asked to stop.
  std::atomic<uintptr_t>* interrupt = nullptr;
  int64_t* fuel = nullptr;             // the store's compiled-code counter (kCheckFuel)
  runtime::Tag* const* tags = nullptr; // the instance's tags: landing pads compare with them
  // The running code's JitFunction descriptors (JitModule::functions()): a batch of tiering
  // (ObjectRequest::functions) calls a same-instance callee found at run time directly only when
  // its FuncInstance::code lies in [functions_begin, functions_end), i.e. is compiled in the
  // batch itself (another batch's code would run with this context's `module`).
  const void* functions_begin = nullptr;
  const void* functions_end = nullptr;
  // Per-function tier-up (native_table.h): the instance's table of native entries, by defined
  // function index (null entry: the function runs on the interpreter), through which a batch
  // calls functions outside it under this same context; and the table itself, whose modules
  // backtraces, exception unwinding and the fault handler treat as this activation's code too.
  // Both null for an instance that was never switched function by function.
  void* const* natives = nullptr;
  const NativeTable* native_table = nullptr;
  // The store's GC heap base (Store::gc_base_cell): compiled code reads it for inline field and
  // element access; it is set once, when the store makes its first object.
  uint8_t* const* gc_base = nullptr;
  // Non-zero while the store's collector is marking (Store::gc_marking_cell): a store into a
  // reference field then takes the `gc` helper, which runs the write barrier.
  const uint8_t* gc_marking = nullptr;
  // The store's shadow stack of GC roots (runtime/gc_shadow_stack.h): compiled functions that
  // hold references across calls that may collect keep them in frames of slots there.
  runtime::GcShadowStack* gc_shadow = nullptr;
};

// What FuncInstance::code points at for a compiled function.
struct JitFunction {
  void* native = nullptr; // (JitContext*, params...) -> results
  // Args in 8-byte slots (two for a v128, as in the interpreter's frames), results written back.
  void (*entry)(JitContext*, uint64_t* slots) = nullptr;
  uint32_t func_index = 0;
  // On-stack replacement (docs/tiering.md): continues an activation at the header of the loop at
  // wasm offset `loop`, every local in `slots` (as the interpreter's frame holds them), results
  // written back from slot 0; returns 0, having run nothing, when it has no entry for that loop.
  // Null when the code was compiled without such entries (only tiering asks for them).
  uint32_t (*osr)(JitContext*, uint64_t* slots, uint64_t loop) = nullptr;
  void* osr_body = nullptr; // the code `osr` calls: a frame of this function in backtraces
  // A batch's descriptor of a function outside it: the batch's out-of-line runtime path for
  // calls to it ("y<i>"), a wrapper frame that backtraces skip; null when none.
  void* call_stub = nullptr;
};

// How many calls compiled code made through the `call` helper on this thread (for tests: a call
// through the table of native entries makes none).
uint64_t runtime_calls_on_this_thread();

// The layout and helper addresses the host hands the plugin (helpers.cpp).
const HostLayout& host_layout();
const HostHelpers& host_helpers();

// Leaves the running activation with `error` (a helper's trap; compiled frames are added to its
// backtrace at `offset`). A longjmp: the caller must have ended every scope owning resources.
[[noreturn]] void raise_error(JitContext* ctx, support::Error&& error, uint64_t offset);

} // namespace wasmcap::llvm_tier

// Helpers called from compiled code (C linkage: their addresses are given to the JIT by name).
// Every `offset` is the wasm byte offset of the instruction, for the trap's backtrace.
extern "C" {
using wasmcap::llvm_tier::JitContext;
using wasmcap::runtime::FuncInstance;
[[noreturn]] void wasmcap_jit_trap(JitContext* ctx, uint32_t code, uint64_t offset);
void wasmcap_jit_call(JitContext* ctx, FuncInstance* f, uint64_t* slots, uint64_t offset);
// Indices, addresses and lengths are u64: i32 operands zero-extended (memory64/table64).
FuncInstance* wasmcap_jit_indirect(JitContext* ctx, uint32_t table, uint64_t index,
                                   uint32_t type_index, uint64_t offset);
// GC: whether `ref` is of the reference type with bits `target` (ValType::bits; a type index is
// the instance's module's) (runtime::ref_matches).
uint32_t wasmcap_jit_ref_test(JitContext* ctx, const void* ref, uint32_t target);
// GC's heap instructions (helpers_gc.cpp): `op` an ir::Op, `a` its type index, `b` its second
// immediate (field, count, data or element segment, source type); operands in `slots`, the
// result (if any) written to slot 0. Traps leave the activation.
void wasmcap_jit_gc(JitContext* ctx, uint32_t op, uint32_t a, uint32_t b, uint64_t* slots,
                    uint64_t offset);
// `memory`, `dst` and `src` are memory indices (multiple memories).
int64_t wasmcap_jit_memory_grow(JitContext* ctx, uint32_t memory, uint64_t delta);
void wasmcap_jit_memory_init(JitContext* ctx, uint32_t memory, uint32_t seg, uint64_t d, uint64_t s,
                             uint64_t n, uint64_t offset);
void wasmcap_jit_memory_copy(JitContext* ctx, uint32_t dst, uint32_t src, uint64_t d, uint64_t s,
                             uint64_t n, uint64_t offset);
void wasmcap_jit_memory_fill(JitContext* ctx, uint32_t memory, uint64_t d, uint32_t val, uint64_t n,
                             uint64_t offset);
void wasmcap_jit_data_drop(JitContext* ctx, uint32_t seg);
void* wasmcap_jit_table_get(JitContext* ctx, uint32_t table, uint64_t i, uint64_t offset);
void wasmcap_jit_table_set(JitContext* ctx, uint32_t table, uint64_t i, void* ref, uint64_t offset);
uint64_t wasmcap_jit_table_size(JitContext* ctx, uint32_t table);
int64_t wasmcap_jit_table_grow(JitContext* ctx, uint32_t table, void* ref, uint64_t delta);
void wasmcap_jit_table_fill(JitContext* ctx, uint32_t table, uint64_t i, void* ref, uint64_t n,
                            uint64_t offset);
void wasmcap_jit_table_copy(JitContext* ctx, uint32_t dst, uint32_t src, uint64_t d, uint64_t s,
                            uint64_t n, uint64_t offset);
void wasmcap_jit_table_init(JitContext* ctx, uint32_t seg, uint32_t table, uint64_t d, uint64_t s,
                            uint64_t n, uint64_t offset);
void wasmcap_jit_elem_drop(JitContext* ctx, uint32_t seg);
// The checks' slow paths preserve the general-purpose registers (LLVM's preserve_mostcc, which
// the plugin's calls use too): the check sits in every function entry and loop header, and a
// plain call there made the caller save its arguments on the hot path (fib ran 38% slower so).
// Not preserve_all: the host is compiled for baseline x86-64, the code for this CPU's vectors,
// and preserve_all would promise registers (the upper halves of YMM/ZMM) the host cannot keep.
#define WASMCAP_JIT_CHECK_HELPER __attribute__((preserve_most))
WASMCAP_JIT_CHECK_HELPER void wasmcap_jit_interrupt(JitContext* ctx, uint64_t offset);
WASMCAP_JIT_CHECK_HELPER void wasmcap_jit_refuel(JitContext* ctx, uint64_t offset);
WASMCAP_JIT_CHECK_HELPER void wasmcap_jit_entry_check(JitContext* ctx, uintptr_t sp,
                                                      uint64_t offset);
}

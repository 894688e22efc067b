// NativeTable: per-function tier-up's table of native entries for one instance (docs/tiering.md,
// "Per-function tier-up", item 7). An instance switched function by function runs code of
// several JitModules (its hot batches, then the whole module); a batch's direct call or
// `return_call` to a function outside it loads the callee's entry from this table and calls it
// under the caller's own JitContext when the entry is set (the callee is compiled, in another
// batch or in the whole module), and goes through the runtime's `call` helper when it is null
// (the callee still runs on the interpreter).
//
// Why one context for every module of the table rather than a context (or thunk) per callee's
// module: everything a JitContext holds but `module` and `functions_begin/end` is the instance's
// or the activation's (memories, globals, functions, tags, stack limit, interrupt word, fuel,
// the activation's trap landing), the modules of one tier-up job are compiled with the same
// guard pages, checks and features, and a frame_at() of any of them names the same functions.
// What differs per module is only which machine code belongs to whom, which backtraces, exception
// unwinding, the fault handler and the profiler ask: they ask the CodeSet below (the context's
// own module and the modules of its instance's table) instead of the context's module alone. A
// call through the table is then a plain native call, as within one module: the callee's entry
// check guards the stack and the interrupt word, a trap lands in the caller's activation with
// every compiled frame listed, and an exception unwinds through both modules' frames.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "runtime/module_instance.h"
#include "llvm/jit_context.h"

namespace wasmcap::llvm_tier {

class NativeTable final : public runtime::InstanceCodeState {
public:
  explicit NativeTable(size_t defined_functions);

  // Per defined function: the native entry (JitFunction::native) of its compiled code, or null.
  // The array never moves: activations keep a pointer to it in their JitContext.
  void* const* entries() const { return entries_.get(); }

  // Points each defined function's entry at the machine code its FuncInstance::code now names
  // when that is a JitModule's (found through the instance's code_of()), null otherwise, and adds
  // those modules to the set. Called on the store's thread right after ModuleInstance::switch_code
  // (tiering's switch hook). A module that differs from the first one added in guard pages,
  // checks or exception handling (which the shared context assumes alike), or one past
  // kMaxModules, is left out: its functions keep null entries (the runtime path).
  void refresh(const runtime::ModuleInstance& instance);

  // Async-signal-safe (the fault handler asks): the module of the set whose code holds `pc`.
  const JitModule* module_at(uintptr_t pc) const;

  // Tiering makes at most a few hot batches and one whole module per instance.
  static constexpr size_t kMaxModules = 16;

private:
  bool add_module(const JitModule* module);

  std::unique_ptr<void*[]> entries_;
  size_t size_ = 0;
  // Written only on the store's thread; a signal handler on that thread may read it mid-update,
  // so the pointer is stored before the count that publishes it.
  std::array<const JitModule*, kMaxModules> modules_{};
  std::atomic<size_t> module_count_{0};
};

// The compiled code an activation may run: the module it entered, and the modules its instance's
// table points into (none without per-function tier-up). Async-signal-safe.
struct CodeSet {
  const JitModule* module = nullptr;
  const NativeTable* table = nullptr;

  const JitModule* module_at(uintptr_t pc) const;
  bool contains_pc(uintptr_t pc) const { return module_at(pc) != nullptr; }
  // As JitModule::function_at_pc, in whichever module of the set holds `pc`.
  std::optional<uint32_t> function_at_pc(uintptr_t pc) const;
  // As JitModule::append_frames, each PC named by the module holding it.
  void append_frames(std::span<const uintptr_t> pcs, std::vector<TraceFrame>& out) const;
  // A trap's or an exception's compiled frames: `innermost` (named from the instruction's own
  // offset), then the frames of the walked `pcs` (innermost first), past the wrappers they start
  // with (a batch's runtime-call stub, which called the helper) and past the first frame when it
  // is `innermost`'s function, which `innermost` names more precisely (unless the instruction was
  // in a function inlined into it: then both frames are real).
  void append_trace(TraceFrame innermost, std::span<const uintptr_t> pcs,
                    std::vector<TraceFrame>& out) const;
};

inline CodeSet code_set(const JitContext& ctx) {
  return {ctx.module, ctx.native_table};
}

} // namespace wasmcap::llvm_tier

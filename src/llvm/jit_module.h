// JitModule: the LLVM tier's runtime::ModuleCode in the host: the module, the plugin's handle on
// the machine code (and its address range, for the fault handler), and one JitFunction
// descriptor per defined function. Immutable after compile(), shared by every instance of the
// module; code compiled for guard pages lazily owns an explicit-check variant for instances
// whose memory 0 has none.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "runtime/tier.h"
#include "validate/features.h"
#include "llvm/backtrace.h"
#include "llvm/jit_context.h"
#include "llvm/perf_map.h"

namespace wasmcap::llvm_tier {

// Memory 0 has i64 addresses (memory64): its code always has explicit bounds checks, since such
// a memory never gets the guard reservation (docs/llvm.md, "64-bit memories and tables").
inline bool memory0_address64(const ir::Module& m) {
  return !m.all_memories.empty() && m.all_memories[0].address64;
}

class JitModule final : public runtime::ModuleCode {
public:
  JitModule(std::shared_ptr<const ir::Module> module, const validate::Features& features,
            bool guard_pages, uint32_t checks);
  ~JitModule() override;

  const ir::Module& module() const override { return *module_; }
  const void* function_code(uint32_t defined_index) const override {
    return &functions_[defined_index];
  }
  // Builds a JitContext for the callee's instance, calls the function's entry wrapper and turns
  // a trap (a longjmp back here) into the error.
  support::Status call(runtime::Store& store, runtime::FuncInstance& func,
                       std::span<const runtime::Value> args,
                       std::span<runtime::Value> results) const override;
  // The same with the values in slots (the entry wrapper's own convention): no conversions.
  bool has_slot_calls() const override { return true; }
  support::Status call_slots(runtime::Store& store, runtime::FuncInstance& func,
                             uint64_t* slots) const override;
  // Through JitFunction::osr (false when the function has none, or none for that loop).
  support::Result<bool> call_osr(runtime::Store& store, runtime::FuncInstance& func,
                                 uint64_t* slots, uint64_t loop_offset) const override;

  bool wants_guard_pages() const override;
  support::Result<std::shared_ptr<const runtime::ModuleCode>>
  code_for(const runtime::ModuleInstance& instance) const override;
  std::string memory_strategy(const runtime::ModuleInstance& instance) const override;
  std::string memory_strategy_at(const runtime::ModuleInstance& instance,
                                 uint32_t index) const override;
  std::string checks() const override;
  uint32_t check_bits() const { return checks_; } // kCheck*
  // Compiled with exception handling (landing pads; functions that may unwind): an exception a
  // call returned unwinds through its frames (exception_unwind.h) rather than leaving at once.
  bool exceptions() const { return exceptions_; }

  // The wasm frame for an instruction at `offset` (its function found from the code ranges).
  TraceFrame frame_at(uint64_t offset) const;
  // The frames of compiled code at `pcs` (backtrace.h), innermost first. Machine code maps to a
  // function, not to an instruction, so each frame's offset is its function body's start, and a
  // function inlined into another shows as the one it was inlined into.
  void append_frames(std::span<const uintptr_t> pcs, std::vector<TraceFrame>& out) const;

  // Compiled without bounds compares (memory 0 must have guard pages).
  bool guard_pages() const { return guard_pages_; }
  // Whether `pc` lies in this module's machine code (async-signal-safe).
  bool contains_pc(uintptr_t pc) const;
  // The function index whose machine code holds `pc` (nullopt: before the first function, or in
  // an entry wrapper, which is no wasm frame).
  std::optional<uint32_t> function_at_pc(uintptr_t pc) const;

  std::vector<JitFunction>& functions() { return functions_; }
  // Takes ownership of the plugin's code handle; `release` frees it with the module. The code's
  // unwind tables (`eh_frame`, zero-terminated; may be null) are registered until then.
  void set_code(void* code, void (*release)(void*), uint64_t begin, uint64_t end,
                const void* eh_frame) {
    code_ = code;
    release_ = release;
    code_begin_ = begin;
    code_end_ = end;
    unwind_ = std::make_unique<UnwindRegistration>(eh_frame);
  }
  // After functions() is filled: the sorted table function_at_pc reads (and, when the perf map
  // is on, the module's lines in it: perf_map.h).
  void index_code();
  // Marks code loaded from a .cwasm (aot.h). Without `guard_pages_allowed` the module's memories
  // get no guard pages even when its code was compiled for them (code_for then compiles the
  // explicit-check variant).
  void set_precompiled(bool guard_pages_allowed) {
    precompiled_ = true;
    reserve_guard_pages_ = guard_pages_allowed;
  }

private:
  // One activation of compiled code for `instance`: builds its JitContext, calls `enter` with it
  // and turns a trap (a longjmp back here) into the error (helpers.cpp).
  template <class Enter>
  support::Status run_activation(runtime::Store& store, runtime::ModuleInstance& instance,
                                 const Enter& enter) const;

  std::shared_ptr<const ir::Module> module_;
  validate::Features features_;
  bool guard_pages_ = false;
  uint32_t checks_ = 0; // kCheck*
  bool exceptions_ = false;
  bool gc_roots_ = false; // module_may_hold_gc_refs: the shadow stack is reserved before entry
  bool precompiled_ = false;
  bool reserve_guard_pages_ = true; // see set_precompiled()
  void* code_ = nullptr;
  void (*release_)(void*) = nullptr;
  uint64_t code_begin_ = 0;
  uint64_t code_end_ = 0;
  std::unique_ptr<UnwindRegistration> unwind_; // released before the code it describes
  std::vector<JitFunction> functions_;
  // Where each function's machine code starts, sorted; entry wrappers are marked, since their
  // frames are the runtime's calls, not wasm frames.
  struct CodeStart {
    uintptr_t address;
    uint32_t func_index;
    bool wrapper;
    auto operator<=>(const CodeStart&) const = default;
  };
  std::vector<CodeStart> code_starts_;
  std::vector<PerfMapEntry> perf_map_entries() const;
  mutable std::mutex explicit_mutex_;
  mutable std::shared_ptr<const JitModule> explicit_variant_; // see code_for()
};

struct CodeSet;
// The trap `text` for a guard-page fault (or a signal's interruption) at `pc` in `code` (an
// activation's: native_table.h), with the frames the signal handler's walk found.
support::Error fault_trap(const CodeSet& code, uintptr_t pc, const char* text);

// compile() returning the concrete type (code_for() compiles its variant with it).
support::Result<std::shared_ptr<const JitModule>>
compile_jit_module(std::shared_ptr<const ir::Module> module, const validate::Features& features,
                   bool guard_pages, uint32_t checks);

} // namespace wasmcap::llvm_tier

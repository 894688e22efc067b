// Machine: the interpreter's per-store execution state: one bounded value stack of 8-byte slots
// and one bounded stack of call frames, shared by every (re-entrant) wasm invocation in a store.
// Wasm calls push a Frame here instead of recursing natively.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "interp/code.h"
#include "runtime/func.h"
#include "runtime/module_instance.h"
#include "runtime/store.h"
#include "runtime/value.h"
#include "support/result.h"

namespace wasmcap::interp {

// A suspended caller. `return_pc == nullptr` marks the entry frame of one execute() call.
struct Frame {
  const uint32_t* return_pc;
  uint64_t* fp;
  const FunctionCode* func;
  runtime::ModuleInstance* inst;
};

// Where the interpreter left its dispatch for the runtime while it may collect (an allocation, a
// call through the runtime, on-stack replacement): the running frame (func nullptr: none, its
// slots are dead) and, below it, the callers pushed on `frames` down to the execution's entry
// sentinel. Linked innermost first (re-entrant executions nest), for the collector's precise
// walk of interpreted frames (Machine::trace_gc_roots).
struct GcExit {
  const FunctionCode* func;
  const uint32_t* pc;
  const uint64_t* fp;
  const Frame* frame;
  const GcExit* prev;
};

struct Machine final : runtime::TierState {
  explicit Machine(const runtime::StoreLimits& limits);

  std::unique_ptr<uint64_t[]> stack;
  uint64_t* stack_end = nullptr;
  uint64_t* stack_top = nullptr; // where a new (nested) entry frame may start
  std::unique_ptr<Frame[]> frames;
  Frame* frame = nullptr; // the innermost pushed frame
  Frame* frames_end = nullptr;

  // The running function's context, cached for the handlers.
  runtime::Store* store = nullptr;
  const runtime::PollFlag* poll = nullptr; // store->poll_flag(), read by CallDirectPoll
  runtime::ModuleInstance* inst = nullptr;
  const FunctionCode* func = nullptr;
  const uint32_t* code = nullptr; // func->code.data(): base of branch targets
  runtime::Memory* mem0 = nullptr;
  uint64_t mem_size = 0;

  // Fuel/interrupt counter: charged at function entries and loop headers; when it drops below
  // zero runtime::Store::refuel() decides (more fuel, out of fuel, interrupted, timed out).
  int64_t fuel = 0;
  // Unmetered code lowered for tiering: LoopPoll counts loop iterations down with this; at zero it
  // notes the running functions and tries on-stack replacement (osr_dispatch.inc). Calls through
  // the runtime zero it, so the loop that made one checks at its next header.
  int64_t osr_countdown = 0;

  // The innermost GcExit (nullptr: none; the dispatch is not inside the runtime).
  const GcExit* gc_exits = nullptr;

  // Set when a handler traps.
  support::Error error;
  const uint32_t* trap_pc = nullptr;
  // Set (with trap_pc, trap_fp) when wasm throws, or an exception comes back from a call through
  // the runtime: execute() then looks for a handler (unwind) instead of ending the run.
  runtime::Exception* exception = nullptr;
  uint64_t* trap_fp = nullptr;
  // The exception came out of a tail call's callee: the running frame's handlers were already
  // left by the return_call, so the search starts at its caller.
  bool exception_left_frame = false;

  // The trap's error lists the trapping frame already: compiled code that took it over by
  // on-stack replacement trapped (trap_backtrace() then starts at its caller).
  bool trap_frame_listed = false;

  void append_running_frames(std::vector<TraceFrame>& out) const override; // frames.cpp
  // The reference slots of every interpreted frame, found through gc_exits and each function's
  // stack map (FunctionCode::gc_safepoints): precise, so a stale slot keeps nothing alive.
  void trace_gc_roots(runtime::GcHeap& heap) const override; // frames.cpp
};

// Replaces each instruction's op number by its handler's address (as an offset); done once per
// function after lowering.
void thread_code(FunctionCode& fc);

// Runs wasm function `f` (compiled by this tier) on the store's machine.
support::Status execute(runtime::Store& store, runtime::FuncInstance& f,
                        std::span<const runtime::Value> args, std::span<runtime::Value> results);
// The same with the arguments in 8-byte slots (one per value, two for a v128), the results
// written back from slot 0 (ModuleCode::call_slots).
support::Status execute_slots(runtime::Store& store, runtime::FuncInstance& f, uint64_t* slots);

} // namespace wasmcap::interp

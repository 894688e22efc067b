// Engine configuration: which tier runs code, which proposals are on, and resource limits.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>

namespace wasmcap {

// Interpreter: starts at once. Jit: the LLVM tier (docs/llvm.md) compiles each module to native
// code (all of WebAssembly 2.0, SIMD included); when it is not built or its plugin cannot be
// loaded, modules run on the interpreter (Module::jit_fallback_reason() says so). Fuel, timeouts
// and interruption are compiled in as checks (docs/llvm.md, "Interruption and fuel"); without
// them compiled code has none. Auto: starts on the interpreter;
// a module whose instance runs longer than `tier_up_delay_ms` is compiled by the LLVM tier on a
// background thread, and calls made after that compile ends run the compiled code
// (docs/tiering.md). Where Jit would fall back to the interpreter, Auto stays there.
enum class Tier : uint8_t { Interpreter, Jit, Auto };

struct Config {
  Tier tier = Tier::Interpreter;
  // Tier::Auto: milliseconds from a module's first instantiation to the start of its background
  // compile; a run that ends sooner never loads LLVM. 0 compiles at once.
  uint32_t tier_up_delay_ms = 20;
  bool simd = true; // 128-bit SIMD (WebAssembly 2.0)
  // WebAssembly 3.0 proposals, on by default as in wasmtime (`-W tail-call=n` etc. in the CLI).
  bool tail_call = true;      // return_call, return_call_indirect
  bool extended_const = true; // constant expressions: i32/i64 add, sub, mul; earlier globals
  bool multi_memory = true;   // several memories, memory indices on memory instructions
  // Exception handling: tags, exnref, throw, throw_ref, try_table and the legacy try/catch/
  // delegate/rethrow (the LLVM tier leaves such modules to the interpreter for now).
  bool exceptions = true;
  // Relaxed SIMD (needs simd): each instruction's result is one deterministic choice, the same
  // on every tier (docs/simd.md, "Relaxed SIMD").
  bool relaxed_simd = true;
  // 64-bit memories and tables (memory64/table64): the i64 address type, memarg offsets past
  // 2^32 (the LLVM tier leaves such modules to the interpreter for now).
  bool memory64 = true;
  // Garbage collection (Wasm GC, docs/gc.md): struct and array types, the any hierarchy's
  // references, i31, casts, ref.eq. Typed function references stay with it off.
  bool gc = true;
  // Bytes of wasm value stack per call chain; deeper recursion traps "call stack exhausted".
  uint64_t max_wasm_stack = 8u << 20;
  // Fuel: a deterministic budget of executed wasm instructions per store (charged at function
  // entry and loop iterations, a few instructions at a time). When it runs out, execution ends
  // in ErrorKind::Exhaustion "all fuel consumed", at the same instruction on every tier. Unset =
  // unlimited. Store::set_fuel refills. On the LLVM tier only an engine with `fuel` set compiles
  // fuel checks (interruptible or timeout_ms alone compile the cheaper interruption check), so
  // set_fuel on a store of such an engine limits only interpreted code.
  std::optional<uint64_t> fuel;
  // Wall-clock budget of each outermost call into wasm (Func::call, a start function); when it
  // passes, execution ends in ErrorKind::Trap "interrupted". Unset = none. Checked at the same
  // places as fuel (compiled code: a timer thread raises the store's interrupt word at the
  // deadline), so a looping module stops within about a millisecond of the deadline.
  std::optional<uint64_t> timeout_ms;
  // Compile code that polls for Store::interrupt() (at function entries and loop headers). Off by
  // default because the polls cost time in tight loops (compiled code: one load and a branch
  // each); fuel and timeout_ms turn them on too.
  // Like fuel and timeout_ms, it applies to modules compiled by this engine.
  bool interruptible = false;
  // With `interruptible`: the LLVM tier compiles no interruption checks for it (the interpreter
  // still polls), and the host stops compiled code with Store::interrupt_from_signal() from a
  // signal handler instead (the CLI's Ctrl-C). Code stopped at an arbitrary instruction may
  // leave memory and globals as no instruction boundary would (docs/llvm.md, "Interruption
  // and fuel"), so this is for hosts that drop the store after such a trap.
  bool interrupt_by_signal = false;
  // For a sampling profiler (GuestProfiler, include/wasmcap/profiler.h): compiled code checks
  // the interrupt word at every function entry and every loop header, counted loops included
  // (which plain interruption checks skip, docs/llvm.md), since that is where its samples are
  // taken. Implies interruptible (interrupt_by_signal is ignored). fuel still wins: fuel code
  // charges at every loop header anyway.
  bool profiling = false;
  // Progress of the LLVM compiles a caller waits for: Tier::Jit when a module is created,
  // Module::precompile, a code cache miss (not tier-up's background compile). Called on the
  // compiling thread, from inside the compile, with the share of the work done (0 to 1: each
  // function's translation, optimization and code generation) and the module's number of
  // defined functions; the last call, when the compile ends (finished or failed), has done == 1.
  // The CLI draws its progress bar with it.
  std::function<void(double done, uint64_t functions)> compile_progress;
  // Host caps on every memory and table of a store: growing beyond fails (memory.grow -> -1),
  // and a module whose declared minimum exceeds them does not instantiate (Exhaustion).
  uint32_t max_memory_pages = 65536; // 64 KiB pages; the default allows the full 4 GiB
  uint32_t max_table_elements = 10'000'000;
  // The most bytes a store's GC objects (Wasm GC's structs and arrays) may take; an allocation
  // past it, after a collection, traps "GC heap limit reached". At most about 4 GiB (objects are
  // addressed by 32-bit offsets). The CLI's --max-gc-heap.
  uint64_t max_gc_heap = 0xFFFF'0000u;
  // Tier::Jit and Tier::Auto: give each memory 8 GiB of reserved address space (guard pages), so
  // compiled loads and stores need no bounds compare. When the reservation fails (a low `ulimit
  // -v`) the memory falls back to explicit checks on its own. false, or the environment variable
  // WASMCAP_GUARD_PAGES=0, forces explicit checks everywhere.
  bool guard_pages = true;
};

} // namespace wasmcap

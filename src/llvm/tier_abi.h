// The ABI between libwasmcap (the host) and the LLVM tier plugin libwasmcap-llvm.so, which the
// host dlopens on the first JIT compile: trivially copyable structs, integers, raw pointers and
// C function pointers only. No std:: type crosses, no exception, no allocation freed on the other
// side, because the two sides need not share one C++ runtime (the CLI links libstdc++ statically,
// the plugin and libLLVM use the shared one). All runtime state (stores, instances, traps, the
// stack limit) stays in the host; the plugin only translates and generates code.
#pragma once

#include <cstdint>

#include "validate/features.h"

namespace wasmcap::llvm_tier {

// Bumped on every change to this file; the host refuses a plugin built for another version. The
// entry symbol stays, so an old plugin is refused by its version, with a message saying so.
// 2: CompileRequest::guard_pages and the code range (code_begin/code_end); compile_object (AOT)
//    with ObjectRequest::guard_pages.
// 3: CompileRequest::eh_frame/eh_frame_size (compiled code has unwind tables, for backtraces).
// 4: checks (interruption and fuel): CompileRequest/ObjectRequest::checks,
// HostLayout::ctx_interrupt
//    and ctx_fuel, HostHelpers::interrupt and refuel.
// 5: HostLayout::global_v128 (v128 globals); v128 values take two 8-byte slots in entry
//    wrappers and in the `call` helper's slots, as in the interpreter's frames.
// 6: ObjectRequest::osr_functions (on-stack replacement entries "o<i>" and their bodies "q<i>").
// 7: exception handling (feature bit 512): HostLayout::ctx_tags, exception_tag and
// unwind_exception; HostHelpers
//    throw_exception, throw_ref, catch_exception, personality and unwind_resume.
// 8: CompileRequest/ObjectRequest::progress and progress_sink.
// 9: memory64/table64: the memory and table helpers (and `indirect`) take indices, addresses and
//    lengths as u64; memory_grow, table_size and table_grow return 64 bits.
// 10: multiple memories: HostLayout::ctx_memories, memory_base and memory_size; memory_grow,
//     memory_init, memory_copy (destination and source) and memory_fill take memory indices.
// 11: per-function tier-up (docs/tiering.md): ObjectRequest::functions (a batch: only some
//     functions compiled, the others called through the runtime) and
//     HostLayout::ctx_functions_begin and ctx_functions_end (a batch's same-instance fast path
//     checks the callee is its own).
// 12: HostLayout::func_index (fuel: an indirect tail call charges its callee's entry cost from a
//     table, so it stays a tail call); TrapCode::NullFunctionReference and NullReference.
// 13: GC without the heap (docs/gc.md, slice 2a): HostHelpers::ref_test; TrapCode::NullI31Reference
//     and CastFailure.
// 14: per-function tier-up's table of native entries (docs/tiering.md): HostLayout::ctx_natives;
//     a batch calls (and tail-calls) a function outside it through that table when its entry is
//     set, and through the `call` helper only when it is null.
// 15: GC's heap (docs/gc.md, slice 2b): HostHelpers::gc; HostLayout::ctx_gc_base (compiled
//     code reads and writes fields and elements inline).
// 16: GC's incremental marking (docs/gc.md): HostLayout::ctx_gc_marking; a struct.set or
//     array.set of a reference inline checks it and, while marking, goes through the `gc`
//     helper, which runs the write barrier. Feature bit 4096: gc (validate::Features::gc).
// 17: precise GC roots in compiled code (docs/gc.md, "Roots"): HostLayout::ctx_gc_shadow,
//     gc_shadow_top and gc_shadow_limit (the store's shadow stack of root slots); in a module
//     with GC references every wasm function takes the stack's first free slot after the
//     context.
inline constexpr uint32_t kTierAbiVersion = 17;
inline constexpr const char* kTierEntrySymbol = "wasmcap_llvm_tier_v1";

// What a module uses that the tier cannot compile yet starts its message with this (Usage kind);
// the api then runs the module on the interpreter.
inline constexpr const char* kUnsupportedPrefix = "the llvm tier does not support ";

// The checks compiled code carries (CompileRequest::checks, ObjectRequest::checks; recorded in a
// .cwasm's flags and the code cache's key). None of them: no check at all, as before.
// kCheckInterrupt: the store's interrupt trigger (runtime::InterruptState) replaces the stack
//   limit in every function entry's stack check (below it: the `entry_check` helper), and every
//   loop header compares it with UINT64_MAX (equal: the `interrupt` helper): timeouts,
//   Store::interrupt, Ctrl-C.
// kCheckFuel: the interpreter's fuel charges, the same amounts at the same places (a call's callee
//   entry cost at the call, a loop's body cost at its header, an entry from the runtime in the
//   entry wrapper), on the store's compiled-code counter; below zero the `refuel` helper decides
//   (more fuel, out of fuel, interrupted, timed out), so it serves interruption too.
// kCheckEveryLoop, with kCheckInterrupt: counted loops keep their header's check too (no
//   CountedLoopPass, loop_checks.h), so a sampling profiler's request is seen inside them rather
//   than after them (Config::profiling, include/wasmcap/profiler.h).
inline constexpr uint32_t kCheckInterrupt = 1u << 0;
inline constexpr uint32_t kCheckFuel = 1u << 1;
inline constexpr uint32_t kCheckEveryLoop = 1u << 2;
inline constexpr uint32_t kKnownChecks = kCheckInterrupt | kCheckFuel | kCheckEveryLoop;

// Trap codes compiled code passes to the host's trap helper.
enum class TrapCode : uint32_t {
  Unreachable,
  DivideByZero,
  IntegerOverflow,
  InvalidConversion,
  MemoryOutOfBounds,
  CallStackExhausted,
  NullExceptionReference, // throw_ref of null
  NullFunctionReference,  // call_ref, return_call_ref of null
  NullReference,          // ref.as_non_null of null
  NullI31Reference,       // i31.get_s, i31.get_u of null
  CastFailure,            // ref.cast
};
inline constexpr uint32_t kTrapCodeCount = static_cast<uint32_t>(TrapCode::CastFailure) + 1;

// Byte offsets of host fields compiled code reads directly, measured by the host (some of these
// structs are not standard-layout), so the plugin never includes a runtime header.
struct HostLayout {
  uint64_t ctx_mem_base;    // JitContext::mem_base
  uint64_t ctx_mem_size;    // JitContext::mem_size
  uint64_t ctx_globals;     // JitContext::globals
  uint64_t ctx_funcs;       // JitContext::funcs
  uint64_t ctx_stack_limit; // JitContext::stack_limit
  uint64_t ctx_instance;    // JitContext::instance
  uint64_t global_value;    // Global::value's payload (i32/i64/f32/f64 bits, ref)
  uint64_t global_v128;     // Global::value's v128 bytes (16, little-endian lanes)
  uint64_t func_instance;   // FuncInstance::instance
  uint64_t func_code;       // FuncInstance::code
  uint64_t func_index;      // FuncInstance::func_index (u32)
  uint64_t jit_native;      // JitFunction::native
  uint64_t ctx_interrupt;   // JitContext::interrupt (-> the store's interrupt trigger, a u64)
  uint64_t ctx_fuel;        // JitContext::fuel (-> the store's compiled-code fuel counter, i64)
  uint64_t ctx_tags;        // JitContext::tags (-> the instance's Tag*, by tag index)
  uint64_t exception_tag;   // runtime::Exception::tag
  // Where the runtime::Exception* lies in the unwinder's exception object a landing pad receives
  // (exception_unwind.h): compiled code reads the thrown exception from there.
  uint64_t unwind_exception;
  // Multiple memories: memories other than 0 are reached through the instance's Memory*s.
  uint64_t ctx_memories; // JitContext::memories (-> runtime::Memory*, by memory index)
  uint64_t memory_base;  // runtime::Memory's base address (it never moves)
  uint64_t memory_size;  // runtime::Memory's current size in bytes (a u64)
  // Batches (ObjectRequest::functions): the running code's JitFunction descriptors, [begin, end).
  uint64_t ctx_functions_begin; // JitContext::functions_begin
  uint64_t ctx_functions_end;   // JitContext::functions_end
  // Batches: the instance's table of native entries (void*, by defined function index; null:
  // call through the runtime).
  uint64_t ctx_natives; // JitContext::natives
  // GC (docs/gc.md): where the store keeps its GC heap's base (null until the first object).
  uint64_t ctx_gc_base; // JitContext::gc_base (-> uint8_t*)
  // Non-zero while the store's collector is marking (a store into a reference field then calls
  // the `gc` helper, for the write barrier).
  uint64_t ctx_gc_marking; // JitContext::gc_marking (-> uint8_t)
  // GC roots: the store's shadow stack (runtime/gc_shadow_stack.h), where a function keeps the
  // references it holds across calls that may collect.
  uint64_t ctx_gc_shadow;   // JitContext::gc_shadow (-> runtime::GcShadowStack)
  uint64_t gc_shadow_top;   // GcShadowStack::top (uint64_t*: the first free slot)
  uint64_t gc_shadow_limit; // GcShadowStack::limit (uint64_t*: one past the last slot)
};

// Addresses of the host's helpers (helpers.cpp) that compiled code calls; the plugin binds each to
// the symbol of the same name (wasmcap_jit_<field>).
struct HostHelpers {
  void* trap;
  void* call;
  void* indirect;
  void* memory_grow;
  void* memory_init;
  void* memory_copy;
  void* memory_fill;
  void* data_drop;
  void* table_get;
  void* table_set;
  void* table_size;
  void* table_grow;
  void* table_fill;
  void* table_copy;
  void* table_init;
  void* elem_drop;
  void* interrupt;   // (ctx, offset): the interrupt word was set; traps or returns
  void* refuel;      // (ctx, offset): the fuel counter went below zero; traps or returns; offset
                     // UINT64_MAX (the entry wrapper's charge): the trap has no frame of its own
  void* entry_check; // (ctx, sp, offset): sp below the trigger: exhausted stack, or interrupt
  // Exception handling (docs/llvm.md, "Exception handling"):
  void* throw_exception; // (ctx, tag, payload slots, offset): throws a new exception; unwinds
  void* throw_ref;       // (ctx, exnref, offset): throws it again (null: traps); unwinds
  void* catch_exception; // (ctx, exception, out slots, keep): its payload to out; keep: an exnref
  void* personality;     // the personality routine of functions with landing pads
  void* unwind_resume;   // the host's _Unwind_Resume, which `resume` calls
  // GC: (ctx, ref, target type bits) -> 1 when the reference is of the type (ref.test, ref.cast,
  // br_on_cast; runtime::ref_matches); a type index in the bits is the module's.
  void* ref_test;
  // GC's heap instructions: (ctx, op, immediate a, immediate b, slots, offset): the operands in
  // slots, the result written back to slot 0; traps leave the activation (llvm/helpers_gc.cpp).
  void* gc;
};

// An error found by the plugin; the host rebuilds its support::Error from it (strings are only
// valid during the report_error call).
struct PluginError {
  uint32_t kind;    // wasmcap::ErrorKind
  int32_t function; // Location::function, -1 = none
  uint64_t offset;  // Location::offset
  const char* message;
  const char* section; // "" = none
};

// The compiled entry points of one defined function (see jit_context.h for their signatures).
struct PluginFunction {
  void* native;
  void* entry;
};

// A compile's progress (progress.h in the plugin): called on the compiling thread with the work
// done and the whole, in units of the plugin's choosing (each function's translation,
// optimization and code generation, weighted by their usual time); done grows to total, and the
// compile's end, finished or failed, reports done == total. Null: not asked for.
using ProgressCallback = void (*)(void* sink, uint64_t done, uint64_t total);

struct CompileRequest {
  const uint8_t* wasm; // the module's binary; the plugin decodes and validates it itself
  uint64_t wasm_size;
  uint32_t features; // feature_bits()
  const HostLayout* layout;
  const HostHelpers* helpers;
  PluginFunction* functions; // out: one per defined function
  uint64_t function_count;   // the host's count of defined functions (checked by the plugin)
  void* error_sink;
  void (*report_error)(void* error_sink, const PluginError* error);
  // 1: memory 0 will have guard pages (runtime::Memory::kGuardedReservation), so loads and stores
  // compute base + zext(address) + offset with no bounds compare; 0: explicit checks.
  uint32_t guard_pages;
  // out: the address range holding the module's machine code, so the host's signal handler can
  // tell a fault in compiled code from one in the host.
  uint64_t code_begin;
  uint64_t code_end;
  // out: the linked .eh_frame section, null-terminated (0 and 0: none). The plugin does not
  // register it; the host does, with the unwinder that walks its backtraces.
  uint64_t eh_frame;
  uint64_t eh_frame_size;
  uint32_t checks; // kCheck* bits
  ProgressCallback progress;
  void* progress_sink;
};

// Ahead-of-time compilation (`wasmcap compile`, the code cache): the same module compiled to a
// relocatable ELF object (PIC, small code model, one .text) instead of into the plugin's JIT, so
// the host can load it later with no LLVM (object_loader.h). Wasm function i is the symbol
// "w<i>", its entry wrapper "e<i>" (translator.h); the only undefined symbols are the helpers
// `wasmcap_jit_<HostHelpers field>` and libc/libm calls LLVM emits (memcpy, memset...). The
// layout's offsets are baked into the code, so the host keeps a fingerprint of them.
struct ObjectRequest {
  const uint8_t* wasm;
  uint64_t wasm_size;
  uint32_t features; // feature_bits()
  const HostLayout* layout;
  uint64_t function_count; // the host's count of defined functions (checked by the plugin)
  void* sink;
  void (*report_error)(void* sink, const PluginError* error);
  // Called once on success; every pointer is valid only during the call. `triple`, `cpu` and
  // `cpu_features` ("+avx2,-avx512f,...") are what the code was generated for.
  void (*write_object)(void* sink, const uint8_t* object, uint64_t size, const char* triple,
                       const char* cpu, const char* cpu_features);
  // As CompileRequest::guard_pages: 1 = no bounds compares (the loader must give memory 0 guard
  // pages, and only then run this code), 0 = explicit checks.
  uint32_t guard_pages;
  uint32_t checks; // kCheck* bits
  // Null, or one byte per defined function: where non-zero, also emit that function's on-stack
  // replacement wrapper "o<i>" (`uint32_t (JitContext*, uint64_t* slots, uint64_t loop)`,
  // jit_context.h's JitFunction::osr) and the body "q<i>" it calls, when it has a loop whose
  // header has an empty operand stack. Ignored with kCheckFuel.
  const uint8_t* osr_functions;
  ProgressCallback progress;
  void* progress_sink;
  // Null (the whole module), or one byte per defined function: a batch of tiering's per-function
  // tier-up (docs/tiering.md). Only the marked functions are compiled ("w<i>", "e<i>", and "o<i>"
  // and "q<i>" when osr_functions asks); a direct call or return_call to any other loads its
  // entry from JitContext::natives and calls it under the same context when it is set, else (and
  // always with kCheckFuel, whose entry costs are known only for the batch's own functions) goes
  // through the `call` helper as a call to an import does (out of line, in "y<i>" (JitContext*,
  // u64 offset, params...) -> results, one per such callee: a wrapper frame), and call_indirect's
  // and return_call_indirect's direct path also checks that the callee's FuncInstance::code is one
  // of this code's descriptors (JitContext::functions_begin/end).
  const uint8_t* functions;
};

// The table wasmcap_llvm_tier_v1() returns. compile() returns an opaque handle owning the
// machine code (release() frees it) and fills request->functions, or returns null after calling
// report_error once. Both are safe to call from any thread.
struct TierV1 {
  uint32_t abi_version; // kTierAbiVersion
  uint32_t size;        // sizeof(TierV1)
  const char* llvm_version;
  void* (*compile)(CompileRequest* request); // fills the request's out fields
  void (*release)(void* code);
  // Returns 1 after write_object, or 0 after report_error (once). Thread-safe.
  int (*compile_object)(const ObjectRequest* request);
};

// validate::Features as bits, so the struct's layout is not part of the ABI.
inline uint32_t feature_bits(const validate::Features& f) {
  return (f.simd ? 1u : 0u) | (f.bulk_memory ? 2u : 0u) | (f.reference_types ? 4u : 0u) |
         (f.multi_value ? 8u : 0u) | (f.sign_extension ? 16u : 0u) |
         (f.saturating_float_to_int ? 32u : 0u) | (f.tail_call ? 64u : 0u) |
         (f.extended_const ? 128u : 0u) | (f.multi_memory ? 256u : 0u) |
         (f.exceptions ? 512u : 0u) | (f.relaxed_simd ? 1024u : 0u) | (f.memory64 ? 2048u : 0u) |
         (f.gc ? 4096u : 0u);
}
inline validate::Features features_from_bits(uint32_t bits) {
  validate::Features f;
  f.simd = (bits & 1u) != 0;
  f.bulk_memory = (bits & 2u) != 0;
  f.reference_types = (bits & 4u) != 0;
  f.multi_value = (bits & 8u) != 0;
  f.sign_extension = (bits & 16u) != 0;
  f.saturating_float_to_int = (bits & 32u) != 0;
  f.tail_call = (bits & 64u) != 0;
  f.extended_const = (bits & 128u) != 0;
  f.multi_memory = (bits & 256u) != 0;
  f.exceptions = (bits & 512u) != 0;
  f.relaxed_simd = (bits & 1024u) != 0;
  f.memory64 = (bits & 2048u) != 0;
  f.gc = (bits & 4096u) != 0;
  return f;
}

} // namespace wasmcap::llvm_tier

// The plugin's one exported symbol (dlsym name: kTierEntrySymbol).
extern "C" const wasmcap::llvm_tier::TierV1* wasmcap_llvm_tier_v1();

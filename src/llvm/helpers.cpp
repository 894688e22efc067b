// The host side of compiled code: the layout and helper table handed to the plugin, entering
// compiled code (JitModule::call, with setjmp as the trap landing), the thread's stack limit, and
// the helpers compiled code calls for traps, calls through the runtime, memory.grow, bulk memory
// and tables. All of it lives in the host, so there is one copy of every piece of runtime state.
#include <pthread.h>

#include <algorithm>
#include <csetjmp>
#include <cstring>

#include "runtime/gc_layout.h"
#include "runtime/gc_ref.h"
#include "runtime/invoke.h"
#include "runtime/trap.h"
#include "llvm/backtrace.h"
#include "llvm/exception_unwind.h"
#include "llvm/fault_handler.h"
#include "llvm/jit_context.h"
#include "llvm/jit_module.h"
#include "llvm/native_table.h"

namespace wasmcap::llvm_tier {

namespace tt = runtime::trap_text;
using ir::ValType;
using runtime::Value;

const HostLayout& host_layout() {
  static const HostLayout layout = [] {
    HostLayout l{};
    l.ctx_mem_base = offsetof(JitContext, mem_base);
    l.ctx_mem_size = offsetof(JitContext, mem_size);
    l.ctx_globals = offsetof(JitContext, globals);
    l.ctx_funcs = offsetof(JitContext, funcs);
    l.ctx_stack_limit = offsetof(JitContext, stack_limit);
    l.ctx_instance = offsetof(JitContext, instance);
    runtime::Global g;
    l.global_value =
        static_cast<uint64_t>(reinterpret_cast<char*>(&g.value.i64) - reinterpret_cast<char*>(&g));
    l.global_v128 = static_cast<uint64_t>(reinterpret_cast<char*>(g.value.v128.bytes.data()) -
                                          reinterpret_cast<char*>(&g));
    runtime::FuncInstance f;
    l.func_instance =
        static_cast<uint64_t>(reinterpret_cast<char*>(&f.instance) - reinterpret_cast<char*>(&f));
    l.func_code =
        static_cast<uint64_t>(reinterpret_cast<char*>(&f.code) - reinterpret_cast<char*>(&f));
    l.func_index =
        static_cast<uint64_t>(reinterpret_cast<char*>(&f.func_index) - reinterpret_cast<char*>(&f));
    l.jit_native = offsetof(JitFunction, native);
    l.ctx_interrupt = offsetof(JitContext, interrupt);
    l.ctx_fuel = offsetof(JitContext, fuel);
    l.ctx_tags = offsetof(JitContext, tags);
    runtime::Exception x;
    l.exception_tag =
        static_cast<uint64_t>(reinterpret_cast<char*>(&x.tag) - reinterpret_cast<char*>(&x));
    l.unwind_exception = unwind_exception_offset();
    l.ctx_memories = offsetof(JitContext, memories);
    const runtime::Memory::FieldOffsets m = runtime::Memory::field_offsets();
    l.memory_base = m.base;
    l.memory_size = m.size;
    l.ctx_functions_begin = offsetof(JitContext, functions_begin);
    l.ctx_functions_end = offsetof(JitContext, functions_end);
    l.ctx_natives = offsetof(JitContext, natives);
    l.ctx_gc_base = offsetof(JitContext, gc_base);
    l.ctx_gc_marking = offsetof(JitContext, gc_marking);
    l.ctx_gc_shadow = offsetof(JitContext, gc_shadow);
    l.gc_shadow_top = offsetof(runtime::GcShadowStack, top);
    l.gc_shadow_limit = offsetof(runtime::GcShadowStack, limit);
    return l;
  }();
  return layout;
}

const HostHelpers& host_helpers() {
  static const HostHelpers helpers = {
      reinterpret_cast<void*>(&wasmcap_jit_trap),
      reinterpret_cast<void*>(&wasmcap_jit_call),
      reinterpret_cast<void*>(&wasmcap_jit_indirect),
      reinterpret_cast<void*>(&wasmcap_jit_memory_grow),
      reinterpret_cast<void*>(&wasmcap_jit_memory_init),
      reinterpret_cast<void*>(&wasmcap_jit_memory_copy),
      reinterpret_cast<void*>(&wasmcap_jit_memory_fill),
      reinterpret_cast<void*>(&wasmcap_jit_data_drop),
      reinterpret_cast<void*>(&wasmcap_jit_table_get),
      reinterpret_cast<void*>(&wasmcap_jit_table_set),
      reinterpret_cast<void*>(&wasmcap_jit_table_size),
      reinterpret_cast<void*>(&wasmcap_jit_table_grow),
      reinterpret_cast<void*>(&wasmcap_jit_table_fill),
      reinterpret_cast<void*>(&wasmcap_jit_table_copy),
      reinterpret_cast<void*>(&wasmcap_jit_table_init),
      reinterpret_cast<void*>(&wasmcap_jit_elem_drop),
      reinterpret_cast<void*>(&wasmcap_jit_interrupt),
      reinterpret_cast<void*>(&wasmcap_jit_refuel),
      reinterpret_cast<void*>(&wasmcap_jit_entry_check),
      reinterpret_cast<void*>(&wasmcap_jit_throw),
      reinterpret_cast<void*>(&wasmcap_jit_throw_ref),
      reinterpret_cast<void*>(&wasmcap_jit_catch),
      personality_address(),
      unwind_resume_address(),
      reinterpret_cast<void*>(&wasmcap_jit_ref_test),
      reinterpret_cast<void*>(&wasmcap_jit_gc),
  };
  return helpers;
}

namespace {

// Compiled code may use this thread's stack down to here; the reserve below is left for
// helpers, host functions and re-entry into the runtime.
constexpr uintptr_t kStackReserve = 512u << 10;
constexpr uintptr_t kFallbackStack = 4u << 20; // when the thread's stack cannot be queried

uintptr_t thread_stack_limit() {
  thread_local uintptr_t limit = [] {
    uintptr_t here = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
    uintptr_t low = here > kFallbackStack ? here - kFallbackStack : 0;
    pthread_attr_t attr;
    if (pthread_getattr_np(pthread_self(), &attr) == 0) {
      void* addr = nullptr;
      size_t size = 0;
      if (pthread_attr_getstack(&attr, &addr, &size) == 0 && addr != nullptr &&
          reinterpret_cast<uintptr_t>(addr) < here) {
        low = reinterpret_cast<uintptr_t>(addr);
      }
      pthread_attr_destroy(&attr);
    }
    return low + kStackReserve;
  }();
  return limit;
}

// Slots are the interpreter's frame layout: one 8-byte slot per value, two for a v128 (its
// bytes in order). Writes `v` at `p` and returns the slots it took.
size_t to_slots(const Value& v, uint64_t* p) {
  switch (v.type) {
  case ValType::I32: *p = v.i32; return 1;
  case ValType::F32: *p = v.f32_bits; return 1;
  case ValType::I64: *p = v.i64; return 1;
  case ValType::F64: *p = v.f64_bits; return 1;
  case ValType::FuncRef:
  case ValType::ExternRef:
  case ValType::ExnRef:
  WASMCAP_CASE_OTHER_REFS:
    *p = reinterpret_cast<uint64_t>(v.ref);
    return 1;
  case ValType::V128: std::memcpy(p, v.v128.bytes.data(), 16); return 2;
  }
  return 1;
}

Value from_slots(ValType t, const uint64_t* p) {
  const uint64_t s = *p;
  switch (t) {
  case ValType::I32: return Value::make_i32(static_cast<uint32_t>(s));
  case ValType::F32: return Value::make_f32_bits(static_cast<uint32_t>(s));
  case ValType::I64: return Value::make_i64(s);
  case ValType::F64: return Value::make_f64_bits(s);
  case ValType::FuncRef:
  case ValType::ExternRef:
  case ValType::ExnRef:
  WASMCAP_CASE_OTHER_REFS:
    return Value::make_ref(t, reinterpret_cast<void*>(s));
  case ValType::V128: {
    runtime::V128 v;
    std::memcpy(v.bytes.data(), p, 16);
    return Value::make_v128(v);
  }
  }
  return Value::zero(t);
}

// Pushes the arguments of the GC-traced types (runtime/gc_layout.h) onto the shadow stack;
// false when they do not fit.
bool root_arguments(runtime::GcShadowStack& shadow, std::span<const ValType> types,
                    std::span<const Value> args) {
  size_t n = 0;
  for (ValType t : types)
    n += runtime::gc_traced(t) ? 1 : 0;
  if (n == 0) return true;
  uint64_t* at = shadow.push(n);
  if (at == nullptr) return false;
  for (size_t i = 0; i < types.size(); ++i) {
    if (runtime::gc_traced(types[i])) *at++ = reinterpret_cast<uint64_t>(args[i].ref);
  }
  return true;
}

size_t slot_count(std::span<const ValType> types) {
  size_t n = 0;
  for (ValType t : types)
    n += t == ValType::V128 ? 2 : 1;
  return n;
}

void refresh_memory(JitContext* ctx) {
  if (!ctx->instance->memories.empty()) ctx->mem_size = ctx->instance->memories[0]->size_bytes();
}

const char* trap_message(uint32_t code) {
  switch (static_cast<TrapCode>(code)) {
  case TrapCode::Unreachable: return tt::kUnreachable;
  case TrapCode::DivideByZero: return tt::kDivideByZero;
  case TrapCode::IntegerOverflow: return tt::kIntegerOverflow;
  case TrapCode::InvalidConversion: return tt::kInvalidConversion;
  case TrapCode::MemoryOutOfBounds: return tt::kMemoryOutOfBounds;
  case TrapCode::CallStackExhausted: return tt::kCallStackExhausted;
  case TrapCode::NullExceptionReference: return tt::kNullExceptionReference;
  case TrapCode::NullFunctionReference: return tt::kNullFunctionReference;
  case TrapCode::NullReference: return tt::kNullReference;
  case TrapCode::NullI31Reference: return tt::kNullI31Reference;
  case TrapCode::CastFailure: return tt::kCastFailure;
  }
  return tt::kUnreachable;
}

// Appends this activation's compiled frames to a trap's backtrace: the helper's caller at the
// instruction's own `offset`, then its callers found by walking the stack (backtrace.h), in any
// module of the activation's code (native_table.h: a batch's calls through the table of native
// entries run other modules' code in the same activation). frame_at() names the functions of the
// one wasm module every module of the set compiled.
void append_compiled_frames(const JitContext& ctx, uint64_t offset,
                            std::vector<TraceFrame>& backtrace) {
  const CodeSet code = code_set(ctx);
  std::vector<uintptr_t> pcs;
  collect_compiled_pcs(code, pcs, false);
  code.append_trace(ctx.module->frame_at(offset), pcs, backtrace);
}

thread_local uint64_t t_runtime_calls = 0; // runtime_calls_on_this_thread()

// The offset an entry wrapper passes: its trap has no frame of this activation (the interpreter's
// entry charge fails before the callee's frame exists, too).
constexpr uint64_t kNoFrame = UINT64_MAX;

// Moves `error` (plus the compiled frames) into the activation and jumps back to its entry.
// Callers must have ended every C++ scope that owns resources: longjmp runs no destructors
// (the moved-from error left behind owns no memory).
// A profiler's sample request (Store::kSampleRequested) seen at a check at `offset`: this
// activation's compiled frames, then those of interpreted code that called it (Tier::Auto).
// An entry wrapper's check (kNoFrame) leaves the request to the next check.
void take_sample(JitContext* ctx, uint64_t offset) {
  runtime::Store& store = *ctx->store;
  if (offset == kNoFrame || !store.take_sample_request()) return;
  std::vector<TraceFrame> frames;
  append_compiled_frames(*ctx, offset, frames);
  if (store.tier_state()) store.tier_state()->append_running_frames(frames);
  store.sample_sink()->sample(frames);
}

[[noreturn]] void raise(JitContext* ctx, support::Error&& error, uint64_t offset) {
  Activation* act = ctx->activation;
  act->error.emplace(std::move(error));
  if (offset != kNoFrame && (act->error->kind == support::ErrorKind::Trap ||
                             act->error->kind == support::ErrorKind::Exhaustion ||
                             act->error->kind == support::ErrorKind::Exception)) {
    append_compiled_frames(*ctx, offset, act->error->backtrace);
  }
  std::longjmp(act->jump, 1);
}

} // namespace

void raise_error(JitContext* ctx, support::Error&& error, uint64_t offset) {
  raise(ctx, std::move(error), offset);
}

uint64_t runtime_calls_on_this_thread() {
  return t_runtime_calls;
}

TraceFrame JitModule::frame_at(uint64_t offset) const {
  const ir::Module& m = *module_;
  TraceFrame f;
  f.offset = offset;
  f.module_name = m.names.module.value_or("");
  // Bodies are in code-section order, so their offsets ascend.
  auto it =
      std::upper_bound(m.functions.begin(), m.functions.end(), offset,
                       [](uint64_t off, const ir::Function& fn) { return off < fn.body.offset; });
  if (it != m.functions.begin()) {
    f.func_index = m.num_imported_funcs + static_cast<uint32_t>(it - m.functions.begin() - 1);
    f.func_name = std::string(m.func_name(f.func_index));
  }
  return f;
}

void JitModule::append_frames(std::span<const uintptr_t> pcs, std::vector<TraceFrame>& out) const {
  for (uintptr_t pc : pcs) {
    std::optional<uint32_t> f = function_at_pc(pc);
    if (!f) continue; // an entry wrapper
    // frame_at names the function whose body holds the offset: this one.
    out.push_back(frame_at(module_->functions[*f - module_->num_imported_funcs].body.offset));
  }
}

// A guard-page fault (fault_handler.cpp): the trap, with the frames the handler's walk found (the
// faulting function first), or the faulting function's alone if the walk found none. Offsets are
// function body starts: the faulting instruction's own offset is not recorded (no PC -> wasm
// offset table yet).
support::Error fault_trap(const CodeSet& code, uintptr_t pc, const char* text) {
  support::Error e = runtime::make_trap(text);
  const std::vector<uintptr_t>& walked = fault_trace();
  const uintptr_t only[] = {pc};
  code.append_frames(walked.empty() ? std::span<const uintptr_t>(only) : walked, e.backtrace);
  return e;
}

support::Status JitModule::call(runtime::Store& store, runtime::FuncInstance& func,
                                std::span<const Value> args, std::span<Value> results) const {
  uint64_t slots[16];
  std::unique_ptr<uint64_t[]> big;
  uint64_t* s = slots;
  const size_t n = std::max(slot_count(func.type->params), slot_count(func.type->results));
  if (n > 16) {
    big.reset(new uint64_t[n]);
    s = big.get();
  }
  size_t at = 0;
  for (const Value& a : args)
    at += to_slots(a, s + at);
  WASMCAP_TRY(call_slots(store, func, s));
  at = 0;
  for (size_t i = 0; i < results.size(); ++i) {
    results[i] = from_slots(func.type->results[i], s + at);
    at += results[i].type == ValType::V128 ? 2 : 1;
  }
  return support::ok();
}

template <class Enter>
support::Status JitModule::run_activation(runtime::Store& store, runtime::ModuleInstance& instance,
                                          const Enter& enter) const {
  runtime::ModuleInstance* inst = &instance;
  JitContext ctx;
  if (!inst->memories.empty()) {
    const runtime::Memory& m = *inst->memories[0];
    ctx.mem_base = inst->memories[0]->data();
    ctx.mem_size = m.size_bytes();
    if (guard_pages_ && m.guarded()) ctx.mem_reserved = m.reserved_bytes();
  }
  // Also without guard pages: the trace buffer serves stop_compiled_code_in_signal too.
  prepare_fault_handling();
  ctx.memories = inst->memories.data();
  ctx.globals = inst->globals.data();
  ctx.tags = inst->tags.data();
  ctx.funcs = inst->funcs.data();
  ctx.stack_limit = thread_stack_limit();
  ctx.instance = inst;
  ctx.store = &store;
  ctx.gc_base = store.gc_base_cell();
  ctx.gc_marking = store.gc_marking_cell();
  runtime::GcShadowStack& shadow = store.gc_shadow_stack();
  ctx.gc_shadow = &shadow;
  // The entry wrappers pass the top to code that roots references (translate_gc_roots.cpp):
  // reserved now, it is a real slot (one that cannot be reserved has a null limit: frames trap).
  if (gc_roots_) (void)shadow.reserve();
  ctx.module = this;
  ctx.functions_begin = functions_.data();
  ctx.functions_end = functions_.data() + functions_.size();
  // Only the LLVM tier sets an instance's code state (tiering's switch hook).
  if (const auto* table = static_cast<const NativeTable*>(inst->code_state.get())) {
    ctx.natives = table->entries();
    ctx.native_table = table;
  }
  runtime::InterruptState& interrupt = store.interrupt_state();
  ctx.interrupt = &interrupt.trigger;
  if ((checks_ & kCheckInterrupt) != 0) interrupt.arm(ctx.stack_limit);
  ctx.fuel = &store.compiled_fuel();
  Activation act;
  act.shadow_top = shadow.top;
  ctx.activation = &act;
  runtime::CallScope call_scope(store); // the outermost call arms the timeout
  // A signal's interruption (Store::interrupt_from_signal) that found no compiled code to stop
  // (the guest was in a host, which now calls back in) stops it here.
  if ((interrupt.word.load(std::memory_order_relaxed) & runtime::Store::kSignalInterrupt) != 0) {
    if (support::Status s = store.check_interrupt(); !s) return s;
  }
  // Nothing set before setjmp is modified afterwards, so no local needs to be volatile.
  JitContext* const outer = enter_compiled_code(&ctx);
  if (setjmp(act.jump) != 0) {
    leave_compiled_code(outer);
    shadow.pop_to(act.shadow_top); // as on a return (below)
    store.return_fuel(store.compiled_fuel());
    if (act.interrupted) {
      (void)store.check_interrupt(); // consumes the request the signal raised
      return fault_trap(code_set(ctx), act.fault_pc, tt::kInterrupted);
    }
    if (act.fault_pc != 0) return fault_trap(code_set(ctx), act.fault_pc, tt::kMemoryOutOfBounds);
    return std::move(*act.error);
  }
  enter(&ctx);
  leave_compiled_code(outer);
  shadow.pop_to(act.shadow_top); // frames pop nothing: their tops were only published
  // The caller may be the interpreter or a host, which read the store's reserve.
  store.return_fuel(store.compiled_fuel());
  return support::ok();
}

support::Status JitModule::call_slots(runtime::Store& store, runtime::FuncInstance& func,
                                      uint64_t* slots) const {
  const auto* jf = static_cast<const JitFunction*>(func.code);
  return run_activation(store, *func.instance, [&](JitContext* ctx) { jf->entry(ctx, slots); });
}

support::Result<bool> JitModule::call_osr(runtime::Store& store, runtime::FuncInstance& func,
                                          uint64_t* slots, uint64_t loop_offset) const {
  const auto* jf = static_cast<const JitFunction*>(func.code);
  if (jf->osr == nullptr) return false;
  uint32_t ran = 0; // only read after a normal return (no longjmp)
  WASMCAP_TRY(run_activation(store, *func.instance,
                             [&](JitContext* ctx) { ran = jf->osr(ctx, slots, loop_offset); }));
  return ran != 0;
}

} // namespace wasmcap::llvm_tier

using namespace wasmcap;
using llvm_tier::JitContext;
namespace tt = runtime::trap_text;

extern "C" {

void wasmcap_jit_trap(JitContext* ctx, uint32_t code, uint64_t offset) {
  const char* text = llvm_tier::trap_message(code);
  llvm_tier::raise(ctx,
                   code == static_cast<uint32_t>(llvm_tier::TrapCode::CallStackExhausted)
                       ? runtime::make_exhaustion(text)
                       : runtime::make_trap(text),
                   offset);
}

void wasmcap_jit_call(JitContext* ctx, FuncInstance* f, uint64_t* slots, uint64_t offset) {
  support::Status st;
  ++llvm_tier::t_runtime_calls;
  runtime::Store& store = *ctx->store;
  if (f->kind == FuncInstance::Kind::Wasm && store.poll_requested()) {
    store.run_poll_hooks(); // a safe point, as in invoke_into: may switch the callee's tier
  }
  // A wasm callee whose code takes slots (compiled code, the interpreter) is called with this
  // call's own slots: no conversion, no allocation. Its type is right by validation (direct
  // calls) or the `indirect` helper's check. Per-function tier-up calls functions of its own
  // instance outside the batch this way.
  const runtime::ModuleCode* code =
      f->kind == FuncInstance::Kind::Wasm ? &f->instance->code->code_of(*f) : nullptr;
  if (code != nullptr && code->has_slot_calls()) {
    store.return_fuel(*ctx->fuel);
    st = code->call_slots(store, *f, slots);
  } else {
    const ir::FuncType& t = *f->type;
    std::vector<runtime::Value> args(t.params.size());
    std::vector<runtime::Value> results(t.results.size());
    size_t at = 0;
    for (size_t i = 0; i < args.size(); ++i) {
      args[i] = llvm_tier::from_slots(t.params[i], slots + at);
      at += t.params[i] == ValType::V128 ? 2 : 1;
    }
    // The callee (a host, the interpreter, another activation) charges the store's reserve.
    ctx->store->return_fuel(*ctx->fuel);
    // A host function may call back into wasm, which may collect, while it holds its arguments:
    // they are roots until it returns (the interpreter's GcExit does the same for its calls).
    runtime::GcShadowStack& shadow = store.gc_shadow_stack();
    uint64_t* const shadow_top = shadow.top;
    if (!llvm_tier::root_arguments(shadow, t.params, args)) {
      st = runtime::make_exhaustion(tt::kCallStackExhausted);
    } else {
      st = runtime::invoke_into(*ctx->store, *f, args, results);
    }
    shadow.pop_to(shadow_top);
    if (st) {
      at = 0;
      for (size_t i = 0; i < results.size(); ++i) {
        results[i].type = t.results[i]; // a careless host must not change a result's width
        at += llvm_tier::to_slots(results[i], slots + at);
      }
    }
  }
  llvm_tier::refresh_memory(ctx);
  if (!st) {
    // An exception the callee did not catch goes on unwinding in compiled code, which may catch
    // it (exception_unwind.h); every other error leaves the activation.
    support::Error e = std::move(st).error();
    runtime::Exception* x = runtime::exception_of(e);
    if (x != nullptr && ctx->module->exceptions()) llvm_tier::raise_exception(ctx, x, offset, &e);
    llvm_tier::raise(ctx, std::move(e), offset);
  }
  // Code without interruption checks learns here of a signal's interruption that arrived while
  // the callee ran (a blocking host call): one load on the way back from the runtime.
  if ((ctx->store->interrupt_state().word.load(std::memory_order_relaxed) &
       runtime::Store::kSignalInterrupt) != 0) {
    support::Status s = ctx->store->check_interrupt();
    if (!s) llvm_tier::raise(ctx, std::move(s).error(), offset);
  }
}

// Indices, addresses and lengths arrive as u64 (i32 operands zero-extended by compiled code), so
// these serve 64-bit memories and tables (memory64) too. Tables hold at most 2^32 - 1 elements,
// so an index or length past 32 bits is always out of bounds (it must trap, never wrap).
namespace {
constexpr uint64_t kU32Max = UINT32_MAX;
// [at, at + n) lies within `size` bytes or elements, the sum taken without wrapping.
bool within(uint64_t at, uint64_t n, uint64_t size) {
  return n <= size && at <= size - n;
}
} // namespace

uint32_t wasmcap_jit_ref_test(JitContext* ctx, const void* ref, uint32_t target) {
  // A type index becomes the host's canonical id here: ids are the process's own (the plugin,
  // loaded apart, has a registry of its own, and a .cwasm outlives the process).
  const ir::ValType t = ir::ValType::from_bits(target);
  const std::span<const uint32_t> ids = ctx->instance->type_ids;
  const uint32_t canonical = t.is_concrete() && t.index() < ids.size() ? ids[t.index()] : 0;
  return runtime::ref_matches(reinterpret_cast<uintptr_t>(ref), t, canonical, ctx->store->gc_base())
             ? 1
             : 0;
}

FuncInstance* wasmcap_jit_indirect(JitContext* ctx, uint32_t table, uint64_t index,
                                   uint32_t type_index, uint64_t offset) {
  runtime::Table* t = ctx->instance->tables[table];
  const char* fail = nullptr;
  FuncInstance* f = nullptr;
  if (index >= t->size()) {
    fail = tt::kUndefinedElement;
  } else {
    f = static_cast<FuncInstance*>(t->data()[index]);
    if (f == nullptr) {
      fail = tt::kUninitializedElement;
    } else if (!runtime::has_type(f, ctx->instance->type_ids[type_index])) {
      fail = tt::kIndirectTypeMismatch;
    }
  }
  if (fail != nullptr) llvm_tier::raise(ctx, runtime::make_trap(fail), offset);
  return f;
}

// The old size in pages, or -1 (compiled code truncates it for an i32 memory: still -1). Memory
// 0's size in the context is refreshed whatever `memory` is: two indices may name one Memory.
int64_t wasmcap_jit_memory_grow(JitContext* ctx, uint32_t memory, uint64_t delta) {
  int64_t r = ctx->instance->memories[memory]->grow(delta);
  llvm_tier::refresh_memory(ctx);
  return r;
}

// The bulk helpers read each Memory's own size (memory 0's in the context is the same value).
void wasmcap_jit_memory_init(JitContext* ctx, uint32_t memory, uint32_t seg, uint64_t d, uint64_t s,
                             uint64_t n, uint64_t offset) {
  runtime::Memory& m = *ctx->instance->memories[memory];
  std::span<const uint8_t> data = ctx->instance->datas[seg].bytes;
  if (!within(s, n, data.size()) || !within(d, n, m.size_bytes())) {
    llvm_tier::raise(ctx, runtime::make_trap(tt::kMemoryOutOfBounds), offset);
  }
  if (n != 0) std::memcpy(m.data() + d, data.data() + s, n);
}

// Between two memories too: then the regions cannot overlap, unless both indices name one
// Memory (an import twice), which memmove covers as well.
void wasmcap_jit_memory_copy(JitContext* ctx, uint32_t dst, uint32_t src, uint64_t d, uint64_t s,
                             uint64_t n, uint64_t offset) {
  runtime::Memory& to = *ctx->instance->memories[dst];
  runtime::Memory& from = *ctx->instance->memories[src];
  if (!within(s, n, from.size_bytes()) || !within(d, n, to.size_bytes())) {
    llvm_tier::raise(ctx, runtime::make_trap(tt::kMemoryOutOfBounds), offset);
  }
  if (n != 0) std::memmove(to.data() + d, from.data() + s, n);
}

void wasmcap_jit_memory_fill(JitContext* ctx, uint32_t memory, uint64_t d, uint32_t val, uint64_t n,
                             uint64_t offset) {
  runtime::Memory& m = *ctx->instance->memories[memory];
  if (!within(d, n, m.size_bytes())) {
    llvm_tier::raise(ctx, runtime::make_trap(tt::kMemoryOutOfBounds), offset);
  }
  if (n != 0) std::memset(m.data() + d, static_cast<uint8_t>(val), n);
}

void wasmcap_jit_data_drop(JitContext* ctx, uint32_t seg) {
  ctx->instance->datas[seg].bytes = {};
}

void* wasmcap_jit_table_get(JitContext* ctx, uint32_t table, uint64_t i, uint64_t offset) {
  void* r = nullptr;
  if (i > kU32Max || !ctx->instance->tables[table]->get(static_cast<uint32_t>(i), r)) {
    llvm_tier::raise(ctx, runtime::make_trap(tt::kTableOutOfBounds), offset);
  }
  return r;
}

void wasmcap_jit_table_set(JitContext* ctx, uint32_t table, uint64_t i, void* ref,
                           uint64_t offset) {
  if (i > kU32Max || !ctx->instance->tables[table]->set(static_cast<uint32_t>(i), ref)) {
    llvm_tier::raise(ctx, runtime::make_trap(tt::kTableOutOfBounds), offset);
  }
}

uint64_t wasmcap_jit_table_size(JitContext* ctx, uint32_t table) {
  return ctx->instance->tables[table]->size();
}

// The old size, or -1: a delta past 32 bits can never fit.
int64_t wasmcap_jit_table_grow(JitContext* ctx, uint32_t table, void* ref, uint64_t delta) {
  if (delta > kU32Max) return -1;
  return ctx->instance->tables[table]->grow(static_cast<uint32_t>(delta), ref);
}

void wasmcap_jit_table_fill(JitContext* ctx, uint32_t table, uint64_t i, void* ref, uint64_t n,
                            uint64_t offset) {
  if (i > kU32Max || n > kU32Max ||
      !ctx->instance->tables[table]->fill(static_cast<uint32_t>(i), static_cast<uint32_t>(n),
                                          ref)) {
    llvm_tier::raise(ctx, runtime::make_trap(tt::kTableOutOfBounds), offset);
  }
}

void wasmcap_jit_table_copy(JitContext* ctx, uint32_t dst, uint32_t src, uint64_t d, uint64_t s,
                            uint64_t n, uint64_t offset) {
  if (d > kU32Max || s > kU32Max || n > kU32Max ||
      !runtime::Table::copy(*ctx->instance->tables[dst], static_cast<uint32_t>(d),
                            *ctx->instance->tables[src], static_cast<uint32_t>(s),
                            static_cast<uint32_t>(n))) {
    llvm_tier::raise(ctx, runtime::make_trap(tt::kTableOutOfBounds), offset);
  }
}

void wasmcap_jit_table_init(JitContext* ctx, uint32_t seg, uint32_t table, uint64_t d, uint64_t s,
                            uint64_t n, uint64_t offset) {
  const runtime::ElemInstance& e = ctx->instance->elems[seg];
  if (d > kU32Max || s > kU32Max || n > kU32Max ||
      !ctx->instance->tables[table]->init(static_cast<uint32_t>(d), e.refs,
                                          static_cast<uint32_t>(s), static_cast<uint32_t>(n))) {
    llvm_tier::raise(ctx, runtime::make_trap(tt::kTableOutOfBounds), offset);
  }
}

void wasmcap_jit_elem_drop(JitContext* ctx, uint32_t seg) {
  ctx->instance->elems[seg].refs.clear();
}

// kCheckInterrupt: a loop header (`offset`) found the trigger raised. Re-armed first, so a
// request that was stale (consumed by the interpreter) costs one visit here.
WASMCAP_JIT_CHECK_HELPER void wasmcap_jit_interrupt(JitContext* ctx, uint64_t offset) {
  ctx->store->interrupt_state().disarm(ctx->stack_limit);
  llvm_tier::take_sample(ctx, offset);
  support::Status s = ctx->store->check_interrupt();
  if (!s) llvm_tier::raise(ctx, std::move(s).error(), offset);
}

// kCheckInterrupt: a function entry's stack pointer `sp` was below the trigger: the stack is
// exhausted, or the trigger was raised.
WASMCAP_JIT_CHECK_HELPER void wasmcap_jit_entry_check(JitContext* ctx, uintptr_t sp,
                                                      uint64_t offset) {
  if (sp < ctx->stack_limit) {
    llvm_tier::raise(ctx, runtime::make_exhaustion(tt::kCallStackExhausted), offset);
  }
  wasmcap_jit_interrupt(ctx, offset);
}

// kCheckFuel: a charge took the counter below zero at `offset` (a call, a loop header; the entry
// wrapper's charge passes kNoFrame: it fails before the callee's frame exists).
WASMCAP_JIT_CHECK_HELPER void wasmcap_jit_refuel(JitContext* ctx, uint64_t offset) {
  llvm_tier::take_sample(ctx, offset);
  support::Status s = ctx->store->refuel(*ctx->fuel);
  if (!s) llvm_tier::raise(ctx, std::move(s).error(), offset);
}

} // extern "C"

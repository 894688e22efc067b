// Exceptions thrown by compiled code, the host side (exception_unwind.h; docs/llvm.md,
// "Exception handling"): the throw helpers, the forced unwind that carries a wasm exception
// through compiled frames, the personality routine that finds their landing pads in the LSDA, and
// the stop function that turns an exception leaving the activation into the runtime's error.
//
// Why a forced unwind of our own exception class rather than a C++ `throw`: the host and the
// plugin need not share a C++ runtime (tier_abi.h), and a C++ exception would need typeinfo
// symbols relocated into every .cwasm; our class needs only the personality routine. Why forced
// (one phase) rather than `_Unwind_RaiseException` (search, then cleanup): whether a wasm frame
// catches depends on tag compares its landing pad makes in compiled code, which a search phase
// cannot ask; the unwind instead visits every landing pad in turn (a pad that does not match
// resumes), and the stop function ends it at the activation's entry, which a phase-one search
// would have had to find as a C++ handler.
#include "llvm/exception_unwind.h"

#include <unwind.h>

#include <csetjmp>
#include <cstring>
#include <memory>
#include <vector>

#include "runtime/exception.h"
#include "runtime/trap.h"
#include "llvm/jit_module.h"
#include "llvm/native_table.h"

namespace wasmcap::llvm_tier {

namespace {

constexpr _Unwind_Exception_Class kWasmClass = 0x5743415057534D00ull; // "WCAPWSM\0"

struct WasmUnwind {
  _Unwind_Exception header;
  runtime::Exception* exception;
};

// The exception in flight on this thread. One is enough: landing pads only compare tags and
// branch or resume, so nothing throws again before the unwind is over (caught, or left the
// activation).
struct InFlight {
  WasmUnwind object{};
  uint64_t offset = 0;              // the throwing instruction (innermost frame)
  std::vector<TraceFrame> prior;    // the frames of the error it came in (a call's callee)
  std::shared_ptr<const void> hold; // that error's hold on the exception
  std::vector<uintptr_t> pcs;       // compiled frames unwound so far, innermost first
  uintptr_t last_cfa = 0;           // a frame that resumed is visited again: listed once
  bool started = false;             // a compiled frame was seen (before: the helper's frames)
};

thread_local InFlight in_flight;

// The exception leaves the activation: the interpreter's uncaught-exception error, with the
// frames it went through, back to the activation's setjmp (helpers.cpp, run_activation).
[[noreturn]] void leave(JitContext* ctx) {
  Activation* act = ctx->activation;
  {
    InFlight& f = in_flight;
    runtime::Exception* x = f.object.exception;
    x->exposed = true; // embedders may keep the error: never reused
    support::Error e = runtime::uncaught_exception_error(*x, ctx->store->exception_owner(x));
    if (!e.exception && f.hold.get() == x) e.exception = f.hold;
    f.hold.reset();
    e.backtrace = std::move(f.prior);
    f.prior.clear();
    // Every module of the activation's code (native_table.h) names the same wasm functions.
    code_set(*ctx).append_trace(ctx->module->frame_at(f.offset), f.pcs, e.backtrace);
    act->error.emplace(std::move(e));
  }
  std::longjmp(act->jump, 1);
}

// Called by the unwinder for every frame before its personality routine: compiled frames are
// recorded and unwound; the first frame after them (the runtime's entry) ends the unwind.
_Unwind_Reason_Code stop(int, _Unwind_Action actions, _Unwind_Exception_Class, _Unwind_Exception*,
                         struct _Unwind_Context* context, void* param) {
  auto* ctx = static_cast<JitContext*>(param);
  InFlight& f = in_flight;
  if ((actions & _UA_END_OF_STACK) == 0) {
    int before = 0;
    const uintptr_t ip = _Unwind_GetIPInfo(context, &before);
    const uintptr_t pc = before != 0 ? ip : ip - 1;
    if (ip != 0 && code_set(*ctx).contains_pc(pc)) {
      f.started = true;
      const uintptr_t cfa = _Unwind_GetCFA(context);
      if (cfa != f.last_cfa) {
        f.pcs.push_back(pc);
        f.last_cfa = cfa;
      }
      return _URC_NO_REASON;
    }
    if (!f.started) return _URC_NO_REASON; // the throw helper's own frames
  }
  leave(ctx);
}

// DWARF pointer encodings (the LSDA's), the subset LLVM emits for x86-64 ELF.
constexpr uint8_t kOmit = 0xff;

uint64_t read_uleb(const uint8_t*& p) {
  uint64_t v = 0;
  unsigned shift = 0;
  uint8_t byte = 0;
  do {
    byte = *p++;
    if (shift < 64) v |= uint64_t{byte & 0x7fu} << shift;
    shift += 7;
  } while ((byte & 0x80) != 0);
  return v;
}

int64_t read_sleb(const uint8_t*& p) {
  int64_t v = 0;
  unsigned shift = 0;
  uint8_t byte = 0;
  do {
    byte = *p++;
    if (shift < 64) v |= static_cast<int64_t>(uint64_t{byte & 0x7fu} << shift);
    shift += 7;
  } while ((byte & 0x80) != 0);
  if (shift < 64 && (byte & 0x40) != 0) v |= -(int64_t{1} << shift);
  return v;
}

template <class T> uint64_t read_fixed(const uint8_t*& p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  p += sizeof v;
  return static_cast<uint64_t>(v);
}

// Reads a value in `encoding`; false for an encoding this reader does not know.
bool read_encoded(const uint8_t*& p, uint8_t encoding, uint64_t& out) {
  const auto field = reinterpret_cast<uint64_t>(p);
  switch (encoding & 0x0f) {
  case 0x00: out = read_fixed<uint64_t>(p); break; // absptr
  case 0x01: out = read_uleb(p); break;
  case 0x02: out = read_fixed<uint16_t>(p); break;
  case 0x03: out = read_fixed<uint32_t>(p); break;
  case 0x04: out = read_fixed<uint64_t>(p); break;
  case 0x09: out = static_cast<uint64_t>(read_sleb(p)); break;
  case 0x0a: out = read_fixed<int16_t>(p); break;
  case 0x0b: out = read_fixed<int32_t>(p); break;
  case 0x0c: out = read_fixed<int64_t>(p); break;
  default: return false;
  }
  switch (encoding & 0x70) {
  case 0x00: break;
  case 0x10: out += field; break; // pcrel
  default: return false;
  }
  if ((encoding & 0x80) != 0) std::memcpy(&out, reinterpret_cast<const void*>(out), 8); // indirect
  return true;
}

} // namespace

uint64_t unwind_exception_offset() {
  return offsetof(WasmUnwind, exception);
}

[[noreturn]] void raise_exception(JitContext* ctx, runtime::Exception* x, uint64_t offset,
                                  support::Error* from) {
  InFlight& f = in_flight;
  f.offset = offset;
  f.pcs.clear();
  f.last_cfa = 0;
  f.started = false;
  if (from != nullptr) {
    f.prior = std::move(from->backtrace);
    f.hold = std::move(from->exception);
  } else {
    f.prior.clear();
    f.hold.reset();
  }
  f.object.exception = x;
  f.object.header.exception_class = kWasmClass;
  f.object.header.exception_cleanup = nullptr;
  _Unwind_ForcedUnwind(&f.object.header, &stop, ctx);
  // Returns only when the unwinder could not walk the stack (no tables): nothing can catch it.
  leave(ctx);
}

} // namespace wasmcap::llvm_tier

using namespace wasmcap;

extern "C" {

// The personality of every compiled function with a landing pad. Only wasm exceptions run them
// (a foreign exception or a forced unwind of another kind passes through compiled frames as
// through frames without pads): the call site's landing pad, if any, gets the exception object
// in the first return-data register and runs; it compares tags itself.
_Unwind_Reason_Code wasmcap_jit_personality(int version, _Unwind_Action actions,
                                            _Unwind_Exception_Class cls, _Unwind_Exception* e,
                                            struct _Unwind_Context* context) {
  using llvm_tier::kOmit;
  if (version != 1 || cls != llvm_tier::kWasmClass || (actions & _UA_CLEANUP_PHASE) == 0)
    return _URC_CONTINUE_UNWIND;
  const auto* p = static_cast<const uint8_t*>(_Unwind_GetLanguageSpecificData(context));
  if (p == nullptr) return _URC_CONTINUE_UNWIND;
  const uint64_t func = _Unwind_GetRegionStart(context);
  int before = 0;
  uint64_t ip = _Unwind_GetIPInfo(context, &before);
  if (before == 0) --ip; // a return address: the call is the instruction before it
  uint64_t lp_start = func;
  const uint8_t lp_encoding = *p++;
  if (lp_encoding != kOmit && !llvm_tier::read_encoded(p, lp_encoding, lp_start))
    return _URC_CONTINUE_UNWIND;
  if (*p++ != kOmit) (void)llvm_tier::read_uleb(p); // the type table (no catch clauses use it)
  const uint8_t site_encoding = *p++;
  const uint64_t sites = llvm_tier::read_uleb(p);
  const uint8_t* end = p + sites;
  while (p < end) {
    uint64_t start = 0, length = 0, pad = 0;
    if (!llvm_tier::read_encoded(p, site_encoding & 0x0f, start) ||
        !llvm_tier::read_encoded(p, site_encoding & 0x0f, length) ||
        !llvm_tier::read_encoded(p, site_encoding & 0x0f, pad))
      return _URC_CONTINUE_UNWIND;
    (void)llvm_tier::read_uleb(p); // the action: 0, cleanup (the pad decides)
    if (ip < func + start) break;  // sites are sorted
    if (ip >= func + start + length) continue;
    if (pad == 0) return _URC_CONTINUE_UNWIND;
    _Unwind_SetGR(context, __builtin_eh_return_data_regno(0), reinterpret_cast<uintptr_t>(e));
    _Unwind_SetGR(context, __builtin_eh_return_data_regno(1), 0);
    _Unwind_SetIP(context, lp_start + pad);
    return _URC_INSTALL_CONTEXT;
  }
  return _URC_CONTINUE_UNWIND;
}

void wasmcap_jit_throw(JitContext* ctx, uint32_t tag, const uint64_t* slots, uint64_t offset) {
  runtime::Tag* t = ctx->instance->tags[tag];
  runtime::Exception* x = ctx->store->new_exception(t);
  if (t->payload_slots != 0) std::memcpy(x->payload.data(), slots, t->payload_slots * 8);
  llvm_tier::raise_exception(ctx, x, offset, nullptr);
}

void wasmcap_jit_throw_ref(JitContext* ctx, runtime::Exception* x, uint64_t offset) {
  if (x == nullptr) {
    wasmcap_jit_trap(ctx, static_cast<uint32_t>(llvm_tier::TrapCode::NullExceptionReference),
                     offset);
  }
  llvm_tier::raise_exception(ctx, x, offset, nullptr);
}

void wasmcap_jit_catch(JitContext* ctx, runtime::Exception* x, uint64_t* out, uint32_t keep) {
  if (x->tag->payload_slots != 0) std::memcpy(out, x->payload.data(), x->tag->payload_slots * 8);
  llvm_tier::in_flight.hold.reset(); // the unwind is over
  if (keep != 0) {
    x->exposed = true;
  } else {
    ctx->store->release_exception(x); // nothing can name it any more
  }
}

} // extern "C"

namespace wasmcap::llvm_tier {

void* personality_address() {
  return reinterpret_cast<void*>(&wasmcap_jit_personality);
}

void* unwind_resume_address() {
  return reinterpret_cast<void*>(&_Unwind_Resume);
}

} // namespace wasmcap::llvm_tier

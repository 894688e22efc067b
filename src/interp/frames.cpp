// backtrace() and take_sample() (frames.h), Machine::append_running_frames and the GC roots of
// the value stack (Machine::trace_gc_roots).
#include "interp/frames.h"

namespace wasmcap::interp {

namespace {
TraceFrame frame_of(const FunctionCode* fc, const runtime::ModuleInstance* inst,
                    const uint32_t* pc) {
  const ir::Module& mod = inst->module();
  TraceFrame f;
  f.func_index = fc->func_index;
  f.func_name = std::string(mod.func_name(fc->func_index));
  f.module_name = mod.names.module.value_or("");
  f.offset = fc->wasm_offset_at(static_cast<uint32_t>(pc - fc->code.data()));
  return f;
}

void append_callers(const Machine& m, std::vector<TraceFrame>& out) {
  for (const Frame* f = m.frame; f->return_pc != nullptr; --f)
    out.push_back(frame_of(f->func, f->inst, f->return_pc - 1));
}
} // namespace

std::vector<TraceFrame> backtrace(const Machine& m, const uint32_t* pc) {
  std::vector<TraceFrame> out;
  out.push_back(frame_of(m.func, m.inst, pc));
  append_callers(m, out);
  return out;
}

std::vector<TraceFrame> trap_backtrace(const Machine& m) {
  std::vector<TraceFrame> out;
  if (!m.trap_frame_listed) out.push_back(frame_of(m.func, m.inst, m.trap_pc));
  append_callers(m, out);
  return out;
}

void take_sample(const Machine& m, const uint32_t* pc) {
  if (!m.store->take_sample_request()) return;
  const std::vector<TraceFrame> frames = backtrace(m, pc);
  m.store->sample_sink()->sample(frames);
}

// Called while another tier's code runs on this store: when that code was called from an
// interpreted frame, m.func is that frame's function (its call instruction's position is not
// kept, so the frame shows the function's start).
void Machine::append_running_frames(std::vector<TraceFrame>& out) const {
  if (func == nullptr || inst == nullptr) return;
  out.push_back(frame_of(func, inst, func->code.data()));
  append_callers(*this, out);
}

} // namespace wasmcap::interp

namespace wasmcap::interp {

void Machine::trace_gc_roots(runtime::GcHeap& heap) const {
  auto visit = [&](const FunctionCode* fc, const uint32_t* at, const uint64_t* fp) {
    for (uint32_t s : fc->gc_slots_at(static_cast<uint32_t>(at - fc->code.data())))
      heap.mark(fp[s]);
  };
  for (const GcExit* e = gc_exits; e != nullptr; e = e->prev) {
    if (e->func != nullptr) visit(e->func, e->pc, e->fp);
    // A caller's return_pc is just past its call, whose safepoint is the last one before it.
    for (const Frame* f = e->frame; f->return_pc != nullptr; --f)
      visit(f->func, f->return_pc - 1, f->fp);
  }
}

} // namespace wasmcap::interp

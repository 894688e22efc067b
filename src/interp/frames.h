// The wasm frames of the interpreter's running code, innermost first: a trap's backtrace, and
// a profile sample (runtime::SampleSink) taken at the interpreter's own check or from code of
// another tier its frames called.
#pragma once

#include <cstdint>
#include <vector>

#include "interp/machine.h"

namespace wasmcap::interp {

// The frames of the innermost execute() on `m`: the running function at `pc` (an instruction
// of it), then its callers down to the entry frame.
std::vector<TraceFrame> backtrace(const Machine& m, const uint32_t* pc);

// A trap's frames (Machine::trap_pc): as backtrace(), without the trapping frame when compiled
// code that took it over by on-stack replacement listed it already (trap_frame_listed).
std::vector<TraceFrame> trap_backtrace(const Machine& m);

// A sample request seen at the interpreter's check at `pc` (its refuel()): records the frames
// in the store's sample sink when there is one.
void take_sample(const Machine& m, const uint32_t* pc);

} // namespace wasmcap::interp

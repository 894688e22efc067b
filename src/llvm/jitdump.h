// The jitdump file: Linux perf's richer convention for JIT code (tools/perf/Documentation/
// jitdump-specification.txt in the kernel tree): a binary file `jit-PID.dump` holding, per
// function, its address, size, name and a copy of its machine code. `perf record -k mono`
// sees the process map the file, and `perf inject --jit` turns each record into a small ELF
// image, so `perf report` and `perf annotate` show the wasm function's name and its
// disassembly even after the process is gone (a perf map has names only, and only while
// /tmp/perf-PID.map is kept). Off until enable_jitdump(); process-wide, as the file is.
#pragma once

#include <vector>

#include "llvm/perf_map.h"

namespace wasmcap::llvm_tier {

// Creates `jit-PID.dump` in $JITDUMPDIR, else the working directory (where wasmtime and V8
// write theirs), writes its header and maps it executable once, which is the event perf looks
// for. False when the file cannot be made (the reason goes to `why`).
bool enable_jitdump(std::string& why);
bool jitdump_enabled();

// One JIT_CODE_LOAD record per entry, its machine code copied from memory (it must be mapped
// readable, as this tier's code is). Errors are ignored, as the perf map's.
void write_jitdump(const std::vector<PerfMapEntry>& entries);

} // namespace wasmcap::llvm_tier

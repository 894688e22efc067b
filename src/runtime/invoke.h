// invoke: calls a function instance (wasm or host) from the embedder, checking argument count
// and types. A trap comes back as ErrorKind::Trap / Exhaustion with Error::backtrace holding
// its wasm frames.
#pragma once

#include <span>
#include <vector>

#include "runtime/func.h"
#include "runtime/store.h"
#include "runtime/value.h"
#include "support/result.h"

namespace wasmcap::runtime {

support::Result<std::vector<Value>> invoke(Store& store, FuncInstance* func,
                                           std::span<const Value> args);

// Same, writing into caller-provided `results` (must be sized to the result count). Used by
// tiers for cross-calls and by hosts that avoid allocation.
support::Status invoke_into(Store& store, FuncInstance& func, std::span<const Value> args,
                            std::span<Value> results);

} // namespace wasmcap::runtime

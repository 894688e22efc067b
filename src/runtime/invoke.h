// invoke: calls a function instance (wasm or host) from the embedder, checking argument count
// and types. A trap comes back as ErrorKind::Trap / Exhaustion with Error::backtrace holding
// its wasm frames.
#pragma once

#include <span>
#include <string>
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

// A reference value the host hands to wasm (an argument, a global's or a table element's new
// value): a GC object in it must be a live object of this store. `what` names it in the error.
bool host_ref_is_live(const Store& store, const Value& v);
support::Status check_host_ref(const Store& store, const Value& v, const std::string& what);

} // namespace wasmcap::runtime

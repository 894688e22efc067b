// FuncInstance: a function instance, either wasm (owning instance + index + the tier's code) or
// host (a type + a callback). A funcref value is a pointer to one of these.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>

#include "ir/type_registry.h"
#include "ir/types.h"
#include "runtime/value.h"
#include "support/result.h"

namespace wasmcap::runtime {

class ModuleInstance;

// Host callback: `args` match the type's params, `results` is pre-sized to its results (the
// callee fills each with the right type). A returned error is a trap that propagates to the
// caller of the outermost invoke.
using HostCallback =
    std::function<support::Status(std::span<const Value> args, std::span<Value> results)>;

struct FuncInstance {
  enum class Kind : uint8_t { Wasm, Host };
  Kind kind = Kind::Wasm;
  const ir::FuncType* type = nullptr; // stable: in the module or in `host_type`
  // The canonical id of its type (ir/type_registry.h): equal ids <=> equal types, in any
  // module or store.
  uint32_t type_id = 0;

  // Wasm functions.
  ModuleInstance* instance = nullptr;
  uint32_t func_index = 0;    // in the module's whole function index space
  const void* code = nullptr; // the tier's compiled code for this function

  // Host functions: the type is `host_type`, or `shared_type` when the maker keeps one type for
  // many functions (the component instantiator's lowered imports: no copy per instance).
  ir::FuncType host_type;
  std::shared_ptr<const ir::FuncType> shared_type;
  HostCallback callback;
};

// Whether `f` may be called as type `want` (a canonical id): its own type, or a declared
// subtype of it (call_indirect, typed references). The common case is one compare.
inline bool has_type(const FuncInstance* f, uint32_t want) {
  if (f->type_id == want) [[likely]]
    return true;
  return ir::canonical_subtype(f->type_id, want);
}

} // namespace wasmcap::runtime

// FuncInstance: a function instance, either wasm (owning instance + index + the tier's code) or
// host (a type + a callback). A funcref value is a pointer to one of these.
#pragma once

#include <cstdint>
#include <functional>
#include <span>

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
  uint32_t type_id = 0;               // Store::intern_type(*type): equal ids <=> equal types

  // Wasm functions.
  ModuleInstance* instance = nullptr;
  uint32_t func_index = 0;    // in the module's whole function index space
  const void* code = nullptr; // the tier's compiled code for this function

  // Host functions.
  ir::FuncType host_type;
  HostCallback callback;
};

} // namespace wasmcap::runtime

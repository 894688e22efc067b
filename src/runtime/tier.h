// ModuleCode: the tier interface. An execution tier (the interpreter today) compiles a validated
// ir::Module into a ModuleCode; the runtime instantiates it and asks it to run wasm functions,
// so runtime never depends on any tier.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "ir/module.h"
#include "runtime/memory_image.h"
#include "runtime/value.h"
#include "support/result.h"

namespace wasmcap::runtime {

class Store;
class ModuleInstance;
struct FuncInstance;

class ModuleCode {
public:
  virtual ~ModuleCode() = default;

  // The (validated) module this code was compiled from; outlives every instance using it.
  virtual const ir::Module& module() const = 0;

  // Opaque code handle for defined function `defined_index` (0 = first non-imported function),
  // stored in FuncInstance::code.
  virtual const void* function_code(uint32_t defined_index) const = 0;

  // Runs wasm function `func` (whose FuncInstance::code came from this ModuleCode) with
  // type-checked `args`, writing `results` (pre-sized to the result count). Traps are errors
  // whose Error::backtrace lists the wasm frames, innermost first.
  virtual support::Status call(Store& store, FuncInstance& func, std::span<const Value> args,
                               std::span<Value> results) const = 0;

  // A cheaper door for calls from another tier (the interpreter calling compiled code): the
  // arguments in 8-byte slots, one per value and two for a v128 (its bytes in order), the
  // results written back from slot 0; `slots` holds the larger of the two slot counts. Code that
  // does not offer it says so with has_slot_calls() false, and is reached through call().
  virtual bool has_slot_calls() const { return false; }
  virtual support::Status call_slots(Store& store, FuncInstance& func, uint64_t* slots) const {
    (void)store;
    (void)func;
    (void)slots;
    return support::make_error(support::ErrorKind::Usage, "no slot calls");
  }

  // On-stack replacement (tiering, docs/tiering.md): continues an activation of `func` that
  // another tier started, at the header of the loop whose `loop` instruction is at wasm byte
  // offset `loop_offset`, with every local in `slots` (the interpreter's frame layout: params
  // first, one slot per value, two per v128; nothing on the operand stack), running it to the
  // function's return and writing the results back from slot 0. False, with nothing run, when
  // this code has no entry for that loop.
  virtual support::Result<bool> call_osr(Store& store, FuncInstance& func, uint64_t* slots,
                                         uint64_t loop_offset) const {
    (void)store;
    (void)func;
    (void)slots;
    (void)loop_offset;
    return false;
  }

  // The code that runs `func` (a function whose FuncInstance::code came from this code): this
  // code itself, unless it is a mix of tiers (tiering's per-function switch, where some functions
  // of an instance are compiled and the others still interpreted: api/tiered_code.h).
  virtual const ModuleCode& code_of(const FuncInstance& func) const {
    (void)func;
    return *this;
  }

  // Tiering: the defined functions (0 = first non-imported) another tier should compile
  // on-stack replacement entries for (see call_osr): those this code found running.
  virtual std::vector<uint32_t> osr_candidates() const { return {}; }
  // Tiering: per defined function, how often this code found it running, weighted (the higher,
  // the hotter; per-function tier-up compiles the hottest first). Empty when it does not count.
  virtual std::vector<uint32_t> samples() const { return {}; }
  // How many activations of this code another tier's code took over by call_osr.
  virtual uint64_t osr_entries() const { return 0; }

  // Whether the memories this module defines should be reserved with guard pages (code compiled
  // without bounds checks; Memory::create_raw's `guarded`).
  virtual bool wants_guard_pages() const { return false; }

  // Called by instantiate() once the instance's memories exist (imported and defined), before its
  // functions are made: the code to use for this instance, or null for this code. The LLVM tier
  // returns a variant with explicit bounds checks when memory 0 has no guard pages.
  virtual support::Result<std::shared_ptr<const ModuleCode>>
  code_for(const ModuleInstance& instance) const {
    (void)instance;
    return std::shared_ptr<const ModuleCode>();
  }

  // One line for `wasmcap run --verbose`: how compiled code bounds-checks memory 0 of `instance`.
  virtual std::string memory_strategy(const ModuleInstance& instance) const {
    (void)instance;
    return "explicit bounds checks (interpreter)";
  }
  // The same for memory `index` (multiple memories); index 0 is memory_strategy()'s.
  virtual std::string memory_strategy_at(const ModuleInstance& instance, uint32_t index) const {
    return index == 0 ? memory_strategy(instance) : "explicit bounds checks (interpreter)";
  }

  // One line for `wasmcap run --verbose`: the fuel and interruption checks this code carries.
  virtual std::string checks() const { return "none"; }

  // The copy-on-write images of the module's memories (memory_image.h), built on the first
  // instantiation and shared by every later one, whatever the tier.
  const MemoryImages& memory_images() const { return memory_images_; }

private:
  MemoryImages memory_images_;
};

} // namespace wasmcap::runtime

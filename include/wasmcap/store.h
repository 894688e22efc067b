// Store: owns every runtime object (instances, functions, memories, tables, globals). Objects
// live as long as their store; handles (Func, Memory, ...) are cheap, non-owning references.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>

#include "wasmcap/engine.h"
#include "wasmcap/error.h"
#include "wasmcap/gc_ref.h"
#include "wasmcap/value.h"

namespace wasmcap {

namespace runtime {
class Store;
}

class Store {
public:
  explicit Store(const Engine& engine);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  const Engine& engine() const { return engine_; }

  // Fuel left (Config::fuel at creation, then what set_fuel gave); nullopt = unlimited.
  std::optional<uint64_t> fuel() const;
  // Sets the fuel left (enabling fuel accounting if Config::fuel was unset). Host functions may
  // call it while wasm runs. Only code compiled with Config::fuel, timeout_ms or interruptible
  // is metered: other modules run unmetered whatever the store's fuel.
  void set_fuel(uint64_t fuel);
  // Thread-safe and async-signal-safe (one atomic OR; the CLI calls it from its SIGINT handler):
  // the wasm code running in this store (or, if none, the next call) stops with ErrorKind::Trap
  // "interrupted" within about a millisecond, on every tier. Use it for timeouts and Ctrl-C.
  // Effective only for modules compiled by an engine with Config::interruptible, fuel or
  // timeout_ms set: other code has no polls and runs to completion.
  void interrupt();
  // interrupt() for a signal handler (async-signal-safe; the CLI's Ctrl-C), with the signal's
  // number and the handler's ucontext (its third argument under SA_SIGINFO). It also stops
  // compiled code that carries no interruption checks (Config::interrupt_by_signal): on the
  // thread running this store's compiled code it leaves that code at the interrupted
  // instruction, which traps "interrupted" with its backtrace (this call does not return then);
  // in a host function the guest stops when the function returns to compiled code; on another
  // thread it forwards `signal` to the thread running the store (pthread_kill; the handler sees
  // si_code SI_TKILL and si_pid getpid()), whose handler must call this again. The store's
  // memory and globals may then hold what no instruction boundary would: drop the store.
  void interrupt_from_signal(int signal, void* ucontext);
  // What a reference value of the any or extern hierarchy refers to (for hosts and test runners
  // that inspect results): null, an i31, a struct or array object of this store's GC heap, or a
  // host reference (an externref, or one converted into `any`).
  enum class RefKind { Null, I31, Struct, Array, Host };
  RefKind ref_kind(const Value& value) const;

  // --- GC references the host holds (docs/gc.md, "The host's references") ---
  // A reference of the any or extern hierarchy in a Value the host got from this store (a call's
  // result, a global's value) stays valid only until the store next runs wasm or collects:
  // root() keeps it (and what it reaches) alive while the returned handle lives. A stale or
  // foreign GC reference handed back to wasm is refused (ErrorKind::Usage), never followed.
  // Usage error: not a reference of those hierarchies, or not a live object of this store.
  Result<GcRef> root(const Value& value);
  // A whole collection now: frees unreachable objects and releases unreachable host references
  // (new_extern_ref). Collections also happen on their own as wasm allocates.
  void collect_garbage();
  // An externref for `data` (not null; its bit 63 clear, as any user-space pointer's) whose
  // `finalizer` runs once nothing holds it any more: after a collection finds no global, table,
  // GC object, wasm frame or GcRef of this store holding it, or when the store goes. It runs on
  // the collecting thread, inside the collection (an allocation in wasm, or collect_garbage()),
  // so it must not use the store. Usage error: `data` already has a finalizer in this store.
  Result<Value> new_extern_ref(void* data, std::function<void(void*)> finalizer);
  runtime::Store& impl() { return *impl_; }

private:
  const Engine& engine_;
  std::unique_ptr<runtime::Store> impl_;
};

} // namespace wasmcap

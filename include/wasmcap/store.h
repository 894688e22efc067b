// Store: owns every runtime object (instances, functions, memories, tables, globals). Objects
// live as long as their store; handles (Func, Memory, ...) are cheap, non-owning references.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>

#include "wasmcap/engine.h"

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
  runtime::Store& impl() { return *impl_; }

private:
  const Engine& engine_;
  std::unique_ptr<runtime::Store> impl_;
};

} // namespace wasmcap

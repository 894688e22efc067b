// Store: owns every runtime object (instances, functions, memories, tables, globals). Objects
// live as long as their store; handles (Func, Memory, ...) are cheap, non-owning references.
#pragma once

#include <memory>

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
  runtime::Store& impl() { return *impl_; }

private:
  const Engine& engine_;
  std::unique_ptr<runtime::Store> impl_;
};

} // namespace wasmcap

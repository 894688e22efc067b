// GcRef: a reference the host keeps alive (docs/gc.md, "The host's references"). A reference
// value of the any or extern hierarchy that the host holds in a plain Value (a call's result, a
// global's or a table element's value) is valid until the store next runs wasm or collects:
// the collector does not know about it. Store::root() turns it into a GcRef, which keeps the
// object (and what it reaches) alive until the handle goes. Copies root again; a GcRef must not
// outlive its store.
#pragma once

#include <cstdint>

#include "wasmcap/value.h"

namespace wasmcap {

namespace runtime {
class Store;
}

class GcRef {
public:
  GcRef() = default;
  ~GcRef() { reset(); }
  GcRef(const GcRef& other);
  GcRef& operator=(const GcRef& other);
  GcRef(GcRef&& other) noexcept : store_(other.store_), slot_(other.slot_), type_(other.type_) {
    other.store_ = nullptr;
  }
  GcRef& operator=(GcRef&& other) noexcept;

  // The reference, with the type it was rooted with; a null Value (of type anyref) when empty.
  Value value() const;
  explicit operator bool() const { return store_ != nullptr; }
  // Lets the reference go (the collector may then free it).
  void reset();

private:
  friend class Store;
  GcRef(runtime::Store* store, uint32_t slot, ValType type)
      : store_(store), slot_(slot), type_(type) {}
  runtime::Store* store_ = nullptr;
  uint32_t slot_ = 0;
  ValType type_ = ValType(ValType::Code::AnyRef);
};

} // namespace wasmcap

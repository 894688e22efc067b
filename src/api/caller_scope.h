// Which instance the embedder called into on this thread, so a wrapped host function's Caller
// can find that instance's exports. Func::call opens a scope around each call into wasm.
#pragma once

namespace wasmcap {
class Store;
}

namespace wasmcap::detail {

// Makes (store, instance) the current caller until destroyed, then restores the previous one,
// so nested calls (a host function calling into another instance) see the right caller. A null
// instance (a host function called directly) keeps the current caller.
class CallerScope {
public:
  CallerScope(Store* store, void* instance);
  ~CallerScope();
  CallerScope(const CallerScope&) = delete;
  CallerScope& operator=(const CallerScope&) = delete;

private:
  Store* saved_store_;
  void* saved_instance_;
};

} // namespace wasmcap::detail

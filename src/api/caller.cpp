// Caller (include/wasmcap/caller.h): the calling instance of a wrapped host function, tracked per
// thread by the CallerScope that Func::call opens (a store is used by one thread at a time).
#include "wasmcap/caller.h"

#include "api/caller_scope.h"
#include "wasmcap/instance.h"

namespace wasmcap {

namespace {

struct CurrentCaller {
  Store* store = nullptr;
  void* instance = nullptr;
};
thread_local CurrentCaller current_caller;

} // namespace

namespace detail {

CallerScope::CallerScope(Store* store, void* instance)
    : saved_store_(current_caller.store), saved_instance_(current_caller.instance) {
  if (instance) current_caller = {store, instance};
}

CallerScope::~CallerScope() {
  current_caller = {saved_store_, saved_instance_};
}

} // namespace detail

Caller Caller::current() {
  return Caller(current_caller.store, current_caller.instance);
}

std::optional<Extern> Caller::get_export(std::string_view name) const {
  if (!instance_) return std::nullopt;
  return Instance(store_, instance_).get_export(name);
}

Result<Memory> Caller::memory(std::string_view name) const {
  if (!instance_) {
    return make_error(ErrorKind::Usage, "no calling instance (the host function was not called "
                                        "from an exported wasm function)");
  }
  auto e = get_export(name);
  if (!e || !e->memory()) {
    return make_error(ErrorKind::Usage,
                      "the calling instance exports no memory \"" + std::string(name) + "\"");
  }
  return *e->memory();
}

} // namespace wasmcap

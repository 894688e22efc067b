// wasm.h functions: host functions (with and without environment) over wasmcap::HostCallback,
// their types and arities, and wasm_func_call.
#include <functional>
#include <vector>

#include "api/c_api/objects.h"

using namespace wasmcap;
using namespace wasmcap::capi;

namespace {

using CCallback = std::function<wasm_trap_t*(const wasm_val_vec_t*, wasm_val_vec_t*)>;

// Runs the environment's finalizer when the last copy of the host callback dies, which is when
// the store destroys the function.
struct Env {
  void* env = nullptr;
  void (*finalizer)(void*) = nullptr;
  Env(void* e, void (*f)(void*)) : env(e), finalizer(f) {}
  Env(const Env&) = delete;
  Env& operator=(const Env&) = delete;
  ~Env() {
    if (finalizer) finalizer(env);
  }
};

void delete_vals(std::vector<wasm_val_t>& vals) {
  for (wasm_val_t& v : vals)
    wasm_val_delete(&v);
}

// Calls a C callback with wasm's arguments and converts what it writes back. The callback
// borrows the arguments (deleted here) and hands over the references in its results.
Status call_c(StoreData& store, const CCallback& fn, std::span<const Value> args,
              std::span<Value> results) {
  std::vector<wasm_val_t> cargs;
  cargs.reserve(args.size());
  for (const Value& a : args)
    cargs.push_back(from_value(store, a));
  std::vector<wasm_val_t> cres(results.size());
  for (size_t i = 0; i < results.size(); ++i) {
    cres[i].kind = to_valkind(results[i].type);
    cres[i].of.i64 = 0;
    if (is_ref(results[i].type)) cres[i].of.ref = nullptr;
  }
  const wasm_val_vec_t arg_vec{cargs.size(), cargs.data()};
  wasm_val_vec_t res_vec{cres.size(), cres.data()};
  wasm_trap_t* trap = fn(&arg_vec, &res_vec);
  delete_vals(cargs);
  if (trap) {
    Error e = std::move(trap->error);
    wasm_trap_delete(trap);
    delete_vals(cres);
    // A trap made by the host (wasm_trap_new) traps the caller; one passed on from a nested
    // call keeps its kind (an exit stays an exit). Its old frames would repeat in the new trace.
    e.backtrace.clear();
    return e;
  }
  Status status = ok();
  for (size_t i = 0; i < results.size() && status; ++i) {
    Value v;
    status = to_value(store, cres[i], results[i].type, v);
    if (status) results[i] = v;
  }
  delete_vals(cres);
  if (!status) {
    return make_error(ErrorKind::Trap,
                      "host function returned a bad result: " + std::move(status).error().message);
  }
  return ok();
}

wasm_func_t* new_host_func(wasm_store_t* store, const wasm_functype_t* type, CCallback fn) {
  FuncType ft;
  if (!store || !type || !to_cpp(*type, ft)) return nullptr;
  // The store owns the callback, so a plain pointer back to it cannot dangle.
  StoreData* sd = store->data.get();
  HostCallback cb = [sd, fn = std::move(fn)](std::span<const Value> args,
                                             std::span<Value> results) {
    return call_c(*sd, fn, args, results);
  };
  Func f = Func::create_host(*sd->store, std::move(ft), std::move(cb));
  return new wasm_func_t(store->data, sd->identity(RefKind::Func, f.handle()));
}

wasm_trap_t* usage_trap(std::string message) {
  return new wasm_trap_t(make_error(ErrorKind::Trap, std::move(message)));
}

} // namespace

extern "C" {

wasm_func_t* wasm_func_new(wasm_store_t* store, const wasm_functype_t* type,
                           wasm_func_callback_t callback) {
  if (!callback) return nullptr;
  return new_host_func(store, type, [callback](const wasm_val_vec_t* a, wasm_val_vec_t* r) {
    return callback(a, r);
  });
}

wasm_func_t* wasm_func_new_with_env(wasm_store_t* store, const wasm_functype_t* type,
                                    wasm_func_callback_with_env_t callback, void* env,
                                    void (*finalizer)(void*)) {
  if (!callback) return nullptr;
  auto holder = std::make_shared<Env>(env, finalizer);
  return new_host_func(store, type, [callback, holder](const wasm_val_vec_t* a, wasm_val_vec_t* r) {
    return callback(holder->env, a, r);
  });
}

wasm_functype_t* wasm_func_type(const wasm_func_t* func) {
  return new_functype(func_of(func).type());
}

size_t wasm_func_param_arity(const wasm_func_t* func) {
  return func_of(func).type().params.size();
}

size_t wasm_func_result_arity(const wasm_func_t* func) {
  return func_of(func).type().results.size();
}

wasm_trap_t* wasm_func_call(const wasm_func_t* func, const wasm_val_vec_t* args,
                            wasm_val_vec_t* results) {
  if (!func) return usage_trap("wasm_func_call: null function");
  const Func f = func_of(func);
  const FuncType type = f.type();
  const size_t nargs = args ? args->size : 0;
  if (nargs != type.params.size()) {
    return usage_trap("wasm_func_call: expected " + std::to_string(type.params.size()) +
                      " arguments, got " + std::to_string(nargs));
  }
  const size_t nres = results ? results->size : 0;
  if (nres < type.results.size()) {
    return usage_trap("wasm_func_call: results vector too small: need " +
                      std::to_string(type.results.size()));
  }
  std::vector<Value> vals(nargs);
  for (size_t i = 0; i < nargs; ++i) {
    Status s = to_value(*func->store, args->data[i], type.params[i], vals[i]);
    if (!s)
      return usage_trap("wasm_func_call: argument " + std::to_string(i) + ": " + s.error().message);
  }
  auto r = f.call(vals);
  if (!r) return new wasm_trap_t(std::move(r).error());
  for (size_t i = 0; i < r->size(); ++i)
    results->data[i] = from_value(*func->store, (*r)[i]);
  return nullptr;
}

} // extern "C"

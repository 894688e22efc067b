// invoke: the embedder's door into execution; checks arguments, then runs host callbacks
// directly and wasm functions through the tier that compiled them.
#include "runtime/invoke.h"

#include <string>

#include "ir/subtype.h"
#include "runtime/module_instance.h"

namespace wasmcap::runtime {

support::Status invoke_into(Store& store, FuncInstance& func, std::span<const Value> args,
                            std::span<Value> results) {
  const ir::FuncType& type = *func.type;
  if (args.size() != type.params.size()) {
    return support::make_error(support::ErrorKind::Usage, "wrong number of arguments: expected " +
                                                              std::to_string(type.params.size()) +
                                                              ", got " +
                                                              std::to_string(args.size()));
  }
  for (size_t i = 0; i < args.size(); ++i) {
    // A reference fits a parameter that is the top of its hierarchy (`(ref extern)` takes a
    // non-null externref): host values carry only the abstract type. A parameter of a concrete
    // function type takes a function whose type is it or a subtype (canonical ids), or a null
    // when nullable.
    const ir::ValType want = type.params[i], got = args[i].type;
    // (A value's own concrete type may be another module's index: it is not compared.)
    bool fits = got == want && !want.is_concrete();
    if (!fits && got.is_ref() && want.is_ref() && (args[i].ref != nullptr || want.nullable())) {
      if (!want.is_concrete()) {
        fits = want.heap() == ir::heap_top(got);
      } else if (ir::heap_top(got) == ir::HeapKind::Func && func.instance != nullptr &&
                 want.index() < func.instance->type_ids.size()) {
        const auto* f = static_cast<const FuncInstance*>(args[i].ref);
        fits = f == nullptr || has_type(f, func.instance->type_ids[want.index()]);
      }
    }
    if (!fits) {
      return support::make_error(support::ErrorKind::Usage,
                                 "argument " + std::to_string(i) + " has type " +
                                     ir::valtype_name(args[i].type) + ", expected " +
                                     ir::valtype_name(type.params[i]));
    }
  }
  if (results.size() != type.results.size()) {
    return support::make_error(support::ErrorKind::Usage, "wrong number of result slots");
  }
  for (size_t i = 0; i < results.size(); ++i)
    results[i] = Value::zero(type.results[i]);
  if (func.kind == FuncInstance::Kind::Host) return func.callback(args, results);
  if (store.poll_requested()) store.run_poll_hooks(); // may switch the callee to another tier
  return func.instance->code->call(store, func, args, results);
}

support::Result<std::vector<Value>> invoke(Store& store, FuncInstance* func,
                                           std::span<const Value> args) {
  if (func == nullptr) return support::make_error(support::ErrorKind::Usage, "null function");
  std::vector<Value> results(func->type->results.size());
  WASMCAP_TRY(invoke_into(store, *func, args, results));
  return results;
}

} // namespace wasmcap::runtime

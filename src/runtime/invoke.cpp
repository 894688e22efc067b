// invoke: the embedder's door into execution; checks arguments, then runs host callbacks
// directly and wasm functions through the tier that compiled them.
#include "runtime/invoke.h"

#include <string>

#include "ir/subtype.h"
#include "ir/type_registry.h"
#include "runtime/gc_ref.h"
#include "runtime/module_instance.h"

namespace wasmcap::runtime {

// A GC reference from the host must be a live object of this store: an offset the host kept
// past a collection (GcRef roots it, include/wasmcap/gc_ref.h) or took from another store is
// refused, never followed.
bool host_ref_is_live(const Store& store, const Value& v) {
  const ir::HeapKind top = v.type.is_ref() ? ir::heap_top(v.type) : ir::HeapKind::Func;
  if (top != ir::HeapKind::Any && top != ir::HeapKind::Extern) return true;
  const auto bits = reinterpret_cast<uintptr_t>(v.ref);
  const uint64_t any =
      top == ir::HeapKind::Extern ? ((bits & kHostInAny) != 0 ? convert_ref_world(bits) : 0) : bits;
  if (!is_gc_object(any)) return true;
  const GcHeap* heap = store.gc_heap();
  return heap != nullptr && heap->is_object(any);
}

support::Status check_host_ref(const Store& store, const Value& v, const std::string& what) {
  if (host_ref_is_live(store, v)) return support::ok();
  return support::make_error(support::ErrorKind::Usage,
                             what + " is not a live GC object of this store (a reference kept "
                                    "across calls must be rooted: Store::root)");
}

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
    // (The message is built only for a refused argument: this is every call's path.)
    if (!host_ref_is_live(store, args[i]))
      return check_host_ref(store, args[i], "argument " + std::to_string(i));
    // (A value's own concrete type may be another module's index: it is not compared.)
    bool fits = got == want && !want.is_concrete();
    if (!fits && got.is_ref() && want.is_ref() && (args[i].ref != nullptr || want.nullable())) {
      const auto bits = reinterpret_cast<uintptr_t>(args[i].ref);
      // The parameter's canonical type, when it names one (no type: nothing fits).
      const bool named = want.is_concrete() && func.instance != nullptr &&
                         want.index() < func.instance->type_ids.size();
      const uint32_t canonical = named ? func.instance->type_ids[want.index()] : UINT32_MAX;
      const bool func_type = named && ir::is_canonical_id(canonical) &&
                             ir::canonical_type(canonical).def.kind == ir::TypeKind::Func;
      // A value's concrete type is another module's index or the CLI's: only its bits count.
      const bool got_any = got.is_concrete() || ir::heap_top(got) == ir::HeapKind::Any;
      const bool got_func = got.is_concrete() || ir::heap_top(got) == ir::HeapKind::Func;
      if (bits == 0) {
        fits = want.nullable() &&
               (want.is_concrete() || got.is_concrete() || want.heap() == ir::heap_top(got) ||
                ir::heap_top(want) == ir::heap_top(got));
      } else if (want.is_concrete() && func_type) {
        fits = got_func && has_type(static_cast<const FuncInstance*>(args[i].ref), canonical);
      } else if (want.is_concrete() || ir::heap_top(want) == ir::HeapKind::Any) {
        // The any hierarchy: the value's own type (an i31, a struct of some type) decides; an
        // object must be a live one of this store before its header is read.
        const GcHeap* heap = store.gc_heap();
        fits = got_any && (!is_gc_object(bits) || (heap != nullptr && heap->is_object(bits))) &&
               ref_matches(bits, want, canonical, store.gc_base());
      } else {
        fits = want.heap() == ir::heap_top(got);
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

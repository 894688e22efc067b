// wasm_val_t and wasm_ref_t: values crossing the C boundary, the reference operations every
// runtime object shares (copy, same, host info, as_ref views), and reference <-> Value mapping.
#include "api/c_api/objects.h"
#include "ir/types.h"
#include "runtime/gc_ref.h"

namespace wasmcap::capi {

namespace {

Error usage(std::string message) {
  return make_error(ErrorKind::Usage, std::move(message));
}

bool is_store_object(RefKind k) {
  return k != RefKind::Module && k != RefKind::Trap;
}

} // namespace

wasm_ref_t* new_ref(StoreData& store, const std::shared_ptr<Identity>& id) {
  auto s = store.shared_from_this();
  switch (id->kind) {
  case RefKind::Func: return new wasm_func_t(s, id);
  case RefKind::Global: return new wasm_global_t(s, id);
  case RefKind::Table: return new wasm_table_t(s, id);
  case RefKind::Memory: return new wasm_memory_t(s, id);
  case RefKind::Instance: return new wasm_instance_t(s, id);
  case RefKind::Foreign: return new wasm_foreign_t(s, id);
  case RefKind::Gc: return new wasmcap_gc_ref_t(s, id);
  case RefKind::Module:
  case RefKind::Trap: return nullptr;
  }
  return nullptr;
}

Status ref_to_value(StoreData& store, const wasm_ref_t* ref, ValType elem, Value& out) {
  if (!ref) {
    out = Value::make_ref(elem, nullptr);
    return ok();
  }
  // Only store objects can travel through wasm: modules and traps have no store to keep them.
  if (!is_store_object(ref->kind()) || ref->store.get() != &store) {
    return usage("reference does not belong to this store");
  }
  if (elem == ValType::FuncRef) {
    if (ref->kind() != RefKind::Func) return usage("funcref expected, got another reference");
    out = Value::make_ref(ValType::FuncRef, ref->handle());
    return ok();
  }
  if (is_anyref_kind(elem)) {
    // The rooted value; the callee checks it fits `elem` (an i31 for i31ref, ...).
    if (ref->kind() != RefKind::Gc || !ref->id->root) return usage("anyref expected");
    out = ref->id->root->value();
    return ok();
  }
  if (elem == ValType::ExternRef) {
    // The payload is the Identity, kept alive by the store's identity table until the collector
    // finds that nothing holds it (watch_foreign).
    if (ref->kind() == RefKind::Foreign) store.watch_foreign(*ref->id);
    out = Value::make_ref(ValType::ExternRef, ref->id.get());
    return ok();
  }
  return usage("reference given where a number was expected");
}

wasm_ref_t* value_to_ref(StoreData& store, const Value& v) {
  if (!is_ref(v.type) || v.ref == nullptr) return nullptr;
  if (v.type == ValType::FuncRef) return new_ref(store, store.identity(RefKind::Func, v.ref));
  // An externref made by this C API: its payload is an Identity of this store.
  auto* id = static_cast<Identity*>(v.ref);
  auto it = store.identities.find(id->handle);
  if (it == store.identities.end() || it->second.get() != id) return nullptr;
  return new_ref(store, it->second);
}

Status to_value(StoreData& store, const wasm_val_t& v, ValType expected, Value& out) {
  if (is_anyref_kind(expected)) {
    if (v.kind != WASMCAP_ANYREF) {
      return usage(std::string("value of the wrong type: expected ") + valtype_name(expected));
    }
    return ref_to_value(store, v.of.ref, expected, out);
  }
  auto kind = to_valtype(v.kind);
  if (!kind || *kind != expected) {
    return usage(std::string("value of the wrong type: expected ") + valtype_name(expected));
  }
  switch (expected) {
  case ValType::I32: out = Value::make_i32(static_cast<uint32_t>(v.of.i32)); return ok();
  case ValType::I64: out = Value::make_i64(static_cast<uint64_t>(v.of.i64)); return ok();
  case ValType::F32: out = Value::make_f32(v.of.f32); return ok();
  case ValType::F64: out = Value::make_f64(v.of.f64); return ok();
  case ValType::V128: return usage("v128 values cannot cross the wasm.h C API");
  case ValType::ExnRef:
    return usage("exnref values cannot cross the wasm.h C API");
  WASMCAP_CASE_OTHER_REFS:
    return usage("typed reference values cannot cross the wasm.h C API yet");
  case ValType::FuncRef:
  case ValType::ExternRef: return ref_to_value(store, v.of.ref, expected, out);
  }
  return usage("unknown value kind");
}

wasm_val_t from_value(StoreData& store, const Value& v) {
  wasm_val_t out;
  out.kind = to_valkind(v.type);
  switch (v.type) {
  case ValType::I32: out.of.i32 = static_cast<int32_t>(v.i32); break;
  case ValType::I64: out.of.i64 = static_cast<int64_t>(v.i64); break;
  case ValType::F32: out.of.f32 = v.f32(); break;
  case ValType::F64: out.of.f64 = v.f64(); break;
  case ValType::V128: // not representable: the low half, so the value is at least defined
    std::memcpy(&out.of.i64, v.v128.bytes.data(), 8);
    break;
  case ValType::FuncRef:
  case ValType::ExternRef: out.of.ref = value_to_ref(store, v); break;
  case ValType::ExnRef:
  WASMCAP_CASE_OTHER_REFS:
    out.of.ref = nullptr;
    if (out.kind == WASMCAP_ANYREF) { // rooted while the handle lives
      if (auto id = store.gc_identity(v))
        out.of.ref = new wasmcap_gc_ref_t(store.shared_from_this(), id);
    }
    break; // others: not representable in wasm.h
  }
  return out;
}

Func func_of(const wasm_ref_t* r) {
  return Func(r->store->store.get(), r->handle());
}
Global global_of(const wasm_ref_t* r) {
  return Global(r->store->store.get(), r->handle());
}
Table table_of(const wasm_ref_t* r) {
  return Table(r->store->store.get(), r->handle());
}
Memory memory_of(const wasm_ref_t* r) {
  return Memory(r->store->store.get(), r->handle());
}

} // namespace wasmcap::capi

using namespace wasmcap::capi;

extern "C" {

void wasm_val_delete(wasm_val_t* v) {
  if (v && wasm_valkind_is_ref(v->kind) && v->of.ref) {
    delete v->of.ref;
    v->of.ref = nullptr;
  }
}

void wasm_val_copy(wasm_val_t* out, const wasm_val_t* v) {
  *out = *v;
  if (wasm_valkind_is_ref(v->kind) && v->of.ref) out->of.ref = v->of.ref->clone();
}

// The operations of WASM_DECLARE_REF_BASE: identity and host info live in the shared Identity,
// so they hold across copies and across handles obtained from exports, tables and globals.
#define WASMCAP_REF_BASE(name)                                                                     \
  void wasm_##name##_delete(wasm_##name##_t* r) {                                                  \
    delete static_cast<wasm_ref_t*>(r);                                                            \
  }                                                                                                \
  wasm_##name##_t* wasm_##name##_copy(const wasm_##name##_t* r) {                                  \
    return r ? static_cast<wasm_##name##_t*>(r->clone()) : nullptr;                                \
  }                                                                                                \
  bool wasm_##name##_same(const wasm_##name##_t* a, const wasm_##name##_t* b) {                    \
    if (!a || !b) return a == b;                                                                   \
    return a->id == b->id;                                                                         \
  }                                                                                                \
  void* wasm_##name##_get_host_info(const wasm_##name##_t* r) {                                    \
    return r ? r->id->host_info : nullptr;                                                         \
  }                                                                                                \
  void wasm_##name##_set_host_info(wasm_##name##_t* r, void* info) {                               \
    wasm_##name##_set_host_info_with_finalizer(r, info, nullptr);                                  \
  }                                                                                                \
  void wasm_##name##_set_host_info_with_finalizer(wasm_##name##_t* r, void* info,                  \
                                                  void (*finalizer)(void*)) {                      \
    if (!r) return;                                                                                \
    r->id->host_info = info;                                                                       \
    r->id->finalizer = finalizer;                                                                  \
  }

// WASM_DECLARE_REF's views: a wasm_X_t is-a wasm_ref_t, so as_ref is a cast and ref_as checks
// the identity's kind (which always matches the dynamic type).
#define WASMCAP_REF(name, kind_)                                                                   \
  WASMCAP_REF_BASE(name)                                                                           \
  wasm_ref_t* wasm_##name##_as_ref(wasm_##name##_t* r) {                                           \
    return r;                                                                                      \
  }                                                                                                \
  const wasm_ref_t* wasm_##name##_as_ref_const(const wasm_##name##_t* r) {                         \
    return r;                                                                                      \
  }                                                                                                \
  wasm_##name##_t* wasm_ref_as_##name(wasm_ref_t* r) {                                             \
    return r && r->kind() == RefKind::kind_ ? static_cast<wasm_##name##_t*>(r) : nullptr;          \
  }                                                                                                \
  const wasm_##name##_t* wasm_ref_as_##name##_const(const wasm_ref_t* r) {                         \
    return r && r->kind() == RefKind::kind_ ? static_cast<const wasm_##name##_t*>(r) : nullptr;    \
  }

WASMCAP_REF_BASE(ref)
WASMCAP_REF(func, Func)
WASMCAP_REF(global, Global)
WASMCAP_REF(table, Table)
WASMCAP_REF(memory, Memory)
WASMCAP_REF(instance, Instance)
WASMCAP_REF(foreign, Foreign)
WASMCAP_REF(module, Module)
WASMCAP_REF(trap, Trap)

// Externs are refs of four kinds, so their views check a kind set rather than one kind.
WASMCAP_REF_BASE(extern)

static bool is_extern_kind(RefKind k) {
  return k == RefKind::Func || k == RefKind::Global || k == RefKind::Table || k == RefKind::Memory;
}
wasm_ref_t* wasm_extern_as_ref(wasm_extern_t* r) {
  return r;
}
const wasm_ref_t* wasm_extern_as_ref_const(const wasm_extern_t* r) {
  return r;
}
wasm_extern_t* wasm_ref_as_extern(wasm_ref_t* r) {
  return r && is_extern_kind(r->kind()) ? static_cast<wasm_extern_t*>(r) : nullptr;
}
const wasm_extern_t* wasm_ref_as_extern_const(const wasm_ref_t* r) {
  return r && is_extern_kind(r->kind()) ? static_cast<const wasm_extern_t*>(r) : nullptr;
}

wasm_foreign_t* wasm_foreign_new(wasm_store_t* store) {
  if (!store) return nullptr;
  return new wasm_foreign_t(store->data, store->data->new_foreign());
}

} // extern "C"

extern "C" {

wasmcap_gc_kind_t wasmcap_ref_gc_kind(const wasm_ref_t* r) {
  if (!r || r->kind() != RefKind::Gc || !r->id->root) return WASMCAP_GC_NOT_ANY;
  switch (r->store->store->ref_kind(r->id->root->value())) {
  case wasmcap::Store::RefKind::I31: return WASMCAP_GC_I31;
  case wasmcap::Store::RefKind::Struct: return WASMCAP_GC_STRUCT;
  case wasmcap::Store::RefKind::Array: return WASMCAP_GC_ARRAY;
  case wasmcap::Store::RefKind::Host: return WASMCAP_GC_HOST;
  case wasmcap::Store::RefKind::Null: break;
  }
  return WASMCAP_GC_NOT_ANY;
}

wasm_ref_t* wasmcap_ref_i31_new(wasm_store_t* store, int32_t value) {
  if (!store) return nullptr;
  const wasmcap::Value v =
      wasmcap::Value::make_ref(wasmcap::ValType(wasmcap::ValType::Code::AnyRef),
                               reinterpret_cast<void*>(static_cast<uintptr_t>(
                                   wasmcap::runtime::i31_ref(static_cast<uint32_t>(value)))));
  auto id = store->data->gc_identity(v);
  return id ? new wasmcap_gc_ref_t(store->data, id) : nullptr;
}

bool wasmcap_ref_i31_get(const wasm_ref_t* r, int32_t* value) {
  if (wasmcap_ref_gc_kind(r) != WASMCAP_GC_I31) return false;
  if (value) *value = wasmcap::runtime::i31_get_s(reinterpret_cast<uintptr_t>(r->handle()));
  return true;
}

} // extern "C"

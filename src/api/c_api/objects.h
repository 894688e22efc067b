// What the opaque wasm.h types are in C++: type descriptions, the engine and store, and the
// reference hierarchy (every runtime object is a wasm_ref_t sharing one Identity per object).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "wasm.h"
#include "wasmcap.h"
#include "wasmcap/wasmcap.hpp"

namespace wasmcap::capi {

// Gc: a value of the any hierarchy (WASMCAP_ANYREF: an i31, a struct or array object, a host
// reference converted into any), rooted while a handle to it lives.
enum class RefKind : uint8_t { Func, Global, Table, Memory, Instance, Foreign, Gc, Module, Trap };

// One per runtime object, shared by every handle to it, so that copies compare `same` and see
// the same host info. The finalizer runs when the object dies: for store objects, with the
// store (objects live as long as their store); for modules and traps, with their last handle.
struct Identity {
  RefKind kind;
  // The runtime object (FuncInstance*, ...); for foreign objects the Identity itself, so an
  // externref's payload (an Identity*) can be mapped back; nullptr for modules and traps.
  void* handle = nullptr;
  void* host_info = nullptr;
  void (*finalizer)(void*) = nullptr;
  bool watched = false;      // a foreign object the collector watches (StoreData::watch_foreign)
  std::optional<GcRef> root; // RefKind::Gc: keeps the value alive while a handle lives

  Identity(RefKind k, void* h) : kind(k), handle(h) {}
  ~Identity() {
    if (finalizer) finalizer(host_info);
  }
  Identity(const Identity&) = delete;
  Identity& operator=(const Identity&) = delete;
};

struct EngineData {
  Engine engine;
  std::optional<std::string> cache_dir; // wasmcap_config_cache_set's directory; unset = no cache
};

// A store's state. Refs hold it by shared_ptr, so deleting the wasm_store_t before its objects
// is harmless. Members are destroyed bottom-up: runtime objects (and host environments) first,
// then identities (host-info finalizers), then the engine the store refers to.
struct StoreData : std::enable_shared_from_this<StoreData> {
  std::shared_ptr<EngineData> engine;
  std::unordered_map<const void*, std::shared_ptr<Identity>> identities; // by handle
  // Host state that functions of this store use (e.g. a WASI context): it must outlive them.
  std::vector<std::shared_ptr<void>> keep_alive;
  std::unique_ptr<Store> store;

  explicit StoreData(std::shared_ptr<EngineData> e)
      : engine(std::move(e)), store(std::make_unique<Store>(engine->engine)) {}
  // The identity of a runtime object of this store, created on first sight.
  const std::shared_ptr<Identity>& identity(RefKind kind, void* handle);
  const std::shared_ptr<Identity>& new_foreign();
  // A foreign object passed to wasm as an externref: from now on a collection that finds no
  // wasm global, table, object or frame holding it, while no wasm_ref_t handle does either,
  // drops it (its finalizer runs) instead of keeping it until the store goes.
  void watch_foreign(Identity& id);
  // The identity of an any-hierarchy value (RefKind::Gc; nullptr for null or a value that cannot
  // be rooted): one per value while handles to it live, so copies and handles obtained again
  // compare `same` and share host info; the last handle's end releases the root.
  std::shared_ptr<Identity> gc_identity(const Value& value);
  std::unordered_map<uint64_t, std::weak_ptr<Identity>> gc_identities;
};

} // namespace wasmcap::capi

// --- wasm.h types ------------------------------------------------------------------------------

// The C API's defaults differ from Config's in one place: the tier is Auto, as `wasmcap run`'s.
struct wasm_config_t {
  wasm_config_t() { config.tier = wasmcap::Tier::Auto; }
  wasmcap::Config config;
  std::optional<std::string> cache_dir;
};
struct wasm_engine_t {
  std::shared_ptr<wasmcap::capi::EngineData> data;
};
struct wasm_store_t {
  std::shared_ptr<wasmcap::capi::StoreData> data;
};

struct wasm_valtype_t {
  wasm_valkind_t kind;
};

// The four extern types derive from wasm_externtype_t so the as_externtype views are casts.
struct wasm_externtype_t {
  wasm_externkind_t kind;
  explicit wasm_externtype_t(wasm_externkind_t k) : kind(k) {}
  virtual ~wasm_externtype_t() = default;
};
struct wasm_functype_t : wasm_externtype_t {
  wasm_valtype_vec_t params{0, nullptr};
  wasm_valtype_vec_t results{0, nullptr};
  wasm_functype_t() : wasm_externtype_t(WASM_EXTERN_FUNC) {}
  ~wasm_functype_t() override;
};
struct wasm_globaltype_t : wasm_externtype_t {
  wasm_valtype_t* content = nullptr;
  wasm_mutability_t mutability = WASM_CONST;
  wasm_globaltype_t() : wasm_externtype_t(WASM_EXTERN_GLOBAL) {}
  ~wasm_globaltype_t() override;
};
struct wasm_tabletype_t : wasm_externtype_t {
  wasm_valtype_t* element = nullptr;
  wasm_limits_t limits{0, 0};
  wasm_tabletype_t() : wasm_externtype_t(WASM_EXTERN_TABLE) {}
  ~wasm_tabletype_t() override;
};
struct wasm_memorytype_t : wasm_externtype_t {
  wasm_limits_t limits{0, 0};
  wasm_memorytype_t() : wasm_externtype_t(WASM_EXTERN_MEMORY) {}
};

struct wasm_importtype_t {
  wasm_name_t module{0, nullptr};
  wasm_name_t name{0, nullptr};
  wasm_externtype_t* type = nullptr;
  ~wasm_importtype_t();
};
struct wasm_exporttype_t {
  wasm_name_t name{0, nullptr};
  wasm_externtype_t* type = nullptr;
  ~wasm_exporttype_t();
};

// References. The dynamic type always matches the identity's kind, so wasm_ref_as_func and
// friends are checked static casts; copies keep the dynamic type through clone().
struct wasm_ref_t {
  std::shared_ptr<wasmcap::capi::Identity> id;
  std::shared_ptr<wasmcap::capi::StoreData> store; // null for modules and traps

  wasm_ref_t(std::shared_ptr<wasmcap::capi::StoreData> s,
             std::shared_ptr<wasmcap::capi::Identity> i)
      : id(std::move(i)), store(std::move(s)) {}
  virtual ~wasm_ref_t() = default;
  virtual wasm_ref_t* clone() const = 0;
  wasmcap::capi::RefKind kind() const { return id->kind; }
  void* handle() const { return id->handle; }
};

// A handle to an any-hierarchy value (RefKind::Gc). Its identity holds a root in the store, so
// the identity must go while the store is still there: before this handle's `store` member.
struct wasmcap_gc_ref_t final : wasm_ref_t {
  using wasm_ref_t::wasm_ref_t;
  ~wasmcap_gc_ref_t() override { id.reset(); }
  wasm_ref_t* clone() const override { return new wasmcap_gc_ref_t(store, id); }
};

struct wasm_extern_t : wasm_ref_t {
  using wasm_ref_t::wasm_ref_t;
  wasmcap::Extern to_cpp() const;
};

#define WASMCAP_CAPI_REF_CLASS(name, base)                                                         \
  struct name : base {                                                                             \
    using base::base;                                                                              \
    wasm_ref_t* clone() const override {                                                           \
      return new name(*this);                                                                      \
    }                                                                                              \
  };
WASMCAP_CAPI_REF_CLASS(wasm_func_t, wasm_extern_t)
WASMCAP_CAPI_REF_CLASS(wasm_global_t, wasm_extern_t)
WASMCAP_CAPI_REF_CLASS(wasm_table_t, wasm_extern_t)
WASMCAP_CAPI_REF_CLASS(wasm_memory_t, wasm_extern_t)
WASMCAP_CAPI_REF_CLASS(wasm_instance_t, wasm_ref_t)
WASMCAP_CAPI_REF_CLASS(wasm_foreign_t, wasm_ref_t)
#undef WASMCAP_CAPI_REF_CLASS

struct wasm_module_t : wasm_ref_t {
  wasmcap::Module module;
  std::shared_ptr<const std::vector<uint8_t>> binary; // what wasm_module_serialize returns
  wasm_module_t(wasmcap::Module m, std::shared_ptr<const std::vector<uint8_t>> b);
  wasm_module_t(const wasm_module_t&) = default;
  wasm_ref_t* clone() const override { return new wasm_module_t(*this); }
};

struct wasm_shared_module_t {
  wasmcap::Module module;
  std::shared_ptr<const std::vector<uint8_t>> binary;
};

struct wasm_trap_t : wasm_ref_t {
  wasmcap::Error error;
  explicit wasm_trap_t(wasmcap::Error e);
  wasm_trap_t(const wasm_trap_t&) = default;
  wasm_ref_t* clone() const override { return new wasm_trap_t(*this); }
};

struct wasm_frame_t {
  wasmcap::TraceFrame frame;
};

// wasmcap.h's error object.
struct wasmcap_error_t {
  wasmcap::Error error;
};

namespace wasmcap::capi {

// --- conversions shared by the implementation files --------------------------------------------

std::optional<ValType> to_valtype(wasm_valkind_t kind);
wasm_valkind_t to_valkind(ValType t);
// The any hierarchy's abstract types (anyref, eqref, i31ref, structref, arrayref, nullref), which
// the C API carries as WASMCAP_ANYREF values (rooted handles).
bool is_anyref_kind(ValType t);
wasm_externkind_t to_c_kind(ExternKind k);
bool to_cpp(const wasm_functype_t& t, FuncType& out);
bool to_cpp(const wasm_globaltype_t& t, GlobalType& out);
bool to_cpp(const wasm_tabletype_t& t, TableType& out);
MemoryType to_cpp(const wasm_memorytype_t& t);
wasm_functype_t* new_functype(const FuncType& t);
wasm_globaltype_t* new_globaltype(const GlobalType& t);
wasm_tabletype_t* new_tabletype(const TableType& t);
wasm_memorytype_t* new_memorytype(const MemoryType& t);
wasm_externtype_t* new_externtype(const ExternType& t);

// A new handle (of the right dynamic type) for a store object; nullptr for modules and traps,
// which are not store objects.
wasm_ref_t* new_ref(StoreData& store, const std::shared_ptr<Identity>& id);

// wasm_val_t <-> Value. to_value checks the kind against `expected` and that references belong
// to `store`; it does not take ownership. from_value returns a value owning a new reference.
Status to_value(StoreData& store, const wasm_val_t& v, ValType expected, Value& out);
wasm_val_t from_value(StoreData& store, const Value& v);
// A reference as a value of type `elem` (funcref or externref); null refs are allowed.
Status ref_to_value(StoreData& store, const wasm_ref_t* ref, ValType elem, Value& out);
wasm_ref_t* value_to_ref(StoreData& store, const Value& v); // nullptr for null refs

// Fills a byte vector (owned by the caller) with `s`, plus a NUL when `nul` is set.
void set_bytes(wasm_byte_vec_t* out, std::string_view s, bool nul);
std::string_view view(const wasm_byte_vec_t* v);

// Typed store-object handles for the C++ API.
Func func_of(const wasm_ref_t* r);
Global global_of(const wasm_ref_t* r);
Table table_of(const wasm_ref_t* r);
Memory memory_of(const wasm_ref_t* r);

} // namespace wasmcap::capi

// wasm.h type descriptions (valtype, functype, globaltype, tabletype, memorytype, externtype,
// importtype, exporttype) and their conversions to wasmcap's C++ types.
#include "ir/types.h"
#include "api/c_api/objects.h"
#include "ir/subtype.h"

// Non-standard kind reported for v128 value types, which wasm.h has no name for (see wasmcap.h).
static constexpr wasm_valkind_t kV128Kind = 4;

namespace wasmcap::capi {

std::optional<ValType> to_valtype(wasm_valkind_t kind) {
  switch (kind) {
  case WASM_I32: return ValType::I32;
  case WASM_I64: return ValType::I64;
  case WASM_F32: return ValType::F32;
  case WASM_F64: return ValType::F64;
  case kV128Kind: return ValType::V128;
  case WASM_EXTERNREF: return ValType::ExternRef;
  case WASM_FUNCREF: return ValType::FuncRef;
  case WASMCAP_ANYREF: return ValType(ValType::Code::AnyRef);
  default: return std::nullopt;
  }
}

bool is_anyref_kind(ValType t) {
  return t.is_ref() && !t.is_concrete() && ir::heap_top(t) == ir::HeapKind::Any;
}

wasm_valkind_t to_valkind(ValType t) {
  // The any hierarchy's abstract types (anyref, eqref, i31ref, structref, arrayref, nullref).
  // A concrete struct or array type cannot be told from a function type here (no module).
  if (is_anyref_kind(t)) return WASMCAP_ANYREF;
  switch (t) {
  case ValType::I32: return WASM_I32;
  case ValType::I64: return WASM_I64;
  case ValType::F32: return WASM_F32;
  case ValType::F64: return WASM_F64;
  case ValType::V128: return kV128Kind;
  case ValType::ExternRef: return WASM_EXTERNREF;
  case ValType::FuncRef: return WASM_FUNCREF;
  // wasm.h has no exnref: reported as a reference kind, but values of it are refused both ways
  // (values_refs.cpp), so a host can never pass another reference where an exnref goes.
  case ValType::ExnRef:
  WASMCAP_CASE_OTHER_REFS:
    return WASM_ANYREF;
  }
  return WASM_I32;
}

wasm_externkind_t to_c_kind(ExternKind k) {
  switch (k) {
  case ExternKind::Func: return WASM_EXTERN_FUNC;
  case ExternKind::Global: return WASM_EXTERN_GLOBAL;
  case ExternKind::Table: return WASM_EXTERN_TABLE;
  case ExternKind::Memory: return WASM_EXTERN_MEMORY;
  case ExternKind::Tag: break; // modules with tags are refused by the C API (module.cpp)
  }
  return WASM_EXTERN_FUNC;
}

namespace {

bool to_valtypes(const wasm_valtype_vec_t& v, std::vector<ValType>& out) {
  for (size_t i = 0; i < v.size; ++i) {
    if (!v.data[i]) return false;
    auto t = to_valtype(v.data[i]->kind);
    if (!t) return false;
    out.push_back(*t);
  }
  return true;
}

void new_valtypes(wasm_valtype_vec_t* out, const std::vector<ValType>& ts) {
  wasm_valtype_vec_new_uninitialized(out, ts.size());
  for (size_t i = 0; i < out->size; ++i)
    out->data[i] = wasm_valtype_new(to_valkind(ts[i]));
}

Limits to_limits(const wasm_limits_t& l) {
  Limits out;
  out.min = l.min;
  if (l.max != wasm_limits_max_default) out.max = l.max;
  return out;
}

wasm_limits_t from_limits(const Limits& l) {
  // wasm.h limits are 32-bit; modules importing or exporting a 64-bit memory or table are
  // refused by the C API (module.cpp), so the types reaching here are 32-bit: nothing is lost.
  return {static_cast<uint32_t>(l.min),
          l.max ? static_cast<uint32_t>(*l.max) : wasm_limits_max_default};
}

} // namespace

bool to_cpp(const wasm_functype_t& t, FuncType& out) {
  return to_valtypes(t.params, out.params) && to_valtypes(t.results, out.results);
}

bool to_cpp(const wasm_globaltype_t& t, GlobalType& out) {
  auto v = t.content ? to_valtype(t.content->kind) : std::nullopt;
  if (!v) return false;
  out.type = *v;
  out.is_mutable = t.mutability == WASM_VAR;
  return true;
}

bool to_cpp(const wasm_tabletype_t& t, TableType& out) {
  auto v = t.element ? to_valtype(t.element->kind) : std::nullopt;
  if (!v || !is_ref(*v)) return false;
  out.elem = *v;
  out.limits = to_limits(t.limits);
  return true;
}

MemoryType to_cpp(const wasm_memorytype_t& t) {
  return MemoryType{to_limits(t.limits)};
}

wasm_functype_t* new_functype(const FuncType& t) {
  auto* out = new wasm_functype_t;
  new_valtypes(&out->params, t.params);
  new_valtypes(&out->results, t.results);
  return out;
}

wasm_globaltype_t* new_globaltype(const GlobalType& t) {
  return wasm_globaltype_new(wasm_valtype_new(to_valkind(t.type)),
                             t.is_mutable ? WASM_VAR : WASM_CONST);
}

wasm_tabletype_t* new_tabletype(const TableType& t) {
  const wasm_limits_t l = from_limits(t.limits);
  return wasm_tabletype_new(wasm_valtype_new(to_valkind(t.elem)), &l);
}

wasm_memorytype_t* new_memorytype(const MemoryType& t) {
  const wasm_limits_t l = from_limits(t.limits);
  return wasm_memorytype_new(&l);
}

wasm_externtype_t* new_externtype(const ExternType& t) {
  switch (t.kind) {
  case ExternKind::Func: return new_functype(t.func);
  case ExternKind::Global: return new_globaltype(t.global);
  case ExternKind::Table: return new_tabletype(t.table);
  case ExternKind::Memory: return new_memorytype(t.memory);
  case ExternKind::Tag: break; // modules with tags are refused by the C API (module.cpp)
  }
  return nullptr;
}

} // namespace wasmcap::capi

using namespace wasmcap::capi;

wasm_functype_t::~wasm_functype_t() {
  wasm_valtype_vec_delete(&params);
  wasm_valtype_vec_delete(&results);
}
wasm_globaltype_t::~wasm_globaltype_t() {
  delete content;
}
wasm_tabletype_t::~wasm_tabletype_t() {
  delete element;
}
wasm_importtype_t::~wasm_importtype_t() {
  wasm_byte_vec_delete(&module);
  wasm_byte_vec_delete(&name);
  delete type;
}
wasm_exporttype_t::~wasm_exporttype_t() {
  wasm_byte_vec_delete(&name);
  delete type;
}

extern "C" {

// --- valtype --------------------------------------------------------------------------------

wasm_valtype_t* wasm_valtype_new(wasm_valkind_t kind) {
  return new wasm_valtype_t{kind};
}
wasm_valkind_t wasm_valtype_kind(const wasm_valtype_t* t) {
  return t->kind;
}
wasm_valtype_t* wasm_valtype_copy(const wasm_valtype_t* t) {
  return t ? new wasm_valtype_t{*t} : nullptr;
}
void wasm_valtype_delete(wasm_valtype_t* t) {
  delete t;
}

// --- functype -------------------------------------------------------------------------------

wasm_functype_t* wasm_functype_new(wasm_valtype_vec_t* params, wasm_valtype_vec_t* results) {
  auto* out = new wasm_functype_t;
  // The vectors move into the type; the caller's structs are left empty.
  if (params) {
    out->params = *params;
    wasm_valtype_vec_new_empty(params);
  }
  if (results) {
    out->results = *results;
    wasm_valtype_vec_new_empty(results);
  }
  return out;
}
const wasm_valtype_vec_t* wasm_functype_params(const wasm_functype_t* t) {
  return &t->params;
}
const wasm_valtype_vec_t* wasm_functype_results(const wasm_functype_t* t) {
  return &t->results;
}
wasm_functype_t* wasm_functype_copy(const wasm_functype_t* t) {
  if (!t) return nullptr;
  auto* out = new wasm_functype_t;
  wasm_valtype_vec_copy(&out->params, &t->params);
  wasm_valtype_vec_copy(&out->results, &t->results);
  return out;
}
void wasm_functype_delete(wasm_functype_t* t) {
  delete t;
}

// --- globaltype -----------------------------------------------------------------------------

wasm_globaltype_t* wasm_globaltype_new(wasm_valtype_t* content, wasm_mutability_t mutability) {
  auto* out = new wasm_globaltype_t;
  out->content = content;
  out->mutability = mutability;
  return out;
}
const wasm_valtype_t* wasm_globaltype_content(const wasm_globaltype_t* t) {
  return t->content;
}
wasm_mutability_t wasm_globaltype_mutability(const wasm_globaltype_t* t) {
  return t->mutability;
}
wasm_globaltype_t* wasm_globaltype_copy(const wasm_globaltype_t* t) {
  return t ? wasm_globaltype_new(wasm_valtype_copy(t->content), t->mutability) : nullptr;
}
void wasm_globaltype_delete(wasm_globaltype_t* t) {
  delete t;
}

// --- tabletype ------------------------------------------------------------------------------

wasm_tabletype_t* wasm_tabletype_new(wasm_valtype_t* element, const wasm_limits_t* limits) {
  auto* out = new wasm_tabletype_t;
  out->element = element;
  if (limits) out->limits = *limits;
  return out;
}
const wasm_valtype_t* wasm_tabletype_element(const wasm_tabletype_t* t) {
  return t->element;
}
const wasm_limits_t* wasm_tabletype_limits(const wasm_tabletype_t* t) {
  return &t->limits;
}
wasm_tabletype_t* wasm_tabletype_copy(const wasm_tabletype_t* t) {
  return t ? wasm_tabletype_new(wasm_valtype_copy(t->element), &t->limits) : nullptr;
}
void wasm_tabletype_delete(wasm_tabletype_t* t) {
  delete t;
}

// --- memorytype -----------------------------------------------------------------------------

wasm_memorytype_t* wasm_memorytype_new(const wasm_limits_t* limits) {
  auto* out = new wasm_memorytype_t;
  if (limits) out->limits = *limits;
  return out;
}
const wasm_limits_t* wasm_memorytype_limits(const wasm_memorytype_t* t) {
  return &t->limits;
}
wasm_memorytype_t* wasm_memorytype_copy(const wasm_memorytype_t* t) {
  return t ? wasm_memorytype_new(&t->limits) : nullptr;
}
void wasm_memorytype_delete(wasm_memorytype_t* t) {
  delete t;
}

// --- externtype -----------------------------------------------------------------------------

wasm_externkind_t wasm_externtype_kind(const wasm_externtype_t* t) {
  return t->kind;
}
wasm_externtype_t* wasm_externtype_copy(const wasm_externtype_t* t) {
  if (!t) return nullptr;
  switch (t->kind) {
  case WASM_EXTERN_FUNC: return wasm_functype_copy(static_cast<const wasm_functype_t*>(t));
  case WASM_EXTERN_GLOBAL: return wasm_globaltype_copy(static_cast<const wasm_globaltype_t*>(t));
  case WASM_EXTERN_TABLE: return wasm_tabletype_copy(static_cast<const wasm_tabletype_t*>(t));
  case WASM_EXTERN_MEMORY: return wasm_memorytype_copy(static_cast<const wasm_memorytype_t*>(t));
  }
  return nullptr;
}
void wasm_externtype_delete(wasm_externtype_t* t) {
  delete t; // virtual destructor
}

// The views: each specific type is-a wasm_externtype_t (see objects.h).
#define WASMCAP_EXTERNTYPE_VIEWS(name, kind_)                                                      \
  wasm_externtype_t* wasm_##name##_as_externtype(wasm_##name##_t* t) {                             \
    return t;                                                                                      \
  }                                                                                                \
  const wasm_externtype_t* wasm_##name##_as_externtype_const(const wasm_##name##_t* t) {           \
    return t;                                                                                      \
  }                                                                                                \
  wasm_##name##_t* wasm_externtype_as_##name(wasm_externtype_t* t) {                               \
    return t && t->kind == kind_ ? static_cast<wasm_##name##_t*>(t) : nullptr;                     \
  }                                                                                                \
  const wasm_##name##_t* wasm_externtype_as_##name##_const(const wasm_externtype_t* t) {           \
    return t && t->kind == kind_ ? static_cast<const wasm_##name##_t*>(t) : nullptr;               \
  }
WASMCAP_EXTERNTYPE_VIEWS(functype, WASM_EXTERN_FUNC)
WASMCAP_EXTERNTYPE_VIEWS(globaltype, WASM_EXTERN_GLOBAL)
WASMCAP_EXTERNTYPE_VIEWS(tabletype, WASM_EXTERN_TABLE)
WASMCAP_EXTERNTYPE_VIEWS(memorytype, WASM_EXTERN_MEMORY)
#undef WASMCAP_EXTERNTYPE_VIEWS

// --- importtype / exporttype ----------------------------------------------------------------

wasm_importtype_t* wasm_importtype_new(wasm_name_t* module, wasm_name_t* name,
                                       wasm_externtype_t* type) {
  auto* out = new wasm_importtype_t;
  if (module) {
    out->module = *module;
    wasm_byte_vec_new_empty(module);
  }
  if (name) {
    out->name = *name;
    wasm_byte_vec_new_empty(name);
  }
  out->type = type;
  return out;
}
const wasm_name_t* wasm_importtype_module(const wasm_importtype_t* t) {
  return &t->module;
}
const wasm_name_t* wasm_importtype_name(const wasm_importtype_t* t) {
  return &t->name;
}
const wasm_externtype_t* wasm_importtype_type(const wasm_importtype_t* t) {
  return t->type;
}
wasm_importtype_t* wasm_importtype_copy(const wasm_importtype_t* t) {
  if (!t) return nullptr;
  auto* out = new wasm_importtype_t;
  wasm_byte_vec_copy(&out->module, &t->module);
  wasm_byte_vec_copy(&out->name, &t->name);
  out->type = wasm_externtype_copy(t->type);
  return out;
}
void wasm_importtype_delete(wasm_importtype_t* t) {
  delete t;
}

wasm_exporttype_t* wasm_exporttype_new(wasm_name_t* name, wasm_externtype_t* type) {
  auto* out = new wasm_exporttype_t;
  if (name) {
    out->name = *name;
    wasm_byte_vec_new_empty(name);
  }
  out->type = type;
  return out;
}
const wasm_name_t* wasm_exporttype_name(const wasm_exporttype_t* t) {
  return &t->name;
}
const wasm_externtype_t* wasm_exporttype_type(const wasm_exporttype_t* t) {
  return t->type;
}
wasm_exporttype_t* wasm_exporttype_copy(const wasm_exporttype_t* t) {
  if (!t) return nullptr;
  auto* out = new wasm_exporttype_t;
  wasm_byte_vec_copy(&out->name, &t->name);
  out->type = wasm_externtype_copy(t->type);
  return out;
}
void wasm_exporttype_delete(wasm_exporttype_t* t) {
  delete t;
}

} // extern "C"

// The wasm_*_vec_t functions of wasm.h: byte and value vectors, and vectors owning pointers.
// Storage is malloc'd so an empty vector is {0, NULL} and deleting one never needs its size.
#include <cstdlib>
#include <cstring>

#include "api/c_api/objects.h"

namespace {

template <class T> T* alloc_array(size_t n) {
  if (n == 0) return nullptr;
  return static_cast<T*>(std::calloc(n, sizeof(T)));
}

// Vectors of plain data (bytes): copies are memcpy, deletion frees the array.
template <class Vec, class T> void plain_new(Vec* out, size_t n, const T* data) {
  out->data = alloc_array<T>(n);
  out->size = out->data ? n : 0;
  if (out->data && data) std::memcpy(out->data, data, n * sizeof(T));
}
template <class Vec> void plain_delete(Vec* v) {
  if (!v) return;
  std::free(v->data);
  v->data = nullptr;
  v->size = 0;
}

// Vectors of owned pointers: `new` takes the pointers over, `copy` deep-copies each element,
// `delete` deletes each element. Null elements are allowed (an uninitialised vector).
template <class Vec, class T, class Copy> void ptr_copy(Vec* out, const Vec* src, Copy copy) {
  out->data = alloc_array<T*>(src ? src->size : 0);
  out->size = out->data ? src->size : 0;
  for (size_t i = 0; i < out->size; ++i)
    out->data[i] = src->data[i] ? copy(src->data[i]) : nullptr;
}
template <class Vec, class Delete> void ptr_delete(Vec* v, Delete del) {
  if (!v) return;
  for (size_t i = 0; i < v->size; ++i)
    if (v->data[i]) del(v->data[i]);
  plain_delete(v);
}

} // namespace

// One macro per element kind keeps the five functions of each of the ten vector types in step.
#define WASMCAP_PTR_VEC(name)                                                                      \
  void wasm_##name##_vec_new_empty(wasm_##name##_vec_t* out) {                                     \
    out->size = 0;                                                                                 \
    out->data = nullptr;                                                                           \
  }                                                                                                \
  void wasm_##name##_vec_new_uninitialized(wasm_##name##_vec_t* out, size_t n) {                   \
    plain_new(out, n, static_cast<wasm_##name##_t* const*>(nullptr));                              \
  }                                                                                                \
  void wasm_##name##_vec_new(wasm_##name##_vec_t* out, size_t n, wasm_##name##_t* const data[]) {  \
    plain_new(out, n, data);                                                                       \
  }                                                                                                \
  void wasm_##name##_vec_copy(wasm_##name##_vec_t* out, const wasm_##name##_vec_t* src) {          \
    ptr_copy<wasm_##name##_vec_t, wasm_##name##_t>(                                                \
        out, src, [](const wasm_##name##_t* x) { return wasm_##name##_copy(x); });                 \
  }                                                                                                \
  void wasm_##name##_vec_delete(wasm_##name##_vec_t* v) {                                          \
    ptr_delete(v, [](wasm_##name##_t* x) { wasm_##name##_delete(x); });                            \
  }

extern "C" {

void wasm_byte_vec_new_empty(wasm_byte_vec_t* out) {
  out->size = 0;
  out->data = nullptr;
}
void wasm_byte_vec_new_uninitialized(wasm_byte_vec_t* out, size_t n) {
  plain_new(out, n, static_cast<const wasm_byte_t*>(nullptr));
}
void wasm_byte_vec_new(wasm_byte_vec_t* out, size_t n, const wasm_byte_t data[]) {
  plain_new(out, n, data);
}
void wasm_byte_vec_copy(wasm_byte_vec_t* out, const wasm_byte_vec_t* src) {
  plain_new(out, src ? src->size : 0, src ? src->data : nullptr);
}
void wasm_byte_vec_delete(wasm_byte_vec_t* v) {
  plain_delete(v);
}

// Value vectors own the references in their values.
void wasm_val_vec_new_empty(wasm_val_vec_t* out) {
  out->size = 0;
  out->data = nullptr;
}
void wasm_val_vec_new_uninitialized(wasm_val_vec_t* out, size_t n) {
  plain_new(out, n, static_cast<const wasm_val_t*>(nullptr));
  // A zeroed wasm_val_t is an i32 0; make the slots null references instead, as wasm.h's
  // WASM_INIT_VAL does, so deleting an unfilled vector is harmless either way.
  for (size_t i = 0; i < out->size; ++i) {
    out->data[i].kind = WASM_EXTERNREF;
    out->data[i].of.ref = nullptr;
  }
}
void wasm_val_vec_new(wasm_val_vec_t* out, size_t n, const wasm_val_t data[]) {
  plain_new(out, n, data);
}
void wasm_val_vec_copy(wasm_val_vec_t* out, const wasm_val_vec_t* src) {
  plain_new(out, src ? src->size : 0, static_cast<const wasm_val_t*>(nullptr));
  for (size_t i = 0; i < out->size; ++i)
    wasm_val_copy(&out->data[i], &src->data[i]);
}
void wasm_val_vec_delete(wasm_val_vec_t* v) {
  if (!v) return;
  for (size_t i = 0; i < v->size; ++i)
    wasm_val_delete(&v->data[i]);
  plain_delete(v);
}

WASMCAP_PTR_VEC(valtype)
WASMCAP_PTR_VEC(functype)
WASMCAP_PTR_VEC(globaltype)
WASMCAP_PTR_VEC(tabletype)
WASMCAP_PTR_VEC(memorytype)
WASMCAP_PTR_VEC(externtype)
WASMCAP_PTR_VEC(importtype)
WASMCAP_PTR_VEC(exporttype)
WASMCAP_PTR_VEC(frame)
WASMCAP_PTR_VEC(extern)

} // extern "C"

namespace wasmcap::capi {

void set_bytes(wasm_byte_vec_t* out, std::string_view s, bool nul) {
  wasm_byte_vec_new_uninitialized(out, s.size() + (nul ? 1 : 0));
  if (!s.empty()) std::memcpy(out->data, s.data(), s.size());
  if (nul) out->data[s.size()] = '\0';
}

std::string_view view(const wasm_byte_vec_t* v) {
  if (!v || !v->data) return {};
  return std::string_view(v->data, v->size);
}

} // namespace wasmcap::capi

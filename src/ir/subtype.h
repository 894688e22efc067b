// Subtyping of value types (typed function references and GC, WebAssembly 3.0): `t1 <: t2` by
// nullability and heap type. Concrete types compare by canonical id (ir/type_registry.h): two
// indices whose recursion groups have the same shape are one type, and declared supertypes
// give the rest.
#pragma once

#include "ir/module.h"
#include "ir/types.h"

namespace wasmcap::ir {

// The top of an abstract heap type's hierarchy: any, func, extern or exn (func for any concrete
// type: for runtime values, whose concrete types are function types yet).
HeapKind heap_top(ValType t);
// The same, a concrete type looked up in `m` (any for a struct or array type).
HeapKind heap_top(const Module& m, ValType t);
// The abstract heap type a type is or is under: a concrete type's kind (func, struct, array).
HeapKind abstract_heap(const Module& m, ValType t);
// `a` and `b` are the same type (equal, or concrete types with one canonical id).
bool same_type(const Module& m, ValType a, ValType b);
// `a <: b` for two value types of module `m`.
bool is_subtype(const Module& m, ValType a, ValType b);
// `a <: b` for two value types whose type indices are canonical ids (ir::to_canonical): the
// types runtime tables and globals hold, compared across modules.
bool is_canonical_subtype(ValType a, ValType b);
// Whether a concrete index names a type of `m` (false for a concrete one past the types).
bool type_index_ok(const Module& m, ValType t);

} // namespace wasmcap::ir

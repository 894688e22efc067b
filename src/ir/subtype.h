// Subtyping of value types (typed function references, WebAssembly 3.0): `t1 <: t2` by
// nullability and heap type. Concrete types are function types until recursion groups and
// struct/array types arrive (docs/gc.md slice 1b); two distinct indices match when their
// function types are the same.
#pragma once

#include "ir/module.h"
#include "ir/types.h"

namespace wasmcap::ir {

// The top of an abstract heap type's hierarchy: any, func, extern or exn (func for a concrete
// function type).
HeapKind heap_top(ValType t);
// `a <: b` for two value types of module `m`.
bool is_subtype(const Module& m, ValType a, ValType b);
// Whether a concrete index names a type of `m` (false for a concrete one past the types).
bool type_index_ok(const Module& m, ValType t);

} // namespace wasmcap::ir

// The engine-wide registry of canonical types (WebAssembly 3.0's iso-recursive type equivalence,
// docs/gc.md section 1). Two types are the same type when their recursion groups have the same
// shape, with references inside a group taken by position and references outside it by identity.
// The registry hashes each recursion group once, when a module is decoded, and gives each of its
// types a canonical id; from then on every question about types across groups or modules
// (call_indirect's signature check, import matching, subtyping of concrete types) compares ids.
//
// Ids are process-wide, so they also hold across engines and stores, and are never freed: a
// process holds as many as the distinct types it has seen (bounded by ValType::kMaxIndex).
#pragma once

#include <cstdint>

#include "ir/module.h"
#include "ir/types.h"

namespace wasmcap::ir {

// A canonical type: its definition with every type index replaced by a canonical id (the value
// types' indices, the supertype's), and its depth in the declared supertype chain (0: none).
struct CanonicalType {
  SubType def; // group/group_size: the canonical id of the group's first type, and its size
  FuncType func;
  uint32_t depth = 0;
};

// Fills m.canonical from m.types and m.subtypes. An index the validator will reject (past the
// end of its recursion group) is registered as an id no real type has, so an invalid module
// never shares a canonical type with a valid one.
void canonicalize(Module& m);

// The canonical type of an id returned by canonicalize or canonical_func_type.
const CanonicalType& canonical_type(uint32_t id);
// Whether `id` names a registered type (false for the ids of invalid references).
bool is_canonical_id(uint32_t id);

// The canonical id of a host function type (a final function type alone in its group). Its
// value types must not name type indices (they mean nothing outside a module): such a type gets
// an id of its own at each call, equal to no other.
uint32_t canonical_func_type(const FuncType& t);

// `sub` is `super` or declares it, directly or through its supertypes.
bool canonical_subtype(uint32_t sub, uint32_t super);

// The value type with its type index (if any) replaced by the canonical id in module `m`, so it
// can be compared with types of other modules (runtime tables and globals hold such types).
ValType to_canonical(const Module& m, ValType t);

} // namespace wasmcap::ir

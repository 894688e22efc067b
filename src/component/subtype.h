// Type matching for instantiation and export ascriptions (Explainer.md, "Type checking"): an
// argument's type against an import's, with the import's abstract resources bound to the
// argument's as they are supplied, and the substitution of those resources into the types of
// the instance's exports.
#pragma once

#include <map>
#include <memory>

#include "component/types.h"
#include "support/result.h"

namespace wasmcap::component {

// Abstract resources of the expected side -> the resources that replace them.
using ResourceMap = std::map<const ResourceId*, ResourcePtr>;

// Checks that `actual` may be used where `expected` is. Abstract resources of `expected` not
// yet in `map` are bound to `actual`'s as they are met. An Invalid error at `at` otherwise
// ("resource types are not the same", "type mismatch ...").
support::Status check_subtype(const ExternType& actual, const ExternType& expected,
                              ResourceMap& map, uint64_t at);

// Core subtyping (the core spec's import matching) of one core import or export: `actual` may
// be used where `expected` is. Func types must be equal, limits of tables and memories nest.
support::Status check_core_extern(const Type::CoreExtern& actual, const Type::CoreExtern& expected,
                                  uint64_t at);

// A core module's type against an expected module type: the actual module imports nothing the
// expected one does not (and with a supertype of it), and exports all the expected one does.
support::Status check_core_module(const Type& actual, const Type& expected, uint64_t at);

// Nodes already substituted, so that one substitution copies each node once and references
// between the types it rewrites (a function's `own` of an exported resource) stay references to
// the same node. Seeding it replaces nodes (a type import by the type supplied for it).
using SubstMemo = std::map<const Type*, TypePtr>;

// `t` with the resources of `map` replaced (the same node when nothing changes).
TypePtr substitute(const TypePtr& t, const ResourceMap& map, SubstMemo* memo = nullptr);
std::shared_ptr<const ExternType> substitute(const std::shared_ptr<const ExternType>& e,
                                             const ResourceMap& map, SubstMemo* memo = nullptr);

} // namespace wasmcap::component

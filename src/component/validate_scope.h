// What validate_component (validate.cpp) knows about one scope while it walks it: the index
// spaces of a component, or of a component/instance type being declared, with resolved types.
// Shared by validate.cpp and validate_core.cpp (core types, modules and instances); internal to
// the component library.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "component/ast.h"
#include "component/names.h"
#include "component/types.h"
#include "ir/module.h"
#include "support/result.h"

namespace wasmcap::component::validating {

// A core instance's export: its sort and core type.
struct CoreItem {
  CoreSort sort = CoreSort::Func;
  ir::FuncType func;     // sort == Func, and Tag (the tag's payload type)
  ir::TableType table;   // sort == Table
  ir::MemoryType memory; // sort == Memory
  ir::GlobalType global; // sort == Global
};
using CoreInstanceItems = std::map<std::string, CoreItem>;

// Named types: the nodes imports and exports made (a named copy is a node of its own, so a
// function that mentions the original type does not mention the name).
struct Names {
  std::set<const Type*> types;
  void add(const Type* t) { types.insert(t); }
  bool has(const Type* t) const { return types.count(t) != 0; }
};

struct Scope {
  Scope* parent = nullptr;
  // A concrete component (not a component or instance type): outer aliases of types that refer
  // to resources may not cross it.
  bool concrete = false;
  std::vector<TypePtr> types, core_types, funcs, instances, components, core_modules;
  std::vector<CoreInstanceItems> core_instances;
  std::vector<ir::FuncType> core_funcs;
  std::vector<ir::TableType> core_tables;
  std::vector<ir::MemoryType> core_memories;
  std::vector<ir::GlobalType> core_globals;
  std::vector<ir::FuncType> core_tags; // each tag's payload type
  uint32_t values = 0;
  std::vector<NamedExtern> imports, exports;
  std::set<std::string> import_names, export_names; // strongly-unique keys
  // A component or instance type's declarators (not a concrete component).
  bool type_decl = false;
  // An instance type's declarators: external visibility waits for an import or export of it.
  bool instance_type = false;
  // Types that have a name here (imports, exports, and types aliased from imported or exported
  // instances): what exported functions and types may mention. Imports may only mention those
  // named by imports.
  Names named, import_named;
  // Instances imported or exported here (and instances aliased from them): aliasing a type out
  // of one confers its name.
  std::set<const Type*> external_instances, imported_instances;
  // Resource types imported or exported under a plain name, for [method]R.f and the like.
  std::map<std::string, const ResourceId*> import_resource_names, export_resource_names;
  // Resources this component defines: resource.new and resource.rep need one of them.
  std::set<const ResourceId*> local_resources;
};

inline Error invalid(uint64_t at, std::string message) {
  return make_error(ErrorKind::Invalid, std::move(message), at);
}

inline std::string idx_msg(const char* what, uint32_t i) {
  return std::string("unknown ") + what + " " + std::to_string(i);
}

// ---- validate_core.cpp ----------------------------------------------------------------------

// A `core type`: a function type, or a module type with its imports and exports.
support::Result<TypePtr> core_type(Scope& s, const CoreTypeDef& d);
// The CoreModule type of a decoded core module, checked for what components add to core
// validation (two-level import names that mangle to the same name).
support::Result<TypePtr> core_module_type(const ir::Module& m, uint64_t at);
// Duplicate two-level import names of a module type: `a:b` twice is one name.
support::Status check_core_imports_unique(const Type& module, uint64_t at);
// A `core instance` (instantiation or bundle of exports) added to `s`.
support::Status core_instance(Scope& s, const CoreInstance& ci, uint64_t at);
// A core item aliased from a core instance added to its index space.
void add_core(Scope& s, const CoreItem& item);

// Canonical options against the function type and the core functions they name (CanonicalABI.md:
// `memory` when values cross memory, `realloc` when the callee side allocates, `post-return`
// only on lifts, with the lifted results as parameters).
support::Status check_options(const Scope& s, const Canon& c, const Type& ft, bool lift,
                              uint64_t at);

// ---- validate_names.cpp ---------------------------------------------------------------------

// The rules of an import or export name in `s` (names.h), annotated names included.
support::Status check_name(Scope& s, const ExternName& name, const ExternType& et, bool is_import);
// `(implements "ns:pkg/iface")`: only on instances with a plain name.
support::Status check_implements(const ExternName& name, const ParsedName& p,
                                 ExternType::Kind kind);
// Record, variant, enum, flags and resource types: those a name makes a type of its own.
bool nominal(const Type& t);
// The item an import or export of `et` introduces: a named copy of a nominal type (named here),
// or an instance marked external.
std::shared_ptr<const ExternType> named_copy(Scope& s, std::shared_ptr<const ExternType> et,
                                             bool is_import);
// External visibility of an import or export of `et` in `s`.
support::Status check_visible(const Scope& s, const ExternType& et, uint64_t at, bool is_import);
// A function a bag of exports `(instance (export ...)*)` exports: the resources it mentions
// must have a name in `s` (the bag's own type exports name copies its functions cannot mention).
support::Status check_bag_func(const Scope& s, const TypePtr& func, uint64_t at);
// Remembers a resource imported or exported under a plain name, for annotated names.
void note_resource(Scope& s, const ExternName& name, const ExternType& et, bool is_import);
// Whether `t` mentions a resource not declared inside it.
bool refers_to_resources(const TypePtr& t);

} // namespace wasmcap::component::validating

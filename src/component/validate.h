// validate_component: walks a decoded component in binary order, building each index space
// (types, functions, instances, components, core modules/instances/functions/...) with resolved
// types, and checks what the component model's validation requires of each definition that this
// slice covers: indices in range and of the right sort, types of the right kind, aliases that
// name real exports, nested core modules valid. The result is the component's type: its
// imports and exports, which `inspect` prints as a WIT world.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <unordered_map>
#include <vector>

#include "component/ast.h"
#include "component/types.h"
#include "support/result.h"

namespace wasmcap::component {

struct ComponentInfo {
  std::vector<NamedExtern> imports;
  std::vector<NamedExtern> exports;
  // Every core module of the component, nested components' included, in binary order.
  std::vector<CoreModuleRef> core_modules;
  uint32_t components = 0; // nested components, recursively
  // Names under which types were exported/imported (for printing records, resources, ...).
  std::map<const Type*, std::string> type_names;
  // What each definition (of this component and nested ones) adds to its index space, for the
  // instantiation code, which walks the same definitions without resolving types again:
  // imports, exports, aliases, types and canonical definitions (a lifted or lowered function's
  // type; a resource built-in's resource type, kind Type).
  std::unordered_map<const Definition*, std::shared_ptr<const ExternType>> items;
};

// Decodes and validates one nested core module and says what it imports and exports (a
// CoreModule type). The default decodes and validates it here; an embedder that compiles the
// module anyway passes one that compiles it once and keeps the result.
using CoreModuleLoader = std::function<support::Result<TypePtr>(const CoreModuleRef& ref)>;

// `bytes` is the binary `c` was decoded from (nested core modules are ranges of it).
support::Result<ComponentInfo> validate_component(const Component& c,
                                                  std::span<const uint8_t> bytes,
                                                  const CoreModuleLoader& load = nullptr);

} // namespace wasmcap::component

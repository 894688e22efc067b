// Instantiating a component and calling into it (the api layer's component runtime). A
// component instance is a graph of runtime scopes, one per component instance (nested ones
// included), each with its index spaces of runtime items and its own handle table, as the
// Canonical ABI has them. Core instances are ordinary wasmcap Instances in the Store, so core
// code runs on whatever tier the Engine picks; lifted and lowered functions are host functions
// around them that lift and lower values (src/component/abi.h).
#pragma once

#include <array>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "component/abi.h"
#include "component/validate.h"
#include "component/value.h"
#include "wasmcap/component.h"
#include "wasmcap/externs.h"
#include "wasmcap/instance.h"
#include "wasmcap/module.h"
#include "wasmcap/store.h"

namespace wasmcap::wasi {
class WasiCtx;
namespace p2 {
class P2Ctx;
}
} // namespace wasmcap::wasi

namespace wasmcap::detail {

using component::TypePtr;
using component::Val;

using CallResult = Result<std::optional<Val>>;

class ComponentHost;

// A component-level function: a lifted core function, a host function, or another
// component's export. `call` gets the host of the component instance it is called in, so a
// host function finds that instance's context (its WASI 0.2 P2Ctx) there rather than in its
// closure: one RFunc can then serve every instance of a pre-instantiated component.
struct RFunc {
  TypePtr type;
  std::function<CallResult(std::span<const Val>, ComponentHost& host)> call;
};

struct RInstance;
struct RScope;

// A component definition not yet instantiated, with the scope it was defined in (for outer
// aliases).
struct RComponent {
  const component::Component* ast = nullptr;
  RScope* parent = nullptr;
};

struct RItem {
  component::ExternType::Kind kind = component::ExternType::Kind::Func;
  std::shared_ptr<RFunc> func;
  std::shared_ptr<RInstance> instance;
  std::shared_ptr<RComponent> component;
  std::shared_ptr<const Module> module;
  TypePtr type;             // Type items (and the static type of the others)
  const void* rt = nullptr; // Type items that are resources: the runtime resource identity
};

struct RInstance {
  std::map<std::string, RItem, std::less<>> exports;
};

// What serves a component's top-level imports and ends host resources.
class ComponentHost {
public:
  virtual ~ComponentHost() = default;
  // The item for import `name` of static type `type`, or an Unlinkable error.
  virtual Result<RItem> provide(const std::string& name, const component::ExternType& type) = 0;
  // The guest dropped its last owning handle to the host resource `rt` with representation
  // `rep`.
  virtual Status drop(const void* rt, uint32_t rep) = 0;
  // Whether `rt` is one of this host's resource types.
  virtual bool owns(const void* rt) const = 0;
  // The WASI 0.2 context host functions run in, if this host serves WASI.
  virtual wasi::p2::P2Ctx* p2() { return nullptr; }
};

// What instantiating one component the same way many times can do once (the idea of
// wasmtime's InstancePre): the first instantiation given a ComponentPre records it, later ones
// read it, so it must be filled before it is shared between threads (HttpProxy::create does).
// Only for hosts whose provided items do not depend on the host object they came from (the
// WASI 0.2 host's functions find their context through RFunc::call's host argument).
struct ComponentPre {
  bool ready = false; // filled: read only from now on
  // The host's item for each top-level import (keyed by the import's static type, which is
  // unique to its definition).
  std::map<const component::ExternType*, RItem> imports;
  // The core function type of each `canon lift` and `canon lower`, flattened and given its
  // canonical id once; shared by the functions every instance makes from it.
  struct CoreType {
    std::shared_ptr<const ir::FuncType> type;
    uint32_t id = 0; // ir::canonical_func_type
  };
  std::map<const component::Canon*, CoreType> core_types;
  // The static resources each import binds to the host's runtime ones (found by name in the
  // instance's exports, once).
  std::map<const component::ExternType*,
           std::vector<std::pair<const component::ResourceId*, const void*>>>
      bindings;
  // Per core instance definition: the sorted order of its exports (indices in declaration
  // order) and where each import of its module was found in the instance it came from, valid
  // for the core module (`module`) they were recorded with (nested components may be given
  // others; a position is checked by name before use).
  struct CoreInstancePlan {
    const void* module = nullptr;
    std::vector<uint32_t> order;
    std::vector<uint32_t> import_at;
  };
  std::map<const component::CoreInstance*, CoreInstancePlan> core_instances;
  // Export aliases of the host's instances above (the same RInstance every time): the item
  // found by name, valid while the aliased instance is that one.
  std::map<const component::Alias*, std::pair<const RInstance*, const RItem*>> aliases;
  // How long each index space of a component's scope grew (funcs, types, instances,
  // components, core modules, core instances, core funcs, memories, tables, globals, tags), so
  // that later instantiations reserve them once instead of growing them as they go.
  std::map<const component::Component*, std::array<uint32_t, 11>> scope_sizes;
};

struct ComponentInstanceData;

// Instantiates `c` (its ComponentData) in `store` with imports from `host`, which the instance
// keeps alive.
Result<std::shared_ptr<ComponentInstanceData>>
instantiate_component(Store& store, const Component& c, std::shared_ptr<ComponentHost> host,
                      ComponentPre* pre = nullptr);
// The WASI 0.2 context of `inst`'s host, if it serves WASI (to hand it host objects, as
// HttpProxy does with a request).
wasi::p2::P2Ctx* instance_p2(const ComponentInstanceData& inst);
// Calls `f`, a function of `inst`, with that instance's host.
CallResult call_func(const ComponentInstanceData& inst, const RFunc& f, std::span<const Val> args);

// The WASI 0.2 host over a preview1 context (component_wasi.cpp).
std::shared_ptr<ComponentHost> make_wasi_component_host(wasi::WasiCtx& ctx);
// The static type of an exported function, for ComponentInstance::function_type.
TypePtr export_func_type(const ComponentInstanceData& inst, std::string_view instance,
                         std::string_view name);

// The function `name` exported at the top level, or `name` of the exported instance
// `instance` ("wasi:cli/run@0.2.12", "run"); an interface name matches any 0.2.x version.
std::shared_ptr<RFunc> find_export_func(const ComponentInstanceData& inst,
                                        std::string_view instance, std::string_view name);
// Every top-level export, for listing.
const std::map<std::string, RItem, std::less<>>& component_exports(const ComponentInstanceData&);

} // namespace wasmcap::detail

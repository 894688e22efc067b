// The component model's types after resolution: every type index of a component (or of a
// component/instance type's scope) resolved to a shared, immutable node, so types can be
// compared, printed and carried across scopes (aliases, instantiation) without index
// arithmetic. Resources are identities: two handles name the same resource exactly when they
// point at the same ResourceId.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "component/ast.h"

namespace wasmcap::component {

struct Type;
using TypePtr = std::shared_ptr<const Type>;

// A resource type's identity: one per resource definition or `(sub resource)` declaration.
struct ResourceId {
  uint64_t id = 0;
  std::string name;     // the import/export name that introduced it, for printing
  bool defined = false; // a (resource (rep i32)) definition of this component, not abstract
};
using ResourcePtr = std::shared_ptr<ResourceId>;

struct ExternType;

struct NamedExtern {
  std::string name;
  std::shared_ptr<const ExternType> type;
};

struct Type {
  enum class Kind : uint8_t {
    // value types (defvaltype)
    Prim,
    Record,
    Variant,
    List,
    FixedList,
    Tuple,
    Flags,
    Enum,
    Option,
    Result,
    Own,
    Borrow,
    Stream,
    Future,
    Map,
    // other deftypes
    Func,
    Component,
    Instance,
    Resource,
    // core types, as seen from a component
    CoreFunc,
    CoreModule,
  };
  Kind kind = Kind::Prim;
  PrimType prim = PrimType::Bool;
  // Record fields / Variant cases (type may be null) / Func params; Tuple, List, Option, Map
  // members use `types`.
  std::vector<std::pair<std::string, TypePtr>> fields;
  std::vector<std::string> labels; // Flags, Enum
  std::vector<TypePtr> types;
  TypePtr ok, err; // Result (either may be null), Stream/Future element (ok)
  TypePtr result;  // Func: the result (null: none)
  bool async = false;
  uint32_t length = 0;  // FixedList
  ResourcePtr resource; // Own, Borrow, Resource
  // Component: imports and exports; Instance: exports.
  std::vector<NamedExtern> imports, exports;
  // CoreFunc: the function type; CoreModule: imports (module, name) and exports.
  ir::FuncType core_func;
  struct CoreExtern {
    std::string module, name;
    ir::ExternKind kind = ir::ExternKind::Func;
    ir::FuncType func;     // kind == Func
    ir::TableType table;   // kind == Table
    ir::MemoryType memory; // kind == Memory
    ir::GlobalType global; // kind == Global
  };
  std::vector<CoreExtern> core_imports, core_exports;

  // A named copy: importing or exporting a record, variant, enum, flags or resource type gives
  // it a name, and functions exported from a component may only mention types that have one
  // (Explainer.md, "external visibility"). The copy points at the type it names.
  const Type* origin = nullptr;
  // Component: the ids of the resources created while validating it; each instantiation gives
  // the ones it exports new identities.
  uint64_t resources_begin = 0, resources_end = 0;

  // flatten_type's result for a composite type, computed on first use (from any thread): every
  // call lifting or lowering a value flattens its type, and a variant's flattening joins all its
  // cases (wasi:http's error-code has 39). A copy of the type starts without it.
  struct FlatMemo {
    FlatMemo() = default;
    FlatMemo(const FlatMemo&) {}
    FlatMemo& operator=(const FlatMemo&) { return *this; }
    ~FlatMemo() { delete flat.load(std::memory_order_relaxed); }
    mutable std::atomic<const std::vector<ir::ValType>*> flat{nullptr};
  };
  FlatMemo flat_memo;

  // abi_size and abi_alignment of a composite type, computed on first use (from any thread):
  // bit 63 set when known, the size in bits 0-31, the alignment in 32-47. Lifting or lowering
  // through memory asks for them for every value, and a variant's walks all its cases. A copy
  // of the type starts without them.
  struct LayoutMemo {
    LayoutMemo() = default;
    LayoutMemo(const LayoutMemo&) {}
    LayoutMemo& operator=(const LayoutMemo&) { return *this; }
    mutable std::atomic<uint64_t> packed{0};
  };
  LayoutMemo layout_memo;

  bool is_value() const { return kind <= Kind::Map; }
};

// What an import or export is: a sort plus its type.
struct ExternType {
  enum class Kind : uint8_t { CoreModule, Func, Value, Type, Component, Instance };
  Kind kind = Kind::Func;
  TypePtr type; // Type: the type itself (a Resource node for `sub resource`)
};

const char* extern_kind_name(ExternType::Kind kind);

// Prints a value or function type in WIT's spelling: `list<u8>`, `result<u64, stream-error>`,
// `func(self: borrow<output-stream>, contents: list<u8>) -> result<_, stream-error>`.
// `names` maps types that were exported under a name (a record, a resource) to that name, so a
// named type prints as its name rather than its structure.
std::string type_to_wit(const TypePtr& t, const std::map<const Type*, std::string>* names);

} // namespace wasmcap::component

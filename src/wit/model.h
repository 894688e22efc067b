// The resolved WIT model: packages, interfaces, worlds, type definitions and functions with every
// name resolved to the item that defines it. The resolver (wit/resolver.h) builds it from .wit
// text; the printer (wit/printer.h) turns it back into WIT; tools/witgen turns it into the WASI
// function table. See src/wit/README.md.
//
// Shape: one `Resolve` owns flat arenas (packages, interfaces, worlds, type definitions) and
// items refer to each other by index (`Id`). A type *use* is a `Type` value (a small tree for
// `list<..>`, `result<..>`, ...) whose named leaves carry the `Id` of a `TypeDef`; a `use`d name
// is not copied: it is the defining interface's TypeDef, so `wasi:filesystem/types`'s
// `output-stream` is the TypeDef owned by `wasi:io/streams@0.2.12`.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wasmcap::wit {

using Id = uint32_t;
inline constexpr Id kNoId = ~Id{0};

// Where an item was declared, for diagnostics (1-based; line 0 = unknown).
struct Place {
  std::string file;
  uint32_t line = 0;
  uint32_t column = 0;
};

// Feature gates as written (WIT.md, "Feature Gates"); empty strings = absent. Versions are kept
// as text (`0.2.0`), features as the identifier.
struct Gate {
  std::string since;      // @since(version = ...)
  std::string unstable;   // @unstable(feature = ...)
  std::string deprecated; // @deprecated(version = ...)
  bool empty() const { return since.empty() && unstable.empty() && deprecated.empty(); }
  bool operator==(const Gate&) const = default;
};

enum class TypeKind : uint8_t {
  Bool,
  S8,
  U8,
  S16,
  U16,
  S32,
  U32,
  S64,
  U64,
  F32,
  F64,
  Char,
  String,
  List,   // args[0]; length != 0 for a fixed-length `list<T, N>`
  Option, // args[0]
  Result, // has_ok/has_err say which of args = [ok?, err?] are present
  Tuple,  // args
  Map,    // args[0] key, args[1] value
  Future, // args[0] or no args
  Stream, // args[0] or no args
  Own,    // def = the resource's TypeDef (a bare resource name is an owned handle)
  Borrow, // def = the resource's TypeDef
  Named,  // def = a record/variant/enum/flags/alias TypeDef
};

// A type expression with its names resolved.
struct Type {
  TypeKind kind = TypeKind::Bool;
  Id def = kNoId;         // Own, Borrow, Named
  std::vector<Type> args; // see TypeKind
  uint32_t length = 0;    // List: fixed length, 0 = variable
  bool has_ok = false;    // Result
  bool has_err = false;   // Result

  const Type* ok() const { return has_ok ? &args[0] : nullptr; }
  const Type* err() const { return has_err ? &args[has_ok ? 1 : 0] : nullptr; }
  bool operator==(const Type&) const = default;
};

// The primitive kinds' WIT spelling (`u64`, `string`), "" for the others.
std::string_view primitive_name(TypeKind kind);

enum class TypeDefKind : uint8_t { Record, Variant, Enum, Flags, Resource, Alias };

struct Field { // a record field or a variant case (type absent for a payload-less case)
  std::string name;
  std::optional<Type> type;
};

// Who owns a type definition or a function: an interface (the usual case) or a world.
struct Owner {
  enum Kind : uint8_t { Interface, World } kind = Interface;
  Id id = kNoId;
  bool operator==(const Owner&) const = default;
};

struct TypeDef {
  std::string name;
  TypeDefKind kind = TypeDefKind::Record;
  Owner owner;
  Gate gate;
  Place place;
  std::vector<Field> fields;      // Record (all typed), Variant (cases)
  std::vector<std::string> names; // Enum cases, Flags
  std::optional<Type> alias;      // Alias target
  std::vector<Id> resource_funcs; // Resource: indexes into the owner's functions, in order
};

enum class FunctionKind : uint8_t { Freestanding, Method, Static, Constructor };

struct Param {
  std::string name;
  Type type;
};

struct Function {
  // The component-model name: `now`, `[method]descriptor.read`, `[static]fields.from-list`,
  // `[constructor]fields`.
  std::string name;
  std::string item_name; // as written in the resource block (`read`); "" for a constructor
  FunctionKind kind = FunctionKind::Freestanding;
  Id resource = kNoId; // the resource's TypeDef, for Method/Static/Constructor
  bool is_async = false;
  // Methods start with the implicit `self: borrow<R>`; a constructor without a written result
  // returns own<R>.
  std::vector<Param> params;
  std::optional<Type> result;
  Gate gate;
  Place place;
};

// One `use iface.{a, b as c};`: `names[i]` is imported as `locals[i]`.
struct Use {
  Id from = kNoId; // the interface the names come from
  std::vector<std::string> names;
  std::vector<std::string> locals;
  Gate gate;
};

struct Interface {
  std::string name; // "" for an inline interface of a world (`import x: interface { ... }`)
  Id package = kNoId;
  Id world = kNoId; // the world of an inline interface, else kNoId
  Gate gate;
  Place place;
  std::vector<Use> uses;
  std::vector<Id> types; // definitions owned here, in declaration order
  std::vector<Function> functions;
  // Every name in scope: own definitions and `use`d names, to their defining TypeDef.
  std::vector<std::pair<std::string, Id>> scope;

  const Function* find_function(std::string_view canonical_name) const;
  Id find_type(std::string_view local_name) const; // kNoId when not in scope
};

// An import or export of a world.
struct WorldItem {
  enum Kind : uint8_t { Interface, Function } kind = Interface;
  // The import/export name: a full interface name (`wasi:io/streams@0.2.12`) when the item is
  // named by its interface, else the plain name (`run`, `host`).
  std::string name;
  bool by_interface_name = false;
  Id interface = kNoId;                  // Interface items
  std::optional<wit::Function> function; // Function items
  Gate gate;
};

struct World {
  std::string name;
  Id package = kNoId;
  Gate gate;
  Place place;
  std::vector<Use> uses;
  std::vector<Id> types;
  std::vector<std::pair<std::string, Id>> scope;
  // After `include`s are merged and interfaces that imported/exported ones `use` are added as
  // imports (WIT.md, "Transitive imports and worlds"), deduplicated by interface name.
  std::vector<WorldItem> imports;
  std::vector<WorldItem> exports;
};

struct Package {
  std::string ns;             // `wasi`
  std::string name;           // `io`
  std::string version;        // `0.2.12`, "" when unversioned
  std::vector<Id> interfaces; // named interfaces in declaration order (files sorted by name)
  std::vector<Id> worlds;
  // `wasi:io@0.2.12`
  std::string full_name() const;
};

struct Resolve {
  std::vector<Package> packages;
  std::vector<Interface> interfaces;
  std::vector<World> worlds;
  std::vector<TypeDef> types;
  Id root = kNoId; // the package of the first directory given to the loader, if any

  // `wasi:io/streams@0.2.12`, or the bare name for an inline interface.
  std::string interface_full_name(Id interface) const;
  // `wasi:io/streams@0.2.12.output-stream`; for a world's type `ns:pkg/world@v.name`.
  std::string type_qualified_name(Id type) const;
  // Exact package (`wasi:io`, version "0.2.12"); version "" matches the only version present.
  Id find_package(std::string_view ns, std::string_view name, std::string_view version) const;
  // By full name `ns:pkg/iface@version` (version optional when only one is present).
  Id find_interface(std::string_view full_name) const;
  Id find_world(std::string_view full_name) const;
  // Follows aliases to the type they stand for.
  const Type& unalias(const Type& type) const;
};

} // namespace wasmcap::wit

// The WASI 0.2 function table: every function of every interface of the vendored WIT
// (wit/wasi-0.2.12), generated at build time by tools/witgen into the wasmcap_wit_tables
// library. The WASI 0.2 host binds its functions by looking them up here, so names, kinds and
// signatures come from the WIT files and are never copied by hand. Standard library only.
//
// Types are "type signatures" (grammar in wit/signature.h), e.g.
//   result<own<wasi:io/streams@0.2.12.input-stream>,wasi:filesystem/types@0.2.12.error-code>
// Aliases are unfolded (`instant` is `u64`); records, variants, enums and flags are named by
// their defining interface and described in types(); resources appear only as
// own<qname>/borrow<qname>, so a handle always says which interface's resource it is.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace wasmcap::wit::table {

enum class FunctionKind : uint8_t { Freestanding, Method, Static, Constructor };

struct Param {
  const char* name; // `self` first for methods
  const char* type; // a type signature
};

// Feature gates as written in the WIT; "" when absent.
struct Gates {
  const char* since;
  const char* unstable;
  const char* deprecated;
};

struct Function {
  const char* interface; // full name: `wasi:io/streams@0.2.12`
  const char* version;   // the package's version: `0.2.12`
  const char* name;      // canonical: `now`, `[method]output-stream.write`, `[constructor]fields`
  FunctionKind kind;
  const char*
      resource; // Method/Static/Constructor: `wasi:io/streams@0.2.12.output-stream`; else ""
  const Param* params;
  uint32_t param_count;
  const char* result; // a type signature, "" for none
  Gates gates;        // the function's own; see Interface for the interface's
  std::span<const Param> parameters() const { return {params, param_count}; }
};

enum class TypeDefKind : uint8_t { Record, Variant, Enum, Flags, Resource };

struct Member {
  const char* name;
  const char* type; // Record fields and variant cases with a payload; "" otherwise
};

// A named type any function signature mentions (directly or inside another type).
struct TypeDef {
  const char* name; // qualified: `wasi:filesystem/types@0.2.12.descriptor-stat`
  TypeDefKind kind;
  const Member* members; // fields, cases, enum cases or flags in declaration order; none for a
  uint32_t member_count; // resource
  Gates gates;
  std::span<const Member> fields() const { return {members, member_count}; }
};

struct Interface {
  const char* name;    // `wasi:clocks/timezone@0.2.12`
  const char* version; // `0.2.12`
  Gates gates;         // e.g. timezone is `@unstable(feature = clocks-timezone)`
};

// A world's imports and exports, as interface full names or, for a function or an inline
// interface, its plain name. Includes are merged and `use`d interfaces added as imports, so
// `wasi:cli/command@0.2.12` lists every interface a command may import.
struct World {
  const char* name; // `wasi:cli/command@0.2.12`
  const char* const* imports;
  uint32_t import_count;
  const char* const* exports;
  uint32_t export_count;
  Gates gates;
  std::span<const char* const> import_names() const { return {imports, import_count}; }
  std::span<const char* const> export_names() const { return {exports, export_count}; }
};

// Sorted by (interface, name).
std::span<const Function> functions();
// Sorted by name.
std::span<const TypeDef> types();
std::span<const Interface> interfaces();
std::span<const World> worlds();

// nullptr when absent. `interface` is the full name, version included.
const Function* find_function(std::string_view interface, std::string_view name);
const TypeDef* find_type(std::string_view qualified_name);
const Interface* find_interface(std::string_view name);
const World* find_world(std::string_view name);

} // namespace wasmcap::wit::table

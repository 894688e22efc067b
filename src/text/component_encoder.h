// The component text encoder: `(component ...)` S-expressions to component binary bytes, following
// design/mvp/Binary.md. Internal to src/text; parse_wat() and parse_wast() are the public doors.
//
// The encoder walks fields in textual order and writes each definition as it meets it. Inline
// forms are desugared on the way, into the enclosing scope and before the definition that holds
// them (as the text format explainer specifies): compound value types inside other types become
// type definitions, inline func/instance/component types become type definitions, item
// references with export names (`(func $i "f")`) become aliases, inline instances in
// `instantiate` become instances, and `(export "x")` on a definition becomes an export after it.
// Each component body is encoded twice: the first pass only learns the index of every `$id`, so
// the second can resolve references to definitions that come later in the text.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "support/byte_writer.h"
#include "support/result.h"
#include "text/sexpr.h"

namespace wasmcap::text {

// Encodes a `(component ...)` list whose fields start at items[from] (after `component` and an
// optional `$id`, which is passed as `id` so outer aliases can name this component).
support::Result<std::vector<uint8_t>> encode_component(const Sexpr& component, size_t from,
                                                       const Token* id);

namespace component {

// Every index space of a component (Binary.md `sort` and `core:sort`).
enum class Sort : uint8_t {
  CoreFunc,
  CoreTable,
  CoreMemory,
  CoreGlobal,
  CoreTag,
  CoreType,
  CoreModule,
  CoreInstance,
  Func,
  Value,
  Type,
  Component,
  Instance,
};
constexpr size_t kSortCount = 13;

bool is_core(Sort s);
// The `core:sort` byte of a core sort, or the `sort` byte of a component sort.
uint8_t sort_code(Sort s);
// Writes a `sort` (`0x00 core:sort` for core sorts).
void write_sort(support::ByteWriter& w, Sort s);
const char* sort_name(Sort s);

// Where definitions go: a component (sections), a component or instance type (declarators) or a
// core module type (module declarators). Section ids are used for all of them; the type scopes
// map them to their declarator tags when they are laid out.
struct Scope {
  enum class Kind : uint8_t { Component, ComponentType, InstanceType, ModuleType };
  Kind kind = Kind::Component;
  Scope* parent = nullptr;
  std::string id; // the scope's own $id (component or type), for `alias outer $id`
  std::array<uint32_t, kSortCount> counts{};
  std::array<std::unordered_map<std::string, uint32_t>, kSortCount> names;
  // Pass 2 of a component body: the names pass 1 bound, so later definitions can be referenced.
  const std::array<std::unordered_map<std::string, uint32_t>, kSortCount>* prebound = nullptr;
  // Exports written inline on definitions, `(func (export "f") ...)`: they come after all fields
  // (as wasm-tools lays them out), so their indices follow every other definition's.
  std::vector<std::pair<std::vector<uint8_t>, Sort>> deferred_exports;
  // Implicit outer aliases already made, so each outer item is aliased once.
  std::unordered_map<std::string, uint32_t> outer_cache;
  // Pass 1: unresolved names resolve to 0 instead of failing.
  bool tolerant = false;
  // (section id, one encoded entry) in definition order.
  std::vector<std::pair<uint8_t, std::vector<uint8_t>>> items;

  // Lays the items out: sections (consecutive vec entries of one id share a section), or a
  // vec of declarators for type scopes.
  std::vector<uint8_t> encode() const;
};

// Section ids (Binary.md), also used to tag declarators.
enum SectionId : uint8_t {
  kCoreModule = 1,
  kCoreInstance = 2,
  kCoreType = 3,
  kComponent = 4,
  kInstance = 5,
  kAlias = 6,
  kType = 7,
  kCanon = 8,
  kStart = 9,
  kImport = 10,
  kExport = 11,
};

// The common head of a definition: `$id? (export "n")* (import "n")?`.
struct Head {
  const Token* id = nullptr;
  std::vector<const Sexpr*> exports;
  const Sexpr* import = nullptr;
  size_t pos = 0; // the first item after the head
};

// `(export "name" attrs*)` on a definition (no item reference: that is an export field).
bool is_inline_export(const Sexpr& s);

// Encodes a component body or a type's declarators: c.items[from..] in a new scope of `kind`
// inside `parent` (null at the top). `id` names the scope for `alias outer`.
support::Result<std::vector<uint8_t>> encode_body(const Sexpr& c, size_t from, const Token* id,
                                                  Scope* parent, Scope::Kind kind);

// Encodes fields or declarators into one scope.
class Encoder {
public:
  explicit Encoder(Scope& scope) : s_(scope) {}

  // A component body field (component scopes) or a declarator (type scopes).
  support::Status field(const Sexpr& f);
  support::Status decl(const Sexpr& d);
  // Adds the deferred inline exports once every field is encoded.
  void finish();

private:
  // --- scopes, names, references (component_encoder.cpp) ---
  // Adds an entry to the scope and returns its index in `sort`.
  uint32_t add(uint8_t section, std::vector<uint8_t> bytes, Sort sort);
  // Binds `id` (may be null) to index `index` of `sort`; a duplicate is malformed.
  support::Status bind(const Token* id, Sort sort, uint32_t index);
  // Resolves a numeric index or $id in `sort`; $ids of enclosing scopes become outer aliases
  // (types, modules and components only).
  support::Result<uint32_t> resolve(Sort sort, const Sexpr& ref);
  // `(sort ref "export"*)` item references, creating aliases for export names. `core_ctx`:
  // unprefixed sort keywords are core sorts (inside core instances).
  support::Result<uint32_t> item_ref(const Sexpr& list, Sort sort, bool core_ctx = false);
  // A sort keyword (`func`, `core module`, ...) at list.items[pos], advancing pos.
  support::Result<Sort> parse_sort(const Sexpr& list, size_t& pos, bool core_ctx);
  // An alias target `export $i "n"`, `core export $i "n"` or `outer $c $x` at items[pos..end)
  // defining one `sort` item bound to `id`; returns its index.
  support::Result<uint32_t> alias(const std::vector<Sexpr>& items, size_t pos, size_t end,
                                  Sort sort, const Token* id);
  support::Status alias_field(const Sexpr& f);
  // `"name" (implements "..")? (external-id "..")?` at items[pos], as `nameattributes`.
  support::Status name_attributes(const std::vector<Sexpr>& items, size_t& pos,
                                  support::ByteWriter& w);

  // --- types (component_types.cpp) ---
  // A valtype: primitive keyword, type index, or an inline compound type (defined first).
  support::Status valtype(const Sexpr& s, support::ByteWriter& w);
  // `t?` as `0x00 | 0x01 t`.
  support::Status opt_valtype(const Sexpr* s, support::ByteWriter& w);
  // The deftype items[pos] (it must be the last item), written to `w`.
  support::Status deftype(const std::vector<Sexpr>& items, size_t pos, const Token& where,
                          support::ByteWriter& w);
  // Defines the deftype items[pos] as a type bound to `id`; returns its index.
  support::Result<uint32_t> define_type(const std::vector<Sexpr>& items, size_t pos,
                                        const Token& where, const Token* id);
  // `async? (param "n" t)* (result t)?` at items[pos..end) as a functype.
  support::Status functype(const std::vector<Sexpr>& items, size_t pos, size_t end,
                           support::ByteWriter& w);
  // An externdesc (`(func $f? ...)`, `(instance ...)`, `(type (sub resource))`, ...): writes the
  // externtype, defining inline types first; returns the sort and the $id it binds.
  support::Result<std::pair<Sort, const Token*>> externdesc(const Sexpr& d, support::ByteWriter& w);
  // The type of a func/component/instance/core module at items[pos..end): `(type $t)` or an
  // inline type, which is defined first. Returns the type index.
  support::Result<uint32_t> type_use(const std::vector<Sexpr>& items, size_t pos, size_t end,
                                     Sort sort, const Token& where);
  support::Status type_field(const Sexpr& f);
  support::Status core_type_field(const Sexpr& f);
  support::Status core_functype(const Sexpr& t, support::ByteWriter& w);
  support::Result<uint32_t> core_module_type(const Sexpr& m, const Token* id);
  support::Status core_externtype(const Sexpr& d, support::ByteWriter& w);
  // `(import|export "name" attrs* externdesc)` as an import or an export declarator.
  support::Status extern_decl(const Sexpr& f, uint8_t section);

  // --- fields (component_fields.cpp) ---
  support::Status core_field(const Sexpr& f);
  support::Result<uint32_t> core_instance(const std::vector<Sexpr>& items, size_t pos);
  support::Result<uint32_t> instance_body(const std::vector<Sexpr>& items, size_t pos);
  support::Result<Sort> sort_ref(const Sexpr& r, support::ByteWriter& w);
  support::Status instance_field(const Sexpr& f);
  support::Status component_field(const Sexpr& f);
  support::Status func_field(const Sexpr& f);
  support::Status canon(const Sexpr& c, size_t end, std::optional<uint32_t> lift_type,
                        const Token* id, const std::vector<const Sexpr*>& exports);
  support::Status canon_field(const Sexpr& f);
  support::Status canon_opts(const std::vector<Sexpr>& items, size_t& pos, size_t end,
                             support::ByteWriter& w);
  support::Status inline_import(const Sexpr& f, size_t kw_end, const Head& h);
  support::Status export_field(const Sexpr& f);
  support::Status start_field(const Sexpr& f);
  support::Status inline_exports(const std::vector<const Sexpr*>& exports, Sort sort,
                                 uint32_t index);

  Scope& s_;
  // The $id of the type being defined, which names a component/instance type's scope.
  const Token* defining_ = nullptr;
};

} // namespace component
} // namespace wasmcap::text

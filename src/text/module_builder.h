// ModuleBuilder: the state shared while a text module is parsed: index spaces with their $names,
// the type section (explicit types plus those created by inline type uses), and every section's
// encoded entries, which encode() lays out as a binary module.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "ir/types.h"
#include "support/byte_writer.h"
#include "support/result.h"
#include "text/custom_annotation.h"
#include "text/sexpr.h"

namespace wasmcap::text {

// One index space (functions, tables, ...): a count and the $names bound to indices.
struct IndexSpace {
  const char* what = ""; // "func", "table", ... for messages
  uint32_t count = 0;
  std::unordered_map<std::string_view, uint32_t> names;

  // Appends one entry, binding `id` (may be null) to it; a second binding is malformed.
  support::Result<uint32_t> add(const Token* id);
  // Resolves a numeric index or a $name atom.
  support::Result<uint32_t> resolve(const Sexpr& ref) const;
};

// A parsed type use: `(type x)?` followed by inline `(param ...)* (result ...)*`.
struct TypeUse {
  std::optional<uint32_t> index;
  const Token* where = nullptr;
  bool has_inline = false;
  ir::FuncType type;                   // the inline part
  std::vector<const Token*> param_ids; // one per inline param, null if unnamed
};

class ModuleBuilder {
public:
  ModuleBuilder();

  IndexSpace funcs, tables, memories, globals, types, elems, datas, tags;
  // The type section: each type's function type (empty for a struct or array) and the rest of
  // its definition (kind, finality, supertype, fields, recursion group), as in ir::Module.
  std::vector<ir::FuncType> type_defs;
  std::vector<ir::SubType> subtypes;
  // Struct field $names by type index (for the GC instructions that name fields).
  std::unordered_map<uint32_t, std::unordered_map<std::string_view, uint32_t>> field_names;

  // The index of the first type that is `(rec (type (sub final (func t))))` (a final function
  // type, no supertype, alone in its group), appending a new one if there is none: the type an
  // inline type use denotes.
  uint32_t intern_type(const ir::FuncType& t);
  // Resolves a type use to a type index, checking an explicit index against its inline part.
  support::Result<uint32_t> resolve_type_use(const TypeUse& use);
  // The function type a resolved type use denotes (empty if the index is out of range: the
  // validator reports that).
  ir::FuncType type_of(uint32_t type_index) const;

  // Section contents, each entry already encoded.
  std::vector<std::vector<uint8_t>> imports, tables_sec, memories_sec, globals_sec, exports,
      elems_sec, datas_sec, codes, tags_sec;
  std::vector<uint32_t> func_types; // the function section: type index per defined function
  std::optional<uint32_t> start;
  bool needs_data_count = false;
  // Names for the `name` custom section; the module's from `(@name ...)`.
  std::optional<std::string> module_name;
  std::vector<std::pair<uint32_t, std::string>> func_names;
  std::vector<std::pair<uint32_t, std::vector<std::pair<uint32_t, std::string>>>> local_names;
  std::vector<std::pair<uint32_t, std::vector<std::pair<uint32_t, std::string>>>> label_names;
  // `(@metadata.code.branch_hint ...)` hints per defined function, by increasing function index:
  // (offset from the start of the function's code entry, after its size, of an `if` or `br_if`;
  // 0 unlikely, 1 likely). encode() writes them as a custom section before the code section.
  std::vector<std::pair<uint32_t, std::vector<std::pair<uint32_t, uint8_t>>>> branch_hints;
  // `(@custom ...)` fields, in textual order (which is their order within one slot).
  std::vector<CustomSection> customs;

  std::vector<uint8_t> encode() const;
};

} // namespace wasmcap::text

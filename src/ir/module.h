// ir::Module: plain data for the spec's module structure, as decoded from the binary format.
// Function bodies and constant expressions stay as byte ranges into `bytes` and are read with
// binary::CodeReader when needed (validation, lowering, evaluation).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ir/types.h"

namespace wasmcap::ir {

// A range of Module::bytes holding instructions up to and including the final `end`.
struct CodeRange {
  uint64_t offset = 0;
  uint32_t size = 0;
};
using ConstExpr = CodeRange;

struct Import {
  std::string module;
  std::string name;
  ExternKind kind = ExternKind::Func;
  uint32_t func_type = 0; // kind == Func: type index
  TableType table;        // kind == Table
  MemoryType memory;      // kind == Memory
  GlobalType global;      // kind == Global
  uint32_t tag_type = 0;  // kind == Tag: type index (a function type without results)
};

struct Export {
  std::string name;
  ExternKind kind = ExternKind::Func;
  uint32_t index = 0;
};

// A branch hint from the `metadata.code.branch_hint` custom section: the `if` or `br_if` at
// module offset `at` is likely (else unlikely) to branch (for an `if`: to run its then-arm).
struct BranchHint {
  uint64_t at = 0;
  bool likely = false;
};

struct Function { // a function defined (not imported) by the module
  uint32_t type_index = 0;
  std::vector<ValType> locals; // declared locals, expanded, not including parameters
  CodeRange body;              // instructions after the local declarations
  // Legacy `try` blocks in the body, counted by the decoder (0 when it trusted the body without
  // reading it): the interpreter keeps a slot per try for the exception its catch holds.
  uint32_t legacy_tries = 0;
  // The body's branch hints, by increasing offset (binary/branch_hints.cpp checked them).
  std::vector<BranchHint> branch_hints;
};

struct Global { // a global defined by the module
  GlobalType type;
  ConstExpr init;
};

enum class SegmentMode : uint8_t { Active, Passive, Declarative };

struct ElementSegment {
  SegmentMode mode = SegmentMode::Active;
  uint32_t table_index = 0;
  ConstExpr offset; // Active only
  ValType type = ValType::FuncRef;
  // Encodings 0-3 list function indices; 4-7 list constant expressions. Exactly one is used.
  bool uses_exprs = false;
  std::vector<uint32_t> func_indices;
  std::vector<ConstExpr> exprs;
};

struct DataSegment {
  SegmentMode mode = SegmentMode::Active; // never Declarative
  uint32_t memory_index = 0;
  ConstExpr offset; // Active only
  CodeRange init;   // the data bytes (not code, but the same kind of range)
};

struct CustomSection {
  std::string name;
  uint64_t offset = 0; // payload after the name
  uint32_t size = 0;
};

// The `name` custom section, kept for backtraces and the text printer.
struct Names {
  std::optional<std::string> module;
  std::map<uint32_t, std::string> functions;
  std::map<uint32_t, std::map<uint32_t, std::string>> locals;
};

struct Module {
  std::vector<uint8_t> bytes; // the whole binary; CodeRange/ConstExpr point into it

  // The type section. types[i] is type i's function type (empty for a struct or array type);
  // subtypes[i] says what type i is; canonical[i] is its engine-wide canonical id
  // (ir/type_registry.h), which is how types compare across recursion groups and modules.
  std::vector<FuncType> types;
  std::vector<SubType> subtypes;
  std::vector<uint32_t> canonical;
  std::vector<Import> imports;
  std::vector<Function> functions; // defined functions only
  std::vector<TableType> tables;   // defined tables only
  // Per defined table: its initial element (3.0's `(table n (ref $t) expr)`, encoded 0x40 0x00),
  // or none: null. A table of a non-nullable type must have one.
  std::vector<std::optional<ConstExpr>> table_inits;
  std::vector<MemoryType> memories; // defined memories only
  std::vector<Global> globals;      // defined globals only
  std::vector<uint32_t> tags;       // defined tags only: their type indices
  std::vector<Export> exports;
  std::optional<uint32_t> start;
  std::vector<ElementSegment> elements;
  std::vector<DataSegment> datas;
  std::optional<uint32_t> data_count;
  std::vector<CustomSection> customs;
  Names names;
  // Why the `metadata.code.branch_hint` section was dropped (empty if it was not, or is absent):
  // hints never change what a module does, so a section that breaks the rules costs only them.
  std::string branch_hint_problem;

  // Whole index spaces (imports first, then definitions), filled in by the decoder.
  std::vector<uint32_t> func_type_indices;
  std::vector<TableType> all_tables;
  std::vector<MemoryType> all_memories;
  std::vector<GlobalType> all_globals;
  std::vector<uint32_t> all_tags; // type index of every tag, imports first
  uint32_t num_imported_funcs = 0;
  uint32_t num_imported_tables = 0;
  uint32_t num_imported_memories = 0;
  uint32_t num_imported_globals = 0;
  uint32_t num_imported_tags = 0;

  bool is_func_type(uint32_t type_index) const {
    return type_index < types.size() && subtypes[type_index].kind == TypeKind::Func;
  }
  const FuncType& func_type(uint32_t func_index) const {
    return types[func_type_indices[func_index]];
  }
  // The name-section name of a function, or "" when it has none.
  std::string_view func_name(uint32_t func_index) const;
  std::span<const uint8_t> range_bytes(CodeRange r) const {
    return std::span<const uint8_t>(bytes).subspan(r.offset, r.size);
  }
};

} // namespace wasmcap::ir

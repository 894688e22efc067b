// Module-level validation, in the order the spec lists the module's components, so the first
// error found is deterministic.
#include "validate/module_validator.h"

#include <cstdint>
#include <string_view>
#include <unordered_set>

#include "ir/subtype.h"
#include "validate/const_expr.h"
#include "validate/module_context.h"
#include "validate/type_section.h"
#include "validate/validate_function.h"

namespace wasmcap::validate {

using ir::ValType;
using support::ErrorKind;
using support::Status;

namespace {

support::Error invalid(std::string message, const char* section) {
  support::Error e = support::make_error(ErrorKind::Invalid, std::move(message));
  e.where.section = section;
  return e;
}

Status in_section(Status st, const char* section) {
  if (st) return st;
  support::Error e = std::move(st).error();
  if (e.where.section.empty()) e.where.section = section;
  return e;
}

// A type index where a function type must be (functions, function imports, tags).
Status check_type_index(const ir::Module& m, uint32_t index, const char* section) {
  if (index >= m.types.size()) return invalid("unknown type " + std::to_string(index), section);
  if (!m.is_func_type(index))
    return invalid("type mismatch: type " + std::to_string(index) + " is not a function type",
                   section);
  return support::ok();
}

Status check_limits(const ir::Limits& l, uint64_t bound, const char* too_large,
                    const char* section) {
  if (l.min > bound || (l.max && *l.max > bound)) return invalid(too_large, section);
  if (l.max && l.min > *l.max)
    return invalid("size minimum must not be greater than maximum", section);
  return support::ok();
}

// An i64 table (table64) may have any u64 limits; an i64 memory up to 2^48 pages (2^64 bytes).
Status check_table(const ir::TableType& t, const char* section) {
  if (t.address64)
    return check_limits(t.limits, UINT64_MAX, "table size must be at most 2^64-1", section);
  return check_limits(t.limits, 0xFFFFFFFFu, "table size must be at most 2^32-1", section);
}

Status check_memory(const ir::MemoryType& t, const char* section) {
  if (t.shared && !t.limits.max) return invalid("shared memory must have maximum", section);
  if (t.address64)
    return check_limits(t.limits, ir::kMaxPages64,
                        "memory size must be at most 2^48 pages (2^64 bytes)", section);
  return check_limits(t.limits, ir::kMaxPages, "memory size must be at most 65536 pages (4GiB)",
                      section);
}

// A tag's type is a function type whose params are the payload; it has no results.
Status check_tag_type(const ir::Module& m, uint32_t index, const char* section) {
  WASMCAP_TRY(check_type_index(m, index, section));
  if (!m.types[index].results.empty()) return invalid("non-empty tag result type", section);
  return support::ok();
}

Status check_imports(const ir::Module& m) {
  for (const ir::Import& imp : m.imports) {
    switch (imp.kind) {
    case ir::ExternKind::Func: WASMCAP_TRY(check_type_index(m, imp.func_type, "import")); break;
    case ir::ExternKind::Table: WASMCAP_TRY(check_table(imp.table, "import")); break;
    case ir::ExternKind::Memory: WASMCAP_TRY(check_memory(imp.memory, "import")); break;
    case ir::ExternKind::Global: break;
    case ir::ExternKind::Tag: WASMCAP_TRY(check_tag_type(m, imp.tag_type, "import")); break;
    }
  }
  return support::ok();
}

// Every value type naming a concrete heap type names a type of the module.
Status check_value_types(const ir::Module& m) {
  auto ok = [&m](const std::vector<ValType>& ts) {
    for (ValType t : ts)
      if (!ir::type_index_ok(m, t)) return false;
    return true;
  };
  for (const ir::FuncType& t : m.types)
    if (!ok(t.params) || !ok(t.results)) return invalid("unknown type", "type");
  for (const ir::Function& f : m.functions)
    if (!ok(f.locals)) return invalid("unknown type", "code");
  for (const ir::GlobalType& g : m.all_globals)
    if (!ir::type_index_ok(m, g.type)) return invalid("unknown type", "global");
  for (const ir::TableType& t : m.all_tables)
    if (!ir::type_index_ok(m, t.elem)) return invalid("unknown type", "table");
  for (const ir::ElementSegment& seg : m.elements)
    if (!ir::type_index_ok(m, seg.type)) return invalid("unknown type", "element");
  return support::ok();
}

Status check_definitions(const ir::Module& m, const Features& features) {
  WASMCAP_TRY(check_value_types(m));
  for (const ir::Function& f : m.functions)
    WASMCAP_TRY(check_type_index(m, f.type_index, "function"));
  for (const ir::TableType& t : m.tables)
    WASMCAP_TRY(check_table(t, "table"));
  // A table's initializer sees the imported globals (the globals are defined after the tables).
  for (size_t i = 0; i < m.tables.size(); ++i) {
    const bool init = i < m.table_inits.size() && m.table_inits[i];
    if (!init && !ir::is_defaultable(m.tables[i].elem)) return invalid("type mismatch", "table");
    if (init)
      WASMCAP_TRY(in_section(validate_const_expr(m, *m.table_inits[i], m.tables[i].elem,
                                                 m.num_imported_globals, features.extended_const),
                             "table"));
  }
  for (const ir::MemoryType& t : m.memories)
    WASMCAP_TRY(check_memory(t, "memory"));
  for (uint32_t t : m.tags)
    WASMCAP_TRY(check_tag_type(m, t, "tag"));
  // WebAssembly 2.0 allows several tables but at most one memory.
  if (m.all_memories.size() > 1 && !features.multi_memory)
    return invalid("multiple memories", "memory");
  // A global's initializer sees the imported globals (2.0), and with 3.0's constant
  // expressions every global defined before it too.
  uint32_t visible = m.num_imported_globals;
  for (const ir::Global& g : m.globals) {
    WASMCAP_TRY(in_section(
        validate_const_expr(m, g.init, g.type.type, visible, features.extended_const), "global"));
    if (features.extended_const) ++visible;
  }
  return support::ok();
}

Status check_exports(const ir::Module& m) {
  std::unordered_set<std::string_view> names;
  names.reserve(m.exports.size());
  for (const ir::Export& e : m.exports) {
    size_t count = 0;
    const char* what = "";
    switch (e.kind) {
    case ir::ExternKind::Func: count = m.func_type_indices.size(), what = "function"; break;
    case ir::ExternKind::Table: count = m.all_tables.size(), what = "table"; break;
    case ir::ExternKind::Memory: count = m.all_memories.size(), what = "memory"; break;
    case ir::ExternKind::Global: count = m.all_globals.size(), what = "global"; break;
    case ir::ExternKind::Tag: count = m.all_tags.size(), what = "tag"; break;
    }
    if (e.index >= count)
      return invalid(std::string("unknown ") + what + " " + std::to_string(e.index), "export");
    if (!names.insert(e.name).second) return invalid("duplicate export name", "export");
  }
  return support::ok();
}

Status check_start(const ir::Module& m) {
  if (!m.start) return support::ok();
  if (*m.start >= m.func_type_indices.size())
    return invalid("unknown function " + std::to_string(*m.start), "start");
  const ir::FuncType& t = m.func_type(*m.start);
  if (!t.params.empty() || !t.results.empty()) return invalid("start function", "start");
  return support::ok();
}

// The globals segment offsets and element expressions may read: in WebAssembly 2.0 the imported
// ones; with 3.0's constant expressions (Features::extended_const) all of them.
uint32_t visible_globals(const ir::Module& m, const Features& features) {
  return features.extended_const ? static_cast<uint32_t>(m.all_globals.size())
                                 : m.num_imported_globals;
}

Status check_elements(const ir::Module& m, const Features& features) {
  const uint32_t imported_globals = visible_globals(m, features);
  for (const ir::ElementSegment& seg : m.elements) {
    if (seg.mode == ir::SegmentMode::Active) {
      if (seg.table_index >= m.all_tables.size())
        return invalid("unknown table " + std::to_string(seg.table_index), "element");
      // The offset has the table's address type (i64 for a table64).
      const ValType at = m.all_tables[seg.table_index].address64 ? ValType::I64 : ValType::I32;
      WASMCAP_TRY(in_section(
          validate_const_expr(m, seg.offset, at, imported_globals, features.extended_const),
          "element"));
      if (!ir::is_subtype(m, seg.type, m.all_tables[seg.table_index].elem))
        return invalid("type mismatch", "element");
    }
    for (uint32_t f : seg.func_indices) {
      if (f >= m.func_type_indices.size())
        return invalid("unknown function " + std::to_string(f), "element");
    }
    for (ir::ConstExpr e : seg.exprs)
      WASMCAP_TRY(
          in_section(validate_const_expr(m, e, seg.type, imported_globals, features.extended_const),
                     "element"));
  }
  return support::ok();
}

Status check_datas(const ir::Module& m, const Features& features) {
  const uint32_t imported_globals = visible_globals(m, features);
  for (const ir::DataSegment& seg : m.datas) {
    if (seg.mode != ir::SegmentMode::Active) continue;
    if (seg.memory_index >= m.all_memories.size())
      return invalid("unknown memory " + std::to_string(seg.memory_index), "data");
    const ValType at = m.all_memories[seg.memory_index].address64 ? ValType::I64 : ValType::I32;
    WASMCAP_TRY(in_section(
        validate_const_expr(m, seg.offset, at, imported_globals, features.extended_const), "data"));
  }
  return support::ok();
}

// With SIMD switched off, v128 may not appear in any type of the module.
Status check_simd_types(const ir::Module& m, const Features& features) {
  if (features.simd) return support::ok();
  auto has_v128 = [](const std::vector<ValType>& ts) {
    for (ValType t : ts) {
      if (t == ValType::V128) return true;
    }
    return false;
  };
  for (const ir::FuncType& t : m.types) {
    if (has_v128(t.params) || has_v128(t.results)) return invalid("disabled feature: v128", "type");
  }
  for (const ir::GlobalType& g : m.all_globals) {
    if (g.type == ValType::V128) return invalid("disabled feature: v128", "global");
  }
  for (const ir::Function& f : m.functions) {
    if (has_v128(f.locals)) return invalid("disabled feature: v128", "code");
  }
  return support::ok();
}

// With exception handling switched off, the module is read as WebAssembly 2.0 read it: tags and
// exnref were unknown encodings (malformed).
Status check_exception_types(const ir::Module& m, const Features& features) {
  if (features.exceptions) return support::ok();
  auto malformed = [](const char* message, const char* section) {
    support::Error e = support::make_error(ErrorKind::Malformed, message);
    e.where.section = section;
    return e;
  };
  if (!m.tags.empty()) return malformed("malformed section id", "tag");
  if (m.num_imported_tags > 0) return malformed("malformed import kind", "import");
  for (const ir::Export& e : m.exports) {
    if (e.kind == ir::ExternKind::Tag) return malformed("malformed export kind", "export");
  }
  auto has_exnref = [](const std::vector<ValType>& ts) {
    for (ValType t : ts) {
      if (t == ValType::ExnRef) return true;
    }
    return false;
  };
  for (const ir::FuncType& t : m.types) {
    if (has_exnref(t.params) || has_exnref(t.results))
      return malformed("malformed value type", "type");
  }
  for (const ir::GlobalType& g : m.all_globals) {
    if (g.type == ValType::ExnRef) return malformed("malformed value type", "global");
  }
  for (const ir::TableType& t : m.all_tables) {
    if (t.elem == ValType::ExnRef) return malformed("malformed reference type", "table");
  }
  for (const ir::Function& f : m.functions) {
    if (has_exnref(f.locals)) return malformed("malformed value type", "code");
  }
  return support::ok();
}

// With memory64 switched off, i64 memories and tables are 2.0's malformed limit flags.
Status check_address64_types(const ir::Module& m, const Features& features) {
  if (features.memory64) return support::ok();
  for (const ir::TableType& t : m.all_tables) {
    if (t.address64) {
      support::Error e = support::make_error(ErrorKind::Malformed, "integer too large");
      e.where.section = "table";
      return e;
    }
  }
  for (const ir::MemoryType& t : m.all_memories) {
    if (t.address64) {
      support::Error e = support::make_error(ErrorKind::Malformed, "integer too large");
      e.where.section = "memory";
      return e;
    }
  }
  return support::ok();
}

} // namespace

// With GC switched off, no struct or array type and no reference type of the any hierarchy (or
// a bottom type) may appear in the module's types, imports, globals, tables or locals.
Status check_gc_types(const ir::Module& m, const Features& features) {
  if (features.gc) return support::ok();
  auto any_gc = [](const std::vector<ValType>& ts) {
    for (ValType t : ts) {
      if (gc_only_type(t)) return true;
    }
    return false;
  };
  for (size_t i = 0; i < m.subtypes.size(); ++i) {
    if (m.subtypes[i].kind != ir::TypeKind::Func)
      return invalid("disabled feature: gc (struct and array types)", "type");
    if (any_gc(m.types[i].params) || any_gc(m.types[i].results))
      return invalid("disabled feature: gc (reference types of the any hierarchy)", "type");
  }
  for (const ir::GlobalType& g : m.all_globals) {
    if (gc_only_type(g.type))
      return invalid("disabled feature: gc (reference types of the any hierarchy)", "global");
  }
  for (const ir::TableType& t : m.all_tables) {
    if (gc_only_type(t.elem))
      return invalid("disabled feature: gc (reference types of the any hierarchy)", "table");
  }
  for (const ir::Function& f : m.functions) {
    if (any_gc(f.locals))
      return invalid("disabled feature: gc (reference types of the any hierarchy)", "code");
  }
  return support::ok();
}

Status validate_module_without_bodies(const ir::Module& m, const Features& features) {
  WASMCAP_TRY(validate_type_section(m));
  WASMCAP_TRY(check_simd_types(m, features));
  WASMCAP_TRY(check_gc_types(m, features));
  WASMCAP_TRY(check_exception_types(m, features));
  WASMCAP_TRY(check_address64_types(m, features));
  WASMCAP_TRY(check_imports(m));
  WASMCAP_TRY(check_definitions(m, features));
  WASMCAP_TRY(check_exports(m));
  WASMCAP_TRY(check_start(m));
  WASMCAP_TRY(check_elements(m, features));
  WASMCAP_TRY(check_datas(m, features));
  return support::ok();
}

Status validate_module(const ir::Module& m, const Features& features) {
  WASMCAP_TRY(validate_module_without_bodies(m, features));
  const ModuleContext context = compute_module_context(m);
  NoObserver observer;
  const auto total = static_cast<uint32_t>(m.func_type_indices.size());
  for (uint32_t f = m.num_imported_funcs; f < total; ++f)
    WASMCAP_TRY(validate_function(m, f, features, context, observer));
  return support::ok();
}

} // namespace wasmcap::validate

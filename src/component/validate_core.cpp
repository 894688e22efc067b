// Core types, modules and instances inside a component (validate_scope.h): module types with
// typed imports and exports, and core instantiation checked by core subtyping (the core spec's
// import matching: equal function types, nesting table and memory limits, equal global types).
#include <set>

#include "component/flatten.h"
#include "component/subtype.h"
#include "component/validate_scope.h"

namespace wasmcap::component::validating {

using support::Result;

namespace {

CoreSort core_sort_of(ir::ExternKind k) {
  switch (k) {
  case ir::ExternKind::Func: return CoreSort::Func;
  case ir::ExternKind::Table: return CoreSort::Table;
  case ir::ExternKind::Memory: return CoreSort::Memory;
  case ir::ExternKind::Global: return CoreSort::Global;
  case ir::ExternKind::Tag: return CoreSort::Tag;
  }
  return CoreSort::Func;
}

// A core instance's export seen as a core extern, for matching against import `want`.
Type::CoreExtern extern_of(const CoreItem& item, const Type::CoreExtern& want) {
  Type::CoreExtern e;
  e.module = want.module;
  e.name = want.name;
  switch (item.sort) {
  case CoreSort::Func: e.kind = ir::ExternKind::Func; break;
  case CoreSort::Table: e.kind = ir::ExternKind::Table; break;
  case CoreSort::Memory: e.kind = ir::ExternKind::Memory; break;
  case CoreSort::Global: e.kind = ir::ExternKind::Global; break;
  case CoreSort::Tag: e.kind = ir::ExternKind::Tag; break;
  default: // a type or module: no core extern kind, so never the one wanted
    e.kind = want.kind == ir::ExternKind::Func ? ir::ExternKind::Table : ir::ExternKind::Func;
  }
  e.func = item.func;
  e.table = item.table;
  e.memory = item.memory;
  e.global = item.global;
  return e;
}

} // namespace

Result<TypePtr> core_type(Scope& s, const CoreTypeDef& d) {
  auto t = std::make_shared<Type>();
  if (d.kind == CoreTypeDef::Kind::Func) {
    t->kind = Type::Kind::CoreFunc;
    t->core_func = d.func;
    return TypePtr(t);
  }
  t->kind = Type::Kind::CoreModule;
  std::vector<TypePtr> local_types;
  std::set<std::string> import_keys, export_keys;
  for (const CoreModuleDecl& m : d.decls) {
    switch (m.kind) {
    case CoreModuleDecl::Kind::Type: {
      WASMCAP_ASSIGN(TypePtr ct, core_type(s, *m.type));
      local_types.push_back(ct);
      break;
    }
    case CoreModuleDecl::Kind::Alias: {
      Scope* target = &s;
      for (uint32_t i = 0; i + 1 < m.outer_count && target; ++i)
        target = target->parent;
      if (m.outer_count == 0)
        return invalid(m.offset, "outer alias of a module type's own types is not supported");
      if (!target || m.outer_index >= target->core_types.size())
        return invalid(m.offset, "invalid outer alias count or index");
      local_types.push_back(target->core_types[m.outer_index]);
      break;
    }
    case CoreModuleDecl::Kind::Import:
    case CoreModuleDecl::Kind::Export: {
      Type::CoreExtern e;
      e.module = m.module;
      e.name = m.name;
      e.kind = m.extern_kind;
      if (m.extern_kind == ir::ExternKind::Func) {
        if (m.func_type >= local_types.size() ||
            local_types[m.func_type]->kind != Type::Kind::CoreFunc) {
          return invalid(m.offset, idx_msg("type", m.func_type));
        }
        e.func = local_types[m.func_type]->core_func;
      }
      e.table = m.table;
      e.memory = m.memory;
      e.global = m.global;
      // Two-level import names mangle to one (`module:name`), so they must be unique too.
      const bool is_import = m.kind == CoreModuleDecl::Kind::Import;
      const std::string key = is_import ? m.module + ":" + m.name : m.name;
      if (!(is_import ? import_keys : export_keys).insert(key).second) {
        return invalid(m.offset, is_import ? "duplicate import name `" + key + "`"
                                           : "export name `" + key + "` already defined");
      }
      if (m.extern_kind == ir::ExternKind::Memory &&
          (m.memory.limits.min > ir::kMaxPages ||
           (m.memory.limits.max && *m.memory.limits.max > ir::kMaxPages))) {
        return invalid(m.offset, "memory size must be at most 65536 pages (4GiB)");
      }
      (is_import ? t->core_imports : t->core_exports).push_back(std::move(e));
      break;
    }
    }
  }
  return TypePtr(t);
}

Result<TypePtr> core_module_type(const ir::Module& m, uint64_t at) {
  auto t = std::make_shared<Type>();
  t->kind = Type::Kind::CoreModule;
  for (const ir::Import& i : m.imports) {
    Type::CoreExtern e{i.module, i.name, i.kind, {}, i.table, i.memory, i.global};
    if (i.kind == ir::ExternKind::Func) e.func = m.types[i.func_type];
    if (i.kind == ir::ExternKind::Tag) e.func = m.types[i.tag_type];
    t->core_imports.push_back(std::move(e));
  }
  for (const ir::Export& x : m.exports) {
    Type::CoreExtern e{"", x.name, x.kind, {}, {}, {}, {}};
    switch (x.kind) {
    case ir::ExternKind::Func: e.func = m.func_type(x.index); break;
    case ir::ExternKind::Table: e.table = m.all_tables[x.index]; break;
    case ir::ExternKind::Memory: e.memory = m.all_memories[x.index]; break;
    case ir::ExternKind::Global: e.global = m.all_globals[x.index]; break;
    case ir::ExternKind::Tag: e.func = m.types[m.all_tags[x.index]]; break; // the tag's type
    }
    t->core_exports.push_back(std::move(e));
  }
  WASMCAP_TRY(check_core_imports_unique(*t, at));
  return TypePtr(t);
}

Status check_core_imports_unique(const Type& module, uint64_t at) {
  // Components flatten two-level core import names to one (`module:name`).
  std::set<std::pair<std::string, std::string>> seen;
  for (const Type::CoreExtern& i : module.core_imports) {
    if (!seen.emplace(i.module, i.name).second)
      return invalid(at, "duplicate import name `" + i.module + ":" + i.name + "`");
  }
  return ok();
}

Status core_instance(Scope& s, const CoreInstance& ci, uint64_t at) {
  CoreInstanceItems items;
  if (ci.instantiate) {
    if (ci.module >= s.core_modules.size()) return invalid(at, idx_msg("module", ci.module));
    const Type& m = *s.core_modules[ci.module];
    std::map<std::string, uint32_t> args;
    for (const CoreInstance::Arg& a : ci.args) {
      if (a.instance >= s.core_instances.size())
        return invalid(at, idx_msg("core instance", a.instance));
      if (!args.emplace(a.name, a.instance).second)
        return invalid(at, "duplicate module instantiation argument named `" + a.name + "`");
    }
    for (const Type::CoreExtern& imp : m.core_imports) {
      auto arg = args.find(imp.module);
      if (arg == args.end())
        return invalid(at, "missing module instantiation argument named `" + imp.module + "`");
      const auto& from = s.core_instances[arg->second];
      auto it = from.find(imp.name);
      if (it == from.end())
        return invalid(at, "module instantiation argument `" + imp.module +
                               "` does not export an item named `" + imp.name + "`");
      if (auto st = check_core_extern(extern_of(it->second, imp), imp, at); !st) {
        return invalid(at, "type mismatch for export `" + imp.name +
                               "` of module instantiation argument `" + imp.module +
                               "`: " + st.error().message);
      }
    }
    for (const Type::CoreExtern& e : m.core_exports)
      items[e.name] = CoreItem{core_sort_of(e.kind), e.func, e.table, e.memory, e.global};
  } else {
    for (const CoreInstance::Export& e : ci.exports) {
      CoreItem item;
      item.sort = e.sort;
      switch (e.sort) {
      case CoreSort::Func:
        if (e.index >= s.core_funcs.size()) return invalid(at, idx_msg("core func", e.index));
        item.func = s.core_funcs[e.index];
        break;
      case CoreSort::Table:
        if (e.index >= s.core_tables.size()) return invalid(at, idx_msg("core table", e.index));
        item.table = s.core_tables[e.index];
        break;
      case CoreSort::Memory:
        if (e.index >= s.core_memories.size()) return invalid(at, idx_msg("core memory", e.index));
        item.memory = s.core_memories[e.index];
        break;
      case CoreSort::Global:
        if (e.index >= s.core_globals.size()) return invalid(at, idx_msg("core global", e.index));
        item.global = s.core_globals[e.index];
        break;
      case CoreSort::Tag:
        if (e.index >= s.core_tags.size()) return invalid(at, idx_msg("core tag", e.index));
        item.func = s.core_tags[e.index];
        break;
      default:
        return invalid(at, std::string("cannot export a ") + sort_name(Sort::Core, e.sort) +
                               " from a core instance");
      }
      if (!items.emplace(e.name, item).second)
        return invalid(at, "export name `" + e.name + "` already defined");
    }
  }
  s.core_instances.push_back(std::move(items));
  return ok();
}

void add_core(Scope& s, const CoreItem& item) {
  switch (item.sort) {
  case CoreSort::Func: s.core_funcs.push_back(item.func); break;
  case CoreSort::Table: s.core_tables.push_back(item.table); break;
  case CoreSort::Memory: s.core_memories.push_back(item.memory); break;
  case CoreSort::Global: s.core_globals.push_back(item.global); break;
  case CoreSort::Tag: s.core_tags.push_back(item.func); break;
  default: break;
  }
}

namespace {

// Whether values of `t` live in linear memory (strings and lists, at any depth).
bool uses_memory(const TypePtr& t) {
  if (!t) return false;
  if (t->kind == Type::Kind::List || t->kind == Type::Kind::Map ||
      (t->kind == Type::Kind::Prim && t->prim == PrimType::String)) {
    return true;
  }
  if (t->kind == Type::Kind::Own || t->kind == Type::Kind::Borrow) return false;
  for (const auto& [label, f] : t->fields) {
    if (uses_memory(f)) return true;
  }
  for (const TypePtr& m : t->types) {
    if (uses_memory(m)) return true;
  }
  return uses_memory(t->ok) || uses_memory(t->err);
}

} // namespace

// CanonicalABI.md's validation of canonical options: `memory` whenever a value crosses
// through memory, `realloc` whenever the callee side must allocate, `post-return` only on
// lifts and with the lifted results as its parameters.
Status check_options(const Scope& s, const Canon& c, const Type& ft, bool lift, uint64_t at) {
  const CanonOptions& o = c.options;
  bool params_mem = false, result_mem = uses_memory(ft.result);
  for (const auto& [label, p] : ft.fields)
    params_mem = params_mem || uses_memory(p);
  std::vector<ir::ValType> flat_params, flat_results;
  for (const auto& [label, p] : ft.fields)
    flatten_type(*p, flat_params);
  if (ft.result) flatten_type(*ft.result, flat_results);
  const bool spill_params = flat_params.size() > kMaxFlatParams;
  const bool spill_results = flat_results.size() > kMaxFlatResults;
  const bool need_memory = params_mem || result_mem || spill_params || spill_results;
  const bool need_realloc = lift ? (params_mem || spill_params) : result_mem;
  if (need_memory && !o.memory) return invalid(at, "canonical option `memory` is required");
  if (need_realloc && !o.realloc) return invalid(at, "canonical option `realloc` is required");
  if (o.realloc) {
    const ir::FuncType want{
        {ir::ValType::I32, ir::ValType::I32, ir::ValType::I32, ir::ValType::I32},
        {ir::ValType::I32}};
    if (!(s.core_funcs[*o.realloc] == want)) {
      return invalid(at,
                     "canonical option `realloc` uses a core function with an incorrect signature");
    }
  }
  if (o.post_return) {
    if (!lift)
      return invalid(at, "canonical option `post-return` cannot be specified for lowerings");
    const ir::FuncType want{flatten_functype(ft, true).results, {}};
    if (!(s.core_funcs[*o.post_return] == want)) {
      return invalid(
          at, "canonical option `post-return` uses a core function with an incorrect signature");
    }
  }
  return ok();
}

} // namespace wasmcap::component::validating

// Names and external visibility in component validation (validate_scope.h): the rules of extern
// names in a scope (strong uniqueness, annotated [constructor]/[method]/[static] names,
// `implements`), the named copies imports and exports make, what an import or export may
// mention (Explainer.md, "external visibility"), and whether a type refers to resources (for
// outer aliases across components).
#include <functional>

#include "component/names.h"
#include "component/validate_scope.h"

namespace wasmcap::component::validating {

// The rules every import and export name follows (names.h), and those of the annotated
// names: [constructor]R, [method]R.f and [static]R.f belong to a resource R named before them
// in the same scope, with the signatures Binary.md requires.
Status check_name(Scope& s, const ExternName& name, const ExternType& et, bool is_import) {
  WASMCAP_ASSIGN(const ParsedName p, parse_extern_name(name.name, name.offset));
  const char* what = is_import ? "import" : "export";
  if (!(is_import ? s.import_names : s.export_names)
           .insert(strongly_unique_key(name.name))
           .second) {
    return invalid(name.offset,
                   std::string(what) + " name `" + name.name + "` conflicts with previous name");
  }
  WASMCAP_TRY(check_implements(name, p, et.kind));
  if (p.kind == ParsedName::Kind::Plain || p.kind == ParsedName::Kind::Interface) return ok();
  if (et.kind != ExternType::Kind::Func) {
    return invalid(name.offset, "`" + name.name + "` is not a func, as its annotation requires");
  }
  // Imports and exports are separate namespaces: an exported [method]R.f needs R exported.
  const auto& names = is_import ? s.import_resource_names : s.export_resource_names;
  auto r = names.find(p.resource);
  if (r == names.end()) {
    return invalid(name.offset,
                   "function does not match expected resource name `" + p.resource + "`");
  }
  const Type& f = *et.type;
  auto is_handle = [&](const TypePtr& t, Type::Kind k) {
    return t && t->kind == k && t->resource.get() == r->second;
  };
  if (p.kind == ParsedName::Kind::Method && (f.fields.empty() || f.fields[0].first != "self" ||
                                             !is_handle(f.fields[0].second, Type::Kind::Borrow))) {
    return invalid(name.offset, "`" + name.name +
                                    "`: a method's first parameter must be `self`, a borrow "
                                    "of its resource");
  }
  if (p.kind == ParsedName::Kind::Constructor) {
    const TypePtr& res = f.result;
    const bool own = is_handle(res, Type::Kind::Own) || (res && res->kind == Type::Kind::Result &&
                                                         is_handle(res->ok, Type::Kind::Own));
    if (!own) {
      return invalid(name.offset, "function should return `(own $" + p.resource +
                                      ")` or `(result (own $" + p.resource + "))`");
    }
  }
  return ok();
}

// `(implements "ns:pkg/iface")` only on instances with a plain name.
Status check_implements(const ExternName& name, const ParsedName& p, ExternType::Kind kind) {
  if (!name.implements) return ok();
  if (kind != ExternType::Kind::Instance) {
    return invalid(name.offset, "only instances can have an `implements` attribute");
  }
  if (p.kind != ParsedName::Kind::Plain) {
    return invalid(name.offset, "name `" + name.name + "` is not valid with `implements`");
  }
  return check_interface_name(*name.implements, name.offset);
}

bool nominal(const Type& t) {
  return t.kind == Type::Kind::Record || t.kind == Type::Kind::Variant ||
         t.kind == Type::Kind::Enum || t.kind == Type::Kind::Flags ||
         t.kind == Type::Kind::Resource;
}

// The node an import or export of type `et` introduces: a named copy of a nominal type.
// An exported instance is a node of its own, so that aliases out of it (and not out of the
// local instance it exports) confer names.
std::shared_ptr<const ExternType> named_copy(Scope& s, std::shared_ptr<const ExternType> et,
                                             bool is_import) {
  if (!et->type) return et;
  if (et->kind == ExternType::Kind::Instance) {
    auto e = et;
    if (!is_import) {
      auto copy = std::make_shared<ExternType>(*et);
      copy->type = std::make_shared<Type>(*et->type);
      e = copy;
    }
    s.external_instances.insert(e->type.get());
    if (is_import) s.imported_instances.insert(e->type.get());
    return e;
  }
  if (et->kind != ExternType::Kind::Type || !nominal(*et->type)) return et;
  auto copy = std::make_shared<Type>(*et->type);
  copy->origin = et->type->origin ? et->type->origin : et->type.get();
  auto e = std::make_shared<ExternType>(*et);
  e->type = copy;
  s.named.add(copy.get());
  if (is_import) s.import_named.add(copy.get());
  return e;
}

namespace {

// External visibility: every nominal type a function or type mentions must have a name here.
// `seen`: nodes already checked in this walk (types are a DAG that may share subtrees).
Status visible_(const Names& s, const TypePtr& t, bool top, uint64_t at, const char* what,
                std::set<const Type*>& seen) {
  if (!t || !seen.insert(t.get()).second) return ok();
  if (!top && nominal(*t)) {
    if (s.has(t.get())) return ok();
    return invalid(at, std::string(what));
  }
  switch (t->kind) {
  case Type::Kind::Own:
  case Type::Kind::Borrow:
    if (!t->types.empty() && !s.has(t->types[0].get())) return invalid(at, what);
    return ok();
  case Type::Kind::Record:
  case Type::Kind::Variant:
  case Type::Kind::Func:
    for (const auto& [label, f] : t->fields)
      WASMCAP_TRY(visible_(s, f, false, at, what, seen));
    return visible_(s, t->result, false, at, what, seen);
  case Type::Kind::List:
  case Type::Kind::FixedList:
  case Type::Kind::Map:
  case Type::Kind::Option:
  case Type::Kind::Tuple:
    for (const TypePtr& m : t->types)
      WASMCAP_TRY(visible_(s, m, false, at, what, seen));
    return ok();
  case Type::Kind::Result:
    WASMCAP_TRY(visible_(s, t->ok, false, at, what, seen));
    return visible_(s, t->err, false, at, what, seen);
  default: return ok();
  }
}

Status visible(const Names& s, const TypePtr& t, bool top, uint64_t at, const char* what) {
  std::set<const Type*> seen;
  return visible_(s, t, top, at, what, seen);
}

// An instance's exports in order: each type it exports names that type for those after it.
Status visible_instance(Names names, const Type& inst, uint64_t at, const char* what) {
  for (const NamedExtern& e : inst.exports) {
    if (!e.type || !e.type->type) continue;
    switch (e.type->kind) {
    case ExternType::Kind::Type:
      WASMCAP_TRY(visible(names, e.type->type, true, at, what));
      names.add(e.type->type.get());
      break;
    case ExternType::Kind::Func: WASMCAP_TRY(visible(names, e.type->type, true, at, what)); break;
    case ExternType::Kind::Instance:
      WASMCAP_TRY(visible_instance(names, *e.type->type, at, what));
      break;
    default: break;
    }
  }
  return ok();
}

} // namespace

// Explainer.md, "external visibility": what an import or export mentions must have a name
// here (imports: a name an import gave). Instance types are checked where they are used.
Status check_visible(const Scope& s, const ExternType& et, uint64_t at, bool is_import) {
  if (s.instance_type) return ok();
  // A component type's declarations may also mention what the scopes declaring it named (an
  // outer alias of a type an import named); a nested component names its own types.
  Names names = is_import ? s.import_named : s.named;
  for (const Scope* p = s.type_decl ? s.parent : nullptr; p;
       p = p->type_decl ? p->parent : nullptr) {
    const Names& outer = is_import ? p->import_named : p->named;
    names.types.insert(outer.types.begin(), outer.types.end());
  }
  const std::string dir = is_import ? "import" : "export";
  if (et.kind == ExternType::Kind::Func) {
    return visible(names, et.type, true, at, ("func not valid to be used as " + dir).c_str());
  }
  const bool instance_type = et.type && et.type->kind == Type::Kind::Instance;
  if (et.kind == ExternType::Kind::Type && instance_type) {
    return visible_instance(names, *et.type, at, ("type not valid to be used as " + dir).c_str());
  }
  if (et.kind == ExternType::Kind::Type) {
    return visible(names, et.type, true, at, ("type not valid to be used as " + dir).c_str());
  }
  if (et.kind == ExternType::Kind::Instance && et.type) {
    return visible_instance(names, *et.type, at,
                            ("instance not valid to be used as " + dir).c_str());
  }
  return ok();
}

Status check_bag_func(const Scope& s, const TypePtr& func, uint64_t at) {
  std::set<const Type*> seen;
  std::function<Status(const TypePtr&)> walk = [&](const TypePtr& t) -> Status {
    if (!t || !seen.insert(t.get()).second) return ok();
    if ((t->kind == Type::Kind::Own || t->kind == Type::Kind::Borrow) && !t->types.empty() &&
        !s.named.has(t->types[0].get())) {
      return invalid(at, "resource used in function does not have a name in this context");
    }
    if (t->kind == Type::Kind::Resource) return ok();
    for (const auto& [label, f] : t->fields)
      WASMCAP_TRY(walk(f));
    for (const TypePtr& m : t->types)
      WASMCAP_TRY(walk(m));
    WASMCAP_TRY(walk(t->ok));
    WASMCAP_TRY(walk(t->err));
    return walk(t->result);
  };
  return walk(func);
}

void note_resource(Scope& s, const ExternName& name, const ExternType& et, bool is_import) {
  if (et.kind == ExternType::Kind::Type && et.type && et.type->kind == Type::Kind::Resource) {
    (is_import ? s.import_resource_names : s.export_resource_names)[name.name] =
        et.type->resource.get();
  }
}

// Whether `t` mentions a resource that is not declared inside it (a component or instance
// type's own `(sub resource)` imports and exports are its own). Each node is visited once per
// nesting depth, so shared subtrees cost nothing extra.
bool refers_to_resources(const TypePtr& root) {
  std::vector<std::pair<uint64_t, uint64_t>> local;
  std::set<std::pair<const Type*, size_t>> seen;
  std::function<bool(const TypePtr&)> walk = [&](const TypePtr& t) -> bool {
    if (!t || !seen.emplace(t.get(), local.size()).second) return false;
    if (t->resource) {
      const uint64_t id = t->resource->id;
      bool own = false;
      for (const auto& [b, e] : local)
        own = own || (id >= b && id < e);
      if (!own) return true;
    }
    const bool scoped = t->kind == Type::Kind::Component || t->kind == Type::Kind::Instance;
    if (scoped) local.emplace_back(t->resources_begin, t->resources_end);
    bool found = false;
    for (const auto& [label, f] : t->fields)
      found = found || walk(f);
    for (const TypePtr& m : t->types)
      found = found || walk(m);
    found = found || walk(t->ok) || walk(t->err) || walk(t->result);
    for (const auto* list : {&t->imports, &t->exports}) {
      for (const NamedExtern& e : *list)
        found = found || (e.type && walk(e.type->type));
    }
    if (scoped) local.pop_back();
    return found;
  };
  return walk(root);
}

} // namespace wasmcap::component::validating

// validate_component (validate.h): one pass over the definitions in binary order. Each scope (a
// component, or a component/instance type being declared) has its own index spaces; outer
// aliases look up the chain of enclosing scopes.
#include "component/validate.h"

#include <functional>
#include <set>

#include "binary/decoder.h"
#include "component/flatten.h"
#include "component/names.h"
#include "component/subtype.h"
#include "component/validate_scope.h"
#include "validate/module_validator.h"

namespace wasmcap::component {

using support::Result;

namespace {

using namespace validating;

class Validator {
public:
  Validator(std::span<const uint8_t> bytes, ComponentInfo& info, const CoreModuleLoader& load)
      : bytes_(bytes), info_(info), load_(load) {}

  Result<TypePtr> component(const Component& c, Scope* parent) {
    Scope s;
    s.parent = parent;
    s.concrete = true;
    const uint64_t begin = next_resource_;
    for (const Definition& d : c.definitions)
      WASMCAP_TRY(definition(s, d));
    auto t = std::make_shared<Type>();
    t->kind = Type::Kind::Component;
    t->resources_begin = begin;
    t->resources_end = next_resource_;
    t->imports = s.imports;
    t->exports = s.exports;
    if (!parent) {
      info_.imports = s.imports;
      info_.exports = s.exports;
    }
    return TypePtr(t);
  }

private:
  std::span<const uint8_t> bytes_;
  ComponentInfo& info_;
  const CoreModuleLoader& load_;
  uint64_t next_resource_ = 1;

  static TypePtr prim(PrimType p) {
    static const auto table = [] {
      std::vector<TypePtr> v;
      for (int i = 0; i <= static_cast<int>(PrimType::ErrorContext); ++i) {
        auto t = std::make_shared<Type>();
        t->prim = static_cast<PrimType>(i);
        v.push_back(t);
      }
      return v;
    }();
    return table[static_cast<size_t>(p)];
  }

  TypePtr fresh_resource(const std::string& name, bool defined) {
    auto t = std::make_shared<Type>();
    t->kind = Type::Kind::Resource;
    t->resource = std::make_shared<ResourceId>();
    t->resource->id = next_resource_++;
    t->resource->name = name;
    t->resource->defined = defined;
    return t;
  }

  Result<TypePtr> type_at(Scope& s, uint32_t i, uint64_t at) {
    if (i >= s.types.size()) return invalid(at, idx_msg("type", i));
    return s.types[i];
  }

  Result<TypePtr> valtype(Scope& s, const ValTypeRef& v, uint64_t at) {
    if (!v.is_index) return prim(v.prim);
    WASMCAP_ASSIGN(TypePtr t, type_at(s, v.index, at));
    if (!t->is_value())
      return invalid(at, "type " + std::to_string(v.index) + " is not a value type");
    return t;
  }

  Result<TypePtr> opt_valtype(Scope& s, const std::optional<ValTypeRef>& v, uint64_t at) {
    if (!v) return TypePtr();
    return valtype(s, *v, at);
  }

  Result<TypePtr> resource_at(Scope& s, uint32_t i, uint64_t at) {
    WASMCAP_ASSIGN(TypePtr t, type_at(s, i, at));
    if (t->kind != Type::Kind::Resource)
      return invalid(at, "type " + std::to_string(i) + " is not a resource");
    return t;
  }

  static Status unique_labels(const std::vector<std::string>& labels, uint64_t at,
                              const char* what) {
    std::set<std::string> seen;
    for (const std::string& l : labels) {
      if (!is_kebab_label(l)) {
        return invalid(at, std::string(what) + " name `" + l + "` is not in kebab case");
      }
      std::string lower = l;
      for (char& ch : lower)
        ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      if (!seen.insert(lower).second)
        return invalid(at, std::string(what) + " name `" + l + "` conflicts with previous name");
    }
    return ok();
  }

  Result<TypePtr> defvaltype(Scope& s, const DefValType& d, uint64_t at) {
    using K = DefValType::Kind;
    auto t = std::make_shared<Type>();
    std::vector<std::string> labels;
    switch (d.kind) {
    case K::Prim: return prim(d.prim);
    case K::Record: {
      t->kind = Type::Kind::Record;
      if (d.fields.empty()) return invalid(at, "record type must have at least one field");
      for (const LabeledType& f : d.fields) {
        WASMCAP_ASSIGN(TypePtr ft, valtype(s, f.type, at));
        t->fields.emplace_back(f.label, ft);
        labels.push_back(f.label);
      }
      WASMCAP_TRY(unique_labels(labels, at, "record field"));
      return TypePtr(t);
    }
    case K::Variant: {
      t->kind = Type::Kind::Variant;
      if (d.cases.empty()) return invalid(at, "variant type must have at least one case");
      for (const Case& c : d.cases) {
        WASMCAP_ASSIGN(TypePtr ct, opt_valtype(s, c.type, at));
        t->fields.emplace_back(c.label, ct);
        labels.push_back(c.label);
      }
      WASMCAP_TRY(unique_labels(labels, at, "variant case"));
      return TypePtr(t);
    }
    case K::List:
    case K::FixedList:
    case K::Option: {
      t->kind = d.kind == K::List     ? Type::Kind::List
                : d.kind == K::Option ? Type::Kind::Option
                                      : Type::Kind::FixedList;
      WASMCAP_ASSIGN(TypePtr e, valtype(s, d.types[0], at));
      t->types.push_back(e);
      t->length = d.length;
      if (d.kind == K::FixedList && d.length == 0)
        return invalid(at, "fixed-length list must have a length above zero");
      return TypePtr(t);
    }
    case K::Tuple: {
      t->kind = Type::Kind::Tuple;
      if (d.types.empty()) return invalid(at, "tuple type must have at least one type");
      for (const ValTypeRef& m : d.types) {
        WASMCAP_ASSIGN(TypePtr mt, valtype(s, m, at));
        t->types.push_back(mt);
      }
      return TypePtr(t);
    }
    case K::Flags:
    case K::Enum: {
      t->kind = d.kind == K::Flags ? Type::Kind::Flags : Type::Kind::Enum;
      t->labels = d.labels;
      if (d.labels.empty())
        return invalid(at, std::string(d.kind == K::Flags ? "flags" : "enum") +
                               " must have at least one entry");
      if (d.kind == K::Flags && d.labels.size() > 32)
        return invalid(at, "cannot have more than 32 flags");
      WASMCAP_TRY(unique_labels(d.labels, at, d.kind == K::Flags ? "flag" : "enum tag"));
      return TypePtr(t);
    }
    case K::Result: {
      t->kind = Type::Kind::Result;
      WASMCAP_ASSIGN(t->ok, opt_valtype(s, d.ok, at));
      WASMCAP_ASSIGN(t->err, opt_valtype(s, d.err, at));
      return TypePtr(t);
    }
    case K::Own:
    case K::Borrow: {
      t->kind = d.kind == K::Own ? Type::Kind::Own : Type::Kind::Borrow;
      WASMCAP_ASSIGN(TypePtr r, resource_at(s, d.index, at));
      t->resource = r->resource;
      t->types.push_back(r);
      return TypePtr(t);
    }
    case K::Map: {
      // map<k, v> is a list<tuple<k, v>> to the Canonical ABI (Explainer.md): the node keeps
      // that entry tuple as its one member, so layout and lifting treat it as a list's element.
      t->kind = Type::Kind::Map;
      WASMCAP_ASSIGN(TypePtr k, valtype(s, d.types[0], at));
      if (!is_map_key(*k))
        return invalid(at, "map key type must be bool, an integer type, char or string");
      WASMCAP_ASSIGN(TypePtr v, valtype(s, d.types[1], at));
      auto entry = std::make_shared<Type>();
      entry->kind = Type::Kind::Tuple;
      entry->types = {std::move(k), std::move(v)};
      t->types.push_back(std::move(entry));
      return TypePtr(t);
    }
    case K::Stream:
    case K::Future: break;
    }
    return invalid(at, "stream and future types are not supported (component model async)");
  }

  // keytype (Explainer.md): bool, the integer types, char and string.
  static bool is_map_key(const Type& k) {
    return k.kind == Type::Kind::Prim && k.prim != PrimType::F32 && k.prim != PrimType::F64 &&
           k.prim != PrimType::ErrorContext;
  }

  Result<TypePtr> functype(Scope& s, const FuncType& f, uint64_t at) {
    auto t = std::make_shared<Type>();
    t->kind = Type::Kind::Func;
    t->async = f.async;
    if (f.async) return invalid(at, "async functions are not supported (component model async)");
    std::vector<std::string> labels;
    for (const LabeledType& p : f.params) {
      WASMCAP_ASSIGN(TypePtr pt, valtype(s, p.type, at));
      t->fields.emplace_back(p.label, pt);
      labels.push_back(p.label);
    }
    WASMCAP_TRY(unique_labels(labels, at, "function parameter"));
    WASMCAP_ASSIGN(t->result, opt_valtype(s, f.result, at));
    if (t->result && contains_borrow(*t->result))
      return invalid(at, "function result cannot contain a `borrow` type");
    return TypePtr(t);
  }

  static bool contains_borrow(const Type& t) {
    if (t.kind == Type::Kind::Borrow) return true;
    for (const auto& [n, f] : t.fields)
      if (f && contains_borrow(*f)) return true;
    for (const TypePtr& m : t.types)
      if (m && m->kind != Type::Kind::Resource && contains_borrow(*m)) return true;
    return (t.ok && contains_borrow(*t.ok)) || (t.err && contains_borrow(*t.err));
  }

  Result<TypePtr> deftype(Scope& s, const TypeDef& d, bool in_type_scope) {
    switch (d.kind) {
    case TypeDef::Kind::Val: return defvaltype(s, d.val, d.offset);
    case TypeDef::Kind::Func: return functype(s, d.func, d.offset);
    case TypeDef::Kind::Component:
    case TypeDef::Kind::Instance: {
      Scope inner;
      inner.parent = &s;
      const bool component_type = d.kind == TypeDef::Kind::Component;
      inner.type_decl = true;
      inner.instance_type = !component_type;
      const uint64_t begin = next_resource_;
      for (const Decl& decl : d.decls)
        WASMCAP_TRY(declarator(inner, decl));
      auto t = std::make_shared<Type>();
      t->kind = component_type ? Type::Kind::Component : Type::Kind::Instance;
      t->resources_begin = begin;
      t->resources_end = next_resource_;
      t->imports = inner.imports;
      t->exports = inner.exports;
      return TypePtr(t);
    }
    case TypeDef::Kind::Resource: {
      if (in_type_scope)
        return invalid(d.offset, "resources can only be defined within a concrete component");
      if (d.resource.rep != ir::ValType::I32)
        return invalid(d.offset, "resources can only be represented by `i32`");
      if (d.resource.dtor) {
        if (*d.resource.dtor >= s.core_funcs.size())
          return invalid(d.offset, idx_msg("core func", *d.resource.dtor));
        const ir::FuncType want{{ir::ValType::I32}, {}};
        if (!(s.core_funcs[*d.resource.dtor] == want))
          return invalid(d.offset, "resource destructor has the wrong type, expected [i32] -> []");
      }
      TypePtr r = fresh_resource("", true);
      s.local_resources.insert(r->resource.get());
      return r;
    }
    }
    return invalid(d.offset, "unknown type");
  }

  Result<std::shared_ptr<const ExternType>> extern_desc(Scope& s, const ExternDesc& d,
                                                        const std::string& name, uint64_t at) {
    auto e = std::make_shared<ExternType>();
    using K = ExternDesc::Kind;
    auto want = [&](Type::Kind kind, const char* what) -> Result<TypePtr> {
      WASMCAP_ASSIGN(TypePtr t, type_at(s, d.index, at));
      if (t->kind != kind)
        return invalid(at, "type index " + std::to_string(d.index) + " is not a " + what + " type");
      return t;
    };
    switch (d.kind) {
    case K::CoreModule: {
      e->kind = ExternType::Kind::CoreModule;
      if (d.index >= s.core_types.size()) return invalid(at, idx_msg("core type", d.index));
      e->type = s.core_types[d.index];
      if (e->type->kind != Type::Kind::CoreModule)
        return invalid(at, "core type index " + std::to_string(d.index) + " is not a module type");
      break;
    }
    case K::Func: {
      e->kind = ExternType::Kind::Func;
      WASMCAP_ASSIGN(e->type, want(Type::Kind::Func, "function"));
      break;
    }
    case K::Component: {
      e->kind = ExternType::Kind::Component;
      WASMCAP_ASSIGN(e->type, want(Type::Kind::Component, "component"));
      break;
    }
    case K::Instance: {
      e->kind = ExternType::Kind::Instance;
      WASMCAP_ASSIGN(e->type, want(Type::Kind::Instance, "instance"));
      break;
    }
    case K::Type: {
      e->kind = ExternType::Kind::Type;
      if (d.sub_resource) {
        e->type = fresh_resource(name, false);
      } else {
        WASMCAP_ASSIGN(e->type, type_at(s, d.index, at));
      }
      break;
    }
    case K::Value: return invalid(at, "value imports and exports are not supported");
    }
    return std::shared_ptr<const ExternType>(e);
  }

  static void add_extern(Scope& s, const ExternType& e) {
    switch (e.kind) {
    case ExternType::Kind::CoreModule: s.core_modules.push_back(e.type); break;
    case ExternType::Kind::Func: s.funcs.push_back(e.type); break;
    case ExternType::Kind::Value: ++s.values; break;
    case ExternType::Kind::Type: s.types.push_back(e.type); break;
    case ExternType::Kind::Component: s.components.push_back(e.type); break;
    case ExternType::Kind::Instance: s.instances.push_back(e.type); break;
    }
  }

  void name_type(const NamedExtern& n) {
    // Primitive types are shared nodes: naming one (`type instant = u64`) would rename every u64.
    if (n.type->kind == ExternType::Kind::Type && n.type->type &&
        n.type->type->kind != Type::Kind::Prim) {
      info_.type_names.emplace(n.type->type.get(), n.name);
    }
  }

  // An instance of an instance type is one instance: the abstract resources the type declares
  // are new ones for each import (or export in a type) of it, so two imports of one instance
  // type do not share resources.
  std::shared_ptr<const ExternType> fresh_instance(std::shared_ptr<const ExternType> et) {
    if (et->kind != ExternType::Kind::Instance || !et->type) return et;
    ResourceMap map;
    for (const NamedExtern& e : et->type->exports)
      fresh_resources(e.type->type, *et->type, map);
    return substitute(et, map);
  }

  Status import_(Scope& s, const ExternName& name, const ExternDesc& d) {
    WASMCAP_ASSIGN(auto declared, extern_desc(s, d, name.name, name.offset));
    auto described = fresh_instance(declared);
    WASMCAP_TRY(check_visible(s, *described, name.offset, true));
    auto et = named_copy(s, described, true);
    WASMCAP_TRY(check_name(s, name, *et, true));
    note_resource(s, name, *et, true);
    s.imports.push_back({name.name, et});
    name_type(s.imports.back());
    add_extern(s, *et);
    // The types an imported instance exports have their names here, as an alias of each would
    // give them: a later import may mention them without aliases (wasi:http's outgoing-handler
    // mentions error-code's payload records of wasi:http/types).
    if (et->kind == ExternType::Kind::Instance && et->type) {
      for (const NamedExtern& e : et->type->exports) {
        if (e.type->kind != ExternType::Kind::Type || !e.type->type) continue;
        s.named.add(e.type->type.get());
        s.import_named.add(e.type->type.get());
      }
    }
    return ok();
  }

  Status export_(Scope& s, const ExternName& name, std::shared_ptr<const ExternType> given) {
    WASMCAP_TRY(check_visible(s, *given, name.offset, false));
    auto et = named_copy(s, given, false);
    WASMCAP_TRY(check_name(s, name, *et, false));
    note_resource(s, name, *et, false);
    s.exports.push_back({name.name, et});
    name_type(s.exports.back());
    add_extern(s, *et);
    return ok();
  }

  Status declarator(Scope& s, const Decl& d) {
    switch (d.kind) {
    case Decl::Kind::CoreType: {
      WASMCAP_ASSIGN(TypePtr t, core_type(s, *d.core_type));
      s.core_types.push_back(t);
      return ok();
    }
    case Decl::Kind::Type: {
      WASMCAP_ASSIGN(TypePtr t, deftype(s, *d.type, true));
      s.types.push_back(t);
      return ok();
    }
    case Decl::Kind::Alias: {
      // Explainer.md: in a type, `alias export` may only name types and instances, and
      // `alias outer` only types and core types.
      const Alias& a = d.alias;
      const bool type_like =
          a.sort == Sort::Type ||
          (a.kind == Alias::Kind::Export ? a.sort == Sort::Instance
                                         : a.sort == Sort::Core && a.core == CoreSort::Type);
      if (a.kind == Alias::Kind::CoreExport || !type_like) {
        return invalid(a.offset, std::string("an alias of a ") + sort_name(a.sort, a.core) +
                                     " in a component or instance type: aliases there may only "
                                     "refer to types or instances");
      }
      return alias(s, a);
    }
    case Decl::Kind::Import: return import_(s, d.name, d.desc);
    case Decl::Kind::Export: {
      WASMCAP_ASSIGN(auto et, extern_desc(s, d.desc, d.name.name, d.name.offset));
      return export_(s, d.name, fresh_instance(et));
    }
    }
    return ok();
  }

  Status alias(Scope& s, const Alias& a) {
    switch (a.kind) {
    case Alias::Kind::Outer: {
      Scope* target = &s;
      for (uint32_t i = 0; i < a.count && target; ++i)
        target = target->parent;
      if (!target)
        return invalid(a.offset, "invalid outer alias count of " + std::to_string(a.count));
      if (a.sort == Sort::Type) {
        if (a.index >= target->types.size()) return invalid(a.offset, idx_msg("type", a.index));
        // Resources are generative: a component definition is substitutable only if it does
        // not capture those of the component around it (Explainer.md, "alias").
        bool crosses_component = false;
        Scope* crossed = &s;
        for (uint32_t i = 0; i < a.count; ++i, crossed = crossed->parent)
          crosses_component = crosses_component || crossed->concrete;
        if (crosses_component && refers_to_resources(target->types[a.index])) {
          return invalid(a.offset, "outer alias of type " + std::to_string(a.index) +
                                       " crosses a component boundary but transitively refers to "
                                       "resources");
        }
        s.types.push_back(target->types[a.index]);
      } else if (a.sort == Sort::Core && a.core == CoreSort::Type) {
        if (a.index >= target->core_types.size())
          return invalid(a.offset, idx_msg("core type", a.index));
        s.core_types.push_back(target->core_types[a.index]);
      } else if (a.sort == Sort::Core && a.core == CoreSort::Module) {
        if (a.index >= target->core_modules.size())
          return invalid(a.offset, idx_msg("module", a.index));
        s.core_modules.push_back(target->core_modules[a.index]);
      } else if (a.sort == Sort::Component) {
        if (a.index >= target->components.size())
          return invalid(a.offset, idx_msg("component", a.index));
        s.components.push_back(target->components[a.index]);
      } else {
        return invalid(a.offset, std::string("outer aliases of ") + sort_name(a.sort, a.core) +
                                     " are not allowed");
      }
      return ok();
    }
    case Alias::Kind::Export: {
      if (a.instance >= s.instances.size())
        return invalid(a.offset, idx_msg("instance", a.instance));
      const Type& inst = *s.instances[a.instance];
      for (const NamedExtern& e : inst.exports) {
        if (e.name != a.name) continue;
        if (!sort_matches(a.sort, a.core, e.type->kind)) {
          return invalid(a.offset, "export `" + a.name + "` for instance " +
                                       std::to_string(a.instance) + " is not a " +
                                       sort_name(a.sort, a.core));
        }
        add_extern(s, *e.type);
        // A type an imported or exported instance exports has that name here; an instance it
        // exports is as external as it is.
        const bool external = s.external_instances.count(&inst) != 0;
        const bool imported = s.imported_instances.count(&inst) != 0;
        if (e.type->type && e.type->kind == ExternType::Kind::Type) {
          if (external) s.named.add(e.type->type.get());
          if (imported) s.import_named.add(e.type->type.get());
        }
        if (e.type->type && e.type->kind == ExternType::Kind::Instance) {
          if (external) s.external_instances.insert(e.type->type.get());
          if (imported) s.imported_instances.insert(e.type->type.get());
        }
        return ok();
      }
      return invalid(a.offset, "instance " + std::to_string(a.instance) + " has no export named `" +
                                   a.name + "`");
    }
    case Alias::Kind::CoreExport: {
      if (a.instance >= s.core_instances.size())
        return invalid(a.offset, idx_msg("core instance", a.instance));
      const auto& items = s.core_instances[a.instance];
      auto it = items.find(a.name);
      if (it == items.end())
        return invalid(a.offset, "core instance " + std::to_string(a.instance) +
                                     " has no export named `" + a.name + "`");
      if (a.sort != Sort::Core || it->second.sort != a.core)
        return invalid(a.offset, "export `" + a.name + "` is not a " + sort_name(a.sort, a.core));
      add_core(s, it->second);
      return ok();
    }
    }
    return ok();
  }

  static bool sort_matches(Sort sort, CoreSort core, ExternType::Kind k) {
    switch (sort) {
    case Sort::Core: return core == CoreSort::Module && k == ExternType::Kind::CoreModule;
    case Sort::Func: return k == ExternType::Kind::Func;
    case Sort::Value: return k == ExternType::Kind::Value;
    case Sort::Type: return k == ExternType::Kind::Type;
    case Sort::Component: return k == ExternType::Kind::Component;
    case Sort::Instance: return k == ExternType::Kind::Instance;
    }
    return false;
  }

  Result<TypePtr> core_module(const Definition& d) {
    const CoreModuleRef& ref = d.core_module;
    info_.core_modules.push_back(ref);
    if (load_) {
      WASMCAP_ASSIGN(TypePtr t, load_(ref));
      WASMCAP_TRY(check_core_imports_unique(*t, ref.offset));
      return t;
    }
    WASMCAP_ASSIGN(ir::Module m, binary::decode_module(bytes_.subspan(ref.offset, ref.size)));
    if (auto st = validate::validate_module(m, validate::Features{}); !st) {
      Error e = std::move(st).error();
      if (e.where.offset != Location::kNone) e.where.offset += ref.offset;
      return e;
    }
    return core_module_type(m, ref.offset);
  }

  Result<std::shared_ptr<const ExternType>> item_type(Scope& s, const SortIdx& si, uint64_t at) {
    auto e = std::make_shared<ExternType>();
    auto pick = [&](const std::vector<TypePtr>& space, ExternType::Kind kind,
                    const char* what) -> Status {
      if (si.index >= space.size()) return invalid(at, idx_msg(what, si.index));
      e->kind = kind;
      e->type = space[si.index];
      return ok();
    };
    switch (si.sort) {
    case Sort::Func: WASMCAP_TRY(pick(s.funcs, ExternType::Kind::Func, "function")); break;
    case Sort::Type: WASMCAP_TRY(pick(s.types, ExternType::Kind::Type, "type")); break;
    case Sort::Component:
      WASMCAP_TRY(pick(s.components, ExternType::Kind::Component, "component"));
      break;
    case Sort::Instance:
      WASMCAP_TRY(pick(s.instances, ExternType::Kind::Instance, "instance"));
      break;
    case Sort::Core:
      if (si.core != CoreSort::Module)
        return invalid(at, std::string("cannot export a ") + sort_name(si.sort, si.core));
      WASMCAP_TRY(pick(s.core_modules, ExternType::Kind::CoreModule, "module"));
      break;
    case Sort::Value: return invalid(at, "values are not supported");
    }
    return std::shared_ptr<const ExternType>(e);
  }

  Status instance(Scope& s, const Instance& in, uint64_t at) {
    auto t = std::make_shared<Type>();
    t->kind = Type::Kind::Instance;
    if (in.instantiate) {
      if (in.component >= s.components.size())
        return invalid(at, idx_msg("component", in.component));
      const Type& c = *s.components[in.component];
      std::map<std::string, std::shared_ptr<const ExternType>> args;
      for (const Instance::Arg& a : in.args) {
        WASMCAP_ASSIGN(auto et, item_type(s, a.item, at));
        if (!args.emplace(a.name, et).second)
          return invalid(at, "instantiation argument `" + a.name +
                                 "` conflicts with previous argument");
      }
      // Each argument against its import, in order: an abstract resource import is bound to the
      // resource supplied, and later imports are checked with that binding.
      ResourceMap map;
      for (const NamedExtern& imp : c.imports) {
        auto it = args.find(imp.name);
        if (it == args.end()) return invalid(at, "missing import named `" + imp.name + "`");
        if (auto st = check_subtype(*it->second, *imp.type, map, at); !st) {
          Error e = std::move(st).error();
          e.message = "type mismatch for import `" + imp.name + "`: " + e.message;
          return e;
        }
      }
      // Resources the component creates get new identities in every instance of it.
      for (const NamedExtern& e : c.exports)
        fresh_resources(e.type->type, c, map);
      // One substitution for all exports: they refer to each other's nodes. A type imported
      // with `(eq ...)` is the argument's type in the instance, so the names it has here
      // carry over to the exports that mention it.
      SubstMemo memo;
      for (const NamedExtern& imp : c.imports) {
        const TypePtr& declared = imp.type->type;
        if (imp.type->kind != ExternType::Kind::Type || !declared || !nominal(*declared) ||
            declared->kind == Type::Kind::Resource) {
          continue;
        }
        const auto& arg = args.find(imp.name)->second;
        if (arg->type) memo.emplace(declared.get(), arg->type);
      }
      for (const NamedExtern& e : c.exports)
        t->exports.push_back({e.name, substitute(e.type, map, &memo)});
    } else {
      std::set<std::string> names;
      for (const Instance::Export& e : in.exports) {
        WASMCAP_ASSIGN(auto et, item_type(s, e.item, at));
        WASMCAP_ASSIGN(const ParsedName p, parse_extern_name(e.name.name, e.name.offset));
        WASMCAP_TRY(check_implements(e.name, p, et->kind));
        if (!names.insert(strongly_unique_key(e.name.name)).second)
          return invalid(at, "export name `" + e.name.name + "` conflicts with previous name");
        if (et->kind == ExternType::Kind::Func) WASMCAP_TRY(check_bag_func(s, et->type, at));
        t->exports.push_back({e.name.name, et});
      }
    }
    s.instances.push_back(t);
    return ok();
  }

  // New identities for the resources `comp` created that `t` mentions (each node once: types
  // are a DAG that may share subtrees).
  void fresh_resources(const TypePtr& t, const Type& comp, ResourceMap& map) {
    std::set<const Type*> seen;
    fresh_resources_(t, comp, map, seen);
  }
  void fresh_resources_(const TypePtr& t, const Type& comp, ResourceMap& map,
                        std::set<const Type*>& seen) {
    if (!t || !seen.insert(t.get()).second) return;
    if (t->resource && t->resource->id >= comp.resources_begin &&
        t->resource->id < comp.resources_end && !map.count(t->resource.get())) {
      auto r = std::make_shared<ResourceId>(*t->resource);
      r->id = next_resource_++;
      map[t->resource.get()] = r;
    }
    for (const auto& [label, f] : t->fields)
      fresh_resources_(f, comp, map, seen);
    for (const TypePtr& m : t->types)
      fresh_resources_(m, comp, map, seen);
    fresh_resources_(t->ok, comp, map, seen);
    fresh_resources_(t->err, comp, map, seen);
    fresh_resources_(t->result, comp, map, seen);
    for (const NamedExtern& e : t->exports)
      fresh_resources_(e.type->type, comp, map, seen);
  }

  Status canon(Scope& s, const Canon& c, uint64_t at) {
    const CanonOptions& o = c.options;
    if (o.memory && *o.memory >= s.core_memories.size())
      return invalid(at, idx_msg("core memory", *o.memory));
    for (const auto& f : {o.realloc, o.post_return, o.callback}) {
      if (f && *f >= s.core_funcs.size()) return invalid(at, idx_msg("core func", *f));
    }
    if (o.async || o.callback)
      return invalid(at, "async canonical options are not supported (component model async)");
    switch (c.kind) {
    case Canon::Kind::Lift: {
      if (c.func >= s.core_funcs.size()) return invalid(at, idx_msg("core func", c.func));
      WASMCAP_ASSIGN(TypePtr ft, type_at(s, c.type, at));
      if (ft->kind != Type::Kind::Func)
        return invalid(at, "type index " + std::to_string(c.type) + " is not a function type");
      const ir::FuncType want = flatten_functype(*ft, true);
      if (!(s.core_funcs[c.func] == want)) {
        return invalid(at, "lowered function type mismatch: the core function has type " +
                               ir::functype_to_string(s.core_funcs[c.func]) +
                               ", the canonical ABI needs " + ir::functype_to_string(want));
      }
      WASMCAP_TRY(check_options(s, c, *ft, true, at));
      s.funcs.push_back(ft);
      return ok();
    }
    case Canon::Kind::Lower: {
      if (c.func >= s.funcs.size()) return invalid(at, idx_msg("function", c.func));
      WASMCAP_TRY(check_options(s, c, *s.funcs[c.func], false, at));
      s.core_funcs.push_back(flatten_functype(*s.funcs[c.func], false));
      return ok();
    }
    case Canon::Kind::ResourceNew:
    case Canon::Kind::ResourceDrop:
    case Canon::Kind::ResourceRep: {
      WASMCAP_ASSIGN(TypePtr r, resource_at(s, c.type, at));
      if (c.kind != Canon::Kind::ResourceDrop && !s.local_resources.count(r->resource.get())) {
        return invalid(at, "not a local resource: resource.new and resource.rep need a resource "
                           "defined by this component");
      }
      ir::FuncType f{{ir::ValType::I32}, {}};
      if (c.kind != Canon::Kind::ResourceDrop) f.results.push_back(ir::ValType::I32);
      s.core_funcs.push_back(f);
      return ok();
    }
    case Canon::Kind::Other: break;
    }
    static constexpr char kHex[] = "0123456789abcdef";
    const std::string code{kHex[c.opcode >> 4], kHex[c.opcode & 0xf]};
    return invalid(at, "canonical built-in 0x" + code +
                           " is not supported (component model async and threads)");
  }

  // Records what `d` added to its index space (validate.h's ComponentInfo::items).
  void record(const Definition& d, ExternType::Kind kind, TypePtr type) {
    auto e = std::make_shared<ExternType>();
    e->kind = kind;
    e->type = std::move(type);
    info_.items[&d] = e;
  }

  Status definition(Scope& s, const Definition& d) {
    const size_t funcs = s.funcs.size(), types = s.types.size(), instances = s.instances.size(),
                 components = s.components.size(), core_funcs = s.core_funcs.size(),
                 modules = s.core_modules.size();
    WASMCAP_TRY(definition_(s, d));
    if (s.funcs.size() > funcs) record(d, ExternType::Kind::Func, s.funcs.back());
    if (s.types.size() > types) record(d, ExternType::Kind::Type, s.types.back());
    if (s.instances.size() > instances) record(d, ExternType::Kind::Instance, s.instances.back());
    if (s.components.size() > components)
      record(d, ExternType::Kind::Component, s.components.back());
    if (s.core_modules.size() > modules)
      record(d, ExternType::Kind::CoreModule, s.core_modules.back());
    if (d.kind == Definition::Kind::Canon && s.core_funcs.size() > core_funcs) {
      // canon lower: the function it lowers; resource.*: the resource type.
      const Canon& c = d.canon;
      if (c.kind == Canon::Kind::Lower) {
        record(d, ExternType::Kind::Func, s.funcs[c.func]);
      } else if (c.type < s.types.size()) {
        record(d, ExternType::Kind::Type, s.types[c.type]);
      }
    }
    return ok();
  }

  Status definition_(Scope& s, const Definition& d) {
    using K = Definition::Kind;
    switch (d.kind) {
    case K::CoreModule: {
      WASMCAP_ASSIGN(TypePtr t, core_module(d));
      s.core_modules.push_back(t);
      return ok();
    }
    case K::CoreInstance: return core_instance(s, d.core_instance, d.offset);
    case K::CoreType: {
      WASMCAP_ASSIGN(TypePtr t, core_type(s, *d.core_type));
      s.core_types.push_back(t);
      return ok();
    }
    case K::Component: {
      ++info_.components;
      WASMCAP_ASSIGN(TypePtr t, component(*d.component, &s));
      s.components.push_back(t);
      return ok();
    }
    case K::Instance: return instance(s, d.instance, d.offset);
    case K::Alias: return alias(s, d.alias);
    case K::Type: {
      WASMCAP_ASSIGN(TypePtr t, deftype(s, *d.type, false));
      s.types.push_back(t);
      return ok();
    }
    case K::Canon: return canon(s, d.canon, d.offset);
    case K::Start:
      return invalid(d.offset, "start definitions are not supported (component model values)");
    case K::Import: return import_(s, d.import.name, d.import.desc);
    case K::Export: {
      WASMCAP_ASSIGN(auto et, item_type(s, d.export_.item, d.offset));
      if (d.export_.desc) {
        WASMCAP_ASSIGN(auto ascribed,
                       extern_desc(s, *d.export_.desc, d.export_.name.name, d.offset));
        if (ascribed->kind != et->kind)
          return invalid(d.offset, "export `" + d.export_.name.name +
                                       "` has the wrong kind for its type ascription");
        ResourceMap map;
        if (auto st = check_subtype(*et, *ascribed, map, d.offset); !st) {
          return invalid(d.offset, "ascribed type of export `" + d.export_.name.name +
                                       "` is not compatible: " + st.error().message);
        }
        // The ascription is the type the export has from now on; a type ascribed as `(sub
        // resource)` becomes a new abstract resource (a `(type (eq ...))` stays the same type).
        const bool sub_resource =
            ascribed->kind == ExternType::Kind::Type && d.export_.desc->sub_resource;
        if (ascribed->kind != ExternType::Kind::Type || sub_resource) et = ascribed;
      }
      return export_(s, d.export_.name, et);
    }
    case K::Value: return invalid(d.offset, "value definitions are not supported");
    }
    return ok();
  }
};

} // namespace

const char* extern_kind_name(ExternType::Kind kind) {
  switch (kind) {
  case ExternType::Kind::CoreModule: return "module";
  case ExternType::Kind::Func: return "func";
  case ExternType::Kind::Value: return "value";
  case ExternType::Kind::Type: return "type";
  case ExternType::Kind::Component: return "component";
  case ExternType::Kind::Instance: return "instance";
  }
  return "?";
}

Result<ComponentInfo> validate_component(const Component& c, std::span<const uint8_t> bytes,
                                         const CoreModuleLoader& load) {
  ComponentInfo info;
  Validator v(bytes, info, load);
  WASMCAP_TRY(v.component(c, nullptr));
  return info;
}

} // namespace wasmcap::component

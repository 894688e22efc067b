// Type matching and resource substitution (subtype.h).
#include "component/subtype.h"

#include <set>

namespace wasmcap::component {

namespace {

Error mismatch(uint64_t at, std::string what) {
  return make_error(ErrorKind::Invalid, std::move(what), at);
}

const ResourceId* resolve(const ResourcePtr& r, const ResourceMap& map) {
  if (!r) return nullptr;
  auto it = map.find(r.get());
  return it == map.end() ? r.get() : it->second.get();
}

Status same(const TypePtr& a, const TypePtr& b, ResourceMap& map, uint64_t at);

Status same_resource(const Type& a, const Type& b, ResourceMap& map, uint64_t at) {
  if (!a.resource || !b.resource) return mismatch(at, "expected a resource type");
  if (resolve(b.resource, map) != a.resource.get())
    return mismatch(at, "resource types are not the same");
  return ok();
}

Status same(const TypePtr& a, const TypePtr& b, ResourceMap& map, uint64_t at) {
  if (!a || !b) {
    if (a || b)
      return mismatch(
          at, "type mismatch: expected a type where there is none, or none where there is one");
    return ok();
  }
  if (a.get() == b.get() && map.empty()) return ok();
  if (a->kind != b->kind)
    return mismatch(at, "type mismatch: expected " + type_to_wit(b, nullptr) + ", found " +
                            type_to_wit(a, nullptr));
  switch (a->kind) {
  case Type::Kind::Prim:
    if (a->prim != b->prim)
      return mismatch(at, "type mismatch: expected " + std::string(prim_name(b->prim)) +
                              ", found " + prim_name(a->prim));
    return ok();
  case Type::Kind::Own:
  case Type::Kind::Borrow:
  case Type::Kind::Resource: return same_resource(*a, *b, map, at);
  case Type::Kind::Record:
  case Type::Kind::Variant:
  case Type::Kind::Func:
    if (a->fields.size() != b->fields.size())
      return mismatch(at, "type mismatch: different number of fields, cases or parameters");
    for (size_t i = 0; i < a->fields.size(); ++i) {
      if (a->fields[i].first != b->fields[i].first)
        return mismatch(at, "type mismatch: expected `" + b->fields[i].first + "`, found `" +
                                a->fields[i].first + "`");
      WASMCAP_TRY(same(a->fields[i].second, b->fields[i].second, map, at));
    }
    return same(a->result, b->result, map, at);
  case Type::Kind::Flags:
  case Type::Kind::Enum:
    if (a->labels != b->labels) return mismatch(at, "type mismatch: different labels");
    return ok();
  case Type::Kind::List:
  case Type::Kind::FixedList:
  case Type::Kind::Map:
  case Type::Kind::Option:
  case Type::Kind::Tuple:
    if (a->types.size() != b->types.size() || a->length != b->length)
      return mismatch(at, "type mismatch");
    for (size_t i = 0; i < a->types.size(); ++i)
      WASMCAP_TRY(same(a->types[i], b->types[i], map, at));
    return ok();
  case Type::Kind::Result:
    WASMCAP_TRY(same(a->ok, b->ok, map, at));
    return same(a->err, b->err, map, at);
  case Type::Kind::Instance:
  case Type::Kind::Component: {
    // The abstract resources both component types import are the same one (bound both ways,
    // in a map of this comparison only: imports are checked in the other direction).
    ResourceMap local = map;
    std::set<const ResourceId*> imported;
    for (const NamedExtern& need : a->imports) {
      for (const NamedExtern& given : b->imports) {
        if (given.name != need.name) continue;
        const TypePtr& x = need.type->type;
        const TypePtr& y = given.type->type;
        if (need.type->kind == ExternType::Kind::Type && x && y &&
            x->kind == Type::Kind::Resource && y->kind == Type::Kind::Resource && x->resource &&
            y->resource) {
          local[y->resource.get()] = x->resource;
          local[x->resource.get()] = y->resource;
          imported.insert(y->resource.get());
          imported.insert(x->resource.get());
        }
      }
    }
    // Every export the expected side wants, with a matching type; (components) every import
    // the actual side needs is one the expected side provides, with a type it accepts.
    for (const NamedExtern& want : b->exports) {
      const NamedExtern* have = nullptr;
      for (const NamedExtern& e : a->exports) {
        if (e.name == want.name) have = &e;
      }
      if (!have) return mismatch(at, "type mismatch: missing expected export `" + want.name + "`");
      WASMCAP_TRY(check_subtype(*have->type, *want.type, local, at));
    }
    for (const NamedExtern& need : a->imports) {
      const NamedExtern* given = nullptr;
      for (const NamedExtern& e : b->imports) {
        if (e.name == need.name) given = &e;
      }
      if (!given) return mismatch(at, "type mismatch: missing expected import `" + need.name + "`");
      WASMCAP_TRY(check_subtype(*given->type, *need.type, local, at));
    }
    // What the exports bound stays bound for the caller (instantiation substitutes it).
    for (const auto& [from, to] : local) {
      if (!imported.count(from)) map.emplace(from, to);
    }
    return ok();
  }
  case Type::Kind::CoreModule: return check_core_module(*a, *b, at);
  case Type::Kind::CoreFunc:
    if (!(a->core_func == b->core_func)) return mismatch(at, "type mismatch in core function");
    return ok();
  default: return ok();
  }
}

bool limits_nest(const ir::Limits& actual, const ir::Limits& expected) {
  if (actual.min < expected.min) return false;
  if (!expected.max) return true;
  return actual.max && *actual.max <= *expected.max;
}

std::string core_extern_key(const Type::CoreExtern& e) {
  return e.module + "::" + e.name;
}

} // namespace

Status check_core_extern(const Type::CoreExtern& actual, const Type::CoreExtern& expected,
                         uint64_t at) {
  if (actual.kind != expected.kind) {
    return mismatch(at, std::string("expected ") + ir::extern_kind_name(expected.kind) +
                            ", found " + ir::extern_kind_name(actual.kind));
  }
  switch (expected.kind) {
  case ir::ExternKind::Func:
    if (!(actual.func == expected.func)) {
      return mismatch(at, "type mismatch: expected: " + ir::functype_to_string(expected.func) +
                              ", found: " + ir::functype_to_string(actual.func));
    }
    return ok();
  case ir::ExternKind::Table:
    if (actual.table.elem != expected.table.elem) {
      return mismatch(at, std::string("expected table element type ") +
                              ir::valtype_name(expected.table.elem) + ", found " +
                              ir::valtype_name(actual.table.elem));
    }
    if (!limits_nest(actual.table.limits, expected.table.limits))
      return mismatch(at, "mismatch in table limits");
    return ok();
  case ir::ExternKind::Memory:
    if (actual.memory.shared != expected.memory.shared)
      return mismatch(at, "mismatch in the shared flag for memories");
    if (!limits_nest(actual.memory.limits, expected.memory.limits))
      return mismatch(at, "mismatch in memory limits");
    return ok();
  case ir::ExternKind::Tag:
    // As the core spec matches tag imports: the same payload type.
    if (!(actual.func == expected.func)) return mismatch(at, "tag type mismatch");
    return ok();
  case ir::ExternKind::Global:
    if (actual.global.type != expected.global.type) {
      return mismatch(at, std::string("expected global type ") +
                              ir::valtype_name(expected.global.type) + ", found " +
                              ir::valtype_name(actual.global.type));
    }
    if (actual.global.is_mutable != expected.global.is_mutable)
      return mismatch(at, "mismatch in global mutability");
    return ok();
  }
  return ok();
}

Status check_core_module(const Type& actual, const Type& expected, uint64_t at) {
  // Imports are contravariant: what the actual module needs, the expected type must promise,
  // with a type the actual one accepts.
  for (const Type::CoreExtern& need : actual.core_imports) {
    const Type::CoreExtern* given = nullptr;
    for (const Type::CoreExtern& e : expected.core_imports) {
      if (e.module == need.module && e.name == need.name) given = &e;
    }
    if (!given) return mismatch(at, "missing expected import `" + core_extern_key(need) + "`");
    if (auto st = check_core_extern(*given, need, at); !st)
      return mismatch(at, "type mismatch in import `" + core_extern_key(need) +
                              "`: " + st.error().message);
  }
  for (const Type::CoreExtern& want : expected.core_exports) {
    const Type::CoreExtern* have = nullptr;
    for (const Type::CoreExtern& e : actual.core_exports) {
      if (e.name == want.name) have = &e;
    }
    if (!have) return mismatch(at, "missing expected export `" + want.name + "`");
    if (auto st = check_core_extern(*have, want, at); !st)
      return mismatch(at, "type mismatch in export `" + want.name + "`: " + st.error().message);
  }
  return ok();
}

Status check_subtype(const ExternType& actual, const ExternType& expected, ResourceMap& map,
                     uint64_t at) {
  if (actual.kind != expected.kind) {
    return mismatch(at, std::string("expected ") + extern_kind_name(expected.kind) + ", found " +
                            extern_kind_name(actual.kind));
  }
  if (expected.kind == ExternType::Kind::Type && expected.type &&
      expected.type->kind == Type::Kind::Resource && !map.count(expected.type->resource.get()) &&
      !expected.type->resource->defined) {
    // An abstract resource of the expected side: whatever resource is supplied becomes it.
    if (!actual.type || actual.type->kind != Type::Kind::Resource)
      return mismatch(at, "expected resource, found a defined type");
    map[expected.type->resource.get()] = actual.type->resource;
    return ok();
  }
  return same(actual.type, expected.type, map, at);
}

TypePtr substitute(const TypePtr& t, const ResourceMap& map, SubstMemo* memo) {
  if (!t || (map.empty() && (!memo || memo->empty()))) return t;
  SubstMemo local;
  if (!memo) memo = &local;
  if (auto it = memo->find(t.get()); it != memo->end()) return it->second;
  bool changed = false;
  auto copy = std::make_shared<Type>(*t);
  auto sub = [&](TypePtr& p) {
    TypePtr n = substitute(p, map, memo);
    if (n != p) {
      p = n;
      changed = true;
    }
  };
  if (copy->resource) {
    auto it = map.find(copy->resource.get());
    if (it != map.end()) {
      copy->resource = it->second;
      changed = true;
    }
  }
  for (auto& [label, f] : copy->fields)
    sub(f);
  for (TypePtr& m : copy->types)
    sub(m);
  sub(copy->ok);
  sub(copy->err);
  sub(copy->result);
  for (auto* list : {&copy->imports, &copy->exports}) {
    for (NamedExtern& e : *list) {
      auto n = substitute(e.type, map, memo);
      if (n != e.type) {
        e.type = n;
        changed = true;
      }
    }
  }
  TypePtr out = changed ? TypePtr(copy) : t;
  memo->emplace(t.get(), out);
  return out;
}

std::shared_ptr<const ExternType> substitute(const std::shared_ptr<const ExternType>& e,
                                             const ResourceMap& map, SubstMemo* memo) {
  if (!e) return e;
  TypePtr n = substitute(e->type, map, memo);
  if (n == e->type) return e;
  auto copy = std::make_shared<ExternType>(*e);
  copy->type = n;
  return copy;
}

} // namespace wasmcap::component

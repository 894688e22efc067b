// The resolved model's small helpers: names and lookups (the data is built by the resolver).
#include "wit/model.h"

namespace wasmcap::wit {

std::string_view primitive_name(TypeKind kind) {
  switch (kind) {
  case TypeKind::Bool: return "bool";
  case TypeKind::S8: return "s8";
  case TypeKind::U8: return "u8";
  case TypeKind::S16: return "s16";
  case TypeKind::U16: return "u16";
  case TypeKind::S32: return "s32";
  case TypeKind::U32: return "u32";
  case TypeKind::S64: return "s64";
  case TypeKind::U64: return "u64";
  case TypeKind::F32: return "f32";
  case TypeKind::F64: return "f64";
  case TypeKind::Char: return "char";
  case TypeKind::String: return "string";
  default: return "";
  }
}

const Function* Interface::find_function(std::string_view canonical_name) const {
  for (const Function& f : functions)
    if (f.name == canonical_name) return &f;
  return nullptr;
}

Id Interface::find_type(std::string_view local_name) const {
  for (const auto& [local, id] : scope)
    if (local == local_name) return id;
  return kNoId;
}

std::string Package::full_name() const {
  std::string out = ns + ":" + name;
  if (!version.empty()) out += "@" + version;
  return out;
}

std::string Resolve::interface_full_name(Id interface) const {
  const Interface& i = interfaces[interface];
  if (i.name.empty() || i.package == kNoId) return i.name;
  const Package& p = packages[i.package];
  std::string out = p.ns + ":" + p.name + "/" + i.name;
  if (!p.version.empty()) out += "@" + p.version;
  return out;
}

std::string Resolve::type_qualified_name(Id type) const {
  const TypeDef& t = types[type];
  std::string owner;
  if (t.owner.kind == Owner::Interface) {
    const Interface& i = interfaces[t.owner.id];
    owner = i.name.empty() ? worlds[i.world].name + "." : interface_full_name(t.owner.id);
  } else {
    const World& w = worlds[t.owner.id];
    const Package& p = packages[w.package];
    owner = p.ns + ":" + p.name + "/" + w.name + (p.version.empty() ? "" : "@" + p.version);
  }
  return owner + "." + t.name;
}

Id Resolve::find_package(std::string_view ns, std::string_view name,
                         std::string_view version) const {
  Id found = kNoId;
  for (Id i = 0; i < packages.size(); ++i) {
    const Package& p = packages[i];
    if (p.ns != ns || p.name != name) continue;
    if (p.version == version) return i;
    if (version.empty()) {
      if (found != kNoId) return kNoId; // ambiguous without a version
      found = i;
    }
  }
  return found;
}

namespace {

// Splits `ns:pkg/item@version` into its parts; false when it has no `:` or `/`.
bool split_full_name(std::string_view full, std::string_view& ns, std::string_view& pkg,
                     std::string_view& item, std::string_view& version) {
  size_t colon = full.find(':');
  size_t slash = full.find('/');
  if (colon == std::string_view::npos || slash == std::string_view::npos || slash < colon)
    return false;
  size_t at = full.find('@', slash);
  ns = full.substr(0, colon);
  pkg = full.substr(colon + 1, slash - colon - 1);
  item = full.substr(slash + 1,
                     at == std::string_view::npos ? std::string_view::npos : at - slash - 1);
  version = at == std::string_view::npos ? std::string_view() : full.substr(at + 1);
  return true;
}

} // namespace

Id Resolve::find_interface(std::string_view full_name) const {
  std::string_view ns, pkg, item, version;
  if (!split_full_name(full_name, ns, pkg, item, version)) return kNoId;
  Id p = find_package(ns, pkg, version);
  if (p == kNoId) return kNoId;
  for (Id i : packages[p].interfaces)
    if (interfaces[i].name == item) return i;
  return kNoId;
}

Id Resolve::find_world(std::string_view full_name) const {
  std::string_view ns, pkg, item, version;
  if (!split_full_name(full_name, ns, pkg, item, version)) return kNoId;
  Id p = find_package(ns, pkg, version);
  if (p == kNoId) return kNoId;
  for (Id w : packages[p].worlds)
    if (worlds[w].name == item) return w;
  return kNoId;
}

const Type& Resolve::unalias(const Type& type) const {
  const Type* t = &type;
  // Bounded: the resolver rejects alias cycles, this only guards a hand-built model.
  for (size_t hops = 0; hops < types.size() + 1; ++hops) {
    if (t->kind != TypeKind::Named) break;
    const TypeDef& d = types[t->def];
    if (d.kind != TypeDefKind::Alias || !d.alias) break;
    t = &*d.alias;
  }
  return *t;
}

} // namespace wasmcap::wit

// WIT spelling of resolved types (types.h's type_to_wit) and of a component's world
// (world_to_wit in print.h): what `wasmcap inspect` shows of a component.
#include "component/print.h"

namespace wasmcap::component {

namespace {

using Names = std::map<const Type*, std::string>;

std::string named_or(const TypePtr& t, const Names* names) {
  if (!t) return "_";
  return type_to_wit(t, names);
}

std::string resource_name(const Type& handle, const Names* names) {
  if (!handle.types.empty() && names) {
    auto it = names->find(handle.types[0].get());
    if (it != names->end()) return it->second;
  }
  if (handle.resource && !handle.resource->name.empty()) return handle.resource->name;
  return "resource";
}

} // namespace

std::string type_to_wit(const TypePtr& t, const Names* names) {
  if (!t) return "_";
  if (names) {
    auto it = names->find(t.get());
    if (it != names->end()) return it->second;
  }
  using K = Type::Kind;
  std::string s;
  switch (t->kind) {
  case K::Prim: return prim_name(t->prim);
  case K::List: return "list<" + type_to_wit(t->types[0], names) + ">";
  case K::FixedList:
    return "list<" + type_to_wit(t->types[0], names) + ", " + std::to_string(t->length) + ">";
  case K::Option: return "option<" + type_to_wit(t->types[0], names) + ">";
  case K::Result:
    if (!t->ok && !t->err) return "result";
    if (!t->err) return "result<" + type_to_wit(t->ok, names) + ">";
    return "result<" + named_or(t->ok, names) + ", " + type_to_wit(t->err, names) + ">";
  case K::Tuple:
    s = "tuple<";
    for (size_t i = 0; i < t->types.size(); ++i) {
      s += (i ? ", " : "") + type_to_wit(t->types[i], names);
    }
    return s + ">";
  case K::Own: return resource_name(*t, names);
  case K::Borrow: return "borrow<" + resource_name(*t, names) + ">";
  case K::Record:
    s = "record { ";
    for (size_t i = 0; i < t->fields.size(); ++i) {
      s += (i ? ", " : "") + t->fields[i].first + ": " + type_to_wit(t->fields[i].second, names);
    }
    return s + " }";
  case K::Variant:
    s = "variant { ";
    for (size_t i = 0; i < t->fields.size(); ++i) {
      s += (i ? ", " : "") + t->fields[i].first;
      if (t->fields[i].second) s += "(" + type_to_wit(t->fields[i].second, names) + ")";
    }
    return s + " }";
  case K::Flags:
  case K::Enum:
    s = t->kind == K::Flags ? "flags { " : "enum { ";
    for (size_t i = 0; i < t->labels.size(); ++i)
      s += (i ? ", " : "") + t->labels[i];
    return s + " }";
  case K::Func:
    s = "func(";
    for (size_t i = 0; i < t->fields.size(); ++i) {
      s += (i ? ", " : "") + t->fields[i].first + ": " + type_to_wit(t->fields[i].second, names);
    }
    s += ")";
    if (t->result) s += " -> " + type_to_wit(t->result, names);
    return s;
  case K::Resource: return "resource";
  case K::Stream: return "stream";
  case K::Future: return "future";
  case K::Map: {
    const Type& entry = *t->types[0]; // the list element: tuple<k, v>
    return "map<" + type_to_wit(entry.types[0], names) + ", " + type_to_wit(entry.types[1], names) +
           ">";
  }
  case K::Component: return "component";
  case K::Instance: return "instance";
  case K::CoreFunc: return "core func " + ir::functype_to_string(t->core_func);
  case K::CoreModule: return "core module";
  }
  return "?";
}

namespace {

// An instance's exports as an interface body: types first (as WIT declares them), then
// functions; resource methods are listed under their resource like WIT does.
void print_instance(const Type& inst, const Names* names, const std::string& indent,
                    std::string& out) {
  for (const NamedExtern& e : inst.exports) {
    if (e.type->kind != ExternType::Kind::Type) continue;
    const Type& t = *e.type->type;
    out += indent;
    if (t.kind == Type::Kind::Resource) {
      out += "resource " + e.name + ";\n";
    } else if (t.kind == Type::Kind::Record || t.kind == Type::Kind::Variant ||
               t.kind == Type::Kind::Enum || t.kind == Type::Kind::Flags) {
      std::string body = type_to_wit(e.type->type, nullptr);
      const size_t space = body.find(' ');
      out += body.substr(0, space) + " " + e.name + body.substr(space) + "\n";
    } else {
      out += "type " + e.name + " = " + type_to_wit(e.type->type, nullptr) + ";\n";
    }
  }
  for (const NamedExtern& e : inst.exports) {
    if (e.type->kind == ExternType::Kind::Type) continue;
    out += indent + e.name + ": ";
    if (e.type->kind == ExternType::Kind::Func) {
      out += type_to_wit(e.type->type, names) + ";\n";
    } else {
      out += std::string(extern_kind_name(e.type->kind)) + ";\n";
    }
  }
}

void print_extern(const char* dir, const NamedExtern& e, const Names* names, std::string& out) {
  out += "  ";
  out += dir;
  out += " " + e.name;
  switch (e.type->kind) {
  case ExternType::Kind::Instance:
    out += ": interface {\n";
    print_instance(*e.type->type, names, "    ", out);
    out += "  }\n";
    return;
  case ExternType::Kind::Func: out += ": " + type_to_wit(e.type->type, names) + ";\n"; return;
  case ExternType::Kind::Type:
    out += ": type " + type_to_wit(e.type->type, nullptr) + ";\n";
    return;
  default: out += ": " + std::string(extern_kind_name(e.type->kind)) + ";\n"; return;
  }
}

} // namespace

std::string world_to_wit(const ComponentInfo& info) {
  std::string out = "world component {\n";
  for (const NamedExtern& e : info.imports)
    print_extern("import", e, &info.type_names, out);
  for (const NamedExtern& e : info.exports)
    print_extern("export", e, &info.type_names, out);
  out += "}\n";
  return out;
}

} // namespace wasmcap::component

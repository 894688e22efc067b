// The WIT printer: walks the model in declaration order and writes canonical WIT text.
#include "wit/printer.h"

#include "wit/lexer.h"

namespace wasmcap::wit {
namespace {

std::string ident(std::string_view name) {
  return is_keyword(name) ? "%" + std::string(name) : std::string(name);
}

class Printer {
public:
  explicit Printer(const Resolve& r) : r_(r) {}

  std::string package(Id id) {
    const Package& p = r_.packages[id];
    out_ += "package " + ident(p.ns) + ":" + ident(p.name);
    if (!p.version.empty()) out_ += "@" + p.version;
    out_ += ";\n";
    for (Id i : p.interfaces) {
      out_ += "\n";
      gate(r_.interfaces[i].gate, 0);
      out_ += "interface " + ident(r_.interfaces[i].name) + " ";
      interface_body(i, 0);
      out_ += "\n";
    }
    for (Id w : p.worlds) {
      out_ += "\n";
      world(w);
    }
    return std::move(out_);
  }

  std::string world_only(Id w) {
    world(w);
    return std::move(out_);
  }

  std::string type(const Type& t, Owner scope) const {
    std::string_view prim = primitive_name(t.kind);
    if (!prim.empty()) return std::string(prim);
    auto args = [&](std::string_view head) {
      std::string s(head);
      s += "<";
      for (size_t k = 0; k < t.args.size(); ++k) {
        if (k) s += ", ";
        s += type(t.args[k], scope);
      }
      return s;
    };
    switch (t.kind) {
    case TypeKind::List:
      return args("list") + (t.length ? ", " + std::to_string(t.length) : "") + ">";
    case TypeKind::Option: return args("option") + ">";
    case TypeKind::Tuple: return args("tuple") + ">";
    case TypeKind::Map: return args("map") + ">";
    case TypeKind::Future: return t.args.empty() ? "future" : args("future") + ">";
    case TypeKind::Stream: return t.args.empty() ? "stream" : args("stream") + ">";
    case TypeKind::Result:
      if (!t.has_ok && !t.has_err) return "result";
      if (!t.has_err) return "result<" + type(*t.ok(), scope) + ">";
      return "result<" + (t.has_ok ? type(*t.ok(), scope) : std::string("_")) + ", " +
             type(*t.err(), scope) + ">";
    case TypeKind::Own: return name_in(t.def, scope);
    case TypeKind::Borrow: return "borrow<" + name_in(t.def, scope) + ">";
    case TypeKind::Named: return name_in(t.def, scope);
    default: return "?";
    }
  }

private:
  // The name `scope` knows a type by (its own or a `use`'s local name); a type it cannot name
  // (only in a hand-built model) is written qualified.
  std::string name_in(Id def, Owner scope) const {
    const auto& names =
        scope.kind == Owner::Interface ? r_.interfaces[scope.id].scope : r_.worlds[scope.id].scope;
    for (const auto& [n, id] : names)
      if (id == def) return ident(n);
    return r_.type_qualified_name(def);
  }

  // How a package `from` refers to an interface: bare in the same package, else qualified.
  std::string path_to(Id iface, Id from) const {
    const Interface& i = r_.interfaces[iface];
    if (i.package == from) return ident(i.name);
    const Package& p = r_.packages[i.package];
    return ident(p.ns) + ":" + ident(p.name) + "/" + ident(i.name) +
           (p.version.empty() ? "" : "@" + p.version);
  }

  void indent(int n) { out_.append(static_cast<size_t>(n) * 2, ' '); }

  void gate(const Gate& g, int depth) {
    if (!g.since.empty()) {
      indent(depth);
      out_ += "@since(version = " + g.since + ")\n";
    }
    if (!g.unstable.empty()) {
      indent(depth);
      out_ += "@unstable(feature = " + ident(g.unstable) + ")\n";
    }
    if (!g.deprecated.empty()) {
      indent(depth);
      out_ += "@deprecated(version = " + g.deprecated + ")\n";
    }
  }

  void uses(const std::vector<Use>& list, Id package, int depth) {
    for (const Use& u : list) {
      gate(u.gate, depth);
      indent(depth);
      out_ += "use " + path_to(u.from, package) + ".{";
      for (size_t k = 0; k < u.names.size(); ++k) {
        if (k) out_ += ", ";
        out_ += ident(u.names[k]);
        if (u.locals[k] != u.names[k]) out_ += " as " + ident(u.locals[k]);
      }
      out_ += "};\n";
    }
  }

  // `{ ... }` of an interface, the closing brace at `depth`.
  void interface_body(Id id, int depth) {
    const Interface& i = r_.interfaces[id];
    Owner scope{Owner::Interface, id};
    out_ += "{\n";
    uses(i.uses, i.package, depth + 1);
    for (Id t : i.types)
      typedef_(t, scope, depth + 1, &i);
    for (const Function& f : i.functions) {
      if (f.kind != FunctionKind::Freestanding) continue;
      gate(f.gate, depth + 1);
      indent(depth + 1);
      out_ += ident(f.name) + ": " + signature(f, scope) + ";\n";
    }
    indent(depth);
    out_ += "}";
  }

  void typedef_(Id id, Owner scope, int depth, const Interface* owner) {
    const TypeDef& d = r_.types[id];
    gate(d.gate, depth);
    indent(depth);
    auto members = [&](std::string_view keyword) {
      out_ += std::string(keyword) + " " + ident(d.name) + " {\n";
      for (const Field& f : d.fields) {
        indent(depth + 1);
        out_ += ident(f.name);
        if (f.type)
          out_ += d.kind == TypeDefKind::Record ? ": " + type(*f.type, scope)
                                                : "(" + type(*f.type, scope) + ")";
        out_ += ",\n";
      }
      for (const std::string& n : d.names) {
        indent(depth + 1);
        out_ += ident(n) + ",\n";
      }
      indent(depth);
      out_ += "}\n";
    };
    switch (d.kind) {
    case TypeDefKind::Alias:
      out_ += "type " + ident(d.name) + " = " + type(*d.alias, scope) + ";\n";
      break;
    case TypeDefKind::Record: members("record"); break;
    case TypeDefKind::Variant: members("variant"); break;
    case TypeDefKind::Enum: members("enum"); break;
    case TypeDefKind::Flags: members("flags"); break;
    case TypeDefKind::Resource:
      if (d.resource_funcs.empty() || !owner) {
        out_ += "resource " + ident(d.name) + ";\n";
        break;
      }
      out_ += "resource " + ident(d.name) + " {\n";
      for (Id k : d.resource_funcs) {
        const Function& f = owner->functions[k];
        gate(f.gate, depth + 1);
        indent(depth + 1);
        if (f.kind == FunctionKind::Constructor) {
          out_ += "constructor" + params(f, scope);
          bool implicit = f.result && f.result->kind == TypeKind::Own && f.result->def == id;
          if (f.result && !implicit) out_ += " -> " + type(*f.result, scope);
        } else {
          out_ += ident(f.item_name) + ": ";
          if (f.kind == FunctionKind::Static) out_ += "static ";
          out_ += signature(f, scope);
        }
        out_ += ";\n";
      }
      indent(depth);
      out_ += "}\n";
      break;
    }
  }

  std::string params(const Function& f, Owner scope) const {
    std::string s = "(";
    size_t first = f.kind == FunctionKind::Method ? 1 : 0; // `self` is implicit
    for (size_t k = first; k < f.params.size(); ++k) {
      if (k > first) s += ", ";
      s += ident(f.params[k].name) + ": " + type(f.params[k].type, scope);
    }
    return s + ")";
  }

  std::string signature(const Function& f, Owner scope) const {
    std::string s = f.is_async ? "async func" : "func";
    s += params(f, scope);
    if (f.result) s += " -> " + type(*f.result, scope);
    return s;
  }

  void world(Id id) {
    const World& w = r_.worlds[id];
    Owner scope{Owner::World, id};
    gate(w.gate, 0);
    out_ += "world " + ident(w.name) + " {\n";
    uses(w.uses, w.package, 1);
    for (Id t : w.types)
      typedef_(t, scope, 1, nullptr);
    for (bool is_export : {false, true}) {
      // A blank line between imports and exports, as wasm-tools and jco print worlds.
      if (is_export && !w.imports.empty() && !w.exports.empty()) out_ += "\n";
      for (const WorldItem& item : is_export ? w.exports : w.imports) {
        gate(item.gate, 1);
        indent(1);
        out_ += is_export ? "export " : "import ";
        if (item.kind == WorldItem::Function) {
          out_ += ident(item.name) + ": " + signature(*item.function, scope) + ";\n";
        } else if (item.by_interface_name) {
          out_ += path_to(item.interface, w.package) + ";\n";
        } else if (r_.interfaces[item.interface].name.empty()) {
          out_ += ident(item.name) + ": interface ";
          interface_body(item.interface, 1);
          out_ += "\n";
        } else {
          out_ += ident(item.name) + ": " + path_to(item.interface, w.package) + ";\n";
        }
      }
    }
    out_ += "}\n";
  }

  const Resolve& r_;
  std::string out_;
};

} // namespace

std::string print_package(const Resolve& resolve, Id package) {
  return Printer(resolve).package(package);
}

std::string print_world(const Resolve& resolve, Id world) {
  return Printer(resolve).world_only(world);
}

std::string print_type(const Resolve& resolve, const Type& type, Owner scope) {
  return Printer(resolve).type(type, scope);
}

} // namespace wasmcap::wit

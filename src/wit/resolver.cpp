// The WIT resolver: registers every package's interfaces and worlds, then resolves them on
// demand (an interface's `use`d interfaces first, a world's included worlds first), so files and
// packages may refer to each other in any order; cycles are errors at the `use`/`include`.
#include "wit/resolver.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "wit/ast.h"
#include "wit/lexer.h"
#include "wit/parser.h"

namespace wasmcap::wit {

using support::ErrorKind;
using support::Result;
using support::Status;

namespace {

enum class State : uint8_t { Todo, Busy, Done };

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// Where an item's names are looked up: its file's top-level `use`s, then its package.
struct Context {
  size_t file = 0;
  const ast::PackageBody* body = nullptr;
  Id package = kNoId;
};

struct InterfaceSource {
  const ast::Interface* ast = nullptr;
  Context ctx;
  State state = State::Todo;
};

struct WorldSource {
  const ast::World* ast = nullptr;
  Context ctx;
  State state = State::Todo;
};

class Resolver {
public:
  Result<Resolve> run(const std::vector<SourceGroup>& groups) {
    for (const SourceGroup& g : groups) {
      size_t first = files_.size();
      for (const SourceFile& f : g) {
        WASMCAP_ASSIGN(ast::File parsed, parse_file(f.path, f.text));
        files_.push_back(std::move(parsed));
      }
      group_ranges_.emplace_back(first, files_.size());
    }
    for (size_t g = 0; g < group_ranges_.size(); ++g)
      WASMCAP_TRY(register_group(g));
    for (Id i = 0; i < iface_src_.size(); ++i)
      WASMCAP_TRY(resolve_interface(i, {}));
    for (Id w = 0; w < world_src_.size(); ++w)
      WASMCAP_TRY(resolve_world(w, {}));
    return std::move(out_);
  }

private:
  // ---- errors ----
  support::Error invalid(const Context& ctx, ast::Pos pos, std::string message) const {
    return error_at(ErrorKind::Invalid, files_[ctx.file].path, pos.line, pos.column,
                    std::move(message));
  }
  Place place(const Context& ctx, ast::Pos pos) const {
    return Place{files_[ctx.file].path, pos.line, pos.column};
  }

  // ---- registration: packages, then their interfaces and worlds (by name, unresolved) ----
  Status register_group(size_t g) {
    auto [first, last] = group_ranges_[g];
    const ast::PackageName* name = nullptr;
    size_t name_file = first;
    for (size_t f = first; f < last; ++f) {
      const auto& n = files_[f].top.name;
      if (!n) continue;
      if (name && (n->ns != name->ns || n->name != name->name || n->version != name->version))
        return invalid({f, nullptr, kNoId}, n->pos,
                       "package `" + full(*n) + "` differs from `" + full(*name) +
                           "` declared in " + files_[name_file].path);
      if (!name) {
        name = &*n;
        name_file = f;
      }
    }
    bool has_top_items = false;
    for (size_t f = first; f < last; ++f) {
      const ast::PackageBody& top = files_[f].top;
      has_top_items |= !top.interfaces.empty() || !top.worlds.empty() || !top.uses.empty();
    }
    if (has_top_items && !name) {
      size_t f = first;
      while (files_[f].top.interfaces.empty() && files_[f].top.worlds.empty())
        ++f;
      return error_at(ErrorKind::Invalid, files_[f].path, 1, 1, "no `package` declaration");
    }
    if (name) {
      WASMCAP_ASSIGN(Id pkg, add_package(*name, {name_file, nullptr, kNoId}));
      if (g == 0) out_.root = pkg;
      for (size_t f = first; f < last; ++f)
        WASMCAP_TRY(register_body(f, files_[f].top, pkg));
    }
    for (size_t f = first; f < last; ++f) {
      for (const ast::PackageBody& nested : files_[f].nested) {
        WASMCAP_ASSIGN(Id pkg, add_package(*nested.name, {f, nullptr, kNoId}));
        if (g == 0 && out_.root == kNoId) out_.root = pkg;
        WASMCAP_TRY(register_body(f, nested, pkg));
      }
    }
    return support::ok();
  }

  static std::string full(const ast::PackageName& n) {
    return n.ns + ":" + n.name + (n.version.empty() ? "" : "@" + n.version);
  }

  Result<Id> add_package(const ast::PackageName& n, const Context& ctx) {
    for (const Package& p : out_.packages)
      if (p.ns == n.ns && p.name == n.name && p.version == n.version)
        return invalid(ctx, n.pos, "package `" + full(n) + "` is defined twice");
    out_.packages.push_back(Package{n.ns, n.name, n.version, {}, {}});
    return static_cast<Id>(out_.packages.size() - 1);
  }

  Status register_body(size_t file, const ast::PackageBody& body, Id pkg) {
    Context ctx{file, &body, pkg};
    std::map<std::string, ast::Pos> top_names;
    for (const ast::TopUse& u : body.uses)
      if (!top_names.emplace(lower(u.as), u.pos).second)
        return invalid(ctx, u.pos, "duplicate name `" + u.as + "`");
    for (const ast::Interface& i : body.interfaces) {
      WASMCAP_TRY(check_package_name_free(ctx, i.name, i.pos));
      WASMCAP_TRY(check_gate(ctx, i.gate, i.pos));
      Interface m;
      m.name = i.name;
      m.package = pkg;
      m.gate = i.gate;
      m.place = place(ctx, i.pos);
      out_.interfaces.push_back(std::move(m));
      out_.packages[pkg].interfaces.push_back(static_cast<Id>(out_.interfaces.size() - 1));
      iface_src_.push_back({&i, ctx, State::Todo});
    }
    for (const ast::World& w : body.worlds) {
      WASMCAP_TRY(check_package_name_free(ctx, w.name, w.pos));
      WASMCAP_TRY(check_gate(ctx, w.gate, w.pos));
      World m;
      m.name = w.name;
      m.package = pkg;
      m.gate = w.gate;
      m.place = place(ctx, w.pos);
      out_.worlds.push_back(std::move(m));
      out_.packages[pkg].worlds.push_back(static_cast<Id>(out_.worlds.size() - 1));
      world_src_.push_back({&w, ctx, State::Todo});
    }
    return support::ok();
  }

  // WIT.md, "Rules for feature gate usage": a package with gates must have a version (the
  // versions gates name are relative to it).
  Status check_gate(const Context& ctx, const Gate& g, ast::Pos pos) const {
    if (g.empty() || !out_.packages[ctx.package].version.empty()) return support::ok();
    return invalid(ctx, pos,
                   "feature gates need a versioned package (`package " +
                       out_.packages[ctx.package].full_name() + "@x.y.z;`)");
  }

  // Interfaces and worlds share one namespace per package (case-insensitively).
  Status check_package_name_free(const Context& ctx, const std::string& name, ast::Pos pos) {
    if (!package_names_.emplace(ctx.package, lower(name)).second)
      return invalid(ctx, pos,
                     "duplicate name `" + name + "` in package `" +
                         out_.packages[ctx.package].full_name() + "`");
    return support::ok();
  }

  // ---- finding interfaces and worlds by path ----
  Result<Id> find_package(const Context& ctx, const ast::UsePath& path) {
    Id pkg = out_.find_package(path.ns, path.pkg, path.version);
    if (pkg == kNoId) {
      std::string name =
          path.ns + ":" + path.pkg + (path.version.empty() ? "" : "@" + path.version);
      return invalid(ctx, path.pos, "package `" + name + "` not found");
    }
    return pkg;
  }

  Result<Id> lookup_interface(const Context& ctx, const ast::UsePath& path) {
    Id pkg = ctx.package;
    if (path.qualified) {
      WASMCAP_ASSIGN(pkg, find_package(ctx, path));
    } else if (ctx.body) {
      // A top-level `use` names an interface for the whole file; its own path is looked up
      // in the package only, so `use a as b; use b as a;` cannot loop.
      for (const ast::TopUse& u : ctx.body->uses)
        if (u.as == path.name) return lookup_interface({ctx.file, nullptr, ctx.package}, u.path);
    }
    for (Id i : out_.packages[pkg].interfaces)
      if (out_.interfaces[i].name == path.name) return i;
    return invalid(ctx, path.pos,
                   "interface `" + path.name + "` not found in package `" +
                       out_.packages[pkg].full_name() + "`");
  }

  Result<Id> lookup_world(const Context& ctx, const ast::UsePath& path) {
    Id pkg = ctx.package;
    if (path.qualified) {
      WASMCAP_ASSIGN(pkg, find_package(ctx, path));
    }
    for (Id w : out_.packages[pkg].worlds)
      if (out_.worlds[w].name == path.name) return w;
    return invalid(ctx, path.pos,
                   "world `" + path.name + "` not found in package `" +
                       out_.packages[pkg].full_name() + "`");
  }

  // ---- scopes (an interface's or a world's names) ----
  std::vector<std::pair<std::string, Id>>& scope_of(Owner o) {
    return o.kind == Owner::Interface ? out_.interfaces[o.id].scope : out_.worlds[o.id].scope;
  }
  std::vector<Use>& uses_of(Owner o) {
    return o.kind == Owner::Interface ? out_.interfaces[o.id].uses : out_.worlds[o.id].uses;
  }
  std::vector<Id>& types_of(Owner o) {
    return o.kind == Owner::Interface ? out_.interfaces[o.id].types : out_.worlds[o.id].types;
  }

  Status add_to_scope(const Context& ctx, Owner o, const std::string& name, Id type, ast::Pos pos) {
    auto& scope = scope_of(o);
    for (const auto& [n, id] : scope)
      if (lower(n) == lower(name)) return invalid(ctx, pos, "duplicate name `" + name + "`");
    scope.emplace_back(name, type);
    return support::ok();
  }

  Id lookup_type(Owner o, const std::string& name) {
    for (const auto& [n, id] : scope_of(o))
      if (n == name) return id;
    return kNoId;
  }

  // ---- interfaces ----
  Status resolve_interface(Id id, std::optional<std::pair<Context, ast::Pos>> from) {
    InterfaceSource& src = iface_src_[id];
    if (src.state == State::Done) return support::ok();
    if (src.state == State::Busy)
      return invalid(from->first, from->second,
                     "interface `" + out_.interfaces[id].name +
                         "` depends on itself through `use`");
    // Resolution recurses along `use` and `include` chains; bounded so that a hostile set of
    // files fails with an error instead of exhausting the native stack.
    if (from && depth_ >= kMaxDepth)
      return invalid(from->first, from->second, "`use` chain too deep");
    src.state = State::Busy;
    DepthGuard guard(depth_);
    WASMCAP_TRY(resolve_items(src.ctx, Owner{Owner::Interface, id}, src.ast->uses, src.ast->types));
    for (const ast::Func& f : src.ast->funcs) {
      WASMCAP_ASSIGN(Function fn, resolve_function(src.ctx, Owner{Owner::Interface, id}, f, kNoId));
      WASMCAP_TRY(add_function(src.ctx, id, std::move(fn), f.pos));
    }
    iface_src_[id].state = State::Done;
    return support::ok();
  }

  Status add_function(const Context& ctx, Id iface, Function fn, ast::Pos pos) {
    Interface& i = out_.interfaces[iface];
    for (const Function& other : i.functions)
      if (lower(other.name) == lower(fn.name))
        return invalid(ctx, pos, "duplicate name `" + fn.name + "`");
    if (fn.kind == FunctionKind::Freestanding)
      for (const auto& [n, t] : i.scope)
        if (lower(n) == lower(fn.name))
          return invalid(ctx, pos, "duplicate name `" + fn.name + "`");
    i.functions.push_back(std::move(fn));
    return support::ok();
  }

  // `use`s and type definitions, shared by interfaces and worlds.
  Status resolve_items(const Context& ctx, Owner owner, const std::vector<ast::UseDecl>& uses,
                       const std::vector<ast::TypeDecl>& types) {
    for (const ast::UseDecl& u : uses) {
      WASMCAP_ASSIGN(Id from, lookup_interface(ctx, u.path));
      WASMCAP_TRY(resolve_interface(from, std::pair{ctx, u.path.pos}));
      WASMCAP_TRY(check_gate(ctx, u.gate, u.pos));
      Use use;
      use.from = from;
      use.gate = u.gate;
      for (const ast::UseName& n : u.names) {
        Id type = out_.interfaces[from].find_type(n.name);
        if (type == kNoId)
          return invalid(ctx, n.pos,
                         "type `" + n.name + "` not defined in interface `" +
                             out_.interface_full_name(from) + "`");
        WASMCAP_TRY(add_to_scope(ctx, owner, n.as, type, n.pos));
        use.names.push_back(n.name);
        use.locals.push_back(n.as);
      }
      uses_of(owner).push_back(std::move(use));
    }
    std::vector<Id> ids;
    for (const ast::TypeDecl& t : types) {
      WASMCAP_TRY(check_gate(ctx, t.gate, t.pos));
      TypeDef def;
      def.name = t.name;
      def.kind = t.kind;
      def.owner = owner;
      def.gate = t.gate;
      def.place = place(ctx, t.pos);
      out_.types.push_back(std::move(def));
      Id id = static_cast<Id>(out_.types.size() - 1);
      WASMCAP_TRY(add_to_scope(ctx, owner, t.name, id, t.pos));
      types_of(owner).push_back(id);
      ids.push_back(id);
    }
    // Bodies after all names, since a type may refer to one defined after it.
    for (size_t k = 0; k < types.size(); ++k)
      WASMCAP_TRY(resolve_typedef(ctx, owner, types[k], ids[k]));
    for (size_t k = 0; k < types.size(); ++k) {
      std::map<Id, State> seen;
      if (refers_to_itself(ids[k], ids[k], seen))
        return invalid(ctx, types[k].pos, "type `" + types[k].name + "` refers to itself");
    }
    return support::ok();
  }

  Status resolve_typedef(const Context& ctx, Owner owner, const ast::TypeDecl& t, Id id) {
    switch (t.kind) {
    case TypeDefKind::Alias: {
      WASMCAP_ASSIGN(Type target, resolve_type(ctx, owner, *t.alias));
      out_.types[id].alias = std::move(target);
      return support::ok();
    }
    case TypeDefKind::Record:
    case TypeDefKind::Variant: {
      std::vector<std::string> seen;
      for (const ast::Case& c : t.fields) {
        WASMCAP_TRY(check_unique(ctx, seen, c.name, c.pos));
        Field f{c.name, std::nullopt};
        if (c.type) {
          WASMCAP_ASSIGN(f.type, resolve_type(ctx, owner, *c.type));
        }
        out_.types[id].fields.push_back(std::move(f));
      }
      return support::ok();
    }
    case TypeDefKind::Enum:
    case TypeDefKind::Flags: {
      std::vector<std::string> seen;
      for (const ast::Case& c : t.fields) {
        WASMCAP_TRY(check_unique(ctx, seen, c.name, c.pos));
        out_.types[id].names.push_back(c.name);
      }
      return support::ok();
    }
    case TypeDefKind::Resource: {
      if (owner.kind != Owner::Interface && !t.funcs.empty())
        return invalid(ctx, t.pos, "resources with functions are only supported in interfaces");
      bool has_constructor = false;
      for (const ast::Func& f : t.funcs) {
        if (f.kind == FunctionKind::Constructor && std::exchange(has_constructor, true))
          return invalid(ctx, f.pos, "resource `" + t.name + "` has two constructors");
        WASMCAP_ASSIGN(Function fn, resolve_function(ctx, owner, f, id));
        Id index = static_cast<Id>(out_.interfaces[owner.id].functions.size());
        WASMCAP_TRY(add_function(ctx, owner.id, std::move(fn), f.pos));
        out_.types[id].resource_funcs.push_back(index);
      }
      return support::ok();
    }
    }
    return support::ok();
  }

  Status check_unique(const Context& ctx, std::vector<std::string>& seen, const std::string& name,
                      ast::Pos pos) {
    std::string key = lower(name);
    if (std::find(seen.begin(), seen.end(), key) != seen.end())
      return invalid(ctx, pos, "duplicate name `" + name + "`");
    seen.push_back(std::move(key));
    return support::ok();
  }

  // True when `start` contains itself by value (through aliases, records, variants, lists...;
  // handles do not count). Other owners' types were checked when they were resolved.
  bool refers_to_itself(Id start, Id at, std::map<Id, State>& seen) {
    const TypeDef& d = out_.types[at];
    if (seen[at] != State::Todo) return false;
    seen[at] = State::Busy;
    auto walk = [&](auto&& self, const Type& t) -> bool {
      if (t.kind == TypeKind::Named)
        return t.def == start ||
               (out_.types[t.def].owner == d.owner && refers_to_itself(start, t.def, seen));
      for (const Type& a : t.args)
        if (self(self, a)) return true;
      return false;
    };
    if (d.alias && walk(walk, *d.alias)) return true;
    for (const Field& f : d.fields)
      if (f.type && walk(walk, *f.type)) return true;
    seen[at] = State::Done;
    return false;
  }

  Result<Type> resolve_type(const Context& ctx, Owner owner, const ast::TypeExpr& e) {
    Type t;
    t.kind = e.kind;
    t.length = e.length;
    t.has_ok = e.has_ok;
    t.has_err = e.has_err;
    if (e.kind == TypeKind::Named || e.kind == TypeKind::Own || e.kind == TypeKind::Borrow) {
      Id def = lookup_type(owner, e.name);
      if (def == kNoId) return invalid(ctx, e.pos, "unknown type `" + e.name + "`");
      Id resource = resource_behind(def);
      if (e.kind == TypeKind::Named) {
        t.kind = out_.types[def].kind == TypeDefKind::Resource ? TypeKind::Own : TypeKind::Named;
      } else {
        if (resource == kNoId) return invalid(ctx, e.pos, "`" + e.name + "` is not a resource");
        def = resource;
      }
      t.def = def;
      return t;
    }
    for (const ast::TypeExpr& a : e.args) {
      WASMCAP_ASSIGN(Type arg, resolve_type(ctx, owner, a));
      t.args.push_back(std::move(arg));
    }
    return t;
  }

  // The resource a name stands for (itself, or through `type x = r;`), else kNoId.
  Id resource_behind(Id def) {
    for (size_t hops = 0; hops <= out_.types.size(); ++hops) {
      const TypeDef& d = out_.types[def];
      if (d.kind == TypeDefKind::Resource) return def;
      if (d.kind != TypeDefKind::Alias || !d.alias) return kNoId;
      if (d.alias->kind == TypeKind::Own) return d.alias->def;
      if (d.alias->kind != TypeKind::Named) return kNoId;
      def = d.alias->def;
    }
    return kNoId;
  }

  Result<Function> resolve_function(const Context& ctx, Owner owner, const ast::Func& f,
                                    Id resource) {
    WASMCAP_TRY(check_gate(ctx, f.gate, f.pos));
    Function fn;
    fn.item_name = f.name;
    fn.kind = f.kind;
    fn.resource = resource;
    fn.is_async = f.is_async;
    fn.gate = f.gate;
    fn.place = place(ctx, f.pos);
    const std::string res = resource == kNoId ? "" : out_.types[resource].name;
    switch (f.kind) {
    case FunctionKind::Freestanding: fn.name = f.name; break;
    case FunctionKind::Method:
      fn.name = "[method]" + res + "." + f.name;
      fn.params.push_back(Param{"self", Type{TypeKind::Borrow, resource, {}, 0, false, false}});
      break;
    case FunctionKind::Static: fn.name = "[static]" + res + "." + f.name; break;
    case FunctionKind::Constructor: fn.name = "[constructor]" + res; break;
    }
    std::vector<std::string> seen;
    if (f.kind == FunctionKind::Method) seen.push_back("self");
    for (const ast::NamedType& p : f.params) {
      WASMCAP_TRY(check_unique(ctx, seen, p.name, p.pos));
      WASMCAP_ASSIGN(Type t, resolve_type(ctx, owner, p.type));
      fn.params.push_back(Param{p.name, std::move(t)});
    }
    if (f.result) {
      WASMCAP_ASSIGN(fn.result, resolve_type(ctx, owner, *f.result));
    } else if (f.kind == FunctionKind::Constructor) {
      fn.result = Type{TypeKind::Own, resource, {}, 0, false, false};
    }
    return fn;
  }

  // ---- worlds ----
  Status resolve_world(Id id, std::optional<std::pair<Context, ast::Pos>> from) {
    WorldSource& src = world_src_[id];
    if (src.state == State::Done) return support::ok();
    if (src.state == State::Busy)
      return invalid(from->first, from->second,
                     "world `" + out_.worlds[id].name + "` includes itself");
    if (from && depth_ >= kMaxDepth)
      return invalid(from->first, from->second, "`include` chain too deep");
    src.state = State::Busy;
    DepthGuard guard(depth_);
    const ast::World& w = *src.ast;
    const Context ctx = src.ctx;
    Owner owner{Owner::World, id};
    WASMCAP_TRY(resolve_items(ctx, owner, w.uses, w.types));
    for (const ast::WorldItem& item : w.items) {
      WASMCAP_TRY(check_gate(ctx, item.gate, item.pos));
      switch (item.kind) {
      case ast::WorldItem::Path:
      case ast::WorldItem::NamedPath: {
        WASMCAP_ASSIGN(Id iface, lookup_interface(ctx, item.path));
        WASMCAP_TRY(resolve_interface(iface, std::pair{ctx, item.path.pos}));
        WorldItem m;
        m.kind = WorldItem::Interface;
        m.by_interface_name = item.kind == ast::WorldItem::Path;
        m.name = m.by_interface_name ? out_.interface_full_name(iface) : item.name;
        m.interface = iface;
        m.gate = item.gate;
        WASMCAP_TRY(add_world_item(ctx, id, item.is_export, std::move(m), item.pos, false));
        break;
      }
      case ast::WorldItem::InlineInterface: {
        Interface m;
        m.package = ctx.package;
        m.world = id;
        m.gate = item.gate;
        m.place = place(ctx, item.inline_interface.pos);
        out_.interfaces.push_back(std::move(m));
        Id iface = static_cast<Id>(out_.interfaces.size() - 1);
        iface_src_.push_back({&item.inline_interface, ctx, State::Todo});
        WASMCAP_TRY(resolve_interface(iface, {}));
        WorldItem wi;
        wi.kind = WorldItem::Interface;
        wi.name = item.name;
        wi.interface = iface;
        wi.gate = item.gate;
        WASMCAP_TRY(add_world_item(ctx, id, item.is_export, std::move(wi), item.pos, false));
        break;
      }
      case ast::WorldItem::Function: {
        WASMCAP_ASSIGN(Function fn, resolve_function(ctx, owner, item.func, kNoId));
        WorldItem wi;
        wi.kind = WorldItem::Function;
        wi.name = item.name;
        wi.function = std::move(fn);
        wi.gate = item.gate;
        WASMCAP_TRY(add_world_item(ctx, id, item.is_export, std::move(wi), item.pos, false));
        break;
      }
      case ast::WorldItem::Include: WASMCAP_TRY(include_world(ctx, id, item)); break;
      }
    }
    elaborate(id);
    world_src_[id].state = State::Done;
    return support::ok();
  }

  // Imports share one namespace, exports another (WIT.md, "WIT Worlds"). An item named by its
  // interface that is already there is merged when it comes from an `include`.
  Status add_world_item(const Context& ctx, Id world, bool is_export, WorldItem item, ast::Pos pos,
                        bool from_include) {
    auto& list = is_export ? out_.worlds[world].exports : out_.worlds[world].imports;
    for (const WorldItem& other : list) {
      if (lower(other.name) != lower(item.name)) continue;
      if (from_include && item.by_interface_name && other.by_interface_name) return support::ok();
      if (from_include)
        return invalid(ctx, pos,
                       std::string(is_export ? "export" : "import") + " `" + item.name +
                           "` of the included world conflicts with an existing one (rename it "
                           "with `with { " +
                           item.name + " as ... }`)");
      return invalid(ctx, pos,
                     std::string("duplicate ") + (is_export ? "export" : "import") + " `" +
                         item.name + "`");
    }
    list.push_back(std::move(item));
    return support::ok();
  }

  Status include_world(const Context& ctx, Id world, const ast::WorldItem& item) {
    WASMCAP_ASSIGN(Id other, lookup_world(ctx, item.path));
    WASMCAP_TRY(resolve_world(other, std::pair{ctx, item.path.pos}));
    std::vector<bool> used(item.with.size(), false);
    for (bool is_export : {false, true}) {
      // Copied: adding to our own lists may not disturb the included world's.
      std::vector<WorldItem> items =
          is_export ? out_.worlds[other].exports : out_.worlds[other].imports;
      for (WorldItem& wi : items) {
        if (!wi.by_interface_name) {
          for (size_t k = 0; k < item.with.size(); ++k) {
            if (item.with[k].name != wi.name) continue;
            wi.name = item.with[k].as;
            if (wi.function) wi.function->name = wi.name;
            used[k] = true;
            break;
          }
        }
        WASMCAP_TRY(add_world_item(ctx, world, is_export, std::move(wi), item.pos, true));
      }
    }
    for (size_t k = 0; k < item.with.size(); ++k)
      if (!used[k])
        return invalid(ctx, item.with[k].pos,
                       "`" + item.with[k].name +
                           "` is not a plain-named import or export of world `" +
                           out_.worlds[other].name + "`");
    return support::ok();
  }

  // The interfaces an interface's `use`s need, deepest first.
  void interface_deps(Id iface, std::vector<Id>& out) {
    for (const Use& u : out_.interfaces[iface].uses) {
      if (std::find(out.begin(), out.end(), u.from) != out.end()) continue;
      interface_deps(u.from, out);
      if (std::find(out.begin(), out.end(), u.from) == out.end()) out.push_back(u.from);
    }
  }

  // Adds, as imports, the interfaces that the world's own `use`s, its imports and its exports
  // depend on (WIT.md, "Transitive imports and worlds"); each dependency goes before the first
  // import that needs it, exports' ones at the end.
  void elaborate(Id world) {
    World& w = out_.worlds[world];
    std::vector<WorldItem> imports;
    auto has = [&](const std::vector<WorldItem>& list, Id iface) {
      for (const WorldItem& i : list)
        if (i.kind == WorldItem::Interface && i.interface == iface) return true;
      return false;
    };
    auto add_deps = [&](const std::vector<Id>& deps) {
      for (Id d : deps) {
        if (has(imports, d) || has(w.exports, d)) continue;
        WorldItem wi;
        wi.kind = WorldItem::Interface;
        wi.by_interface_name = true;
        wi.name = out_.interface_full_name(d);
        wi.interface = d;
        // A dependency listed later keeps its own place (and gate).
        bool later = false;
        for (const WorldItem& i : w.imports)
          later |= i.kind == WorldItem::Interface && i.interface == d;
        if (!later) imports.push_back(std::move(wi));
      }
    };
    std::vector<Id> deps;
    for (const Use& u : w.uses) {
      interface_deps(u.from, deps);
      if (std::find(deps.begin(), deps.end(), u.from) == deps.end()) deps.push_back(u.from);
    }
    add_deps(deps);
    for (WorldItem& i : w.imports) {
      if (i.kind == WorldItem::Interface) {
        std::vector<Id> d;
        interface_deps(i.interface, d);
        add_deps(d);
      }
      imports.push_back(std::move(i));
    }
    for (const WorldItem& e : w.exports) {
      if (e.kind != WorldItem::Interface) continue;
      std::vector<Id> d;
      interface_deps(e.interface, d);
      add_deps(d);
    }
    w.imports = std::move(imports);
  }

  static constexpr int kMaxDepth = 100;
  struct DepthGuard {
    explicit DepthGuard(int& d) : depth(d) { ++depth; }
    ~DepthGuard() { --depth; }
    int& depth;
  };
  int depth_ = 0;
  std::set<std::pair<Id, std::string>> package_names_; // (package, lowercased name)

  std::vector<ast::File> files_;
  std::vector<std::pair<size_t, size_t>> group_ranges_;
  std::vector<InterfaceSource> iface_src_;
  std::vector<WorldSource> world_src_;
  Resolve out_;
};

} // namespace

Result<Resolve> resolve_sources(const std::vector<SourceGroup>& groups) {
  return Resolver().run(groups);
}

Result<SourceGroup> read_directory(const std::filesystem::path& dir) {
  std::error_code ec;
  std::vector<std::filesystem::path> paths;
  for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
    if (it->path().extension() == ".wit" && it->is_regular_file(ec)) paths.push_back(it->path());
  if (ec) {
    support::Error e = support::make_error(ErrorKind::Io, "cannot read directory: " + ec.message());
    e.where.section = dir.string();
    return e;
  }
  std::sort(paths.begin(), paths.end());
  SourceGroup group;
  for (const auto& p : paths) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    if (!in) {
      support::Error e = support::make_error(ErrorKind::Io, "cannot read file");
      e.where.section = p.string();
      return e;
    }
    group.push_back(SourceFile{p.string(), text.str()});
  }
  return group;
}

Result<Resolve> load_packages(const std::filesystem::path& root,
                              const std::vector<std::filesystem::path>& deps) {
  std::vector<SourceGroup> groups;
  WASMCAP_ASSIGN(SourceGroup first, read_directory(root));
  groups.push_back(std::move(first));
  for (const auto& d : deps) {
    WASMCAP_ASSIGN(SourceGroup g, read_directory(d));
    groups.push_back(std::move(g));
  }
  return resolve_sources(groups);
}

} // namespace wasmcap::wit

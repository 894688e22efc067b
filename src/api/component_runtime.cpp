// The component runtime (component_runtime.h): walks a component's definitions in binary order
// once per instantiation, building runtime index spaces, and wraps core functions into lifted
// component functions and component functions into lowered core functions.
#include "api/component_runtime.h"

#include <algorithm>

#include "api/component_data.h"
#include "api/component_handles.h"
#include "api/module_data.h"
#include "component/flatten.h"
#include "ir/type_registry.h"
#include "runtime/store.h"

namespace wasmcap::detail {

using component::Alias;
using component::Canon;
using component::CoreSort;
using component::Definition;
using component::ExternType;
using component::Sort;
using component::Type;

namespace {

Error trap(std::string message) {
  return make_error(ErrorKind::Trap, std::move(message));
}

// A resource type defined by a component instance: its destructor runs in that instance.
struct GuestResource {
  std::optional<Func> dtor;
  InstanceState* impl = nullptr; // the instance that defined it, where the destructor runs
};

// The component instance whose `canon lower` is calling out, handed to the lifted function it
// calls (RFunc::call takes values only): the caller of definitions.py's may_enter_from.
thread_local InstanceState* t_caller = nullptr;

} // namespace

// ---- scopes ------------------------------------------------------------------------------------

// A core instance's exports by name, sorted for a binary search. The names are views of the
// core module's export names or of the component's own definitions, both alive as long as the
// instance: no name is copied per instantiation.
struct CoreExports {
  std::vector<std::pair<std::string_view, Extern>> items;

  // Sorts `items` (in declaration order) by name: by `order` when a ComponentPre recorded one,
  // else by comparing, writing the order into `record` if given.
  void sort(const std::vector<uint32_t>* order, std::vector<uint32_t>* record) {
    std::vector<uint32_t> computed;
    if (!order || order->size() != items.size()) {
      computed.resize(items.size());
      for (uint32_t i = 0; i < computed.size(); ++i)
        computed[i] = i;
      std::sort(computed.begin(), computed.end(),
                [&](uint32_t a, uint32_t b) { return items[a].first < items[b].first; });
      if (record) *record = computed;
      order = &computed;
    }
    std::vector<std::pair<std::string_view, Extern>> sorted;
    sorted.reserve(items.size());
    for (uint32_t i : *order)
      sorted.push_back(items[i]);
    items = std::move(sorted);
  }
  size_t index_of(std::string_view name) const {
    auto it = std::lower_bound(items.begin(), items.end(), name,
                               [](const auto& item, std::string_view n) { return item.first < n; });
    return it != items.end() && it->first == name ? static_cast<size_t>(it - items.begin())
                                                  : items.size();
  }
};

struct RScope {
  RScope* parent = nullptr; // lexical: the scope the component was defined in
  const component::ComponentInfo* info = nullptr;
  InstanceState st; // its handle table and Canonical ABI flags (component_handles.h)
  std::vector<RItem> funcs, types, instances, components, core_modules;
  std::vector<CoreExports> core_instances;
  std::vector<Func> core_funcs;
  std::vector<Memory> core_memories;
  std::vector<Table> core_tables;
  std::vector<Global> core_globals;
  std::vector<Tag> core_tags;
  // Static resource -> runtime identity: a few dozen at most, bound once each per instance, so
  // a vector searched from the newest (a rebinding wins) beats a map's node per entry.
  std::vector<std::pair<const component::ResourceId*, const void*>> rts;
  void bind_rt(const component::ResourceId* id, const void* rt) { rts.emplace_back(id, rt); }
  std::vector<std::unique_ptr<GuestResource>> own_resources;
  std::map<std::string, RItem, std::less<>> exports;

  const void* rt_for(const component::ResourceId* id) const {
    for (const RScope* s = this; s; s = s->parent) {
      for (auto it = s->rts.rbegin(); it != s->rts.rend(); ++it)
        if (it->first == id) return it->second;
    }
    return nullptr;
  }
  bool defines(const void* rt) const {
    for (const auto& r : own_resources) {
      if (r.get() == rt) return true;
    }
    return false;
  }
};

struct ComponentInstanceData {
  Store* store = nullptr;
  ComponentHost* host = nullptr;
  ComponentPre* pre = nullptr; // what the instantiation records or reads (may be null)
  std::shared_ptr<ComponentHost> host_owner;
  std::shared_ptr<const ComponentData> component;
  std::vector<std::unique_ptr<RScope>> scopes; // every scope stays alive with the instance
  RScope* top = nullptr;
};

namespace {

// ---- the Canonical ABI over a scope -----------------------------------------------------------

class ScopeAbi final : public component::AbiContext {
public:
  // `task`: the lifted call values are lowered into; `subtask`: the lowered call values are
  // lifted for (borrows lent to it).
  ScopeAbi(RScope& scope, const component::CanonOptions& o, CallTask* task, CallSubtask* subtask)
      : scope_(scope), task_(task), subtask_(subtask) {
    encoding = o.encoding;
    if (o.memory && *o.memory < scope.core_memories.size())
      memory_ = &scope.core_memories[*o.memory];
    if (o.realloc && *o.realloc < scope.core_funcs.size()) realloc_ = scope.core_funcs[*o.realloc];
  }

  std::span<uint8_t> memory() override {
    if (!memory_) return {};
    return {memory_->data(), static_cast<size_t>(memory_->size_bytes())};
  }

  Result<uint32_t> realloc(uint32_t old_ptr, uint32_t old_size, uint32_t align,
                           uint32_t new_size) override {
    if (!realloc_) return trap("canonical option `realloc` is required");
    NoLeave no_leave(scope_.st);
    const Value args[4] = {Value::make_i32(old_ptr), Value::make_i32(old_size),
                           Value::make_i32(align), Value::make_i32(new_size)};
    WASMCAP_ASSIGN(std::vector<Value> r, realloc_->call(args));
    if (r.size() != 1 || r[0].type != ValType::I32) return trap("realloc has the wrong type");
    return r[0].i32;
  }

  Result<Val> lift_own(uint32_t index, const Type& t) override {
    WASMCAP_ASSIGN(Handle * h, scope_.st.handles.get(index));
    if (!h->own)
      return trap("handle " + std::to_string(index) + " is a borrow, an own was expected");
    WASMCAP_TRY(check_type(*h, t, index));
    WASMCAP_ASSIGN(const Handle taken, scope_.st.handles.remove(index));
    Val v = Val::make(Val::Kind::Own, taken.rep);
    v.resource = taken.rt;
    return v;
  }

  Result<Val> lift_borrow(uint32_t index, const Type& t) override {
    WASMCAP_ASSIGN(Handle * h, scope_.st.handles.get(index));
    WASMCAP_TRY(check_type(*h, t, index));
    // Lent to the call until it returns: the handle cannot be removed meanwhile.
    if (subtask_) subtask_->lend(index, *h);
    Val v = Val::make(Val::Kind::Borrow, h->rep);
    v.resource = h->rt;
    return v;
  }

  Result<uint32_t> lower_own(const Val& v, const Type& t) override {
    if (v.kind != Val::Kind::Own) return trap("value does not match its type (an own handle)");
    return scope_.st.handles.add({resource_of(v, t), static_cast<uint32_t>(v.bits), true, true});
  }

  Result<uint32_t> lower_borrow(const Val& v, const Type& t) override {
    if (v.kind != Val::Kind::Borrow && v.kind != Val::Kind::Own) {
      return trap("value does not match its type (a borrow handle)");
    }
    const void* rt = resource_of(v, t);
    // A borrow of a resource this instance defines is its representation (CanonicalABI.md:
    // lower_borrow), else a handle that lives for the call.
    if (scope_.defines(rt)) return static_cast<uint32_t>(v.bits);
    Handle h{rt, static_cast<uint32_t>(v.bits), false, true};
    h.scope = task_;
    if (task_) task_->borrowed();
    return scope_.st.handles.add(h);
  }

private:
  const void* resource_of(const Val& v, const Type& t) const {
    if (v.resource) return v.resource;
    return t.resource ? scope_.rt_for(t.resource.get()) : nullptr;
  }
  Status check_type(const Handle& h, const Type& t, uint32_t index) const {
    const void* want = t.resource ? scope_.rt_for(t.resource.get()) : nullptr;
    if (want && h.rt && want != h.rt) {
      return trap("handle " + std::to_string(index) + " is of another resource type");
    }
    return ok();
  }

  RScope& scope_;
  CallTask* task_ = nullptr;
  CallSubtask* subtask_ = nullptr;
  Memory* memory_ = nullptr;
  std::optional<Func> realloc_;
};

// Flat bits <-> core values of the given types.
std::vector<Value> to_values(std::span<const uint64_t> bits, std::span<const ValType> types) {
  std::vector<Value> out;
  for (size_t i = 0; i < types.size() && i < bits.size(); ++i) {
    switch (types[i]) {
    case ValType::I64: out.push_back(Value::make_i64(bits[i])); break;
    case ValType::F32: out.push_back(Value::make_f32_bits(static_cast<uint32_t>(bits[i]))); break;
    case ValType::F64: out.push_back(Value::make_f64_bits(bits[i])); break;
    default: out.push_back(Value::make_i32(static_cast<uint32_t>(bits[i]))); break;
    }
  }
  return out;
}

uint64_t to_bits(const Value& v) {
  switch (v.type) {
  case ValType::I64: return v.i64;
  case ValType::F32: return v.f32_bits;
  case ValType::F64: return v.f64_bits;
  default: return v.i32;
  }
}

// ---- instantiation --------------------------------------------------------------------------

class Instantiator {
public:
  explicit Instantiator(ComponentInstanceData& inst) : inst_(inst) {}

  Result<RScope*> instantiate(const component::Component& c, RScope* parent,
                              const std::map<std::string, RItem, std::less<>>* args) {
    auto owned = std::make_unique<RScope>();
    RScope* s = owned.get();
    s->parent = parent;
    // may_enter's ancestors: the lexical parent, which is the instantiating instance unless an
    // outer alias carried the component into a nested scope first.
    s->st.parent = parent ? &parent->st : nullptr;
    s->info = &inst_.component->info;
    inst_.scopes.push_back(std::move(owned));
    ComponentPre* pre = inst_.pre;
    if (pre && pre->ready) {
      if (auto it = pre->scope_sizes.find(&c); it != pre->scope_sizes.end())
        reserve(*s, it->second);
    }
    for (const Definition& d : c.definitions)
      WASMCAP_TRY(definition(*s, d, args));
    if (pre && !pre->ready) pre->scope_sizes[&c] = sizes(*s);
    return s;
  }

private:
  ComponentInstanceData& inst_;

  using ScopeSizes = std::array<uint32_t, 11>; // ComponentPre::scope_sizes
  static ScopeSizes sizes(const RScope& s) {
    auto n = [](const auto& v) { return static_cast<uint32_t>(v.size()); };
    return {n(s.funcs),        n(s.types),          n(s.instances),  n(s.components),
            n(s.core_modules), n(s.core_instances), n(s.core_funcs), n(s.core_memories),
            n(s.core_tables),  n(s.core_globals),   n(s.core_tags)};
  }
  static void reserve(RScope& s, const ScopeSizes& z) {
    s.funcs.reserve(z[0]);
    s.types.reserve(z[1]);
    s.instances.reserve(z[2]);
    s.components.reserve(z[3]);
    s.core_modules.reserve(z[4]);
    s.core_instances.reserve(z[5]);
    s.core_funcs.reserve(z[6]);
    s.core_memories.reserve(z[7]);
    s.core_tables.reserve(z[8]);
    s.core_globals.reserve(z[9]);
    s.core_tags.reserve(z[10]);
  }

  const ExternType* item_type(const Definition& d) const {
    auto it = inst_.component->info.items.find(&d);
    return it == inst_.component->info.items.end() ? nullptr : it->second.get();
  }

  Store& store() { return *inst_.store; }

  // The core type of a lift or lower: flattened once per component when a ComponentPre is
  // given (flattening allocates, and the same few types come back for every instance).
  ComponentPre::CoreType flat_type(const Canon& c, const Type& type, bool lift) {
    ComponentPre* pre = inst_.pre;
    if (pre && pre->ready) {
      auto it = pre->core_types.find(&c);
      if (it != pre->core_types.end()) return it->second;
    }
    auto t = std::make_shared<const ir::FuncType>(component::flatten_functype(type, lift));
    ComponentPre::CoreType ct{t, ir::canonical_func_type(*t)};
    if (pre && !pre->ready) pre->core_types.emplace(&c, ct);
    return ct;
  }

  // A top-level import from the host, or from what a ComponentPre recorded of it.
  Result<RItem> provide(const std::string& name, const ExternType& type) {
    ComponentPre* pre = inst_.pre;
    if (pre && pre->ready) {
      auto it = pre->imports.find(&type);
      if (it != pre->imports.end()) return it->second;
    }
    WASMCAP_ASSIGN(RItem item, inst_.host->provide(name, type));
    if (pre && !pre->ready) pre->imports.emplace(&type, item);
    return item;
  }

  static void push(RScope& s, const RItem& item) {
    switch (item.kind) {
    case ExternType::Kind::Func: s.funcs.push_back(item); break;
    case ExternType::Kind::Type: s.types.push_back(item); break;
    case ExternType::Kind::Instance: s.instances.push_back(item); break;
    case ExternType::Kind::Component: s.components.push_back(item); break;
    case ExternType::Kind::CoreModule: s.core_modules.push_back(item); break;
    case ExternType::Kind::Value: break;
    }
  }

  // Binds the static resources of an imported item's type to the runtime ones it brings.
  using Bindings = std::vector<std::pair<const component::ResourceId*, const void*>>;
  static void bind_resources(RScope& s, const ExternType& type, const RItem& item) {
    find_bindings(type, item,
                  [&](const component::ResourceId* id, const void* rt) { s.bind_rt(id, rt); });
  }
  template <class F> static void find_bindings(const ExternType& type, const RItem& item, F&& f) {
    if (type.kind == ExternType::Kind::Type && type.type && type.type->resource && item.rt) {
      f(type.type->resource.get(), item.rt);
    }
    if (type.kind == ExternType::Kind::Instance && item.instance && type.type) {
      for (const component::NamedExtern& e : type.type->exports) {
        auto it = item.instance->exports.find(e.name);
        if (it != item.instance->exports.end()) find_bindings(*e.type, it->second, f);
      }
    }
  }
  // An import's bindings, found once when a ComponentPre records them.
  void bind_import(RScope& s, const ExternType& type, const RItem& item) {
    ComponentPre* pre = inst_.pre;
    const Bindings* b = nullptr;
    Bindings found;
    if (pre && pre->ready) {
      auto it = pre->bindings.find(&type);
      if (it != pre->bindings.end()) b = &it->second;
    }
    if (!b) {
      find_bindings(type, item, [&](const component::ResourceId* id, const void* rt) {
        found.emplace_back(id, rt);
      });
      if (pre && !pre->ready) pre->bindings[&type] = found;
      b = &found;
    }
    for (const auto& [id, rt] : *b)
      s.bind_rt(id, rt);
  }

  Result<std::shared_ptr<const Module>> core_module(const component::CoreModuleRef& ref) {
    const ComponentData& cd = *inst_.component;
    std::lock_guard lock(cd.modules_mu);
    auto it = cd.modules.find(ref.offset);
    if (it != cd.modules.end()) return it->second;
    WASMCAP_ASSIGN(Module m,
                   Module::from_binary(store().engine(), std::span<const uint8_t>(cd.bytes).subspan(
                                                             ref.offset, ref.size)));
    auto shared = std::make_shared<const Module>(std::move(m));
    cd.modules.emplace(ref.offset, shared);
    return shared;
  }

  Result<Extern> core_item(RScope& s, CoreSort sort, uint32_t index) {
    auto pick = [&](auto& space, const char* what) -> Result<Extern> {
      if (index >= space.size())
        return make_error(ErrorKind::Unlinkable, std::string("unknown core ") + what);
      return Extern(space[index]);
    };
    switch (sort) {
    case CoreSort::Func: return pick(s.core_funcs, "func");
    case CoreSort::Memory: return pick(s.core_memories, "memory");
    case CoreSort::Table: return pick(s.core_tables, "table");
    case CoreSort::Global: return pick(s.core_globals, "global");
    case CoreSort::Tag: return pick(s.core_tags, "tag");
    default: break;
    }
    return make_error(ErrorKind::Unlinkable, "unsupported core export sort");
  }

  static void push_core(RScope& s, const Extern& e) {
    switch (e.kind()) {
    case ExternKind::Func: s.core_funcs.push_back(*e.func()); break;
    case ExternKind::Memory: s.core_memories.push_back(*e.memory()); break;
    case ExternKind::Table: s.core_tables.push_back(*e.table()); break;
    case ExternKind::Global: s.core_globals.push_back(*e.global()); break;
    case ExternKind::Tag: s.core_tags.push_back(*e.tag()); break;
    }
  }

  Result<RItem> item_at(RScope& s, const component::SortIdx& si) {
    auto pick = [&](std::vector<RItem>& space) -> Result<RItem> {
      if (si.index >= space.size()) return make_error(ErrorKind::Unlinkable, "unknown item index");
      return space[si.index];
    };
    switch (si.sort) {
    case Sort::Func: return pick(s.funcs);
    case Sort::Type: return pick(s.types);
    case Sort::Instance: return pick(s.instances);
    case Sort::Component: return pick(s.components);
    case Sort::Core:
      if (si.core == CoreSort::Module) return pick(s.core_modules);
      break;
    default: break;
    }
    return make_error(ErrorKind::Unlinkable, "unsupported item sort");
  }

  // canon lift: a component function around core function `core`.
  RItem lift(RScope& s, const Canon& c, const TypePtr& type) {
    auto f = std::make_shared<RFunc>();
    f->type = type;
    const Func core = s.core_funcs[c.func];
    std::optional<Func> post_return;
    if (c.options.post_return) post_return = s.core_funcs[*c.options.post_return];
    const std::shared_ptr<const ir::FuncType> core_type = flat_type(c, *type, true).type;
    RScope* scope = &s;
    const component::CanonOptions options = c.options;
    f->call = [scope, options, type, core, post_return, core_type](std::span<const Val> args,
                                                                   ComponentHost&) -> CallResult {
      Entered entered;
      WASMCAP_TRY(entered.enter(scope->st, std::exchange(t_caller, nullptr)));
      CallTask task(scope->st.handles);
      ScopeAbi cx(*scope, options, &task, nullptr);
      WASMCAP_ASSIGN(std::vector<uint64_t> flat, component::lower_export_args(cx, *type, args));
      const std::vector<Value> core_args = to_values(flat, core_type->params);
      WASMCAP_ASSIGN(std::vector<Value> core_results, core.call(core_args));
      std::vector<uint64_t> result_bits;
      for (const Value& v : core_results)
        result_bits.push_back(to_bits(v));
      WASMCAP_ASSIGN(std::optional<Val> r, component::lift_export_result(cx, *type, result_bits));
      WASMCAP_TRY(task.finish());
      if (post_return) {
        NoLeave no_leave(scope->st);
        WASMCAP_TRY(post_return->call(core_results));
      }
      return r;
    };
    RItem item;
    item.kind = ExternType::Kind::Func;
    item.func = std::move(f);
    item.type = type;
    return item;
  }

  // canon lower: a core function around component function `callee`.
  Func lower(RScope& s, const Canon& c, const std::shared_ptr<RFunc>& callee) {
    const ComponentPre::CoreType ct = flat_type(c, *callee->type, false);
    const ir::FuncType* core_type = ct.type.get(); // kept alive by the function made below
    RScope* scope = &s;
    ComponentHost* host = inst_.host;
    const component::CanonOptions options = c.options;
    HostCallback cb = [scope, host, options, callee,
                       core_type](std::span<const Value> args, std::span<Value> results) -> Status {
      WASMCAP_TRY(check_may_leave(scope->st));
      CallSubtask subtask(scope->st.handles);
      ScopeAbi cx(*scope, options, nullptr, &subtask);
      std::vector<uint64_t> bits;
      bits.reserve(args.size());
      for (const Value& v : args)
        bits.push_back(to_bits(v));
      WASMCAP_ASSIGN(std::vector<Val> vals, component::lift_call_args(cx, *callee->type, bits));
      InstanceState* const saved = std::exchange(t_caller, &scope->st);
      CallResult called = callee->call(vals, *host);
      t_caller = saved;
      WASMCAP_ASSIGN(std::optional<Val> r, std::move(called));
      std::vector<uint64_t> out;
      WASMCAP_TRY(component::lower_call_result(cx, *callee->type, r, bits, out));
      const std::vector<Value> vs = to_values(out, core_type->results);
      for (size_t i = 0; i < results.size() && i < vs.size(); ++i)
        results[i] = vs[i];
      return ok();
    };
    return Func(&store(), store().impl().create_host_function(ct.type, ct.id, std::move(cb)));
  }

  Func resource_builtin(RScope& s, const Canon& c, const TypePtr& rtype) {
    RScope* scope = &s;
    ComponentHost* host = inst_.host;
    const component::ResourceId* id = rtype->resource.get();
    ir::FuncType ft{{ValType::I32}, {}};
    if (c.kind != Canon::Kind::ResourceDrop) ft.results.push_back(ValType::I32);
    HostCallback cb;
    switch (c.kind) {
    case Canon::Kind::ResourceNew:
      cb = [scope, id](std::span<const Value> a, std::span<Value> r) -> Status {
        WASMCAP_TRY(check_may_leave(scope->st));
        r[0] = Value::make_i32(scope->st.handles.add({scope->rt_for(id), a[0].i32, true, true}));
        return ok();
      };
      break;
    case Canon::Kind::ResourceRep:
      cb = [scope, id](std::span<const Value> a, std::span<Value> r) -> Status {
        WASMCAP_ASSIGN(Handle * h, scope->st.handles.get(a[0].i32));
        if (h->rt != scope->rt_for(id)) return trap("handle is of another resource type");
        r[0] = Value::make_i32(h->rep);
        return ok();
      };
      break;
    default:
      cb = [scope, id, host](std::span<const Value> a, std::span<Value>) -> Status {
        WASMCAP_TRY(check_may_leave(scope->st));
        WASMCAP_ASSIGN(Handle * h, scope->st.handles.get(a[0].i32));
        const void* want = scope->rt_for(id);
        if (want && h->rt != want) return trap("handle is of another resource type");
        WASMCAP_ASSIGN(const Handle dropped, scope->st.handles.remove(a[0].i32));
        if (!dropped.own) {
          if (dropped.scope) dropped.scope->borrow_dropped();
          return ok();
        }
        if (host->owns(dropped.rt)) return host->drop(dropped.rt, dropped.rep);
        const auto* guest = static_cast<const GuestResource*>(dropped.rt);
        if (guest && guest->dtor) {
          // The destructor runs in the defining instance, entered from this one.
          Entered entered;
          if (guest->impl) WASMCAP_TRY(entered.enter(*guest->impl, &scope->st));
          const Value arg = Value::make_i32(dropped.rep);
          WASMCAP_TRY(guest->dtor->call(std::span<const Value>(&arg, 1)));
        }
        return ok();
      };
      break;
    }
    return Func::create_host(store(), ft, std::move(cb));
  }

  Status definition(RScope& s, const Definition& d,
                    const std::map<std::string, RItem, std::less<>>* args) {
    using K = Definition::Kind;
    const ExternType* et = item_type(d);
    switch (d.kind) {
    case K::CoreModule: {
      WASMCAP_ASSIGN(auto m, core_module(d.core_module));
      RItem item;
      item.kind = ExternType::Kind::CoreModule;
      item.module = std::move(m);
      s.core_modules.push_back(std::move(item));
      return ok();
    }
    case K::CoreInstance: {
      const component::CoreInstance& ci = d.core_instance;
      CoreExports exports;
      ComponentPre* pre = inst_.pre;
      const ComponentPre::CoreInstancePlan* plan = nullptr;
      ComponentPre::CoreInstancePlan* record = nullptr;
      if (pre && pre->ready) {
        auto it = pre->core_instances.find(&ci);
        if (it != pre->core_instances.end()) plan = &it->second;
      } else if (pre) {
        record = &pre->core_instances[&ci];
        record->import_at.clear(); // a nested component instantiated again: the last one counts
      }
      if (ci.instantiate) {
        const std::shared_ptr<const Module>& m = s.core_modules[ci.module].module;
        const ir::Module& module = *m->data()->module;
        if (plan && plan->module != &module) plan = nullptr;
        if (record) record->module = &module;
        std::vector<Extern> imports;
        imports.reserve(module.imports.size());
        for (const ir::Import& imp : module.imports) {
          // Arguments are few (a handful of instances): a scan, no map.
          const CoreExports* from = nullptr;
          for (const auto& a : ci.args) {
            if (a.name == imp.module) from = &s.core_instances[a.instance];
          }
          if (!from)
            return make_error(ErrorKind::Unlinkable,
                              "missing module instantiation argument `" + imp.module + "`");
          // Where the plan found it, if the name is still there; else a binary search.
          const size_t i = imports.size();
          size_t at = from->items.size();
          if (plan && i < plan->import_at.size() && plan->import_at[i] < from->items.size() &&
              from->items[plan->import_at[i]].first == imp.name) {
            at = plan->import_at[i];
          } else {
            at = from->index_of(imp.name);
          }
          if (at == from->items.size())
            return make_error(ErrorKind::Unlinkable,
                              "`" + imp.module + "` has no export `" + imp.name + "`");
          if (record) record->import_at.push_back(static_cast<uint32_t>(at));
          imports.push_back(from->items[at].second);
        }
        WASMCAP_ASSIGN(Instance instance, Instance::create(store(), *m, imports));
        exports.items.reserve(module.exports.size());
        for (size_t i = 0; i < module.exports.size(); ++i)
          exports.items.emplace_back(module.exports[i].name, instance_export(instance, i));
      } else {
        exports.items.reserve(ci.exports.size());
        for (const auto& e : ci.exports) {
          WASMCAP_ASSIGN(Extern x, core_item(s, e.sort, e.index));
          exports.items.emplace_back(e.name, x);
        }
      }
      exports.sort(plan ? &plan->order : nullptr, record ? &record->order : nullptr);
      s.core_instances.push_back(std::move(exports));
      return ok();
    }
    case K::CoreType: return ok();
    case K::Component: {
      RItem item;
      item.kind = ExternType::Kind::Component;
      item.component = std::make_shared<RComponent>(RComponent{d.component.get(), &s});
      s.components.push_back(std::move(item));
      return ok();
    }
    case K::Instance: {
      const component::Instance& in = d.instance;
      auto ri = std::make_shared<RInstance>();
      if (in.instantiate) {
        const RItem& comp = s.components[in.component];
        std::map<std::string, RItem, std::less<>> inner_args;
        for (const auto& a : in.args) {
          WASMCAP_ASSIGN(RItem item, item_at(s, a.item));
          inner_args.emplace(a.name, std::move(item));
        }
        WASMCAP_ASSIGN(RScope * inner,
                       instantiate(*comp.component->ast, comp.component->parent, &inner_args));
        ri->exports = inner->exports;
      } else {
        for (const auto& e : in.exports) {
          WASMCAP_ASSIGN(RItem item, item_at(s, e.item));
          ri->exports.emplace(e.name.name, std::move(item));
        }
      }
      RItem item;
      item.kind = ExternType::Kind::Instance;
      item.instance = std::move(ri);
      if (et) item.type = et->type;
      s.instances.push_back(std::move(item));
      return ok();
    }
    case K::Alias: return alias(s, d.alias, et);
    case K::Type: {
      RItem item;
      item.kind = ExternType::Kind::Type;
      if (et) item.type = et->type;
      if (item.type && item.type->kind == Type::Kind::Resource && item.type->resource) {
        auto r = std::make_unique<GuestResource>();
        if (d.type->resource.dtor) r->dtor = s.core_funcs[*d.type->resource.dtor];
        r->impl = &s.st;
        item.rt = r.get();
        s.bind_rt(item.type->resource.get(), item.rt);
        s.own_resources.push_back(std::move(r));
      }
      s.types.push_back(std::move(item));
      return ok();
    }
    case K::Canon: {
      const Canon& c = d.canon;
      if (!et) return make_error(ErrorKind::Unlinkable, "canonical definition without a type");
      switch (c.kind) {
      case Canon::Kind::Lift: s.funcs.push_back(lift(s, c, et->type)); return ok();
      case Canon::Kind::Lower:
        s.core_funcs.push_back(lower(s, c, s.funcs[c.func].func));
        return ok();
      default: s.core_funcs.push_back(resource_builtin(s, c, et->type)); return ok();
      }
    }
    case K::Import: {
      if (!et) return make_error(ErrorKind::Unlinkable, "import without a type");
      const std::string& name = d.import.name.name;
      RItem item;
      if (args) {
        auto it = args->find(name);
        if (it == args->end())
          return make_error(ErrorKind::Unlinkable, "missing import named `" + name + "`");
        item = it->second;
      } else {
        WASMCAP_ASSIGN(item, provide(name, *et));
      }
      if (!item.type) item.type = et->type;
      // Only the host's items are the same for every instance (a nested component's arguments
      // are this instance's own).
      if (args)
        bind_resources(s, *et, item);
      else
        bind_import(s, *et, item);
      push(s, item);
      return ok();
    }
    case K::Export: {
      WASMCAP_ASSIGN(RItem item, item_at(s, d.export_.item));
      if (et && item.kind == ExternType::Kind::Func) item.type = et->type;
      s.exports[d.export_.name.name] = item;
      push(s, item);
      return ok();
    }
    case K::Start:
    case K::Value: break;
    }
    return make_error(ErrorKind::Unlinkable, "unsupported definition");
  }

  // The export `a` names of `from`; remembered in a ComponentPre when `from` is one of the
  // host's instances it recorded (the same object, with the same items, every time).
  Result<const RItem*> alias_export(const Alias& a, const RInstance& from) {
    ComponentPre* pre = inst_.pre;
    if (pre && pre->ready) {
      auto known = pre->aliases.find(&a);
      if (known != pre->aliases.end() && known->second.first == &from) return known->second.second;
    }
    auto it = from.exports.find(a.name);
    if (it == from.exports.end())
      return make_error(ErrorKind::Unlinkable, "instance has no export `" + a.name + "`");
    if (pre && !pre->ready) {
      for (const auto& [type, item] : pre->imports) {
        if (item.instance.get() == &from) pre->aliases[&a] = {&from, &it->second};
      }
    }
    return &it->second;
  }

  Status alias(RScope& s, const Alias& a, const ExternType* et) {
    switch (a.kind) {
    case Alias::Kind::CoreExport: {
      const CoreExports& from = s.core_instances[a.instance];
      const size_t at = from.index_of(a.name);
      if (at == from.items.size())
        return make_error(ErrorKind::Unlinkable, "core instance has no export `" + a.name + "`");
      push_core(s, from.items[at].second);
      return ok();
    }
    case Alias::Kind::Export: {
      const RItem& inst = s.instances[a.instance];
      WASMCAP_ASSIGN(const RItem* found, alias_export(a, *inst.instance));
      RItem item = *found;
      if (et) {
        if (!item.type) item.type = et->type;
        bind_resources(s, *et, item);
      }
      push(s, item);
      return ok();
    }
    case Alias::Kind::Outer: {
      RScope* target = &s;
      for (uint32_t i = 0; i < a.count && target; ++i)
        target = target->parent;
      if (!target) return make_error(ErrorKind::Unlinkable, "outer alias out of range");
      if (a.sort == Sort::Type) {
        RItem item = a.index < target->types.size() ? target->types[a.index] : RItem{};
        item.kind = ExternType::Kind::Type;
        if (et && !item.type) item.type = et->type;
        s.types.push_back(item);
      } else if (a.sort == Sort::Component) {
        s.components.push_back(target->components[a.index]);
      } else if (a.sort == Sort::Core && a.core == CoreSort::Module) {
        s.core_modules.push_back(target->core_modules[a.index]);
      }
      return ok();
    }
    }
    return ok();
  }
};

} // namespace

Result<std::shared_ptr<ComponentInstanceData>>
instantiate_component(Store& store, const Component& c, std::shared_ptr<ComponentHost> host,
                      ComponentPre* pre) {
  auto inst = std::make_shared<ComponentInstanceData>();
  inst->store = &store;
  inst->host = host.get();
  inst->pre = pre;
  inst->host_owner = std::move(host);
  inst->component = c.data();
  Instantiator in(*inst);
  WASMCAP_ASSIGN(inst->top, in.instantiate(inst->component->ast, nullptr, nullptr));
  return inst;
}

wasi::p2::P2Ctx* instance_p2(const ComponentInstanceData& inst) {
  return inst.host->p2();
}

CallResult call_func(const ComponentInstanceData& inst, const RFunc& f, std::span<const Val> args) {
  return f.call(args, *inst.host);
}

namespace {

// "wasi:cli/run@0.2.3" matches "wasi:cli/run@0.2.12": the same interface, any 0.2.x.
bool same_interface(std::string_view a, std::string_view b) {
  if (a == b) return true;
  const size_t at_a = a.find('@'), at_b = b.find('@');
  if (at_a == std::string_view::npos || at_b == std::string_view::npos) return false;
  return a.substr(0, at_a) == b.substr(0, at_b) && a.substr(at_a, 5) == "@0.2." &&
         b.substr(at_b, 5) == "@0.2.";
}

} // namespace

std::shared_ptr<RFunc> find_export_func(const ComponentInstanceData& inst,
                                        std::string_view instance, std::string_view name) {
  for (const auto& [ename, item] : inst.top->exports) {
    if (instance.empty()) {
      if (ename == name && item.kind == ExternType::Kind::Func) return item.func;
      continue;
    }
    if (!same_interface(ename, instance) || !item.instance) continue;
    auto it = item.instance->exports.find(name);
    if (it != item.instance->exports.end() && it->second.kind == ExternType::Kind::Func)
      return it->second.func;
  }
  return nullptr;
}

const std::map<std::string, RItem, std::less<>>&
component_exports(const ComponentInstanceData& inst) {
  return inst.top->exports;
}

TypePtr export_func_type(const ComponentInstanceData& inst, std::string_view instance,
                         std::string_view name) {
  auto f = find_export_func(inst, instance, name);
  return f ? f->type : nullptr;
}

} // namespace wasmcap::detail

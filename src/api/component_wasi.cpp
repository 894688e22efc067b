// WASI 0.2 for components: the ComponentHost that serves `wasi:*` instance imports from the
// WASI 0.2 host (src/wasi/p2) over the same WasiCtx as preview1, and Wasi::run_component.
#include "api/component_runtime.h"
#include "wasi/p2/host.h"
#include "wasi/p2_groups.h"
#include "wasi/wasi_ctx.h"
#include "wasmcap/wasi.h"

namespace wasmcap {

namespace {

using component::ExternType;
using detail::RFunc;
using detail::RInstance;
using detail::RItem;

class WasiComponentHost final : public detail::ComponentHost {
public:
  explicit WasiComponentHost(wasi::WasiCtx& ctx) : p2_(ctx) {}

  Result<RItem> provide(const std::string& name, const ExternType& type) override {
    if (type.kind != ExternType::Kind::Instance || !type.type) {
      return make_error(ErrorKind::Unlinkable,
                        "import `" + name + "` is not a WASI 0.2 interface (wasmcap provides " +
                            "instances of wasi:* interfaces, version 0.2.x)");
    }
    auto inst = std::make_shared<RInstance>();
    for (const component::NamedExtern& e : type.type->exports) {
      RItem item;
      item.kind = e.type->kind;
      item.type = e.type->type;
      if (e.type->kind == ExternType::Kind::Func) {
        const wasi::p2::HostFunction* hf = wasi::p2::find_host_function(name, e.name);
        if (!hf) {
          return make_error(ErrorKind::Unlinkable, "`" + name + "` function `" + e.name +
                                                       "` is not provided by the WASI 0.2 host");
        }
        auto f = std::make_shared<RFunc>();
        f->type = e.type->type;
        // The context comes from the instance calling (its host), not from this host: the
        // item may be recorded in a ComponentPre and serve every later instance.
        f->call = [hf](std::span<const component::Val> args,
                       detail::ComponentHost& host) -> detail::CallResult {
          wasi::p2::P2Ctx* cx = host.p2();
          if (!cx) return make_error(ErrorKind::Trap, "a WASI 0.2 function called outside WASI");
          return hf->fn(*cx, args);
        };
        // The policy, for the interfaces whose functions have no error to answer with
        // (wasi:filesystem and wasi:sockets refuse with their own error codes, and log it):
        // a denied group's function traps when called, with an audit line, as preview1's
        // refused proc_exit does.
        const std::string_view iface = name;
        const bool self_policed = iface.rfind("wasi:filesystem/", 0) == 0 ||
                                  iface.rfind("wasi:sockets/", 0) == 0 ||
                                  iface.rfind("wasi:http/", 0) == 0;
        const auto group = wasi::p2_capability_group(name, e.name);
        if (group && !self_policed && !p2_.wasi().observer().config().allowed.has(*group)) {
          const std::string what = name + " " + e.name;
          f->call = [what, g = *group, fname = e.name,
                     iname = std::string(name)](std::span<const component::Val>,
                                                detail::ComponentHost& host) -> detail::CallResult {
            if (wasi::p2::P2Ctx* cx = host.p2())
              cx->wasi().observer().refused_p2(iname, fname, "", "denied by policy", g);
            return make_error(ErrorKind::Trap, what + ": denied by policy (" +
                                                   std::string(capability_group_name(g)) + ")");
          };
        }
        item.func = std::move(f);
      } else if (e.type->kind == ExternType::Kind::Type && e.type->type &&
                 e.type->type->kind == component::Type::Kind::Resource) {
        // A resource of this interface, or one it re-exports from an earlier import (wasi:io/
        // streams' `error` is wasi:io/error's): the same static node, bound already.
        const component::ResourceId* id = e.type->type->resource.get();
        auto known = bound_.find(id);
        item.rt =
            known != bound_.end() ? known->second : wasi::p2::find_host_resource(name, e.name);
        if (item.rt) bound_[id] = item.rt;
        if (!item.rt) {
          return make_error(ErrorKind::Unlinkable, "`" + name + "` resource `" + e.name +
                                                       "` is not provided by the WASI 0.2 host");
        }
      } else if (e.type->kind != ExternType::Kind::Type) {
        return make_error(ErrorKind::Unlinkable,
                          "`" + name + "` export `" + e.name + "` is not a function or a type");
      }
      inst->exports.emplace(e.name, std::move(item));
    }
    RItem out;
    out.kind = ExternType::Kind::Instance;
    out.instance = std::move(inst);
    out.type = type.type;
    return out;
  }

  Status drop(const void* rt, uint32_t rep) override {
    return p2_.drop(*static_cast<const wasi::p2::HostResourceType*>(rt), rep);
  }

  wasi::p2::P2Ctx* p2() override { return &p2_; }

  bool owns(const void* rt) const override {
    for (const wasi::p2::HostResourceType* t : wasi::p2::host_resources()) {
      if (t == rt) return true;
    }
    return false;
  }

private:
  wasi::p2::P2Ctx p2_;
  std::map<const component::ResourceId*, const void*> bound_;
};

} // namespace

namespace detail {
std::shared_ptr<ComponentHost> make_wasi_component_host(wasi::WasiCtx& ctx) {
  return std::make_shared<WasiComponentHost>(ctx);
}
} // namespace detail

struct ComponentInstancePre::Impl {
  std::optional<Component> component;
  // Recorded by the trial instantiation in create(), read-only afterwards (so shared by
  // threads without a lock).
  std::shared_ptr<detail::ComponentPre> pre;
};

Result<ComponentInstancePre> ComponentInstancePre::create(const Engine& engine,
                                                          const Component& component,
                                                          const WasiConfig& config) {
  auto impl = std::make_shared<Impl>();
  impl->component = component;
  impl->pre = std::make_shared<detail::ComponentPre>();
  WASMCAP_ASSIGN(Wasi wasi, Wasi::create(config));
  Store store(engine);
  WASMCAP_TRY(detail::instantiate_component(
      store, component, detail::make_wasi_component_host(*wasi.ctx_), impl->pre.get()));
  impl->pre->ready = true;
  return ComponentInstancePre(std::move(impl));
}

Result<ComponentInstance> ComponentInstancePre::instantiate(Store& store, Wasi& wasi) const {
  WASMCAP_ASSIGN(auto data, detail::instantiate_component(
                                store, *impl_->component,
                                detail::make_wasi_component_host(*wasi.ctx_), impl_->pre.get()));
  return ComponentInstance(std::move(data));
}

Result<int> Wasi::run_component(Store& store, const Component& component) {
  if (started_) return make_error(ErrorKind::Usage, "this Wasi has already run a guest");
  started_ = true;
  ComponentLinker linker;
  linker.define_wasi(*this);
  WASMCAP_ASSIGN(ComponentInstance inst, linker.instantiate(store, component));
  auto run = detail::find_export_func(*inst.data(), "wasi:cli/run@0.2.0", "run");
  if (!run) {
    return make_error(ErrorKind::Usage,
                      "the component exports no `wasi:cli/run` interface (it is not a command; "
                      "a wasi:http proxy runs with `wasmcap serve`)");
  }
  auto r = detail::call_func(*inst.data(), *run, {});
  if (!r) {
    if (auto code = exit_code_of(r.error())) return *code;
    return std::move(r).error();
  }
  // run: func() -> result: ok is exit status 0, error 1 (as wasmtime).
  return *r && (*r)->bits != 0 ? 1 : 0;
}

} // namespace wasmcap

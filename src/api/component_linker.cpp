// ComponentLinker and ComponentInstance (include/wasmcap/component.h): the public face of the
// component runtime. The linker's host serves each top-level import from the embedder's
// functions (by interface and function name) and resource types, or, for `wasi:*` interfaces,
// from WASI 0.2.
#include "api/component_runtime.h"
#include "component/wave.h"
#include "wasi/wasi_ctx.h"
#include "wasmcap/component.h"
#include "wasmcap/wasi.h"

namespace wasmcap {

// What define_resource records; its address is the resource type's identity.
struct detail::HostResource {
  std::string interface, name;
  ComponentLinker::ResourceDtor dtor;
};

namespace {

using component::ExternType;
using detail::RFunc;
using detail::RInstance;
using detail::RItem;

std::string_view unversioned(std::string_view name) {
  const size_t at = name.find('@');
  return at == std::string_view::npos ? name : name.substr(0, at);
}

class LinkerHost final : public detail::ComponentHost {
public:
  using Resources = std::vector<std::shared_ptr<const detail::HostResource>>;
  LinkerHost(const std::map<std::pair<std::string, std::string>, ComponentLinker::HostFunc>& funcs,
             Resources resources, std::shared_ptr<detail::ComponentHost> wasi)
      : funcs_(funcs), resources_(std::move(resources)), wasi_(std::move(wasi)) {}

  Result<RItem> provide(const std::string& name, const ExternType& type) override {
    if (wasi_ && name.compare(0, 5, "wasi:") == 0) return wasi_->provide(name, type);
    if (type.kind == ExternType::Kind::Func) {
      auto f = find("", name);
      if (!f)
        return make_error(ErrorKind::Unlinkable, "no host function for import `" + name + "`");
      return func_item(*f, type.type);
    }
    if (is_resource(type)) return resource_item("", name, type.type);
    if (type.kind != ExternType::Kind::Instance || !type.type) {
      return make_error(ErrorKind::Unlinkable,
                        "import `" + name +
                            "`: only functions and instances of functions can be provided");
    }
    auto inst = std::make_shared<RInstance>();
    for (const component::NamedExtern& e : type.type->exports) {
      if (e.type->kind == ExternType::Kind::Func) {
        auto f = find(name, e.name);
        if (!f)
          return make_error(ErrorKind::Unlinkable, "`" + name + "` function `" + e.name +
                                                       "` is not defined in the linker");
        inst->exports.emplace(e.name, func_item(*f, e.type->type));
      } else if (is_resource(*e.type)) {
        WASMCAP_ASSIGN(RItem item, resource_item(name, e.name, e.type->type));
        inst->exports.emplace(e.name, std::move(item));
      } else if (e.type->kind == ExternType::Kind::Type && e.type->type &&
                 e.type->type->kind != component::Type::Kind::Resource) {
        RItem item;
        item.kind = ExternType::Kind::Type;
        item.type = e.type->type;
        inst->exports.emplace(e.name, std::move(item));
      } else {
        return make_error(ErrorKind::Unlinkable,
                          "`" + name + "` export `" + e.name +
                              "`: nested instances are not supported by ComponentLinker yet");
      }
    }
    RItem out;
    out.kind = ExternType::Kind::Instance;
    out.instance = std::move(inst);
    out.type = type.type;
    return out;
  }

  Status drop(const void* rt, uint32_t rep) override {
    if (const detail::HostResource* r = ours(rt)) {
      if (!r->dtor) return ok();
      Status s = r->dtor(rep);
      if (!s) {
        return make_error(ErrorKind::Trap, "the host's destructor of `" + r->name +
                                               "` failed: " + s.error().message);
      }
      return ok();
    }
    return wasi_ ? wasi_->drop(rt, rep) : Status(ok());
  }
  bool owns(const void* rt) const override {
    return ours(rt) != nullptr || (wasi_ && wasi_->owns(rt));
  }
  wasi::p2::P2Ctx* p2() override { return wasi_ ? wasi_->p2() : nullptr; }

private:
  const ComponentLinker::HostFunc* find(std::string_view iface, std::string_view name) const {
    for (const auto& [key, f] : funcs_) {
      if (key.second == name && unversioned(key.first) == unversioned(iface)) return &f;
    }
    return nullptr;
  }
  static bool is_resource(const ExternType& t) {
    return t.kind == ExternType::Kind::Type && t.type &&
           t.type->kind == component::Type::Kind::Resource;
  }
  const detail::HostResource* ours(const void* rt) const {
    for (const auto& r : resources_) {
      if (r.get() == rt) return r.get();
    }
    return nullptr;
  }
  // A resource type export of an imported interface: the host's definition by interface and
  // name, or, for a resource the interface re-exports from an earlier import (`use a.{r}` in
  // WIT: the same static resource), the one bound already.
  Result<RItem> resource_item(const std::string& iface, const std::string& name,
                              const component::TypePtr& type) {
    const component::ResourceId* id = type->resource.get();
    const void* rt = nullptr;
    if (auto known = bound_.find(id); known != bound_.end()) rt = known->second;
    for (size_t i = 0; !rt && i < resources_.size(); ++i) {
      const auto& r = *resources_[i];
      if (r.name == name && unversioned(r.interface) == unversioned(iface)) rt = &r;
    }
    if (!rt) {
      return make_error(ErrorKind::Unlinkable,
                        (iface.empty() ? "" : "`" + iface + "` ") + "resource `" + name +
                            "` is not defined in the linker (define_resource)");
    }
    bound_[id] = rt;
    RItem item;
    item.kind = ExternType::Kind::Type;
    item.type = type;
    item.rt = rt;
    return item;
  }
  static RItem func_item(const ComponentLinker::HostFunc& f, const component::TypePtr& type) {
    auto rf = std::make_shared<RFunc>();
    rf->type = type;
    rf->call = [f](std::span<const detail::Val> args, detail::ComponentHost&) { return f(args); };
    RItem item;
    item.kind = ExternType::Kind::Func;
    item.func = std::move(rf);
    item.type = type;
    return item;
  }

  std::map<std::pair<std::string, std::string>, ComponentLinker::HostFunc> funcs_;
  Resources resources_;
  std::map<const component::ResourceId*, const void*> bound_;
  std::shared_ptr<detail::ComponentHost> wasi_;
};

} // namespace

void ComponentLinker::define_func(std::string interface, std::string func, HostFunc f) {
  funcs_[{std::move(interface), std::move(func)}] = std::move(f);
}

void ComponentLinker::define_resource(std::string interface, std::string resource,
                                      ResourceDtor dtor) {
  resources_.push_back(std::make_shared<const detail::HostResource>(
      detail::HostResource{std::move(interface), std::move(resource), std::move(dtor)}));
}

void ComponentLinker::define_wasi(Wasi& wasi) {
  wasi_ = &wasi;
}

Result<ComponentInstance> ComponentLinker::instantiate(Store& store,
                                                       const Component& component) const {
  auto host = std::make_shared<LinkerHost>(
      funcs_, resources_, wasi_ ? detail::make_wasi_component_host(*wasi_->ctx_) : nullptr);
  WASMCAP_ASSIGN(auto data, detail::instantiate_component(store, component, std::move(host)));
  return ComponentInstance(std::move(data));
}

Result<std::optional<ComponentValue>>
ComponentInstance::call(std::string_view name, std::span<const ComponentValue> args) const {
  return call("", name, args);
}

Result<std::optional<ComponentValue>>
ComponentInstance::call(std::string_view instance, std::string_view name,
                        std::span<const ComponentValue> args) const {
  auto f = detail::find_export_func(*data_, instance, name);
  if (!f) {
    return make_error(ErrorKind::Usage,
                      "the component exports no function `" + std::string(name) + "`" +
                          (instance.empty() ? "" : " in `" + std::string(instance) + "`"));
  }
  return detail::call_func(*data_, *f, args);
}

Result<std::string> ComponentInstance::call_wave(std::string_view call) const {
  WASMCAP_ASSIGN(auto parts, component::wave_split_call(call));
  std::string instance, name = parts.first;
  if (const size_t hash = name.find('#'); hash != std::string::npos) {
    instance = name.substr(0, hash);
    name = name.substr(hash + 1);
  }
  auto f = detail::find_export_func(*data_, instance, name);
  if (!f)
    return make_error(ErrorKind::Usage, "the component exports no function `" + parts.first + "`");
  if (parts.second.size() != f->type->fields.size()) {
    return make_error(ErrorKind::Usage,
                      "`" + parts.first + "` takes " + std::to_string(f->type->fields.size()) +
                          " argument(s): " + component::type_to_wit(f->type, nullptr));
  }
  std::vector<ComponentValue> args;
  for (size_t i = 0; i < parts.second.size(); ++i) {
    WASMCAP_ASSIGN(ComponentValue v,
                   component::wave_parse(parts.second[i], *f->type->fields[i].second));
    args.push_back(std::move(v));
  }
  WASMCAP_ASSIGN(std::optional<ComponentValue> r, detail::call_func(*data_, *f, args));
  if (!r || !f->type->result) return std::string();
  return component::wave_print(*r, *f->type->result);
}

std::optional<std::string> ComponentInstance::function_type(std::string_view instance,
                                                            std::string_view name) const {
  auto t = detail::export_func_type(*data_, instance, name);
  if (!t) return std::nullopt;
  return component::type_to_wit(t, nullptr);
}

} // namespace wasmcap

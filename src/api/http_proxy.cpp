// HttpProxy (include/wasmcap/http.h): a wasi:http/proxy component served one request at a time
// per call, each on a fresh Store, WasiCtx and component instance, as `wasmtime serve` does.
// What can be done once is done once, by Component (decode, validate, compile the core modules)
// and here (the handler's export name, a trial instantiation that proves the imports are
// servable). The request's handles are made in the instance's WASI 0.2 context
// (wasi/p2/http.h), and what the handler left unanswered is answered afterwards.
#include <mutex>
#include <set>

#include "api/component_runtime.h"
#include "wasi/p2/http.h"
#include "wasi/wasi_ctx.h"
#include "wasmcap/component.h"
#include "wasmcap/engine.h"
#include "wasmcap/http.h"
#include "wasmcap/store.h"
#include "wasmcap/wasi.h"

namespace wasmcap {

struct HttpProxy::Impl {
  const Engine* engine = nullptr;
  std::optional<Component> component;
  WasiConfig config;
  std::string handler; // the export's name, e.g. "wasi:http/incoming-handler@0.2.3"
  // The instantiation plan for `config`, shared by the handler threads (component.h).
  std::optional<ComponentInstancePre> pre;
  // The stores of the handlers running now, for interrupt_all.
  mutable std::mutex mu;
  mutable std::set<Store*> running;
};

namespace {

constexpr std::string_view kHandler = "wasi:http/incoming-handler@0.2.";

// One request's world: destroyed in reverse order (the instance, then its store, then the WASI
// context the instance's host refers to).
struct Fresh {
  std::optional<Wasi> wasi;
  std::optional<Store> store;
  std::optional<ComponentInstance> instance;
};

} // namespace

Result<HttpProxy> HttpProxy::create(const Engine& engine, const Component& component,
                                    const WasiConfig& config) {
  auto impl = std::make_shared<Impl>();
  impl->engine = &engine;
  impl->component = component;
  impl->config = config;
  for (const Component::Item& e : component.exports()) {
    if (e.name.rfind(kHandler, 0) == 0) impl->handler = e.name;
  }
  if (impl->handler.empty()) {
    return make_error(ErrorKind::Usage,
                      "the component exports no wasi:http/incoming-handler (0.2.x): it is not "
                      "an HTTP proxy (a command runs with `wasmcap run`)");
  }
  // A trial instantiation inside: a missing import is reported now, not at the first request;
  // it records the plan every request's instantiation then follows.
  WASMCAP_ASSIGN(ComponentInstancePre pre, ComponentInstancePre::create(engine, component, config));
  impl->pre.emplace(std::move(pre));
  WASMCAP_ASSIGN(Wasi wasi, Wasi::create(config));
  Store store(engine);
  WASMCAP_ASSIGN(ComponentInstance trial, impl->pre->instantiate(store, wasi));
  HttpProxy proxy(impl);
  if (!detail::find_export_func(*trial.data(), impl->handler, "handle")) {
    return make_error(ErrorKind::Usage, "`" + impl->handler + "` has no function `handle`");
  }
  return proxy;
}

Status HttpProxy::handle(HttpExchange& exchange) const {
  const Impl& impl = *impl_;
  Fresh f;
  auto wasi = Wasi::create(impl.config);
  if (!wasi) {
    exchange.fail(500, "internal error");
    return std::move(wasi).error();
  }
  f.wasi.emplace(std::move(*wasi));
  f.store.emplace(*impl.engine);
  struct Running {
    const Impl& impl;
    Store* store;
    Running(const Impl& i, Store* s) : impl(i), store(s) {
      std::lock_guard lock(impl.mu);
      impl.running.insert(store);
    }
    ~Running() {
      std::lock_guard lock(impl.mu);
      impl.running.erase(store);
    }
  } const running(impl, &*f.store);
  auto instance = impl.pre->instantiate(*f.store, *f.wasi);
  if (!instance) {
    exchange.fail(500, "internal error");
    return std::move(instance).error();
  }
  f.instance.emplace(std::move(*instance));
  auto handle = detail::find_export_func(*f.instance->data(), impl.handler, "handle");
  if (!handle) {
    exchange.fail(500, "internal error");
    return make_error(ErrorKind::Usage, "`" + impl.handler + "` has no function `handle`");
  }
  wasi::p2::P2Ctx* cx = detail::instance_p2(*f.instance->data());
  if (!cx) { // never: ComponentInstancePre serves WASI 0.2
    exchange.fail(500, "internal error");
    return make_error(ErrorKind::Usage, "the instance has no WASI 0.2 context");
  }
  const wasi::p2::IncomingCall call = wasi::p2::begin_incoming(*cx, exchange);
  const component::Val args[] = {call.request, call.outparam};
  auto r = detail::call_func(*f.instance->data(), *handle, args);
  if (!r) {
    Error e = std::move(r).error();
    // A handler that trapped after answering in full has still answered.
    if (!exchange.response_started())
      exchange.fail(500, "the handler failed");
    else
      wasi::p2::end_incoming(exchange, call);
    return e;
  }
  if (std::string problem = wasi::p2::end_incoming(exchange, call); !problem.empty()) {
    return make_error(ErrorKind::Trap, problem);
  }
  return ok();
}

void HttpProxy::interrupt_all() const {
  std::lock_guard lock(impl_->mu);
  for (Store* s : impl_->running)
    s->interrupt();
}

} // namespace wasmcap

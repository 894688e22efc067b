// Per-request overhead of HttpProxy (include/wasmcap/http.h) without sockets: times N calls of
// HttpProxy::handle for `GET /` on the C handler (tests/http/handler.c) with an in-memory
// exchange, and the pieces a request's fresh world is made of, each timed alone through the
// public API: Wasi::create, a Store, instantiating the component with WASI 0.2 from a
// ComponentInstancePre (as HttpProxy does internally), and what is left for the call itself;
// for comparison, instantiating through a ComponentLinker (no recorded plan).
// Built only with -DWASMCAP_BENCH=ON (bench/http/CMakeLists.txt); not a test.
// With THREADS > 1 it also times HttpProxy::handle on that many threads at once (requests/s of
// the whole process): what a server's handler threads do, where the page-table changes of one
// thread cost the others TLB flushes (docs/serve.md).
// THREADS = 0 times only HttpProxy::handle, for a profiler (perf record) to see that alone.
// `auto` is the default tier of `wasmcap serve` (interpreter first, compiled code once ready).
// Usage: http_proxy_bench [HANDLER.wasm] [N] [interp|jit|auto] [THREADS]
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include "wasmcap/http.h"
#include "wasmcap/wasmcap.hpp"

namespace {

using Clock = std::chrono::steady_clock;

// Just enough of an exchange for `GET /`: the response is counted, not kept.
class NullExchange final : public wasmcap::HttpExchange {
public:
  NullExchange() {
    head_.method = "GET";
    head_.target = "/";
    head_.scheme = "http";
    head_.authority = "localhost";
    head_.remote = "127.0.0.1:1";
  }
  const wasmcap::HttpRequestHead& request() const override { return head_; }
  std::optional<uint64_t> request_content_length() const override { return 0; }
  wasmcap::Result<size_t> read_body(std::span<uint8_t>) override { return size_t{0}; }
  bool wait_body(int) override { return true; }
  wasmcap::Status start_response(uint16_t code, const wasmcap::HttpHeaders&) override {
    status = code;
    started = true;
    return wasmcap::ok();
  }
  wasmcap::Status write_body(std::span<const uint8_t> data) override {
    bytes += data.size();
    return wasmcap::ok();
  }
  wasmcap::Status finish(const wasmcap::HttpHeaders&) override {
    finished = true;
    return wasmcap::ok();
  }
  bool response_started() const override { return started; }
  void fail(uint16_t code, std::string_view) override { status = code; }

  uint16_t status = 0;
  size_t bytes = 0;
  bool started = false, finished = false;

private:
  wasmcap::HttpRequestHead head_;
};

double us_since(Clock::time_point t0, int n) {
  return std::chrono::duration<double, std::micro>(Clock::now() - t0).count() / n;
}

int fail(const std::string& what) {
  std::fprintf(stderr, "http_proxy_bench: %s\n", what.c_str());
  return 1;
}

} // namespace

int main(int argc, char** argv) {
  const std::string path = argc > 1 ? argv[1] : WASMCAP_HTTP_HANDLER;
  const int n = argc > 2 ? std::atoi(argv[2]) : 10000;
  const std::string tier = argc > 3 ? argv[3] : "interp";
  const int threads = argc > 4 ? std::atoi(argv[4]) : 1;
  if (n <= 0 || (tier != "interp" && tier != "jit" && tier != "auto") || threads < 0)
    return fail("usage: [HANDLER] [N] [interp|jit|auto] [THREADS]");
  std::ifstream in(path, std::ios::binary);
  const std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), {});
  if (bytes.empty()) return fail("cannot read " + path);

  wasmcap::Config config;
  config.tier = tier == "jit"    ? wasmcap::Tier::Jit
                : tier == "auto" ? wasmcap::Tier::Auto
                                 : wasmcap::Tier::Interpreter;
  const wasmcap::Engine engine(config);
  auto component = wasmcap::Component::from_binary(engine, bytes);
  if (!component) return fail("component: " + component.error().to_string());
  const wasmcap::WasiConfig wasi_config;
  auto proxy = wasmcap::HttpProxy::create(engine, *component, wasi_config);
  if (!proxy) return fail("proxy: " + proxy.error().to_string());

  // Warm-up, and a check that the handler answers (the same body every time: the C handler's
  // 26 bytes, the JavaScript one's 34).
  size_t body_bytes = 0;
  for (int i = 0; i < 200; ++i) {
    NullExchange ex;
    if (auto s = proxy->handle(ex); !s || ex.status != 200 || !ex.finished || ex.bytes == 0)
      return fail("GET / did not answer 200 with a body");
    if (body_bytes != 0 && ex.bytes != body_bytes) return fail("GET / answered differently");
    body_bytes = ex.bytes;
  }

  auto t0 = Clock::now();
  for (int i = 0; i < n; ++i) {
    NullExchange ex;
    if (!proxy->handle(ex)) return fail("handle failed");
  }
  const double handle_us = us_since(t0, n);
  if (threads == 0) {
    std::printf("HttpProxy::handle, GET / on %s, tier %s, N=%d: %.1f us per request\n",
                path.c_str(), tier.c_str(), n, handle_us);
    return 0;
  }

  t0 = Clock::now();
  for (int i = 0; i < n; ++i) {
    auto wasi = wasmcap::Wasi::create(wasi_config);
    if (!wasi) return fail("Wasi::create failed");
  }
  const double wasi_us = us_since(t0, n);

  t0 = Clock::now();
  for (int i = 0; i < n; ++i) {
    wasmcap::Store store(engine);
  }
  const double store_us = us_since(t0, n);

  // Wasi::create + Store + instantiate (with the instance's teardown); the instantiation is
  // this minus the two above.
  auto pre = wasmcap::ComponentInstancePre::create(engine, *component, wasi_config);
  if (!pre) return fail("pre: " + pre.error().to_string());
  t0 = Clock::now();
  for (int i = 0; i < n; ++i) {
    auto wasi = wasmcap::Wasi::create(wasi_config);
    if (!wasi) return fail("Wasi::create failed");
    wasmcap::Store store(engine);
    if (!pre->instantiate(store, *wasi)) return fail("instantiate failed");
  }
  const double fresh_us = us_since(t0, n);
  const double instantiate_us = fresh_us - wasi_us - store_us;
  const double call_us = handle_us - fresh_us;

  t0 = Clock::now();
  for (int i = 0; i < n; ++i) {
    auto wasi = wasmcap::Wasi::create(wasi_config);
    if (!wasi) return fail("Wasi::create failed");
    wasmcap::Store store(engine);
    wasmcap::ComponentLinker linker;
    linker.define_wasi(*wasi);
    if (!linker.instantiate(store, *component)) return fail("instantiate failed");
  }
  const double linker_us = us_since(t0, n) - wasi_us - store_us;

  std::printf("HttpProxy::handle, GET / on %s, tier %s, N=%d\n", path.c_str(), tier.c_str(), n);
  std::printf("  per request (handle):           %8.1f us\n", handle_us);
  std::printf("    Wasi::create:                 %8.1f us\n", wasi_us);
  std::printf("    Store:                        %8.1f us\n", store_us);
  std::printf("    instantiate (InstancePre):    %8.1f us\n", instantiate_us);
  std::printf("    the call and the rest:        %8.1f us  (handle - the three above)\n", call_us);
  std::printf("  for comparison, instantiate (ComponentLinker, no plan): %.1f us\n", linker_us);
  if (threads == 1) return 0;

  // N requests on each of THREADS threads at once.
  std::atomic<bool> failed{false};
  std::vector<std::thread> pool;
  t0 = Clock::now();
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      for (int i = 0; i < n; ++i) {
        NullExchange ex;
        if (!proxy->handle(ex) || ex.bytes != body_bytes) failed = true;
      }
    });
  }
  for (auto& t : pool)
    t.join();
  const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  if (failed) return fail("a concurrent request failed");
  std::printf("  %d threads at once: %.0f requests/s (%.1f us per request per thread)\n", threads,
              threads * n / seconds, seconds * 1e6 / n);
  return 0;
}

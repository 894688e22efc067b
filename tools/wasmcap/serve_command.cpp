// `wasmcap serve [OPTIONS] FILE`: serves a wasi:http/proxy component over HTTP/1.1, a fresh
// instance for every request (docs/serve.md), as `wasmtime serve` does. The HTTP server is
// src/http (Boost.Beast); the component side is the public HttpProxy. Limits apply per request
// (--timeout, --fuel, --max-memory) and per server (--max-concurrent, body and header sizes,
// timeouts). SIGINT/SIGTERM: stop accepting, let requests in flight finish (--shutdown-grace),
// interrupt those still running, exit 0; a second signal interrupts at once.
#include <signal.h>
#include <time.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "http/outgoing_client.h"
#include "http/server.h"
#include "limit_options.h"
#include "policy_options.h"
#include "progress_bar.h"
#include "subcommands.h"
#include "tier_option.h"
#include "wasi_options.h"
#include "wasmcap/code_cache.h"
#include "wasmcap/http.h"
#include "wasmcap/wasi.h"
#include "wasmcap/wasmcap.hpp"

namespace wasmcap::cli {

namespace {

struct ServeOptions {
  std::string file;
  std::string addr = "0.0.0.0:8080";
  unsigned threads = 0;
  WasiGrantOptions grants;
  PolicyOptions policy;
  LimitOptions limits; // per request
  Tier tier = Tier::Auto;
  bool cache = true;
  std::string access_log; // FILE, or "-" for stderr; empty: none
  // Server limits, as text for parse_size/parse_duration_ms.
  unsigned max_concurrent = 0;
  unsigned max_queue = 1024;
  std::string max_request_body = "64MiB";
  std::string max_header_size = "64KiB";
  std::string header_timeout = "10s";
  std::string idle_timeout = "30s";
  std::string body_timeout = "30s";
  std::string shutdown_grace = "10s";
};

// The server's Exchange as the HttpExchange HttpProxy reads and writes.
class ExchangeAdapter final : public HttpExchange {
public:
  explicit ExchangeAdapter(http::Exchange& ex) : ex_(ex) {
    const http::RequestHead& r = ex.request();
    head_ = {r.method, r.target, r.scheme, r.authority, r.headers, r.remote};
  }
  const HttpRequestHead& request() const override { return head_; }
  std::optional<uint64_t> request_content_length() const override {
    return ex_.request_content_length();
  }
  Result<size_t> read_body(std::span<uint8_t> buf) override { return ex_.read_body(buf); }
  bool wait_body(int timeout_ms) override {
    const auto deadline =
        timeout_ms < 0 ? std::chrono::steady_clock::time_point::max()
                       : std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    auto r = ex_.wait_readable(deadline);
    return !r || *r; // an error is "ready": the read that follows reports it
  }
  Status start_response(uint16_t status, const HttpHeaders& headers) override {
    return ex_.start_response(status, headers);
  }
  Status write_body(std::span<const uint8_t> data) override { return ex_.write_body(data); }
  Status finish(const HttpHeaders& trailers) override { return ex_.finish(trailers); }
  bool response_started() const override { return ex_.response_started(); }
  void fail(uint16_t status, std::string_view message) override { ex_.fail(status, message); }

private:
  http::Exchange& ex_;
  HttpRequestHead head_;
};

// One line on stderr for a handler that failed: what, and where in the guest.
void log_failure(const http::RequestHead& r, const Error& e) {
  std::string line = "wasmcap serve: " + r.method + " " + r.target + ": " + e.to_string();
  for (size_t i = 0; i < e.backtrace.size() && i < 8; ++i) {
    const TraceFrame& f = e.backtrace[i];
    line += i == 0 ? " at " : " <- ";
    line += f.func_name.empty() ? "func[" + std::to_string(f.func_index) + "]" : f.func_name;
  }
  std::fprintf(stderr, "%s\n", line.c_str());
}

Result<std::chrono::milliseconds> duration_option(const char* name, const std::string& text) {
  auto ms = parse_duration_ms(text);
  if (!ms) return make_error(ErrorKind::Usage, std::string(name) + " " + ms.error().message);
  return std::chrono::milliseconds(*ms);
}

Result<uint64_t> size_option(const char* name, const std::string& text) {
  auto n = parse_size(text);
  if (!n) return make_error(ErrorKind::Usage, std::string(name) + " " + n.error().message);
  return *n;
}

Result<http::ServerOptions> server_options(const ServeOptions& opts) {
  http::ServerOptions s;
  s.addr = opts.addr;
  s.handler_threads = opts.threads;
  http::Limits& l = s.limits;
  l.max_concurrent = opts.max_concurrent;
  l.max_queue = opts.max_queue;
  WASMCAP_ASSIGN(l.max_request_body, size_option("--max-request-body", opts.max_request_body));
  WASMCAP_ASSIGN(const uint64_t header, size_option("--max-header-size", opts.max_header_size));
  l.max_header_bytes = static_cast<size_t>(header);
  WASMCAP_ASSIGN(l.header_timeout, duration_option("--header-timeout", opts.header_timeout));
  WASMCAP_ASSIGN(l.idle_timeout, duration_option("--idle-timeout", opts.idle_timeout));
  WASMCAP_ASSIGN(l.body_timeout, duration_option("--body-timeout", opts.body_timeout));
  return s;
}

int serve(const ServeOptions& opts) {
  Config engine_config;
  if (auto s = apply_limit_options(opts.limits, engine_config); !s) {
    return report_error(opts.file, s.error());
  }
  if (auto s = apply_policy_limits(opts.policy, engine_config); !s) {
    return report_error(opts.file, s.error());
  }
  engine_config.tier = opts.tier;
  // Shutdown interrupts handlers that outlive the grace period: compiled code needs the checks.
  engine_config.interruptible = true;
  engine_config.compile_progress = terminal_progress_bar();
  auto server_opts = server_options(opts);
  if (!server_opts) return report_error(opts.file, server_opts.error());
  auto grace = duration_option("--shutdown-grace", opts.shutdown_grace);
  if (!grace) return report_error(opts.file, grace.error());
  WasiConfig config;
  config.args.push_back(opts.file);
  config.stdin_fd = -1; // a request has no terminal: its input is the request body
  if (auto s = apply_wasi_grant_options(opts.grants, config); !s) {
    return report_error(opts.file, s.error());
  }
  if (auto s = apply_policy_options(opts.policy, config); !s) {
    return report_error(opts.file, s.error());
  }
  if (!config.http.empty()) config.http_client = http::make_outgoing_client();
  Engine engine(engine_config);
  auto bytes = read_whole_file(opts.file);
  if (!bytes) return report_error(opts.file, bytes.error());
  if (!looks_like_component(*bytes)) {
    return report_error(opts.file, make_error(ErrorKind::Usage,
                                              "a core module cannot be served: `wasmcap serve` "
                                              "runs wasi:http/proxy components"));
  }
  const bool compiles = engine.config().tier != Tier::Interpreter;
  const CodeCache cache(CodeCache::default_directory());
  auto component = load_component(engine, *bytes, compiles && opts.cache ? &cache : nullptr);
  if (!component) return report_error(opts.file, component.error(), "component");
  auto proxy = HttpProxy::create(engine, *component, config);
  if (!proxy) return report_error(opts.file, proxy.error(), "component");

  std::FILE* log = nullptr;
  if (opts.access_log == "-") {
    log = stderr;
  } else if (!opts.access_log.empty()) {
    log = std::fopen(opts.access_log.c_str(), "a");
    if (!log) {
      return report_error(
          opts.file,
          make_error(ErrorKind::Usage, "--access-log " + opts.access_log + ": cannot open it"));
    }
  }
  if (log) {
    server_opts->access_log = [log](const std::string& line) {
      std::fprintf(log, "%s\n", line.c_str());
      std::fflush(log);
    };
  }

  // Signals are taken by sigwait below, never by a handler: blocked here, before any thread
  // starts, so every thread inherits the mask.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  const HttpProxy& handler = *proxy;
  auto server = http::Server::start(*server_opts, [&handler](http::Exchange& ex) {
    ExchangeAdapter adapter(ex);
    if (auto s = handler.handle(adapter); !s) log_failure(ex.request(), s.error());
  });
  if (!server) {
    pthread_sigmask(SIG_UNBLOCK, &stop_signals, nullptr);
    Error e = server.error();
    e.kind = ErrorKind::Usage;
    return report_error(opts.file, e);
  }
  const std::string shown =
      opts.addr.rfind(":0") == opts.addr.size() - 2
          ? opts.addr.substr(0, opts.addr.size() - 1) + std::to_string((*server)->port())
          : opts.addr;
  std::fprintf(stderr, "Serving HTTP on http://%s/\n", shown.c_str());
  std::fflush(stderr);

  int sig = 0;
  sigwait(&stop_signals, &sig);
  std::fprintf(stderr, "wasmcap serve: %s: finishing requests in flight\n",
               sig == SIGINT ? "SIGINT" : "SIGTERM");
  // The watchdog: after the grace period, or at a second signal, the handlers still running
  // are interrupted, so stop() below returns.
  std::mutex mu;
  bool stopped = false;
  std::thread watchdog([&] {
    const auto until = std::chrono::steady_clock::now() + *grace;
    for (;;) {
      {
        std::lock_guard lock(mu);
        if (stopped) return;
      }
      const auto now = std::chrono::steady_clock::now();
      if (now >= until) break;
      const auto left =
          std::min<std::chrono::nanoseconds>(until - now, std::chrono::milliseconds(50));
      timespec ts{0, static_cast<long>(left.count())};
      if (sigtimedwait(&stop_signals, nullptr, &ts) > 0) break;
    }
    for (;;) {
      handler.interrupt_all();
      std::lock_guard lock(mu);
      if (stopped) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  });
  (*server)->stop(*grace);
  {
    std::lock_guard lock(mu);
    stopped = true;
  }
  watchdog.join();
  if (log && log != stderr) std::fclose(log);
  return kExitOk;
}

} // namespace

Action add_serve_command(CLI::App& app) {
  auto opts = std::make_shared<ServeOptions>();
  CLI::App* cmd = app.add_subcommand(
      "serve", "Serve a wasi:http/proxy component over HTTP, a fresh instance per request");
  cmd->footer("FILE is a component exporting wasi:http/incoming-handler (0.2.x). Each request "
              "runs on a new instance with the grants given here; --timeout, --fuel and "
              "--max-memory apply to each request. A handler that traps or hits a limit gets a "
              "500 response and a line on stderr; the server keeps serving.\n"
              "Examples:\n"
              "  wasmcap serve handler.wasm\n"
              "  wasmcap serve --addr 127.0.0.1:3000 --timeout 2s --access-log - handler.wasm\n"
              "SIGINT or SIGTERM: stop accepting, finish the requests in flight, exit 0.");
  cmd->add_option("--addr", opts->addr,
                  "Listen on ADDR:PORT (default 0.0.0.0:8080; port 0 picks a free one)")
      ->type_name("ADDR:PORT");
  cmd->add_option("--threads", opts->threads, "Threads running handlers (default: one per core)")
      ->type_name("N");
  cmd->add_option("--max-concurrent", opts->max_concurrent,
                  "Requests handled at once (default: --threads); more wait in a queue")
      ->type_name("N");
  cmd->add_option("--max-queue", opts->max_queue,
                  "Requests waiting for a handler before new ones get 503 (default 1024)")
      ->type_name("N");
  cmd->add_option("--max-request-body", opts->max_request_body,
                  "Largest request body (default 64MiB; larger: 413)")
      ->type_name("SIZE");
  cmd->add_option("--max-header-size", opts->max_header_size,
                  "Largest request head, request line and headers (default 64KiB; larger: 431)")
      ->type_name("SIZE");
  cmd->add_option("--header-timeout", opts->header_timeout,
                  "Time a client has to send a whole request head (default 10s)")
      ->type_name("DURATION");
  cmd->add_option("--idle-timeout", opts->idle_timeout,
                  "Time a kept-alive connection may wait for its next request (default 30s)")
      ->type_name("DURATION");
  cmd->add_option("--body-timeout", opts->body_timeout,
                  "Longest pause in a request or response body (default 30s)")
      ->type_name("DURATION");
  cmd->add_option("--shutdown-grace", opts->shutdown_grace,
                  "On SIGINT/SIGTERM, time given to requests in flight (default 10s)")
      ->type_name("DURATION");
  cmd->add_option("--access-log", opts->access_log,
                  "Write a line per request (peer, request line, status, bytes, time) to FILE, "
                  "or - for stderr")
      ->type_name("FILE");
  add_limit_options(*cmd, opts->limits);
  add_tier_option(*cmd, opts->tier, /*warn_when_parsed=*/false);
  cmd->add_flag("--cache,!--no-cache", opts->cache,
                "With --tier jit or auto, keep compiled code in the code cache (default: on)");
  add_wasi_grant_options(*cmd, opts->grants);
  add_policy_options(*cmd, opts->policy);
  cmd->add_option("FILE", opts->file, "The component to serve")->required();
  return [opts]() { return serve(*opts); };
}

} // namespace wasmcap::cli

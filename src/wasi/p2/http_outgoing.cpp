// wasi:http/outgoing-handler and the types it uses: outgoing-request, request-options,
// future-incoming-response and incoming-response. Sending is a capability: only to hosts the
// grant names (HttpGrants, `--allow-http`); anything else gets the WIT's HTTP-request-denied and
// an audit line. Allowed requests go through the embedder's HttpClient (WasiConfig::http_client):
// handle connects and sends what the body has so far; the rest of the body streams out as the
// guest writes it; the future is ready once the body is finished, and its get waits for the
// response head.
#include <charconv>

#include "wasi/p2/http.h"
#include "wasi/p2/http_objects.h"
#include "wasi/p2/registry.h"
#include "wasi/p2/values.h"
#include "wasi/wasi_ctx.h"

namespace wasmcap::wasi::p2 {

namespace {

Val optional_string(const std::optional<std::string>& s) {
  return s ? some_val(Val::string(*s)) : none_val();
}

std::optional<std::string> string_option(const Val& v) {
  if (!v.has_payload()) return std::nullopt;
  return v.payload().str;
}

Ret request_new(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(std::shared_ptr<FieldList> headers, take_fields(cx, a[0]));
  auto r = std::make_unique<OutgoingRequest>();
  r->body->content_length = declared_length(*headers);
  r->headers = std::move(headers);
  return std::optional<Val>(own_val(resources::kOutgoingRequest, cx.add(std::move(r))));
}

Ret request_body(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(auto* r, handle_object<OutgoingRequest>(cx, a[0], resources::kOutgoingRequest));
  if (r->body_taken) return std::optional<Val>(err_val());
  r->body_taken = true;
  auto b = std::make_unique<OutgoingBody>();
  b->state = r->body;
  return std::optional<Val>(ok_val(own_val(resources::kOutgoingBody, cx.add(std::move(b)))));
}

Ret request_method(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(auto* r, handle_object<OutgoingRequest>(cx, a[0], resources::kOutgoingRequest));
  return std::optional<Val>(method_val(r->method));
}

Ret request_set_method(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(auto* r, handle_object<OutgoingRequest>(cx, a[0], resources::kOutgoingRequest));
  std::string m = method_name(a[1]);
  if (!valid_field_name(m)) return std::optional<Val>(err_val()); // a method is a token
  r->method = std::move(m);
  return std::optional<Val>(ok_val());
}

Ret request_path(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(auto* r, handle_object<OutgoingRequest>(cx, a[0], resources::kOutgoingRequest));
  return std::optional<Val>(optional_string(r->path_with_query));
}

Ret request_set_path(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(auto* r, handle_object<OutgoingRequest>(cx, a[0], resources::kOutgoingRequest));
  auto p = string_option(a[1]);
  if (p && !valid_field_value(*p)) return std::optional<Val>(err_val());
  r->path_with_query = std::move(p);
  return std::optional<Val>(ok_val());
}

Ret request_scheme(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(auto* r, handle_object<OutgoingRequest>(cx, a[0], resources::kOutgoingRequest));
  if (!r->scheme) return std::optional<Val>(none_val());
  constexpr std::string_view kScheme = "wasi:http/types.scheme";
  if (*r->scheme == "http") return std::optional<Val>(some_val(variant_val(kScheme, "HTTP")));
  if (*r->scheme == "https") return std::optional<Val>(some_val(variant_val(kScheme, "HTTPS")));
  return std::optional<Val>(some_val(variant_val(kScheme, "other", Val::string(*r->scheme))));
}

Ret request_set_scheme(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(auto* r, handle_object<OutgoingRequest>(cx, a[0], resources::kOutgoingRequest));
  if (!a[1].has_payload()) {
    r->scheme.reset();
    return std::optional<Val>(ok_val());
  }
  const Val& s = a[1].payload();
  const std::string name = case_name("wasi:http/types.scheme", static_cast<uint32_t>(s.bits));
  if (name == "HTTP") {
    r->scheme = "http";
  } else if (name == "HTTPS") {
    r->scheme = "https";
  } else {
    if (!s.has_payload() || !valid_field_name(s.payload().str)) {
      return std::optional<Val>(err_val());
    }
    r->scheme = lower_case(s.payload().str);
  }
  return std::optional<Val>(ok_val());
}

Ret request_authority(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(auto* r, handle_object<OutgoingRequest>(cx, a[0], resources::kOutgoingRequest));
  return std::optional<Val>(optional_string(r->authority));
}

Ret request_set_authority(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(auto* r, handle_object<OutgoingRequest>(cx, a[0], resources::kOutgoingRequest));
  auto host = string_option(a[1]);
  if (host && (host->empty() || !valid_field_value(*host) ||
               host->find_first_of(" /?#@") != std::string::npos)) {
    return std::optional<Val>(err_val());
  }
  r->authority = std::move(host);
  return std::optional<Val>(ok_val());
}

Ret request_headers(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(auto* r, handle_object<OutgoingRequest>(cx, a[0], resources::kOutgoingRequest));
  return std::optional<Val>(own_val(resources::kFields, add_fields(cx, r->headers, true)));
}

Ret options_new(P2Ctx& cx, std::span<const Val>) {
  return std::optional<Val>(
      own_val(resources::kRequestOptions, cx.add(std::make_unique<RequestOptions>())));
}

// The three timeouts of request-options, as member pointers, so each getter and setter is one line.
template <std::optional<uint64_t> RequestOptions::* field>
Ret options_get(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(auto* o, handle_object<RequestOptions>(cx, a[0], resources::kRequestOptions));
  const auto& v = o->*field;
  return std::optional<Val>(v ? some_val(u64_val(*v)) : none_val());
}

template <std::optional<uint64_t> RequestOptions::* field>
Ret options_set(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(auto* o, handle_object<RequestOptions>(cx, a[0], resources::kRequestOptions));
  o->*field = a[1].has_payload() ? std::optional<uint64_t>(a[1].payload().u()) : std::nullopt;
  return std::optional<Val>(ok_val());
}

// Host and port of a request's authority ("example.com:8080", "[::1]:80", "example.com").
std::pair<std::string, uint16_t> host_port(std::string_view authority, bool https) {
  uint16_t port = https ? 443 : 80;
  std::string_view host = authority;
  const size_t colon = authority.rfind(':');
  const size_t bracket = authority.rfind(']');
  if (colon != std::string_view::npos && (bracket == std::string_view::npos || colon > bracket)) {
    unsigned p = 0;
    auto [end, ec] =
        std::from_chars(authority.data() + colon + 1, authority.data() + authority.size(), p);
    if (ec == std::errc() && end == authority.data() + authority.size() && p <= 65535) {
      port = static_cast<uint16_t>(p);
    }
    host = authority.substr(0, colon);
  }
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  return {lower_case(host), port};
}

// The WIT's error-code for a failed outgoing request, from the client's message.
Val error_code_for(const Error& e) {
  const std::string& m = e.message;
  auto has = [&](std::string_view w) { return m.find(w) != std::string::npos; };
  if (has("refused")) return variant_val(kHttpErrorCode, "connection-refused");
  if (has("resolve") || has("Host not found") || has("not known")) {
    return variant_val(kHttpErrorCode, "destination-not-found");
  }
  if (has("timed out") || has("timeout")) {
    return variant_val(kHttpErrorCode,
                       has("connect") ? "connection-timeout" : "HTTP-response-timeout");
  }
  if (has("certificate")) return variant_val(kHttpErrorCode, "TLS-certificate-error");
  if (has("TLS") || has("handshake") || has("SSL")) {
    return variant_val(kHttpErrorCode, "TLS-protocol-error");
  }
  if (has("reset") || has("closed") || has("end of stream")) {
    return variant_val(kHttpErrorCode, "connection-terminated");
  }
  return internal_error(m);
}

int64_t ns_to_ms(const std::optional<uint64_t>& ns, int64_t fallback) {
  return ns ? static_cast<int64_t>(*ns / 1000000) : fallback;
}

Ret handle(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(const uint32_t rep, handle_rep(a[0], resources::kOutgoingRequest));
  WASMCAP_ASSIGN(auto req, cx.take_as<OutgoingRequest>(rep, resources::kOutgoingRequest));
  std::unique_ptr<RequestOptions> options;
  if (a[1].has_payload()) {
    WASMCAP_ASSIGN(const uint32_t orep, handle_rep(a[1].payload(), resources::kRequestOptions));
    WASMCAP_ASSIGN(options, cx.take_as<RequestOptions>(orep, resources::kRequestOptions));
  }
  if (!req->authority) {
    return std::optional<Val>(err_val(variant_val(kHttpErrorCode, "HTTP-request-URI-invalid")));
  }
  const bool https = req->scheme.value_or("https") == "https";
  const auto [host, port] = host_port(*req->authority, https);
  const std::string target = std::string(https ? "https://" : "http://") + *req->authority +
                             req->path_with_query.value_or("/");
  const bool granted = cx.wasi().config().allowed.has(CapabilityGroup::Net) &&
                       cx.wasi().config().http.allows(host, port);
  if (!granted) {
    std::string args = "\"method\":\"" + req->method + "\",\"url\":\"";
    for (char c : target) {
      if (c == '"' || c == '\\') args += '\\';
      if (static_cast<unsigned char>(c) >= 0x20) args += c;
    }
    args += "\"";
    cx.wasi().observer().refused_p2(
        "wasi:http/outgoing-handler", "handle", args,
        "no --allow-http grant for " + host + ":" + std::to_string(port), CapabilityGroup::Net);
    return std::optional<Val>(err_val(variant_val(kHttpErrorCode, "HTTP-request-denied")));
  }
  if (req->scheme && *req->scheme != "http" && *req->scheme != "https") {
    return std::optional<Val>(err_val(variant_val(kHttpErrorCode, "HTTP-protocol-error")));
  }
  const std::shared_ptr<HttpClient>& client = cx.wasi().config().http_client;
  if (!client) {
    return std::optional<Val>(
        err_val(internal_error("this host sends no HTTP requests (no HTTP client)")));
  }
  HttpOutgoingRequest out;
  out.method = req->method;
  out.scheme = https ? "https" : "http";
  out.authority = *req->authority;
  out.path_with_query = req->path_with_query.value_or("/");
  for (const auto& [name, value] : req->headers->entries) {
    if (name != "content-length" && name != "host") out.headers.emplace_back(name, value);
  }
  out.content_length = req->body->content_length;
  if (options) {
    out.connect_ms = ns_to_ms(options->connect_ns, out.connect_ms);
    out.first_byte_ms = ns_to_ms(options->first_byte_ns, out.first_byte_ms);
    out.between_bytes_ms = ns_to_ms(options->between_bytes_ns, out.between_bytes_ms);
  }
  auto call = client->start(out);
  if (!call) return std::optional<Val>(err_val(error_code_for(call.error())));
  ResponseState& st = *req->body;
  st.call = std::move(*call);
  st.started = true;
  if (!req->body_taken) st.finished = true; // no body
  Status sent = ok();
  if (!st.pending.empty()) {
    const std::string pending = std::move(st.pending);
    sent = st.call->write_body({reinterpret_cast<const uint8_t*>(pending.data()), pending.size()});
  }
  if (sent && st.finished) sent = st.call->finish(st.pending_trailers);
  if (!sent) return std::optional<Val>(err_val(error_code_for(sent.error())));
  auto f = std::make_unique<FutureIncomingResponse>();
  f->body = req->body;
  return std::optional<Val>(
      ok_val(own_val(resources::kFutureIncomingResponse, cx.add(std::move(f)))));
}

// Ready when the request's body is done (finished, or broken): get then waits for the head.
class BodyDone final : public Waiter {
public:
  explicit BodyDone(std::shared_ptr<ResponseState> st) : st_(std::move(st)) {}
  // Nothing to wait on while the guest itself still has to finish the body: say ready, and get
  // answers `none` until it does.
  bool wait(int timeout_ms) override {
    return timeout_ms != 0 || !st_ || st_->finished || st_->broken;
  }

private:
  std::shared_ptr<ResponseState> st_;
};

Ret future_subscribe(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(
      auto* f, handle_object<FutureIncomingResponse>(cx, a[0], resources::kFutureIncomingResponse));
  auto p = std::make_unique<Pollable>();
  p->waiter = std::make_shared<BodyDone>(f->body);
  return std::optional<Val>(own_val(resources::kPollable, cx.add(std::move(p))));
}

Ret future_get(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(
      auto* f, handle_object<FutureIncomingResponse>(cx, a[0], resources::kFutureIncomingResponse));
  if (f->taken) return std::optional<Val>(some_val(err_val()));
  if (!f->result) {
    ResponseState& st = *f->body;
    if (st.broken) {
      f->result = ok_val(err_val(internal_error(st.error)));
    } else if (!st.finished) {
      return std::optional<Val>(none_val()); // the guest has not finished the body yet
    } else if (auto head = st.call->receive_head(); !head) {
      f->result = ok_val(err_val(error_code_for(head.error())));
    } else {
      auto r = std::make_unique<IncomingResponse>();
      r->call = st.call;
      r->status = st.call->status();
      r->headers = std::make_shared<FieldList>();
      for (const auto& [name, value] : st.call->headers())
        r->headers->entries.emplace_back(lower_case(name), value);
      f->result = ok_val(ok_val(own_val(resources::kIncomingResponse, cx.add(std::move(r)))));
    }
  }
  f->taken = true;
  return std::optional<Val>(some_val(std::move(*f->result)));
}

Ret response_status(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(auto* r, handle_object<IncomingResponse>(cx, a[0], resources::kIncomingResponse));
  return std::optional<Val>(Val::make(Val::Kind::U16, r->status));
}

Ret response_headers(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(auto* r, handle_object<IncomingResponse>(cx, a[0], resources::kIncomingResponse));
  return std::optional<Val>(own_val(resources::kFields, add_fields(cx, r->headers, true)));
}

Ret response_consume(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(auto* r, handle_object<IncomingResponse>(cx, a[0], resources::kIncomingResponse));
  if (r->consumed) return std::optional<Val>(err_val());
  r->consumed = true;
  auto body = std::make_unique<IncomingBody>();
  // Reads block on the connection (the client has no readiness test): always "ready".
  body->source = std::make_shared<HttpBodySource>(
      [call = r->call](std::span<uint8_t> buf) { return call->read_body(buf); },
      [](int) { return true; });
  return std::optional<Val>(ok_val(own_val(resources::kIncomingBody, cx.add(std::move(body)))));
}

const HostFunction kOutgoing[] = {
    {"wasi:http/types", "[constructor]outgoing-request", request_new},
    {"wasi:http/types", "[method]outgoing-request.body", request_body},
    {"wasi:http/types", "[method]outgoing-request.method", request_method},
    {"wasi:http/types", "[method]outgoing-request.set-method", request_set_method},
    {"wasi:http/types", "[method]outgoing-request.path-with-query", request_path},
    {"wasi:http/types", "[method]outgoing-request.set-path-with-query", request_set_path},
    {"wasi:http/types", "[method]outgoing-request.scheme", request_scheme},
    {"wasi:http/types", "[method]outgoing-request.set-scheme", request_set_scheme},
    {"wasi:http/types", "[method]outgoing-request.authority", request_authority},
    {"wasi:http/types", "[method]outgoing-request.set-authority", request_set_authority},
    {"wasi:http/types", "[method]outgoing-request.headers", request_headers},
    {"wasi:http/types", "[constructor]request-options", options_new},
    {"wasi:http/types", "[method]request-options.connect-timeout",
     options_get<&RequestOptions::connect_ns>},
    {"wasi:http/types", "[method]request-options.set-connect-timeout",
     options_set<&RequestOptions::connect_ns>},
    {"wasi:http/types", "[method]request-options.first-byte-timeout",
     options_get<&RequestOptions::first_byte_ns>},
    {"wasi:http/types", "[method]request-options.set-first-byte-timeout",
     options_set<&RequestOptions::first_byte_ns>},
    {"wasi:http/types", "[method]request-options.between-bytes-timeout",
     options_get<&RequestOptions::between_bytes_ns>},
    {"wasi:http/types", "[method]request-options.set-between-bytes-timeout",
     options_set<&RequestOptions::between_bytes_ns>},
    {"wasi:http/types", "[method]future-incoming-response.subscribe", future_subscribe},
    {"wasi:http/types", "[method]future-incoming-response.get", future_get},
    {"wasi:http/types", "[method]incoming-response.status", response_status},
    {"wasi:http/types", "[method]incoming-response.headers", response_headers},
    {"wasi:http/types", "[method]incoming-response.consume", response_consume},
    {"wasi:http/outgoing-handler", "handle", handle},
};

} // namespace

std::span<const HostFunction> http_outgoing_functions() {
  return kOutgoing;
}

} // namespace wasmcap::wasi::p2

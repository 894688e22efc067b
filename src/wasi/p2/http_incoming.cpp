// wasi:http/types for incoming-handler: the incoming request (read from the server's
// HttpExchange), its body and trailers, the outgoing response and its body, and
// response-outparam. The response goes to the exchange when `response-outparam.set` gives it;
// body bytes written before that are held (up to kMaxPending) and sent then.
#include <cerrno>
#include <charconv>

#include "wasi/p2/http.h"
#include "wasi/p2/http_objects.h"
#include "wasi/p2/registry.h"
#include "wasi/p2/values.h"

namespace wasmcap::wasi::p2 {

namespace {

// Body bytes a handler may write before it sets the response.
constexpr size_t kMaxPending = 16u << 20;

Ret request_method(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(auto* r, handle_object<IncomingRequest>(cx, a[0], resources::kIncomingRequest));
  return std::optional<Val>(method_val(r->exchange->request().method));
}

Ret request_path(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(auto* r, handle_object<IncomingRequest>(cx, a[0], resources::kIncomingRequest));
  return std::optional<Val>(some_val(Val::string(r->exchange->request().target)));
}

Ret request_scheme(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(auto* r, handle_object<IncomingRequest>(cx, a[0], resources::kIncomingRequest));
  const bool https = r->exchange->request().scheme == "https";
  return std::optional<Val>(
      some_val(variant_val("wasi:http/types.scheme", https ? "HTTPS" : "HTTP")));
}

Ret request_authority(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(auto* r, handle_object<IncomingRequest>(cx, a[0], resources::kIncomingRequest));
  const std::string& host = r->exchange->request().authority;
  return std::optional<Val>(host.empty() ? none_val() : some_val(Val::string(host)));
}

Ret request_headers(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(auto* r, handle_object<IncomingRequest>(cx, a[0], resources::kIncomingRequest));
  return std::optional<Val>(own_val(resources::kFields, add_fields(cx, r->headers, true)));
}

Ret request_consume(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(auto* r, handle_object<IncomingRequest>(cx, a[0], resources::kIncomingRequest));
  if (r->consumed) return std::optional<Val>(err_val());
  r->consumed = true;
  auto body = std::make_unique<IncomingBody>();
  HttpExchange* ex = r->exchange;
  body->source =
      std::make_shared<HttpBodySource>([ex](std::span<uint8_t> buf) { return ex->read_body(buf); },
                                       [ex](int timeout_ms) { return ex->wait_body(timeout_ms); });
  return std::optional<Val>(ok_val(own_val(resources::kIncomingBody, cx.add(std::move(body)))));
}

Ret body_stream(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(auto* b, handle_object<IncomingBody>(cx, a[0], resources::kIncomingBody));
  if (b->stream_taken) return std::optional<Val>(err_val());
  b->stream_taken = true;
  auto s = std::make_unique<InputStream>();
  s->source = b->source;
  return std::optional<Val>(ok_val(own_val(resources::kInputStream, cx.add(std::move(s)))));
}

Ret body_finish(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(const uint32_t rep, handle_rep(a[0], resources::kIncomingBody));
  WASMCAP_ASSIGN(auto body, cx.take_as<IncomingBody>(rep, resources::kIncomingBody));
  auto t = std::make_unique<FutureTrailers>();
  t->source = body->source;
  return std::optional<Val>(own_val(resources::kFutureTrailers, cx.add(std::move(t))));
}

Ret trailers_subscribe(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_TRY(handle_object<FutureTrailers>(cx, a[0], resources::kFutureTrailers));
  // get() reads the rest of the body itself, so the future counts as ready now.
  return std::optional<Val>(own_val(resources::kPollable, cx.add(std::make_unique<Pollable>())));
}

Ret trailers_get(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(auto* t, handle_object<FutureTrailers>(cx, a[0], resources::kFutureTrailers));
  if (t->taken) return std::optional<Val>(some_val(err_val()));
  t->taken = true;
  // The body's unread rest is skipped; trailers are not kept (yet).
  uint8_t buf[16384];
  for (;;) {
    bool ended = false;
    const int64_t n = t->source->read(buf, true, &ended);
    if (n < 0) {
      return std::optional<Val>(
          some_val(ok_val(err_val(internal_error("reading the body failed")))));
    }
    if (n == 0 && ended) break;
  }
  return std::optional<Val>(some_val(ok_val(ok_val(none_val()))));
}

Ret response_new(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(std::shared_ptr<FieldList> headers, take_fields(cx, a[0]));
  auto r = std::make_unique<OutgoingResponse>();
  r->state->content_length = declared_length(*headers);
  r->headers = std::move(headers);
  return std::optional<Val>(own_val(resources::kOutgoingResponse, cx.add(std::move(r))));
}

Ret response_status(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(auto* r, handle_object<OutgoingResponse>(cx, a[0], resources::kOutgoingResponse));
  return std::optional<Val>(Val::make(Val::Kind::U16, r->status));
}

Ret response_set_status(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(auto* r, handle_object<OutgoingResponse>(cx, a[0], resources::kOutgoingResponse));
  const uint64_t status = a[1].u();
  if (status < 100 || status > 599) return std::optional<Val>(err_val());
  r->status = static_cast<uint16_t>(status);
  return std::optional<Val>(ok_val());
}

Ret response_headers(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(auto* r, handle_object<OutgoingResponse>(cx, a[0], resources::kOutgoingResponse));
  return std::optional<Val>(own_val(resources::kFields, add_fields(cx, r->headers, true)));
}

Ret response_body(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(auto* r, handle_object<OutgoingResponse>(cx, a[0], resources::kOutgoingResponse));
  if (r->body_taken) return std::optional<Val>(err_val());
  r->body_taken = true;
  auto b = std::make_unique<OutgoingBody>();
  b->state = r->state;
  return std::optional<Val>(ok_val(own_val(resources::kOutgoingBody, cx.add(std::move(b)))));
}

Ret outgoing_body_write(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(auto* b, handle_object<OutgoingBody>(cx, a[0], resources::kOutgoingBody));
  if (b->stream_taken) return std::optional<Val>(err_val());
  b->stream_taken = true;
  auto s = std::make_unique<OutputStream>();
  s->sink = std::make_shared<ResponseBodySink>(b->state);
  return std::optional<Val>(ok_val(own_val(resources::kOutputStream, cx.add(std::move(s)))));
}

Ret outgoing_body_finish(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(const uint32_t rep, handle_rep(a[0], resources::kOutgoingBody));
  WASMCAP_ASSIGN(auto body, cx.take_as<OutgoingBody>(rep, resources::kOutgoingBody));
  body->done = true;
  ResponseState& st = *body->state;
  HttpHeaders trailers;
  if (a[1].has_payload()) {
    WASMCAP_ASSIGN(std::shared_ptr<FieldList> t, take_fields(cx, a[1].payload()));
    trailers = t->entries;
  }
  if (st.content_length && st.written != *st.content_length) {
    st.broken = true;
    st.error = "the body has " + std::to_string(st.written) + " bytes, Content-Length says " +
               std::to_string(*st.content_length);
    return std::optional<Val>(err_val(internal_error(st.error)));
  }
  if (st.broken) return std::optional<Val>(err_val(internal_error(st.error)));
  st.finished = true;
  if (st.started) {
    if (auto s = st.exchange ? st.exchange->finish(trailers) : st.call->finish(trailers); !s) {
      st.broken = true;
      st.error = s.error().message;
      return std::optional<Val>(err_val(internal_error(st.error)));
    }
  } else {
    st.pending_trailers = std::move(trailers);
  }
  return std::optional<Val>(ok_val());
}

Ret outparam_set(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(const uint32_t rep, handle_rep(a[0], resources::kResponseOutparam));
  WASMCAP_ASSIGN(auto param, cx.take_as<ResponseOutparam>(rep, resources::kResponseOutparam));
  const Val& result = a[1];
  if (result.bits != 0) {
    auto st = std::make_shared<ResponseState>();
    st->exchange = param->exchange;
    st->set = true;
    st->broken = true;
    st->error = "the handler answered with error-code." +
                (result.has_payload()
                     ? case_name(kHttpErrorCode, static_cast<uint32_t>(result.payload().bits))
                     : std::string("?"));
    *param->result = std::move(st);
    return std::optional<Val>();
  }
  WASMCAP_ASSIGN(const uint32_t rrep, handle_rep(result.payload(), resources::kOutgoingResponse));
  WASMCAP_ASSIGN(auto response, cx.take_as<OutgoingResponse>(rrep, resources::kOutgoingResponse));
  std::shared_ptr<ResponseState> st = response->state;
  st->exchange = param->exchange;
  st->set = true;
  // A response whose body was never taken has an empty one (a 204, a redirect).
  if (!response->body_taken) st->finished = true;
  *param->result = st;
  if (auto s = start_response(*st, response->status, *response->headers); !s) {
    st->broken = true;
    st->error = s.error().message;
  }
  return std::optional<Val>();
}

Ret http_error_code(P2Ctx&, std::span<const Val>) {
  // Stream errors of HTTP bodies carry no error-code of their own yet.
  return std::optional<Val>(none_val());
}

const HostFunction kIncoming[] = {
    {"wasi:http/types", "[method]incoming-request.method", request_method},
    {"wasi:http/types", "[method]incoming-request.path-with-query", request_path},
    {"wasi:http/types", "[method]incoming-request.scheme", request_scheme},
    {"wasi:http/types", "[method]incoming-request.authority", request_authority},
    {"wasi:http/types", "[method]incoming-request.headers", request_headers},
    {"wasi:http/types", "[method]incoming-request.consume", request_consume},
    {"wasi:http/types", "[method]incoming-body.stream", body_stream},
    {"wasi:http/types", "[static]incoming-body.finish", body_finish},
    {"wasi:http/types", "[method]future-trailers.subscribe", trailers_subscribe},
    {"wasi:http/types", "[method]future-trailers.get", trailers_get},
    {"wasi:http/types", "[constructor]outgoing-response", response_new},
    {"wasi:http/types", "[method]outgoing-response.status-code", response_status},
    {"wasi:http/types", "[method]outgoing-response.set-status-code", response_set_status},
    {"wasi:http/types", "[method]outgoing-response.headers", response_headers},
    {"wasi:http/types", "[method]outgoing-response.body", response_body},
    {"wasi:http/types", "[method]outgoing-body.write", outgoing_body_write},
    {"wasi:http/types", "[static]outgoing-body.finish", outgoing_body_finish},
    {"wasi:http/types", "[static]response-outparam.set", outparam_set},
    {"wasi:http/types", "http-error-code", http_error_code},
};

} // namespace

OutgoingBody::~OutgoingBody() {
  if (!done && state && !state->finished && !state->broken) {
    state->broken = true;
    state->error = "the handler dropped the response body without finishing it";
  }
}

int64_t HttpBodySource::read(std::span<uint8_t> buf, bool blocking, bool* ended) {
  *ended = false;
  if (ended_) {
    *ended = true;
    return 0;
  }
  if (!blocking && !wait_(0)) return 0;
  auto n = read_(buf);
  if (!n) return -EIO;
  if (*n == 0) ended_ = *ended = true;
  return static_cast<int64_t>(*n);
}

int ResponseBodySink::write(std::string_view data) {
  ResponseState& st = *state_;
  if (st.broken || st.finished) return EPIPE;
  if (st.content_length && st.written + data.size() > *st.content_length) {
    st.broken = true;
    st.error = "the body is longer than its Content-Length";
    return EPIPE;
  }
  st.written += data.size();
  if (!st.started) {
    if (st.pending.size() + data.size() > kMaxPending) {
      st.broken = true;
      st.error = "more than 16 MiB of body written before response-outparam.set";
      return ENOBUFS;
    }
    st.pending.append(data);
    return 0;
  }
  const std::span<const uint8_t> bytes(reinterpret_cast<const uint8_t*>(data.data()), data.size());
  auto s = st.exchange ? st.exchange->write_body(bytes) : st.call->write_body(bytes);
  if (!s) {
    st.broken = true;
    st.error = s.error().message;
    return EPIPE;
  }
  return 0;
}

support::Status start_response(ResponseState& st, uint16_t status, const FieldList& headers) {
  WASMCAP_TRY(st.exchange->start_response(status, headers.entries));
  st.started = true;
  if (!st.pending.empty()) {
    std::string pending = std::move(st.pending);
    WASMCAP_TRY(st.exchange->write_body(
        {reinterpret_cast<const uint8_t*>(pending.data()), pending.size()}));
  }
  if (st.finished) WASMCAP_TRY(st.exchange->finish(st.pending_trailers));
  return ok();
}

IncomingCall begin_incoming(P2Ctx& cx, HttpExchange& exchange) {
  IncomingCall call;
  call.response = std::make_shared<std::shared_ptr<ResponseState>>();
  auto req = std::make_unique<IncomingRequest>();
  req->exchange = &exchange;
  req->headers = std::make_shared<FieldList>();
  for (const auto& [name, value] : exchange.request().headers) {
    req->headers->entries.emplace_back(lower_case(name), value);
  }
  call.request = own_val(resources::kIncomingRequest, cx.add(std::move(req)));
  auto out = std::make_unique<ResponseOutparam>();
  out->exchange = &exchange;
  out->result = call.response.get();
  call.outparam = own_val(resources::kResponseOutparam, cx.add(std::move(out)));
  return call;
}

std::string end_incoming(HttpExchange& exchange, const IncomingCall& call) {
  const std::shared_ptr<ResponseState>& st = *call.response;
  if (!st) {
    exchange.fail(500, "the handler set no response");
    return "the handler set no response (response-outparam.set was not called)";
  }
  if (st->broken) {
    exchange.fail(500, "the handler failed");
    return st->error;
  }
  if (!st->finished) {
    // Complete anyway when a declared length was written in full: only the finish is missing.
    if (st->content_length && st->written == *st->content_length) {
      if (auto s = exchange.finish({}); !s) return s.error().message;
      return "";
    }
    exchange.fail(500, "the handler did not finish the response body");
    return "the handler did not finish the response body (outgoing-body.finish)";
  }
  return "";
}

std::span<const HostFunction> http_incoming_functions() {
  return kIncoming;
}

} // namespace wasmcap::wasi::p2

// The host objects behind wasi:http's resources (wasi:http/types), and the state a request and
// its response share while a handler runs. An incoming request reads from the server's
// HttpExchange; a response's body writes to it once `response-outparam.set` gave the response
// (bytes written before that wait in a bounded buffer). Outgoing requests (outgoing-handler) use
// the same fields, bodies and streams.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "wasi/p2/objects.h"
#include "wasmcap/http.h"

namespace wasmcap::wasi::p2 {

// Header fields, names lower-cased (HTTP field names are case-insensitive; wasi:http hands them
// back lower-cased, as other hosts do). Shared between a `fields` handle and the request or
// response it belongs to, so a child `headers()` handle sees the same list.
struct FieldList {
  std::vector<std::pair<std::string, std::string>> entries;
};

struct Fields : HostObject {
  Fields() { type = &resources::kFields; }
  std::shared_ptr<FieldList> list = std::make_shared<FieldList>();
  bool immutable = false;
};

// A body being sent: an incoming request's response (to the server's exchange, from
// `response-outparam.set` to the body's finish), or an outgoing request's body (to the client's
// call, from outgoing-handler.handle on).
struct ResponseState {
  HttpExchange* exchange = nullptr;
  std::shared_ptr<HttpOutgoingCall> call; // an outgoing request's
  bool set = false;                       // response-outparam.set was called
  bool started = false;                   // the status and headers went to the exchange
  bool finished = false;                  // outgoing-body.finish succeeded
  bool broken = false;                    // the body was dropped unfinished, or a write failed
  std::string error;                      // why, when set with an error-code or broken
  std::string pending;                    // body bytes written before the response started
  HttpHeaders pending_trailers;           // given to finish before the response started
  std::optional<uint64_t> content_length;
  uint64_t written = 0;
};

// The incoming request given to incoming-handler.handle.
struct IncomingRequest : HostObject {
  IncomingRequest() { type = &resources::kIncomingRequest; }
  HttpExchange* exchange = nullptr;
  std::shared_ptr<FieldList> headers;
  bool consumed = false;
};

// A body being received (of an incoming request, or of the response to an outgoing one).
struct IncomingBody : HostObject {
  IncomingBody() { type = &resources::kIncomingBody; }
  std::shared_ptr<ByteSource> source;
  bool stream_taken = false;
};

struct FutureTrailers : HostObject {
  FutureTrailers() { type = &resources::kFutureTrailers; }
  std::shared_ptr<ByteSource> source; // read to its end by get
  bool taken = false;
};

struct OutgoingResponse : HostObject {
  OutgoingResponse() { type = &resources::kOutgoingResponse; }
  uint16_t status = 200;
  std::shared_ptr<FieldList> headers;
  std::shared_ptr<ResponseState> state = std::make_shared<ResponseState>();
  bool body_taken = false;
};

// The body of an outgoing response: dropping it unfinished marks the response broken (the WIT:
// "the implementation should treat the body as corrupted").
struct OutgoingBody : HostObject {
  OutgoingBody() { type = &resources::kOutgoingBody; }
  ~OutgoingBody() override;
  std::shared_ptr<ResponseState> state;
  bool stream_taken = false;
  bool done = false; // finished (or handed on)
};

struct ResponseOutparam : HostObject {
  ResponseOutparam() { type = &resources::kResponseOutparam; }
  HttpExchange* exchange = nullptr;
  // Filled by set: the response whose state the server then follows.
  std::shared_ptr<ResponseState>* result = nullptr;
};

struct RequestOptions : HostObject {
  RequestOptions() { type = &resources::kRequestOptions; }
  std::optional<uint64_t> connect_ns, first_byte_ns, between_bytes_ns;
};

// An outgoing request being built (outgoing-handler.handle sends it).
struct OutgoingRequest : HostObject {
  OutgoingRequest() { type = &resources::kOutgoingRequest; }
  std::shared_ptr<FieldList> headers;
  std::string method = "GET";
  std::optional<std::string> path_with_query, scheme, authority;
  // The body's bytes (held in `pending`: the request is not sent while it is written).
  std::shared_ptr<ResponseState> body = std::make_shared<ResponseState>();
  bool body_taken = false;
};

// The response to an outgoing request: ready once the request's body is finished (the head is
// then awaited by get), or at once with an error (`result`).
struct FutureIncomingResponse : HostObject {
  FutureIncomingResponse() { type = &resources::kFutureIncomingResponse; }
  std::shared_ptr<ResponseState> body;
  std::optional<Val> result; // the option's payload once known
  bool taken = false;
};

struct IncomingResponse : HostObject {
  IncomingResponse() { type = &resources::kIncomingResponse; }
  std::shared_ptr<HttpOutgoingCall> call;
  std::shared_ptr<FieldList> headers;
  uint16_t status = 0;
  bool consumed = false;
};

// A stream over an HTTP body: an incoming request's (read from the server's exchange) or an
// outgoing request's response (read from the client's call). `read` blocks for at least one
// byte (0 = the end); `wait` says whether it would not block (-1: wait as long as needed).
class HttpBodySource final : public ByteSource {
public:
  HttpBodySource(std::function<Result<size_t>(std::span<uint8_t>)> read,
                 std::function<bool(int timeout_ms)> wait)
      : read_(std::move(read)), wait_(std::move(wait)) {}
  int64_t read(std::span<uint8_t> buf, bool blocking, bool* ended) override;
  bool wait(int timeout_ms) override { return ended_ || wait_(timeout_ms); }

private:
  std::function<Result<size_t>(std::span<uint8_t>)> read_;
  std::function<bool(int)> wait_;
  bool ended_ = false;
};

// A stream into an outgoing response's body.
class ResponseBodySink final : public ByteSink {
public:
  explicit ResponseBodySink(std::shared_ptr<ResponseState> state) : state_(std::move(state)) {}
  int write(std::string_view data) override;

private:
  std::shared_ptr<ResponseState> state_;
};

// Sends the response's status and headers and what its body buffered (once `set` gave it).
support::Status start_response(ResponseState& state, uint16_t status, const FieldList& headers);

} // namespace wasmcap::wasi::p2

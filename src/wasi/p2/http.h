// wasi:http in the WASI 0.2 host: what the api layer's HttpProxy needs to hand a request to a
// component's incoming-handler and to finish the exchange afterwards, plus helpers the http*.cpp
// files share.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "wasi/p2/host.h"
#include "wasmcap/http.h"

namespace wasmcap::wasi::p2 {

struct FieldList;
struct ResponseState;

// The two arguments of incoming-handler.handle, made in `cx` for `exchange`, and the slot where
// `response-outparam.set` puts the response it was given.
struct IncomingCall {
  Val request;  // own<incoming-request>
  Val outparam; // own<response-outparam>
  std::shared_ptr<std::shared_ptr<ResponseState>> response;
};
IncomingCall begin_incoming(P2Ctx& cx, HttpExchange& exchange);

// After handle returned: the exchange is finished (or failed with a 500, or its connection
// closed, when the guest set no response, set an error, or left the body unfinished). Returns
// what went wrong, for the log (empty: a complete response).
std::string end_incoming(HttpExchange& exchange, const IncomingCall& call);

// HTTP field syntax (RFC 9110): a token name, a value without CR, LF or NUL.
bool valid_field_name(std::string_view name);
bool valid_field_value(std::string_view value);
std::string lower_case(std::string_view s);

// The length a Content-Length field declares, if it has a valid one.
std::optional<uint64_t> declared_length(const FieldList& fields);
// A new `fields` handle's representation over `list`.
uint32_t add_fields(P2Ctx& cx, std::shared_ptr<FieldList> list, bool immutable);
// The list of an own<fields> the guest gave away (the handle is gone after this).
support::Result<std::shared_ptr<FieldList>> take_fields(P2Ctx& cx, const Val& own);

// The WIT type of wasi:http's errors (for variant_val and case_name).
inline constexpr std::string_view kHttpErrorCode = "wasi:http/types.error-code";

// wasi:http/types' method variant from a method name, and back.
Val method_val(std::string_view method);
std::string method_name(const Val& method);
// error-code.internal-error(some(message)).
Val internal_error(std::string_view message);

} // namespace wasmcap::wasi::p2

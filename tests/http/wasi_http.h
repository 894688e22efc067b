/* Hand-written wasi:http 0.2.12 imports for C handler components built without libc
 * (component_guest() in cmake/components.cmake; the conventions of tests/wasi_p2/wasi_p2.h):
 * parameters flattened, results that flatten to more than one value written at a return
 * pointer, lists returned in memory the host got from the guest's cabi_realloc. Layouts follow
 * ../shared/component-model/design/mvp/CanonicalABI.md; `jco new` checks every signature against
 * the WIT, so a wrong one fails the build, not the test. */
#ifndef WASMCAP_TESTS_WASI_HTTP_H
#define WASMCAP_TESTS_WASI_HTTP_H

#include "wasi_p2.h"

#define WASI_HTTP_TYPES(name) WASI_P2_IMPORT("wasi:http/types", name)

/* result<own<T>> (no error payload): byte 0 is 0 for ok, the handle at 4. */
typedef struct {
  uint8_t is_err;
  int32_t handle;
} wasi_handle_result;

/* option<string> and the method variant: a byte (the case) and a string at 4. */
typedef struct {
  uint8_t tag;
  const char* ptr;
  uint32_t len;
} wasi_tagged_string;

/* input-stream.blocking-read's result<list<u8>, stream-error>: case at 0; the list (or the
 * stream-error: its case at 4, a handle at 8) at 4. */
typedef struct {
  uint8_t is_err;
  uint8_t* ptr; /* error: the stream-error case (1 = closed) */
  uint32_t len;
} wasi_read_result;

/* header-error results: case at 0, the header-error case at 1. */
typedef struct {
  uint8_t is_err;
  uint8_t error;
} wasi_header_result;

/* result<_, error-code> (outgoing-body.finish) and result<own<future-incoming-response>,
 * error-code> (outgoing-handler.handle): case at 0, error-code (its case at 8) or handle at 8. */
typedef struct {
  uint8_t is_err;
  uint8_t pad[7];
  uint32_t payload; /* ok: the handle; error: the error-code case (low byte) */
  uint8_t rest[28];
} wasi_code_result;
_Static_assert(sizeof(wasi_code_result) == 40, "result<_, error-code>'s canonical size");

/* One entry of fields.entries: a string and a list<u8>. */
typedef struct {
  const char* name;
  uint32_t name_len;
  const uint8_t* value;
  uint32_t value_len;
} wasi_field;
typedef struct {
  wasi_field* ptr;
  uint32_t len;
} wasi_fields_list;

WASI_HTTP_TYPES("[method]incoming-request.method")
void wasi_request_method(int32_t request, wasi_tagged_string* ret);
WASI_HTTP_TYPES("[method]incoming-request.path-with-query")
void wasi_request_path(int32_t request, wasi_tagged_string* ret);
WASI_HTTP_TYPES("[method]incoming-request.headers") int32_t wasi_request_headers(int32_t request);
WASI_HTTP_TYPES("[method]incoming-request.consume")
void wasi_request_consume(int32_t request, wasi_handle_result* ret);
WASI_HTTP_TYPES("[resource-drop]incoming-request") void wasi_drop_incoming_request(int32_t h);

WASI_HTTP_TYPES("[method]incoming-body.stream")
void wasi_incoming_body_stream(int32_t body, wasi_handle_result* ret);
WASI_HTTP_TYPES("[resource-drop]incoming-body") void wasi_drop_incoming_body(int32_t h);

WASI_HTTP_TYPES("[constructor]fields") int32_t wasi_fields_new(void);
WASI_HTTP_TYPES("[method]fields.append")
void wasi_fields_append(int32_t fields, const char* name, size_t name_len, const void* value,
                        size_t value_len, wasi_header_result* ret);
WASI_HTTP_TYPES("[method]fields.entries")
void wasi_fields_entries(int32_t fields, wasi_fields_list* ret);
WASI_HTTP_TYPES("[resource-drop]fields") void wasi_drop_fields(int32_t h);

WASI_HTTP_TYPES("[constructor]outgoing-response") int32_t wasi_response_new(int32_t headers);
WASI_HTTP_TYPES("[method]outgoing-response.set-status-code")
int32_t wasi_response_set_status(int32_t response, int32_t status);
WASI_HTTP_TYPES("[method]outgoing-response.body")
void wasi_response_body(int32_t response, wasi_handle_result* ret);
WASI_HTTP_TYPES("[method]outgoing-body.write")
void wasi_outgoing_body_write(int32_t body, wasi_handle_result* ret);
WASI_HTTP_TYPES("[static]outgoing-body.finish")
void wasi_outgoing_body_finish(int32_t body, int32_t has_trailers, int32_t trailers,
                               wasi_code_result* ret);
WASI_HTTP_TYPES("[resource-drop]outgoing-body") void wasi_drop_outgoing_body(int32_t h);

/* response-outparam.set(param, result<own<outgoing-response>, error-code>): the result flattens
 * to its case and the join of the handle and error-code's flat form (i32 i32 i64 i32 i32 i32 i32:
 * error-code's case, then the widest payload, HTTP-request-body-size's option<u64> in third). */
WASI_HTTP_TYPES("[static]response-outparam.set")
void wasi_outparam_set(int32_t param, int32_t is_err, int32_t a, int32_t b, int64_t c, int32_t d,
                       int32_t e, int32_t f, int32_t g);

WASI_HTTP_TYPES("[constructor]outgoing-request") int32_t wasi_outgoing_request_new(int32_t headers);
WASI_HTTP_TYPES("[method]outgoing-request.set-authority")
int32_t wasi_outgoing_request_set_authority(int32_t request, int32_t is_some, const char* ptr,
                                            size_t len);
WASI_P2_IMPORT("wasi:http/outgoing-handler", "handle")
void wasi_outgoing_handle(int32_t request, int32_t has_options, int32_t options,
                          wasi_code_result* ret);

WASI_P2_IMPORT("wasi:io/streams", "[method]input-stream.blocking-read")
void wasi_blocking_read(int32_t stream, uint64_t len, wasi_read_result* ret);
WASI_P2_IMPORT("wasi:io/streams", "[resource-drop]input-stream")
void wasi_drop_input_stream(int32_t stream);

/* The export: incoming-handler.handle(request, response-out). */
#define WASI_HTTP_EXPORT_HANDLE                                                                    \
  __attribute__((export_name("wasi:http/incoming-handler@0.2.12#handle")))

#endif

/* A wasi:http/proxy handler in C without libc, for `wasmcap serve`'s tests (tests/http). It
 * routes on the path:
 *   /                 200 "hello from a wasm handler\n" (text/plain, Content-Length)
 *   /echo             the request body back, streamed in chunks (chunked encoding); the method
 *                     and the number of body bytes in x-method and... trailers are not used
 *   /headers          the request's headers, one "name: value" line each
 *   /status/NNN       an empty response with status NNN (no body taken)
 *   /big/N            N bytes of 'x' (chunked), written 64 KiB at a time
 *   /trap             traps (unreachable) before answering
 *   /loop             loops forever (for deadlines)
 *   /silent           returns without setting a response
 *   /unfinished       sets a response and writes, but never finishes the body
 *   /state            "counter N, text T, zeroed Z": a counter initialised to 41 (a data segment),
 *                     a text "initial" (data) and a zero-initialised counter (bss), each changed
 *                     on the way (incremented, overwritten with "changed"): a fresh instance
 *                     always answers "counter 42, text initial, zeroed 1"
 *   /outgoing/HOST    GET http://HOST/ (an outgoing request): answers "upstream NNN: BODY" with
 *                     the upstream's status and body, 403 "denied" for HTTP-request-denied, or
 *                     502 and the number of any other error-code case */
#include "wasi_http.h"

/* cabi_realloc from an arena that the handler can rewind to a mark: a fresh instance serves one
 * request, and /echo reuses the same space for every chunk it reads. */
static unsigned char arena[1 << 20] __attribute__((aligned(16)));
static size_t arena_used;
__attribute__((export_name("cabi_realloc"))) void* cabi_realloc(void* old, size_t old_size,
                                                                size_t align, size_t new_size) {
  size_t start = (arena_used + align - 1) & ~(align - 1);
  if (start + new_size > sizeof arena) __builtin_trap();
  unsigned char* p = arena + start;
  for (size_t i = 0; i < old_size && i < new_size; i++)
    p[i] = ((unsigned char*)old)[i];
  arena_used = start + new_size;
  return p;
}

static int starts_with(const char* s, size_t len, const char* prefix) {
  size_t n = wasi_p2_strlen(prefix);
  if (len < n) return 0;
  for (size_t i = 0; i < n; i++)
    if (s[i] != prefix[i]) return 0;
  return 1;
}

static int equals(const char* s, size_t len, const char* text) {
  return len == wasi_p2_strlen(text) && starts_with(s, len, text);
}

static uint32_t parse_uint(const char* s, size_t len) {
  uint32_t v = 0;
  for (size_t i = 0; i < len && s[i] >= '0' && s[i] <= '9'; i++)
    v = v * 10 + (uint32_t)(s[i] - '0');
  return v;
}

static void append(int32_t fields, const char* name, const char* value) {
  wasi_header_result r;
  wasi_fields_append(fields, name, wasi_p2_strlen(name), value, wasi_p2_strlen(value), &r);
  if (r.is_err) __builtin_trap();
}

/* Sets the response (status, headers) on `out` and returns its body's output stream; the body
 * handle goes to *body. */
static int32_t respond(int32_t out, int32_t status, int32_t headers, int32_t* body) {
  int32_t response = wasi_response_new(headers);
  if (wasi_response_set_status(response, status) != 0) __builtin_trap();
  wasi_handle_result b;
  wasi_response_body(response, &b);
  if (b.is_err) __builtin_trap();
  wasi_handle_result s;
  wasi_outgoing_body_write(b.handle, &s);
  if (s.is_err) __builtin_trap();
  wasi_outparam_set(out, 0, response, 0, 0, 0, 0, 0, 0);
  *body = b.handle;
  return s.handle;
}

static void finish(int32_t stream, int32_t body) {
  wasi_drop_output_stream(stream);
  wasi_code_result r;
  wasi_outgoing_body_finish(body, 0, 0, &r);
  if (r.is_err) __builtin_trap();
}

static void write_bytes(int32_t stream, const void* data, size_t len) {
  const char* p = data;
  while (len > 0) {
    size_t chunk = len < 4096 ? len : 4096;
    wasi_stream_result r = {1, 0, 0};
    wasi_blocking_write_and_flush(stream, p, chunk, &r);
    if (r.is_err) __builtin_trap();
    p += chunk;
    len -= chunk;
  }
}

static void text_response(int32_t out, int32_t status, const char* text) {
  int32_t headers = wasi_fields_new();
  char len[21];
  append(headers, "content-type", "text/plain");
  append(headers, "content-length", wasi_p2_utoa(wasi_p2_strlen(text), len));
  int32_t body;
  int32_t stream = respond(out, status, headers, &body);
  write_bytes(stream, text, wasi_p2_strlen(text));
  finish(stream, body);
}

static void echo(int32_t request, int32_t out, const char* method, size_t method_len) {
  wasi_handle_result b;
  wasi_request_consume(request, &b);
  if (b.is_err) __builtin_trap();
  wasi_handle_result in;
  wasi_incoming_body_stream(b.handle, &in);
  if (in.is_err) __builtin_trap();
  int32_t headers = wasi_fields_new();
  wasi_header_result hr;
  wasi_fields_append(headers, "x-method", 8, method, method_len, &hr);
  int32_t body;
  int32_t stream = respond(out, 200, headers, &body);
  size_t mark = arena_used;
  for (;;) {
    wasi_read_result r;
    wasi_blocking_read(in.handle, 65536, &r);
    if (r.is_err) break; /* closed: the end of the body */
    write_bytes(stream, r.ptr, r.len);
    arena_used = mark;
  }
  wasi_drop_input_stream(in.handle);
  wasi_drop_incoming_body(b.handle);
  finish(stream, body);
}

static void list_headers(int32_t request, int32_t out) {
  int32_t fields = wasi_request_headers(request);
  wasi_fields_list list;
  wasi_fields_entries(fields, &list);
  int32_t headers = wasi_fields_new();
  int32_t body;
  int32_t stream = respond(out, 200, headers, &body);
  for (uint32_t i = 0; i < list.len; i++) {
    write_bytes(stream, list.ptr[i].name, list.ptr[i].name_len);
    write_bytes(stream, ": ", 2);
    write_bytes(stream, list.ptr[i].value, list.ptr[i].value_len);
    write_bytes(stream, "\n", 1);
  }
  wasi_drop_fields(fields);
  finish(stream, body);
}

static void big(int32_t out, uint32_t n) {
  static char chunk[65536];
  for (size_t i = 0; i < sizeof chunk; i++)
    chunk[i] = 'x';
  int32_t body;
  int32_t stream = respond(out, 200, wasi_fields_new(), &body);
  while (n > 0) {
    uint32_t k = n < sizeof chunk ? n : (uint32_t)sizeof chunk;
    write_bytes(stream, chunk, k);
    n -= k;
  }
  finish(stream, body);
}

/* The upstream's response: its status, then its body, as "upstream NNN: BODY". */
static void forward(int32_t out, int32_t future) {
  int32_t ready = wasi_future_response_subscribe(future);
  wasi_pollable_block(ready);
  wasi_drop_pollable(ready);
  wasi_future_response get;
  wasi_future_response_get(future, &get);
  if (!get.is_some || get.outer_err) __builtin_trap();
  if (get.inner_err) {
    char text[32];
    text_response(out, 502, wasi_p2_utoa(get.payload & 0xff, text));
    return;
  }
  int32_t response = (int32_t)get.payload;
  char status[21];
  wasi_p2_utoa((uint64_t)wasi_incoming_response_status(response), status);
  wasi_handle_result b;
  wasi_incoming_response_consume(response, &b);
  if (b.is_err) __builtin_trap();
  wasi_handle_result in;
  wasi_incoming_body_stream(b.handle, &in);
  if (in.is_err) __builtin_trap();
  int32_t body;
  int32_t stream = respond(out, 200, wasi_fields_new(), &body);
  write_bytes(stream, "upstream ", 9);
  write_bytes(stream, status, wasi_p2_strlen(status));
  write_bytes(stream, ": ", 2);
  size_t mark = arena_used;
  for (;;) {
    wasi_read_result r;
    wasi_blocking_read(in.handle, 65536, &r);
    if (r.is_err) break;
    write_bytes(stream, r.ptr, r.len);
    arena_used = mark;
  }
  wasi_drop_input_stream(in.handle);
  wasi_drop_incoming_body(b.handle);
  wasi_drop_incoming_response(response);
  wasi_drop_future_response(future);
  finish(stream, body);
}

static void outgoing(int32_t out, const char* host, size_t len) {
  int32_t request = wasi_outgoing_request_new(wasi_fields_new());
  if (wasi_outgoing_request_set_authority(request, 1, host, len) != 0) __builtin_trap();
  if (wasi_outgoing_request_set_scheme(request, 1, 0, 0, 0) != 0) __builtin_trap(); /* HTTP */
  wasi_code_result r;
  wasi_outgoing_handle(request, 0, 0, &r);
  char text[32];
  if (!r.is_err) {
    forward(out, (int32_t)r.payload);
  } else if ((r.payload & 0xff) == 15) { /* error-code.HTTP-request-denied */
    text_response(out, 403, "denied\n");
  } else {
    wasi_p2_utoa(r.payload & 0xff, text);
    text_response(out, 502, text);
  }
}

/* For /state: volatile, so the compiler cannot fold the initial values into the code. */
static volatile int counter = 41;
static volatile char text[8] = "initial";
static volatile int zeroed;

static void state(int32_t out) {
  char answer[96], num[21];
  size_t n = 0;
  const char* parts[6] = {"counter ", 0, ", text ", 0, ", zeroed ", 0};
  char copy[8];
  counter = counter + 1;
  zeroed = zeroed + 1;
  for (int i = 0; i < 8; i++)
    copy[i] = text[i];
  copy[7] = 0;
  for (int i = 0; i < 8; i++)
    text[i] = "changed"[i];
  for (int k = 0; k < 6; k++) {
    char tmp[21];
    const char* s = parts[k];
    if (k == 1) s = wasi_p2_utoa((uint64_t)counter, num);
    if (k == 3) s = copy;
    if (k == 5) s = wasi_p2_utoa((uint64_t)zeroed, tmp);
    for (size_t i = 0; s[i]; i++)
      answer[n++] = s[i];
  }
  answer[n] = 0;
  text_response(out, 200, answer);
}

WASI_HTTP_EXPORT_HANDLE void handle(int32_t request, int32_t out) {
  wasi_tagged_string path, method;
  wasi_request_path(request, &path);
  wasi_request_method(request, &method);
  const char* p = path.tag ? path.ptr : "/";
  size_t n = path.tag ? path.len : 1;
  for (size_t i = 0; i < n; i++) {
    if (p[i] == '?') n = i; /* the query is not routed on */
  }
  /* The method's name: `other` carries it; the named cases are spelled here. */
  static const char* const names[] = {"GET",     "HEAD",    "POST",  "PUT",  "DELETE",
                                      "CONNECT", "OPTIONS", "TRACE", "PATCH"};
  const char* m = method.tag < 9 ? names[method.tag] : method.ptr;
  size_t m_len = method.tag < 9 ? wasi_p2_strlen(m) : method.len;

  if (equals(p, n, "/")) {
    text_response(out, 200, "hello from a wasm handler\n");
  } else if (equals(p, n, "/echo")) {
    echo(request, out, m, m_len);
  } else if (equals(p, n, "/headers")) {
    list_headers(request, out);
  } else if (starts_with(p, n, "/status/")) {
    int32_t response = wasi_response_new(wasi_fields_new());
    if (wasi_response_set_status(response, (int32_t)parse_uint(p + 8, n - 8)) != 0)
      __builtin_trap();
    wasi_outparam_set(out, 0, response, 0, 0, 0, 0, 0, 0);
  } else if (starts_with(p, n, "/big/")) {
    big(out, parse_uint(p + 5, n - 5));
  } else if (equals(p, n, "/trap")) {
    __builtin_trap();
  } else if (equals(p, n, "/loop")) {
    for (volatile int i = 0;; i++) {
    }
  } else if (equals(p, n, "/silent")) {
    /* no response */
  } else if (equals(p, n, "/unfinished")) {
    int32_t body;
    int32_t stream = respond(out, 200, wasi_fields_new(), &body);
    write_bytes(stream, "partial", 7);
  } else if (equals(p, n, "/state")) {
    state(out);
  } else if (starts_with(p, n, "/outgoing/")) {
    outgoing(out, p + 10, n - 10);
  } else {
    text_response(out, 404, "not found\n");
  }
  wasi_drop_incoming_request(request);
}

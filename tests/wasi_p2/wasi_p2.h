/* Hand-written WASI 0.2.12 imports for C guests built without libc (component_guest() in
 * cmake/components.cmake), in the core-wasm form the Canonical ABI gives them when lowered
 * (../shared/component-model/design/mvp/CanonicalABI.md, flatten_functype):
 *  - parameters are flattened (u64 -> i64, a handle -> i32, list<u8> -> pointer + length);
 *  - a result that flattens to one value is returned; a larger one (a record, a list, a result
 *    with a payload) is written to memory at a return pointer passed as the last parameter;
 *  - a function returning a list allocates it in the guest by calling the guest's exported
 *    `cabi_realloc`, which every guest using these must define (WASI_P2_DEFINE_REALLOC).
 * Plus small helpers: writing text to stdout, and the export of wasi:cli/run's `run`. */
#ifndef WASMCAP_TESTS_WASI_P2_H
#define WASMCAP_TESTS_WASI_P2_H

#include <stddef.h>
#include <stdint.h>

#define WASI_P2_IMPORT(module, name)                                                               \
  __attribute__((import_module(module "@0.2.12"), import_name(name)))

/* wasi:clocks/monotonic-clock: now() -> instant (u64 nanoseconds). */
WASI_P2_IMPORT("wasi:clocks/monotonic-clock", "now") uint64_t wasi_monotonic_now(void);
/* resolution() -> duration (u64). */
WASI_P2_IMPORT("wasi:clocks/monotonic-clock", "resolution")
uint64_t wasi_monotonic_resolution(void);

/* wasi:clocks/wall-clock: now() -> datetime, a record {seconds: u64, nanoseconds: u32}: two
 * flat values, so written at the return pointer (seconds at 0, nanoseconds at 8; size 16). */
typedef struct {
  uint64_t seconds;
  uint32_t nanoseconds;
} wasi_datetime;
_Static_assert(sizeof(wasi_datetime) == 16 && offsetof(wasi_datetime, nanoseconds) == 8,
               "datetime's canonical layout");
WASI_P2_IMPORT("wasi:clocks/wall-clock", "now") void wasi_wall_now(wasi_datetime* ret);

/* wasi:random/random: get-random-bytes(len: u64) -> list<u8> (a pointer and a length at the
 * return pointer; the bytes are in memory the host got from cabi_realloc). */
typedef struct {
  uint8_t* ptr;
  uint32_t len;
} wasi_bytes;
WASI_P2_IMPORT("wasi:random/random", "get-random-bytes")
void wasi_random_bytes(uint64_t len, wasi_bytes* ret);
/* get-random-u64() -> u64. */
WASI_P2_IMPORT("wasi:random/random", "get-random-u64") uint64_t wasi_random_u64(void);

/* wasi:cli/environment: get-arguments() -> list<string>: the list (pointer, count) at the return
 * pointer; each element a string (pointer, byte length; UTF-8, not NUL-terminated). The host
 * allocates the list and every string with cabi_realloc. */
typedef struct {
  const char* ptr;
  uint32_t len;
} wasi_string;
typedef struct {
  wasi_string* ptr;
  uint32_t len;
} wasi_strings;
WASI_P2_IMPORT("wasi:cli/environment", "get-arguments") void wasi_get_arguments(wasi_strings* ret);

/* wasi:cli/stdout: get-stdout() -> own<output-stream> (a handle, i32). */
WASI_P2_IMPORT("wasi:cli/stdout", "get-stdout") int32_t wasi_get_stdout(void);

/* wasi:io/streams: output-stream.blocking-write-and-flush(self: borrow<output-stream>,
 * contents: list<u8>) -> result<_, stream-error>. The result flattens to three values (case,
 * then stream-error's case and its error handle), so it goes through the return pointer: byte 0
 * is 0 for ok, 1 for error; stream-error starts at offset 4 (its case at 4: 0 last-operation-failed
 * with an own<error> handle at 8, 1 closed). At most 4096 bytes per call. */
typedef struct {
  uint8_t is_err;
  uint32_t error_case; /* at offset 4: only its low byte is written */
  uint32_t error_handle;
} wasi_stream_result;
_Static_assert(sizeof(wasi_stream_result) == 12 && offsetof(wasi_stream_result, error_case) == 4 &&
                   offsetof(wasi_stream_result, error_handle) == 8,
               "result<_, stream-error>'s canonical layout");
WASI_P2_IMPORT("wasi:io/streams", "[method]output-stream.blocking-write-and-flush")
void wasi_blocking_write_and_flush(int32_t stream, const void* ptr, size_t len,
                                   wasi_stream_result* ret);
/* The destructor of an own<output-stream>. */
WASI_P2_IMPORT("wasi:io/streams", "[resource-drop]output-stream")
void wasi_drop_output_stream(int32_t stream);

/* The export of wasi:cli/run: run() -> result, flattened to one i32 (0 ok, 1 err). */
#define WASI_P2_EXPORT_RUN __attribute__((export_name("wasi:cli/run@0.2.12#run")))

/* cabi_realloc from a fixed arena, never freed: enough for the short-lived test guests. Define it
 * with WASI_P2_DEFINE_REALLOC(size) in one C file. */
#define WASI_P2_DEFINE_REALLOC(arena_size)                                                         \
  static unsigned char wasi_p2_arena[arena_size] __attribute__((aligned(16)));                     \
  static size_t wasi_p2_arena_used;                                                                \
  __attribute__((export_name("cabi_realloc"))) void* cabi_realloc(void* old, size_t old_size,      \
                                                                  size_t align, size_t new_size) { \
    size_t start = (wasi_p2_arena_used + align - 1) & ~(align - 1);                                \
    if (start + new_size > sizeof wasi_p2_arena) __builtin_trap();                                 \
    unsigned char* p = wasi_p2_arena + start;                                                      \
    for (size_t i = 0; i < old_size && i < new_size; i++)                                          \
      p[i] = ((unsigned char*)old)[i];                                                             \
    wasi_p2_arena_used = start + new_size;                                                         \
    return p;                                                                                      \
  }

/* Length of a NUL-terminated string (no libc here). */
static inline size_t wasi_p2_strlen(const char* s) {
  size_t n = 0;
  while (s[n] != '\0')
    n++;
  return n;
}

/* Writes text to the stream; returns 0 on success, -1 if the host reported a stream error. */
static inline int wasi_p2_write(int32_t stream, const char* text) {
  size_t len = wasi_p2_strlen(text);
  while (len > 0) {
    size_t chunk = len < 4096 ? len : 4096;
    wasi_stream_result r = {1, 0, 0};
    wasi_blocking_write_and_flush(stream, text, chunk, &r);
    if (r.is_err != 0) return -1;
    text += chunk;
    len -= chunk;
  }
  return 0;
}

/* Formats an unsigned number in decimal into buf (at least 21 bytes); returns buf. */
static inline char* wasi_p2_utoa(uint64_t v, char* buf) {
  char tmp[20];
  int n = 0;
  do {
    tmp[n++] = (char)('0' + v % 10);
    v /= 10;
  } while (v != 0);
  for (int i = 0; i < n; i++)
    buf[i] = tmp[n - 1 - i];
  buf[n] = '\0';
  return buf;
}

#endif

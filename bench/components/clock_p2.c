/* Host-call cost, component side: calls wasi:clocks/monotonic-clock.now argv[1] times (default
 * 1000000) through its hand-declared canonical-ABI import (tests/wasi_p2/wasi_p2.h), then
 * prints how many calls it made and how many times the clock went backwards (always 0). No libc:
 * the arguments come from wasi:cli/environment.get-arguments. */
#include "wasi_p2.h"

WASI_P2_DEFINE_REALLOC(4096)

static uint64_t parse_count(wasi_string s) {
  uint64_t n = 0;
  for (uint32_t i = 0; i < s.len && s.ptr[i] >= '0' && s.ptr[i] <= '9'; i++)
    n = n * 10 + (uint64_t)(s.ptr[i] - '0');
  return n;
}

WASI_P2_EXPORT_RUN int32_t run(void) {
  wasi_strings args = {0, 0};
  wasi_get_arguments(&args);
  uint64_t n = args.len > 1 ? parse_count(args.ptr[1]) : 1000000;

  uint64_t prev = 0;
  unsigned backwards = 0;
  for (uint64_t i = 0; i < n; i++) {
    uint64_t t = wasi_monotonic_now();
    backwards += t < prev;
    prev = t;
  }

  char buf[24];
  int32_t out = wasi_get_stdout();
  int failed = wasi_p2_write(out, "calls=") | wasi_p2_write(out, wasi_p2_utoa(n, buf)) |
               wasi_p2_write(out, " backwards=") |
               wasi_p2_write(out, wasi_p2_utoa(backwards, buf)) | wasi_p2_write(out, "\n");
  wasi_drop_output_stream(out);
  return failed ? 1 : 0;
}

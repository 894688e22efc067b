/* A component guest calling WASI 0.2 directly from C (no libc, no preview1 adapter): the
 * monotonic and wall clocks, random bytes and numbers, and stdout through
 * output-stream.blocking-write-and-flush. Prints "FAIL: ..." and returns err from run on the
 * first wrong answer, else prints the figures and "ok". */
#include "wasi_p2.h"

WASI_P2_DEFINE_REALLOC(4096)

static int32_t out;

static void say(const char* text) {
  if (wasi_p2_write(out, text) != 0) __builtin_trap(); /* nowhere left to report it */
}

static void say_number(const char* label, uint64_t v) {
  char buf[24];
  say(label);
  say(wasi_p2_utoa(v, buf));
  say("\n");
}

WASI_P2_EXPORT_RUN int32_t run(void) {
  out = wasi_get_stdout();

  /* Monotonic clock: never goes back, and a busy loop makes it move. */
  uint64_t t0 = wasi_monotonic_now();
  uint64_t t1 = t0;
  for (int i = 0; i < 1000000 && t1 == t0; i++)
    t1 = wasi_monotonic_now();
  if (t1 <= t0) {
    say("FAIL: monotonic-clock.now did not advance\n");
    return 1;
  }
  uint64_t resolution = wasi_monotonic_resolution();
  if (resolution == 0 || resolution > 1000000000u) {
    say("FAIL: monotonic-clock.resolution out of range\n");
    return 1;
  }

  /* Wall clock: a date after 2020-01-01 (1577836800) and a valid nanosecond field. The fields
   * are preset to impossible values so a host that writes nothing is caught. */
  wasi_datetime now = {0, 0xffffffffu};
  wasi_wall_now(&now);
  if (now.seconds < 1577836800u || now.nanoseconds >= 1000000000u) {
    say("FAIL: wall-clock.now out of range\n");
    return 1;
  }
  say_number("wall seconds=", now.seconds);

  /* Random: 32 bytes of a list allocated through cabi_realloc, not all zero, and two u64s that
   * differ (each check fails by chance with probability 2^-256 and 2^-64). */
  wasi_bytes bytes = {0, 0};
  wasi_random_bytes(32, &bytes);
  if (bytes.len != 32 || bytes.ptr == 0) {
    say("FAIL: get-random-bytes returned the wrong length\n");
    return 1;
  }
  unsigned seen = 0;
  for (uint32_t i = 0; i < bytes.len; i++)
    seen |= bytes.ptr[i];
  if (seen == 0) {
    say("FAIL: get-random-bytes returned zeros\n");
    return 1;
  }
  uint64_t r0 = wasi_random_u64(), r1 = wasi_random_u64();
  if (r0 == r1) {
    say("FAIL: get-random-u64 repeated itself\n");
    return 1;
  }
  say_number("random bytes=", bytes.len);

  say("ok\n");
  wasi_drop_output_stream(out);
  return 0;
}

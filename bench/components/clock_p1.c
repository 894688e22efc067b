/* Host-call cost, preview1 side: calls clock_time_get(monotonic) argv[1] times (default 1000000)
 * straight through the import (no libc wrapper), then prints how many calls it made and how many
 * times the clock went backwards (always 0). The runner subtracts a run with 0 calls. */
#include <stdio.h>
#include <stdlib.h>
#include <wasi/api.h>

int main(int argc, char** argv) {
  long n = argc > 1 ? strtol(argv[1], NULL, 10) : 1000000;
  __wasi_timestamp_t prev = 0, t = 0;
  unsigned backwards = 0;
  for (long i = 0; i < n; i++) {
    if (__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t) != 0) return 1;
    backwards += t < prev;
    prev = t;
  }
  printf("calls=%ld backwards=%u\n", n, backwards);
  return 0;
}

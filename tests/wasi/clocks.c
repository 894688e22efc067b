/* WASI guest: realtime and monotonic clocks, their resolution, and sleeping (poll_oneoff). */
#include <time.h>

#include "check.h"

static long long ns(struct timespec t) { return t.tv_sec * 1000000000LL + t.tv_nsec; }

int main(void) {
  struct timespec a, b, r;
  CHECK(clock_gettime(CLOCK_REALTIME, &a) == 0);
  CHECK(a.tv_sec > 1600000000); /* after 2020 */
  CHECK(clock_getres(CLOCK_MONOTONIC, &r) == 0);
  CHECK(ns(r) > 0);
  CHECK(clock_gettime(CLOCK_MONOTONIC, &a) == 0);
  struct timespec nap = {0, 20 * 1000 * 1000};
  CHECK(nanosleep(&nap, NULL) == 0);
  CHECK(clock_gettime(CLOCK_MONOTONIC, &b) == 0);
  CHECK(ns(b) - ns(a) >= 19 * 1000 * 1000);
  printf("ok\n");
  return 0;
}

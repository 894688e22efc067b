/* WASI guest: poll() on stdout (writable) with a timeout, and a pure timeout. */
#include <poll.h>
#include <time.h>

#include "check.h"

int main(void) {
  struct pollfd p = {.fd = 1, .events = POLLOUT};
  CHECK(poll(&p, 1, 1000) == 1);
  CHECK(p.revents & POLLOUT);
  struct timespec a, b;
  clock_gettime(CLOCK_MONOTONIC, &a);
  CHECK(poll(NULL, 0, 30) == 0);
  clock_gettime(CLOCK_MONOTONIC, &b);
  long long ms = (b.tv_sec - a.tv_sec) * 1000LL + (b.tv_nsec - a.tv_nsec) / 1000000;
  CHECK(ms >= 29);
  struct pollfd bad = {.fd = 77, .events = POLLIN};
  CHECK(poll(&bad, 1, 0) == 1 && (bad.revents & POLLNVAL));
  printf("ok\n");
  return 0;
}

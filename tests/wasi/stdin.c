/* WASI guest: copies stdin to stdout in upper case, then reports the byte count. */
#include <ctype.h>
#include <unistd.h>

#include "check.h"

int main(void) {
  char buf[256];
  long total = 0;
  ssize_t n;
  while ((n = read(0, buf, sizeof buf)) > 0) {
    for (ssize_t i = 0; i < n; ++i) buf[i] = (char)toupper((unsigned char)buf[i]);
    CHECK(write(1, buf, (size_t)n) == n);
    total += n;
  }
  CHECK(n == 0);
  printf("bytes=%ld\n", total);
  return 0;
}

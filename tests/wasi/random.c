/* WASI guest: random_get through getentropy and arc4random. */
#include <stdlib.h>
#include <unistd.h>

#include "check.h"

int main(void) {
  unsigned char a[32] = {0}, b[32] = {0};
  CHECK(getentropy(a, sizeof a) == 0);
  CHECK(getentropy(b, sizeof b) == 0);
  CHECK(memcmp(a, b, sizeof a) != 0);
  unsigned x = arc4random(), y = arc4random();
  CHECK(x != y || arc4random() != x);
  printf("ok\n");
  return 0;
}

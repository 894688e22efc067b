/* WASI guest: exits with the code given as its argument (proc_exit), from deep in a call. */
#include <stdlib.h>

#include "check.h"

static void deep(int n, int code) {
  if (n == 0) exit(code);
  deep(n - 1, code);
}

int main(int argc, char** argv) {
  CHECK(argc == 2);
  printf("exiting with %s\n", argv[1]);
  fflush(stdout);
  deep(10, atoi(argv[1]));
  return 99;
}

/* WASI guest: prints its arguments and the variables it was given; nothing else is visible. */
#include <stdio.h>
#include <stdlib.h>

#include "check.h"

extern char** environ;

int main(int argc, char** argv) {
  for (int i = 0; i < argc; ++i) printf("argv[%d]=%s\n", i, argv[i]);
  int n = 0;
  for (char** e = environ; *e; ++e) ++n;
  printf("env count=%d\n", n);
  const char* foo = getenv("FOO");
  printf("FOO=%s\n", foo ? foo : "(unset)");
  CHECK(getenv("PATH") == NULL || n > 1); /* PATH only when the host passed it on */
  printf("ok\n");
  return 0;
}

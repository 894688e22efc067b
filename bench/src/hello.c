/* Start-up cost: the whole process (load, compile, instantiate, run _start, exit) for a program
 * that only prints one line. */
#include <stdio.h>

int main(void) {
  printf("hello, world\n");
  printf("checksum: hello\n");
  return 0;
}

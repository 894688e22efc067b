// Round-trip guest for learn mode: copies /in/src.txt to /out/dst.txt and prints what it copied.
#include <stdio.h>

int main(void) {
  FILE* in = fopen("/in/src.txt", "r");
  if (!in) {
    perror("open /in/src.txt");
    return 1;
  }
  char buf[256];
  const size_t n = fread(buf, 1, sizeof buf, in);
  fclose(in);
  FILE* out = fopen("/out/dst.txt", "w");
  if (!out) {
    perror("open /out/dst.txt");
    return 2;
  }
  fwrite(buf, 1, n, out);
  fclose(out);
  printf("copied %zu bytes: %.*s\n", n, (int)n, buf);
  return 0;
}

/* Deep, irregular recursion: the Ackermann function A(m, n) for m <= 3 (stack depth grows to a few
 * thousand frames) and Takeuchi's function, a three-argument call-heavy recursion. */
#include "bench.h"

static uint32_t ack(uint32_t m, uint32_t n) {
  if (m == 0) return n + 1;
  if (n == 0) return ack(m - 1, 1);
  return ack(m - 1, ack(m, n - 1));
}

static int tak(int x, int y, int z) {
  if (y >= x) return z;
  return tak(tak(x - 1, y, z), tak(y - 1, z, x), tak(z - 1, x, y));
}

int main(int argc, char** argv) {
  long reps = bench_size(argc, argv, 1000);
  uint32_t sum = 0;
  for (long r = 0; r < reps; r++) {
    /* A(3, n) = 2^(n+3) - 3; the recursion depth is about that value. */
    uint32_t n = 5 + (uint32_t)(r % 4);
    uint32_t a = ack(3, n);
    int t = tak(18 + (int)(r % 3), 12, 6);
    sum = crc32_u32(sum, a);
    sum = crc32_u32(sum, (uint32_t)t);
  }
  printf("reps=%ld\n", reps);
  bench_checksum_u32(sum);
  return 0;
}

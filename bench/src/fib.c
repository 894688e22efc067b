/* Direct recursive calls: naive doubly recursive Fibonacci, so the time is almost all call/return
 * overhead plus a compare and an add per call. */
#include "bench.h"

static uint32_t fib(uint32_t n) {
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

int main(int argc, char** argv) {
  long n = bench_size(argc, argv, 42);
  /* Three calls with different arguments so the result cannot be folded at compile time. */
  uint32_t sum = 0;
  for (long k = n - 2; k <= n; k++) {
    uint32_t f = fib((uint32_t)k);
    printf("fib(%ld) = %u\n", k, (unsigned)f);
    sum = crc32_u32(sum, f);
  }
  bench_checksum_u32(sum);
  return 0;
}

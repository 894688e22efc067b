/* Floating point, cache-friendly loops: dense double-precision matrix multiply C = A * B in i-k-j
 * order, repeated, with a trace-like reduction of the result. */
#include "bench.h"

int main(int argc, char** argv) {
  int n = (int)bench_size(argc, argv, 1200);
  double* a = (double*)malloc(sizeof(double) * n * n);
  double* b = (double*)malloc(sizeof(double) * n * n);
  double* c = (double*)malloc(sizeof(double) * n * n);
  if (a == NULL || b == NULL || c == NULL) return 1;
  Rng rng = rng_new(7);
  for (int i = 0; i < n * n; i++) {
    a[i] = rng_unit(&rng) - 0.5;
    b[i] = rng_unit(&rng) - 0.5;
  }
  double total = 0.0;
  for (int rep = 0; rep < 4; rep++) {
    for (int i = 0; i < n * n; i++)
      c[i] = 0.0;
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < n; k++) {
        double aik = a[i * n + k];
        const double* brow = b + k * n;
        double* crow = c + i * n;
        for (int j = 0; j < n; j++)
          crow[j] += aik * brow[j];
      }
    }
    /* Feed the result back so the repetitions cannot be merged. */
    double diag = 0.0;
    for (int i = 0; i < n; i++)
      diag += c[i * n + (i * 7 + rep) % n];
    total += diag;
    for (int i = 0; i < n * n; i++)
      a[i] = 0.5 * a[i] + 0.01 * c[i];
  }
  printf("n=%d total=%.9f\n", n, total);
  printf("checksum: %.6e\n", total);
  free(a);
  free(b);
  free(c);
  return 0;
}

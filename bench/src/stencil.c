/* Floating point, memory streaming: a 2D five-point Jacobi stencil (heat diffusion) on a 512x512
 * grid with fixed boundary values, ping-ponging between two buffers. */
#include "bench.h"

enum { SIDE = 512 };

static double grid_a[SIDE * SIDE], grid_b[SIDE * SIDE];

int main(int argc, char** argv) {
  long steps = bench_size(argc, argv, 16000);
  Rng rng = rng_new(99);
  for (int i = 0; i < SIDE * SIDE; i++)
    grid_a[i] = rng_unit(&rng);
  for (int i = 0; i < SIDE; i++) {
    /* Hot top edge, cold bottom edge, kept fixed in both buffers. */
    grid_a[i] = grid_b[i] = 100.0;
    grid_a[(SIDE - 1) * SIDE + i] = grid_b[(SIDE - 1) * SIDE + i] = 0.0;
    grid_a[i * SIDE] = grid_b[i * SIDE] = 50.0;
    grid_a[i * SIDE + SIDE - 1] = grid_b[i * SIDE + SIDE - 1] = 25.0;
  }
  double* src = grid_a;
  double* dst = grid_b;
  for (long s = 0; s < steps; s++) {
    for (int y = 1; y < SIDE - 1; y++) {
      const double* up = src + (y - 1) * SIDE;
      const double* row = src + y * SIDE;
      const double* down = src + (y + 1) * SIDE;
      double* out = dst + y * SIDE;
      for (int x = 1; x < SIDE - 1; x++)
        out[x] = 0.2 * (row[x] + row[x - 1] + row[x + 1] + up[x] + down[x]);
    }
    double* t = src;
    src = dst;
    dst = t;
  }
  double total = 0.0, probe = 0.0;
  for (int i = 0; i < SIDE * SIDE; i++)
    total += src[i];
  for (int i = 1; i < SIDE; i += 37)
    probe += src[i * SIDE + i / 2];
  printf("steps=%ld total=%.9f probe=%.9f\n", steps, total, probe);
  printf("checksum: %.6e %.6e\n", total, probe);
  return 0;
}

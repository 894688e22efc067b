/* Floating point, scalar: an N-body gravity simulation (symplectic Euler steps, softened forces)
 * of 24 bodies with generated initial conditions; sqrt and division in the inner loop. */
#include "bench.h"
#include <math.h>

enum { BODIES = 24 };

typedef struct {
  double x, y, z, vx, vy, vz, mass;
} Body;

static void init(Body* b) {
  Rng rng = rng_new(42);
  for (int i = 0; i < BODIES; i++) {
    b[i].x = rng_unit(&rng) * 20.0 - 10.0;
    b[i].y = rng_unit(&rng) * 20.0 - 10.0;
    b[i].z = rng_unit(&rng) * 2.0 - 1.0;
    b[i].vx = rng_unit(&rng) * 0.2 - 0.1;
    b[i].vy = rng_unit(&rng) * 0.2 - 0.1;
    b[i].vz = rng_unit(&rng) * 0.02 - 0.01;
    b[i].mass = 0.5 + rng_unit(&rng);
  }
  b[0].mass = 100.0; /* a heavy central body */
}

static void step(Body* b, double dt) {
  for (int i = 0; i < BODIES; i++) {
    for (int j = i + 1; j < BODIES; j++) {
      double dx = b[i].x - b[j].x, dy = b[i].y - b[j].y, dz = b[i].z - b[j].z;
      double d2 = dx * dx + dy * dy + dz * dz + 0.01;
      double mag = dt / (d2 * sqrt(d2));
      b[i].vx -= dx * b[j].mass * mag;
      b[i].vy -= dy * b[j].mass * mag;
      b[i].vz -= dz * b[j].mass * mag;
      b[j].vx += dx * b[i].mass * mag;
      b[j].vy += dy * b[i].mass * mag;
      b[j].vz += dz * b[i].mass * mag;
    }
  }
  for (int i = 0; i < BODIES; i++) {
    b[i].x += dt * b[i].vx;
    b[i].y += dt * b[i].vy;
    b[i].z += dt * b[i].vz;
  }
}

static double energy(const Body* b) {
  double e = 0.0;
  for (int i = 0; i < BODIES; i++) {
    e += 0.5 * b[i].mass * (b[i].vx * b[i].vx + b[i].vy * b[i].vy + b[i].vz * b[i].vz);
    for (int j = i + 1; j < BODIES; j++) {
      double dx = b[i].x - b[j].x, dy = b[i].y - b[j].y, dz = b[i].z - b[j].z;
      e -= b[i].mass * b[j].mass / sqrt(dx * dx + dy * dy + dz * dz + 0.01);
    }
  }
  return e;
}

int main(int argc, char** argv) {
  long steps = bench_size(argc, argv, 1500000);
  Body bodies[BODIES];
  init(bodies);
  printf("energy before: %.9f\n", energy(bodies));
  for (long s = 0; s < steps; s++)
    step(bodies, 0.001);
  double e = energy(bodies);
  printf("energy after:  %.9f\n", e);
  /* IEEE arithmetic without contraction is reproducible, but print a rounded value anyway. */
  printf("checksum: %.6e\n", e);
  return 0;
}

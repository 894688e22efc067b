/* Floating point with strided access: iterative radix-2 complex FFT (bit-reversal permutation and
 * butterflies), forward and inverse transforms of a 64K-point signal (by default), repeated. */
#include "bench.h"

static const double PI = 3.14159265358979323846;

/* Taylor series for |x| <= pi: plain arithmetic, so every engine computes the same bits and the
 * benchmark does not depend on the C library's sin/cos. */
static void sin_cos(double x, double* s, double* c) {
  double term_s = x, term_c = 1.0, sum_s = 0.0, sum_c = 0.0, x2 = x * x;
  for (int k = 0; k < 24; k++) {
    sum_s += term_s;
    sum_c += term_c;
    term_s *= -x2 / ((2 * k + 2) * (2 * k + 3));
    term_c *= -x2 / ((2 * k + 1) * (2 * k + 2));
  }
  *s = sum_s;
  *c = sum_c;
}

static uint32_t points; /* a power of two */
static double *re, *im, *tw_re, *tw_im;

static void fft(int inverse) {
  /* Bit-reversal permutation. */
  for (uint32_t i = 0, j = 0; i < points; i++) {
    if (i < j) {
      double t = re[i];
      re[i] = re[j];
      re[j] = t;
      t = im[i];
      im[i] = im[j];
      im[j] = t;
    }
    uint32_t bit = points >> 1;
    while (j & bit) {
      j ^= bit;
      bit >>= 1;
    }
    j |= bit;
  }
  /* Butterflies; the twiddle for span `half` is tw[k * (points / (2 * half))]. */
  double sign = inverse ? -1.0 : 1.0;
  for (uint32_t half = 1; half < points; half <<= 1) {
    uint32_t stride = points / (2 * half);
    for (uint32_t start = 0; start < points; start += 2 * half) {
      for (uint32_t k = 0; k < half; k++) {
        double wr = tw_re[k * stride], wi = sign * tw_im[k * stride];
        uint32_t a = start + k, b = a + half;
        double xr = re[b] * wr - im[b] * wi;
        double xi = re[b] * wi + im[b] * wr;
        re[b] = re[a] - xr;
        im[b] = im[a] - xi;
        re[a] += xr;
        im[a] += xi;
      }
    }
  }
  if (inverse) {
    for (uint32_t i = 0; i < points; i++) {
      re[i] *= 1.0 / points;
      im[i] *= 1.0 / points;
    }
  }
}

int main(int argc, char** argv) {
  long reps = bench_size(argc, argv, 400);
  points = 1u << bench_arg(argc, argv, 2, 16); /* argv[2]: log2 of the size */
  re = (double*)malloc(sizeof(double) * points);
  im = (double*)malloc(sizeof(double) * points);
  tw_re = (double*)malloc(sizeof(double) * points / 2);
  tw_im = (double*)malloc(sizeof(double) * points / 2);
  if (re == NULL || im == NULL || tw_re == NULL || tw_im == NULL) return 1;
  for (uint32_t k = 0; k < points / 2; k++) {
    double s, c;
    sin_cos(-2.0 * PI * k / points, &s, &c);
    tw_re[k] = c;
    tw_im[k] = s;
  }
  Rng rng = rng_new(12345);
  for (uint32_t i = 0; i < points; i++) {
    re[i] = rng_unit(&rng) - 0.5;
    im[i] = 0.0;
  }
  double spectrum = 0.0;
  for (long r = 0; r < reps; r++) {
    fft(0);
    /* Sample the spectrum, then damp one bin so each repetition transforms different data. */
    for (uint32_t i = 0; i < points; i += 257)
      spectrum += re[i] * re[i] + im[i] * im[i];
    re[r % points] *= 0.5;
    fft(1);
  }
  double energy = 0.0;
  for (uint32_t i = 0; i < points; i++)
    energy += re[i] * re[i] + im[i] * im[i];
  printf("reps=%ld spectrum=%.9e energy=%.9e\n", reps, spectrum, energy);
  printf("checksum: %.6e %.6e\n", spectrum, energy);
  free(re);
  free(im);
  free(tw_re);
  free(tw_im);
  return 0;
}

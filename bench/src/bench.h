/* Shared helpers for the wasmcap benchmarks: the size argument, a small deterministic PRNG,
 * CRC-32 and the checksum line the runner verifies. */
#ifndef WASMCAP_BENCH_H
#define WASMCAP_BENCH_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* Optional argument `index` (>= 2) as a positive number, else `dflt`. */
static inline long bench_arg(int argc, char** argv, int index, long dflt) {
  long n = argc > index ? strtol(argv[index], NULL, 10) : 0;
  return n > 0 ? n : dflt;
}

/* The work size: argv[1] when given, else the BENCH_N environment variable, else `dflt`. */
static inline long bench_size(int argc, char** argv, long dflt) {
  const char* text = argc > 1 ? argv[1] : getenv("BENCH_N");
  long n = text != NULL ? strtol(text, NULL, 10) : 0;
  return n > 0 ? n : dflt;
}

/* xorshift64* generator: fast, deterministic, good enough for test data. */
typedef struct {
  uint64_t state;
} Rng;

static inline Rng rng_new(uint64_t seed) {
  Rng r = {seed ? seed : 0x9e3779b97f4a7c15ull};
  return r;
}

static inline uint64_t rng_next(Rng* r) {
  uint64_t x = r->state;
  x ^= x >> 12;
  x ^= x << 25;
  x ^= x >> 27;
  r->state = x;
  return x * 0x2545f4914f6cdd1dull;
}

static inline uint32_t rng_u32(Rng* r) {
  return (uint32_t)(rng_next(r) >> 32);
}

/* Uniform in [0, n). */
static inline uint32_t rng_below(Rng* r, uint32_t n) {
  return (uint32_t)(((uint64_t)rng_u32(r) * n) >> 32);
}

/* Uniform in [0, 1), 53 bits. */
static inline double rng_unit(Rng* r) {
  return (double)(rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

/* CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), bit by bit: part of the measured work. */
static inline uint32_t crc32_update(uint32_t crc, const void* data, size_t len) {
  const uint8_t* p = (const uint8_t*)data;
  crc = ~crc;
  for (size_t i = 0; i < len; i++) {
    crc ^= p[i];
    for (int k = 0; k < 8; k++)
      crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}

static inline uint32_t crc32_u32(uint32_t crc, uint32_t v) {
  uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
  return crc32_update(crc, b, 4);
}

/* The line the runner checks; keep the format stable. */
static inline void bench_checksum_u32(uint32_t sum) {
  printf("checksum: %08x\n", (unsigned)sum);
}

#endif

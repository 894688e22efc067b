/* Hashing: SHA-256 (FIPS 180-4) over a generated buffer (1 MB by default), chained many times;
 * 32-bit rotates, shifts and adds in a tight loop. Checks the FIPS "abc" example before timing. */
#include "bench.h"
#include <string.h>

/* FIPS 180-4 section 4.2.2: first 32 bits of the fractional parts of the cube roots of the first
 * 64 primes. */
static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

/* Section 5.3.3: square roots of the first 8 primes. */
static const uint32_t H0[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                               0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};

static uint32_t rotr(uint32_t x, int n) {
  return (x >> n) | (x << (32 - n));
}

/* Section 6.2.2: one 512-bit block. */
static void compress_block(uint32_t h[8], const uint8_t* block) {
  uint32_t w[64];
  for (int t = 0; t < 16; t++)
    w[t] = (uint32_t)block[4 * t] << 24 | (uint32_t)block[4 * t + 1] << 16 |
           (uint32_t)block[4 * t + 2] << 8 | (uint32_t)block[4 * t + 3];
  for (int t = 16; t < 64; t++) {
    uint32_t s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] >> 3);
    uint32_t s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] >> 10);
    w[t] = s1 + w[t - 7] + s0 + w[t - 16];
  }
  uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
  for (int t = 0; t < 64; t++) {
    uint32_t big_s1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
    uint32_t ch = (e & f) ^ (~e & g);
    uint32_t t1 = hh + big_s1 + ch + K[t] + w[t];
    uint32_t big_s0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
    uint32_t maj = (a & b) ^ (a & c) ^ (b & c);
    uint32_t t2 = big_s0 + maj;
    hh = g;
    g = f;
    f = e;
    e = d + t1;
    d = c;
    c = b;
    b = a;
    a = t1 + t2;
  }
  h[0] += a;
  h[1] += b;
  h[2] += c;
  h[3] += d;
  h[4] += e;
  h[5] += f;
  h[6] += g;
  h[7] += hh;
}

/* Section 5.1.1 padding, then the blocks; writes the 32-byte digest. */
static void sha256(const uint8_t* msg, size_t len, uint8_t digest[32]) {
  uint32_t h[8];
  memcpy(h, H0, sizeof h);
  size_t full = len / 64;
  for (size_t i = 0; i < full; i++)
    compress_block(h, msg + 64 * i);
  uint8_t tail[128];
  size_t rest = len - 64 * full;
  memset(tail, 0, sizeof tail);
  memcpy(tail, msg + 64 * full, rest);
  tail[rest] = 0x80;
  size_t tail_len = rest + 1 + 8 <= 64 ? 64 : 128;
  uint64_t bits = (uint64_t)len * 8;
  for (int k = 0; k < 8; k++)
    tail[tail_len - 1 - k] = (uint8_t)(bits >> (8 * k));
  for (size_t off = 0; off < tail_len; off += 64)
    compress_block(h, tail + off);
  for (int k = 0; k < 8; k++) {
    digest[4 * k] = (uint8_t)(h[k] >> 24);
    digest[4 * k + 1] = (uint8_t)(h[k] >> 16);
    digest[4 * k + 2] = (uint8_t)(h[k] >> 8);
    digest[4 * k + 3] = (uint8_t)h[k];
  }
}

static void to_hex(const uint8_t d[32], char out[65]) {
  for (int i = 0; i < 32; i++)
    snprintf(out + 2 * i, 3, "%02x", d[i]);
}

int main(int argc, char** argv) {
  long reps = bench_size(argc, argv, 400);
  uint8_t digest[32];
  char hex[65];

  /* FIPS 180-4 examples: one block ("abc") and two blocks (the 56-byte message). */
  sha256((const uint8_t*)"abc", 3, digest);
  to_hex(digest, hex);
  if (strcmp(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad") != 0) {
    printf("self-test failed: %s\n", hex);
    return 1;
  }
  const char* two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  sha256((const uint8_t*)two, strlen(two), digest);
  to_hex(digest, hex);
  if (strcmp(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1") != 0) {
    printf("self-test failed: %s\n", hex);
    return 1;
  }

  size_t len = (size_t)bench_arg(argc, argv, 2, 1024) * 1024; /* argv[2]: KB */
  uint8_t* buf = (uint8_t*)malloc(len);
  if (buf == NULL) return 1;
  Rng rng = rng_new(256);
  for (size_t i = 0; i < len; i++)
    buf[i] = (uint8_t)rng_u32(&rng);
  for (long r = 0; r < reps; r++) {
    sha256(buf, len - (size_t)(r % 61), digest);
    memcpy(buf + (size_t)r * 32 % (len - 32), digest, 32); /* chain: the next input depends on it */
  }
  to_hex(digest, hex);
  printf("%ld x %zu KB: %s\n", reps, len / 1024, hex);
  printf("checksum: %s\n", hex);
  free(buf);
  return 0;
}

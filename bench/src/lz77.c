/* Compression: an LZ77 codec with hash chains (32 KB window, greedy matching) over
 * generated text (1 MB by default), then decompression and a round-trip check, repeated. */
#include "bench.h"
#include <string.h>

enum {
  WINDOW = 1 << 15,
  HASH_BITS = 15,
  MIN_MATCH = 3,
  MAX_MATCH = 130, /* 0x80 | (length - MIN_MATCH) fits a byte */
  MAX_LITERALS = 128,
  MAX_CHAIN = 48,
};

/* Compressed format, a sequence of:
 *   0LLLLLLL                      then L+1 literal bytes
 *   1MMMMMMM  dist_lo  dist_hi    copy M+3 bytes from `dist` bytes back (1 <= dist < WINDOW) */

static uint32_t hash3(const uint8_t* p) {
  uint32_t v = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16;
  return (v * 2654435761u) >> (32 - HASH_BITS);
}

static int32_t head[1 << HASH_BITS];
static int32_t chain[WINDOW];

static size_t flush_literals(const uint8_t* src, size_t start, size_t end, uint8_t* out) {
  size_t o = 0;
  while (start < end) {
    size_t n = end - start > MAX_LITERALS ? MAX_LITERALS : end - start;
    out[o++] = (uint8_t)(n - 1);
    memcpy(out + o, src + start, n);
    o += n;
    start += n;
  }
  return o;
}

/* `out` must hold at least len + len / 128 + 16 bytes. */
static size_t compress(const uint8_t* src, size_t len, uint8_t* out) {
  for (size_t i = 0; i < (1u << HASH_BITS); i++)
    head[i] = -1;
  size_t o = 0, pos = 0, literal_start = 0;
  while (pos + MIN_MATCH <= len) {
    uint32_t h = hash3(src + pos);
    int32_t candidate = head[h];
    chain[pos & (WINDOW - 1)] = candidate;
    head[h] = (int32_t)pos;

    size_t best_len = 0, best_dist = 0, limit = len - pos < MAX_MATCH ? len - pos : MAX_MATCH;
    for (int steps = 0; candidate >= 0 && steps < MAX_CHAIN; steps++) {
      size_t dist = pos - (size_t)candidate;
      if (dist >= WINDOW) break;
      const uint8_t* a = src + candidate;
      const uint8_t* b = src + pos;
      if (a[best_len] == b[best_len]) {
        size_t n = 0;
        while (n < limit && a[n] == b[n])
          n++;
        if (n > best_len) {
          best_len = n;
          best_dist = dist;
          if (n == limit) break;
        }
      }
      candidate = chain[candidate & (WINDOW - 1)];
    }

    if (best_len >= MIN_MATCH) {
      o += flush_literals(src, literal_start, pos, out + o);
      out[o++] = (uint8_t)(0x80 | (best_len - MIN_MATCH));
      out[o++] = (uint8_t)(best_dist & 0xff);
      out[o++] = (uint8_t)(best_dist >> 8);
      /* Insert the skipped positions so later matches can find them. */
      for (size_t k = 1; k < best_len && pos + k + MIN_MATCH <= len; k++) {
        uint32_t hk = hash3(src + pos + k);
        chain[(pos + k) & (WINDOW - 1)] = head[hk];
        head[hk] = (int32_t)(pos + k);
      }
      pos += best_len;
      literal_start = pos;
    } else {
      pos++;
    }
  }
  o += flush_literals(src, literal_start, len, out + o);
  return o;
}

/* Returns the decompressed length, or (size_t)-1 on malformed input. */
static size_t decompress(const uint8_t* in, size_t len, uint8_t* out, size_t cap) {
  size_t i = 0, o = 0;
  while (i < len) {
    uint8_t tag = in[i++];
    if (tag < 0x80) {
      size_t n = (size_t)tag + 1;
      if (i + n > len || o + n > cap) return (size_t)-1;
      memcpy(out + o, in + i, n);
      i += n;
      o += n;
    } else {
      if (i + 2 > len) return (size_t)-1;
      size_t n = (size_t)(tag & 0x7f) + MIN_MATCH;
      size_t dist = (size_t)in[i] | (size_t)in[i + 1] << 8;
      i += 2;
      if (dist == 0 || dist > o || o + n > cap) return (size_t)-1;
      /* Byte by byte: source and destination may overlap (runs). */
      for (size_t k = 0; k < n; k++, o++)
        out[o] = out[o - dist];
    }
  }
  return o;
}

static size_t generate(uint8_t* buf, size_t len, Rng* rng) {
  static const char* words[] = {"the ",       "wasm ",   "module ",  "imports ", "a ",
                                "function ",  "and ",    "exports ", "memory ",  "of ",
                                "table ",     "stack ",  "runtime ", "\n",       "validator ",
                                "(i32.add) ", "global ", "is ",      "fast ",    "safe "};
  size_t n = 0;
  while (n < len) {
    if (rng_below(rng, 16) == 0) {
      buf[n++] = (uint8_t)rng_u32(rng); /* noise */
      continue;
    }
    const char* w = words[rng_below(rng, 20)];
    size_t wl = strlen(w);
    if (n + wl > len) wl = len - n;
    memcpy(buf + n, w, wl);
    n += wl;
  }
  return n;
}

int main(int argc, char** argv) {
  long reps = bench_size(argc, argv, 80);
  size_t len = (size_t)bench_arg(argc, argv, 2, 1024) * 1024; /* argv[2]: KB */
  uint8_t* src = (uint8_t*)malloc(len);
  uint8_t* packed = (uint8_t*)malloc(len + len / 128 + 16);
  uint8_t* back = (uint8_t*)malloc(len);
  if (src == NULL || packed == NULL || back == NULL) return 1;
  Rng rng = rng_new(77);
  generate(src, len, &rng);

  uint32_t sum = 0;
  for (long r = 0; r < reps; r++) {
    size_t packed_len = compress(src, len, packed);
    size_t back_len = decompress(packed, packed_len, back, len);
    if (back_len != len || memcmp(src, back, len) != 0) {
      printf("round trip failed in repetition %ld\n", r);
      return 1;
    }
    if (r == 0) printf("%zu -> %zu bytes\n", len, packed_len);
    sum = crc32_u32(sum, (uint32_t)packed_len);
    sum = crc32_update(sum, packed, packed_len < 4096 ? packed_len : 4096);
    /* Regenerate a slice so the next repetition compresses different data. */
    size_t slice = len / 16;
    size_t at = (size_t)rng_below(&rng, (uint32_t)(len - slice));
    generate(src + at, slice, &rng);
  }
  bench_checksum_u32(sum);
  free(src);
  free(packed);
  free(back);
  return 0;
}

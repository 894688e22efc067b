// SIMD guest: dot products, a 3x3 image filter and a few lane tricks, written with
// wasm_simd128.h intrinsics when built for wasm32 with -msimd128 and as plain lane-by-lane C
// otherwise. Both builds must print the same checksum (exact integer and IEEE arithmetic).
#include <stdint.h>
#include <stdio.h>

#if defined(__wasm_simd128__)
#include <wasm_simd128.h>
#define WASMCAP_SIMD 1
#else
#define WASMCAP_SIMD 0
#endif

enum { kN = 4096, kW = 64, kH = 48 };

static int16_t a16[kN], b16[kN];
static float af[kN], bf[kN];
static uint8_t image[kH][kW], filtered[kH][kW];

static uint64_t checksum = 0xcbf29ce484222325ull;
static void mix(uint64_t v) {
  for (int i = 0; i < 8; ++i) {
    checksum ^= (v >> (8 * i)) & 0xff;
    checksum *= 0x100000001b3ull;
  }
}
static void mix_f32(float f) {
  union {
    float f;
    uint32_t u;
  } x = {f};
  mix(x.u);
}

// A small deterministic generator (xorshift32).
static uint32_t rng = 2463534242u;
static uint32_t next(void) {
  rng ^= rng << 13;
  rng ^= rng >> 17;
  rng ^= rng << 5;
  return rng;
}

// Sum of a[i]*b[i] over int16 lanes: i32x4.dot_i16x8_s, four partial sums.
static int32_t dot_i16(void) {
#if WASMCAP_SIMD
  v128_t acc = wasm_i32x4_splat(0);
  for (int i = 0; i < kN; i += 8) {
    v128_t x = wasm_v128_load(&a16[i]), y = wasm_v128_load(&b16[i]);
    acc = wasm_i32x4_add(acc, wasm_i32x4_dot_i16x8(x, y));
  }
  return (int32_t)((uint32_t)wasm_i32x4_extract_lane(acc, 0) +
                   (uint32_t)wasm_i32x4_extract_lane(acc, 1) +
                   (uint32_t)wasm_i32x4_extract_lane(acc, 2) +
                   (uint32_t)wasm_i32x4_extract_lane(acc, 3));
#else
  // Wrapping sums, as the wasm lanes do (unsigned: no signed overflow in C).
  uint32_t acc[4] = {0, 0, 0, 0};
  for (int i = 0; i < kN; i += 8) {
    for (int l = 0; l < 4; ++l)
      acc[l] += (uint32_t)(a16[i + 2 * l] * b16[i + 2 * l]) +
                (uint32_t)(a16[i + 2 * l + 1] * b16[i + 2 * l + 1]);
  }
  return (int32_t)(acc[0] + acc[1] + acc[2] + acc[3]);
#endif
}

// Float dot product with four lane accumulators, combined in a fixed order.
static float dot_f32(void) {
#if WASMCAP_SIMD
  v128_t acc = wasm_f32x4_splat(0.0f);
  for (int i = 0; i < kN; i += 4)
    acc = wasm_f32x4_add(acc, wasm_f32x4_mul(wasm_v128_load(&af[i]), wasm_v128_load(&bf[i])));
  return (wasm_f32x4_extract_lane(acc, 0) + wasm_f32x4_extract_lane(acc, 1)) +
         (wasm_f32x4_extract_lane(acc, 2) + wasm_f32x4_extract_lane(acc, 3));
#else
  float acc[4] = {0, 0, 0, 0};
  for (int i = 0; i < kN; i += 4) {
    for (int l = 0; l < 4; ++l)
      acc[l] = acc[l] + af[i + l] * bf[i + l];
  }
  return (acc[0] + acc[1]) + (acc[2] + acc[3]);
#endif
}

// 3x3 filter on the interior: rounding averages of the rows, then of the columns, then a
// saturating brighten. 16 pixels per step; the right border is done lane by lane.
static uint8_t avgr(uint8_t x, uint8_t y) {
  return (uint8_t)((x + y + 1) >> 1);
}
static uint8_t add_sat(uint8_t x, uint8_t y) {
  int s = x + y;
  return (uint8_t)(s > 255 ? 255 : s);
}
static uint8_t filter_px(int y, int x) {
  uint8_t v = avgr(avgr(image[y - 1][x], image[y + 1][x]), image[y][x]);
  uint8_t h = avgr(avgr(image[y][x - 1], image[y][x + 1]), v);
  return add_sat(h, 20);
}
static void filter(void) {
  for (int y = 1; y < kH - 1; ++y) {
    int x = 1;
#if WASMCAP_SIMD
    for (; x + 16 <= kW - 1; x += 16) {
      v128_t up = wasm_v128_load(&image[y - 1][x]), down = wasm_v128_load(&image[y + 1][x]);
      v128_t mid = wasm_v128_load(&image[y][x]);
      v128_t left = wasm_v128_load(&image[y][x - 1]), right = wasm_v128_load(&image[y][x + 1]);
      v128_t v = wasm_u8x16_avgr(wasm_u8x16_avgr(up, down), mid);
      v128_t h = wasm_u8x16_avgr(wasm_u8x16_avgr(left, right), v);
      wasm_v128_store(&filtered[y][x], wasm_u8x16_add_sat(h, wasm_u8x16_splat(20)));
    }
#endif
    for (; x < kW - 1; ++x)
      filtered[y][x] = filter_px(y, x);
  }
}

// Lane tricks: bitmask of negative lanes, byte reversal by shuffle, narrowing with saturation,
// float->int saturating truncation, min/max.
static uint64_t lanes(int i) {
  uint64_t r = 0;
#if WASMCAP_SIMD
  v128_t x = wasm_v128_load(&a16[i]);
  r = r * 31 + (uint32_t)wasm_i16x8_bitmask(x);
  v128_t rev = wasm_i8x16_shuffle(x, x, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
  r = r * 31 + (uint64_t)wasm_i64x2_extract_lane(rev, 0);
  v128_t n = wasm_u8x16_narrow_i16x8(x, wasm_v128_load(&b16[i]));
  r = r * 31 + (uint64_t)wasm_i64x2_extract_lane(n, 1);
  v128_t f = wasm_f32x4_mul(wasm_v128_load(&af[i]), wasm_f32x4_splat(1e5f));
  v128_t t = wasm_i32x4_trunc_sat_f32x4(f);
  r = r * 31 + (uint32_t)wasm_i32x4_extract_lane(t, 0) + (uint32_t)wasm_i32x4_extract_lane(t, 3);
  v128_t mn = wasm_i16x8_min(x, wasm_v128_load(&b16[i]));
  r = r * 31 + (uint16_t)wasm_i16x8_extract_lane(mn, 5);
#else
  uint32_t mask = 0;
  for (int l = 0; l < 8; ++l)
    mask |= (uint32_t)(a16[i + l] < 0) << l;
  r = r * 31 + mask;
  const uint8_t* bytes = (const uint8_t*)&a16[i];
  uint64_t rev = 0;
  for (int k = 0; k < 8; ++k)
    rev |= (uint64_t)bytes[15 - k] << (8 * k);
  r = r * 31 + rev;
  uint64_t hi = 0;
  for (int k = 0; k < 8; ++k) {
    int v = b16[i + k];
    hi |= (uint64_t)(uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v) << (8 * k);
  }
  r = r * 31 + hi;
  int32_t t[4];
  for (int l = 0; l < 4; ++l) {
    float f = af[i + l] * 1e5f;
    t[l] = f != f               ? 0
           : f >= 2147483648.0f ? 2147483647
           : f < -2147483648.0f ? (-2147483647 - 1)
                                : (int32_t)f;
  }
  r = r * 31 + (uint32_t)t[0] + (uint32_t)t[3];
  int16_t mn = a16[i + 5] < b16[i + 5] ? a16[i + 5] : b16[i + 5];
  r = r * 31 + (uint16_t)mn;
#endif
  return r;
}

int main(void) {
  for (int i = 0; i < kN; ++i) {
    a16[i] = (int16_t)next();
    b16[i] = (int16_t)next();
    af[i] = (float)(int32_t)next() / 2147483648.0f * 300.0f;
    bf[i] = (float)(next() & 0xffff) / 65536.0f - 0.5f;
  }
  for (int y = 0; y < kH; ++y) {
    for (int x = 0; x < kW; ++x)
      image[y][x] = (uint8_t)next();
  }
  int32_t di = dot_i16();
  float df = dot_f32();
  filter();
  mix((uint32_t)di);
  mix_f32(df);
  for (int y = 0; y < kH; ++y) {
    for (int x = 0; x < kW; ++x)
      mix(filtered[y][x]);
  }
  for (int i = 0; i < kN; i += 8)
    mix(lanes(i));
  printf("dot_i16 %d\n", (int)di);
  printf("checksum %016llx\n", (unsigned long long)checksum);
  return 0;
}

// Unit tests of the SIMD lane semantics in interp/simd_ops.h: saturation, narrowing, q15mulr,
// dot-product wrap-around, float min/max/pmin/pmax with NaNs and signed zeros, trunc_sat, shifts,
// and relaxed SIMD's fused multiply-add and signed 8-bit dot products.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>

#include "interp/simd_ops.h"

namespace wasmcap::interp::simd {
namespace {

template <class T, class... Ts> V make(Ts... xs) {
  Vec<T> v{static_cast<T>(xs)...};
  return bits(v);
}
template <class T> T lane(V v, int i) {
  return as<T>(v)[i];
}

TEST(SimdOps, SaturatingAddSub) {
  V a = make<int8_t>(127, -128, 100, -100, 1);
  V b = make<int8_t>(1, -1, 100, -100, 1);
  EXPECT_EQ(lane<int8_t>(add_sat<int8_t>(a, b), 0), 127);
  EXPECT_EQ(lane<int8_t>(add_sat<int8_t>(a, b), 1), -128);
  EXPECT_EQ(lane<int8_t>(add_sat<int8_t>(a, b), 2), 127);
  EXPECT_EQ(lane<int8_t>(add_sat<int8_t>(a, b), 3), -128);
  EXPECT_EQ(lane<int8_t>(add_sat<int8_t>(a, b), 4), 2);
  V u = make<uint16_t>(65535, 0, 5);
  V w = make<uint16_t>(1, 1, 3);
  EXPECT_EQ(lane<uint16_t>(add_sat<uint16_t>(u, w), 0), 65535);
  EXPECT_EQ(lane<uint16_t>(sub_sat<uint16_t>(u, w), 1), 0);
  EXPECT_EQ(lane<uint16_t>(sub_sat<uint16_t>(u, w), 2), 2);
  // Plain add wraps.
  EXPECT_EQ(lane<int8_t>(add<int8_t>(a, b), 0), -128);
}

TEST(SimdOps, NarrowSaturatesSignedInput) {
  V a = make<int16_t>(300, -300, 127, -128, 128, -129, 0, 255);
  V b = make<int16_t>(-1, 256, 255, 0, 1, 2, 3, 4);
  V s = narrow<int16_t, int8_t>(a, b);
  EXPECT_EQ(lane<int8_t>(s, 0), 127);
  EXPECT_EQ(lane<int8_t>(s, 1), -128);
  EXPECT_EQ(lane<int8_t>(s, 4), 127);
  EXPECT_EQ(lane<int8_t>(s, 5), -128);
  V u = narrow<int16_t, uint8_t>(a, b);
  EXPECT_EQ(lane<uint8_t>(u, 0), 255);
  EXPECT_EQ(lane<uint8_t>(u, 1), 0);
  EXPECT_EQ(lane<uint8_t>(u, 7), 255);
  EXPECT_EQ(lane<uint8_t>(u, 8), 0);   // -1 from b
  EXPECT_EQ(lane<uint8_t>(u, 9), 255); // 256 from b
}

TEST(SimdOps, Q15MulrSaturatesOnlyMinTimesMin) {
  V a = make<int16_t>(-32768, -32768, 16384, 1, -1);
  V b = make<int16_t>(-32768, 32767, 16384, 16384, 16384);
  V r = q15mulr_sat(a, b);
  EXPECT_EQ(lane<int16_t>(r, 0), 32767);
  EXPECT_EQ(lane<int16_t>(r, 1), -32767);
  EXPECT_EQ(lane<int16_t>(r, 2), 8192);
  EXPECT_EQ(lane<int16_t>(r, 3), 1); // 0.5 rounds up
  EXPECT_EQ(lane<int16_t>(r, 4), 0); // -0.5 rounds towards +inf
}

TEST(SimdOps, DotWrapsOnlyInTheExtremeCase) {
  V a = make<int16_t>(-32768, -32768, 2, 3);
  V r = dot_i16x8(a, a);
  EXPECT_EQ(lane<int32_t>(r, 0), std::numeric_limits<int32_t>::min()); // 2^31 wraps
  EXPECT_EQ(lane<int32_t>(r, 1), 13);
}

TEST(SimdOps, AbsNegOfMinimumWrap) {
  V a = make<int32_t>(std::numeric_limits<int32_t>::min(), -5, 5, 0);
  EXPECT_EQ(lane<int32_t>(abs<int32_t>(a), 0), std::numeric_limits<int32_t>::min());
  EXPECT_EQ(lane<int32_t>(abs<int32_t>(a), 1), 5);
  EXPECT_EQ(lane<int32_t>(neg<int32_t>(a), 0), std::numeric_limits<int32_t>::min());
  EXPECT_EQ(lane<int32_t>(neg<int32_t>(a), 2), -5);
}

TEST(SimdOps, ShiftCountIsModuloLaneWidth) {
  V a = make<int8_t>(-128, 64, 1);
  EXPECT_EQ(lane<int8_t>(shr<int8_t>(a, 9), 0), -64); // 9 % 8 = 1, arithmetic
  EXPECT_EQ(lane<uint8_t>(shr<uint8_t>(a, 9), 0), 64);
  EXPECT_EQ(lane<uint8_t>(shl<uint8_t>(a, 8), 2), 1); // shift by 0
  V b = make<int64_t>(1, -1);
  EXPECT_EQ(lane<int64_t>(shl<uint64_t>(b, 65), 0), 2);
  EXPECT_EQ(lane<int64_t>(shr<int64_t>(b, 63), 1), -1);
}

TEST(SimdOps, ExtendExtmulExtadd) {
  V a = make<int8_t>(-1, 2, -128, 127, 0, 0, 0, 0, 5, 6, 7, 8, 9, 10, 11, -2);
  EXPECT_EQ(lane<int16_t>((extend<int8_t, int16_t>(a, false)), 0), -1);
  EXPECT_EQ(lane<uint16_t>((extend<uint8_t, uint16_t>(a, false)), 0), 255);
  EXPECT_EQ(lane<int16_t>((extend<int8_t, int16_t>(a, true)), 7), -2);
  EXPECT_EQ(lane<int16_t>((extmul<int8_t, int16_t>(a, a, false)), 2), 16384);
  EXPECT_EQ(lane<uint16_t>((extmul<uint8_t, uint16_t>(a, a, false)), 2), 16384);
  EXPECT_EQ(lane<uint16_t>((extmul<uint8_t, uint16_t>(a, a, false)), 0), 65025);
  EXPECT_EQ(lane<int16_t>((extadd_pairwise<int8_t, int16_t>(a)), 1), -1);
  EXPECT_EQ(lane<uint16_t>((extadd_pairwise<uint8_t, uint16_t>(a)), 1), 255u);
  V big = make<uint32_t>(0xFFFFFFFFu, 0xFFFFFFFFu);
  EXPECT_EQ(lane<uint64_t>((extmul<uint32_t, uint64_t>(big, big, false)), 0),
            0xFFFFFFFE00000001ull);
  EXPECT_EQ(lane<int64_t>((extmul<int32_t, int64_t>(big, big, false)), 0), 1);
}

TEST(SimdOps, AvgrRoundsUpWithoutOverflow) {
  V a = make<uint8_t>(255, 0, 1);
  V b = make<uint8_t>(255, 1, 2);
  EXPECT_EQ(lane<uint8_t>(avgr<uint8_t>(a, b), 0), 255);
  EXPECT_EQ(lane<uint8_t>(avgr<uint8_t>(a, b), 1), 1);
  EXPECT_EQ(lane<uint8_t>(avgr<uint8_t>(a, b), 2), 2);
}

TEST(SimdOps, FloatMinMaxAndPseudoMinMax) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  V a = make<float>(-0.0f, nan, 1.0f, 0.0f);
  V b = make<float>(0.0f, 1.0f, nan, -0.0f);
  // min/max: NaN propagates, -0 < +0.
  EXPECT_TRUE(std::signbit(lane<float>(fmin<float>(a, b), 0)));
  EXPECT_TRUE(std::isnan(lane<float>(fmin<float>(a, b), 1)));
  EXPECT_TRUE(std::isnan(lane<float>(fmax<float>(a, b), 2)));
  EXPECT_FALSE(std::signbit(lane<float>(fmax<float>(a, b), 3)));
  // pmin = b < a ? b : a: returns the first operand for NaNs and equal zeros.
  EXPECT_TRUE(std::signbit(lane<float>(pmin<float>(a, b), 0)));
  EXPECT_TRUE(std::isnan(lane<float>(pmin<float>(a, b), 1)));
  EXPECT_EQ(lane<float>(pmin<float>(a, b), 2), 1.0f);
  EXPECT_FALSE(std::signbit(lane<float>(pmax<float>(a, b), 3)));
}

TEST(SimdOps, FloatAbsNegKeepNanPayloads) {
  const uint32_t snan = 0x7FA00001u;
  V a = make<uint32_t>(snan, 0xFFC00000u);
  EXPECT_EQ(lane<uint32_t>(fneg<float>(a), 0), snan | 0x80000000u);
  EXPECT_EQ(lane<uint32_t>(fabs<float>(a), 1), 0x7FC00000u);
}

TEST(SimdOps, TruncSatAndNearest) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  V a = make<float>(nan, 3e9f, -3e9f, -1.5f);
  V s = trunc_sat_f32x4<int32_t>(a);
  EXPECT_EQ(lane<int32_t>(s, 0), 0);
  EXPECT_EQ(lane<int32_t>(s, 1), std::numeric_limits<int32_t>::max());
  EXPECT_EQ(lane<int32_t>(s, 2), std::numeric_limits<int32_t>::min());
  EXPECT_EQ(lane<int32_t>(s, 3), -1);
  V u = trunc_sat_f32x4<uint32_t>(a);
  EXPECT_EQ(lane<uint32_t>(u, 1), 3000000000u);
  EXPECT_EQ(lane<uint32_t>(u, 3), 0u);
  V d = make<double>(-1.0, 1e300);
  V z = trunc_sat_f64x2_zero<uint32_t>(d);
  EXPECT_EQ(lane<uint32_t>(z, 0), 0u);
  EXPECT_EQ(lane<uint32_t>(z, 1), 0xFFFFFFFFu);
  EXPECT_EQ(lane<uint64_t>(z, 1), 0u); // upper lanes are zero
  V n = make<float>(2.5f, -2.5f, 3.5f, -0.5f);
  EXPECT_EQ(lane<float>(fnearest<float>(n), 0), 2.0f);
  EXPECT_EQ(lane<float>(fnearest<float>(n), 1), -2.0f);
  EXPECT_EQ(lane<float>(fnearest<float>(n), 2), 4.0f);
  EXPECT_TRUE(std::signbit(lane<float>(fnearest<float>(n), 3)));
}

TEST(SimdOps, SwizzleShuffleBitmask) {
  V a = make<uint8_t>(10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25);
  V b = make<uint8_t>(30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45);
  V idx = make<uint8_t>(0, 15, 16, 255, 3);
  V sw = swizzle(a, idx);
  EXPECT_EQ(lane<uint8_t>(sw, 0), 10);
  EXPECT_EQ(lane<uint8_t>(sw, 1), 25);
  EXPECT_EQ(lane<uint8_t>(sw, 2), 0);
  EXPECT_EQ(lane<uint8_t>(sw, 3), 0);
  V sh = shuffle(a, b, make<uint8_t>(31, 0, 16));
  EXPECT_EQ(lane<uint8_t>(sh, 0), 45);
  EXPECT_EQ(lane<uint8_t>(sh, 1), 10);
  EXPECT_EQ(lane<uint8_t>(sh, 2), 30);
  EXPECT_EQ(bitmask<int16_t>(make<int16_t>(-1, 0, -32768, 5, 0, 0, 0, -2)), 0x85u);
  EXPECT_EQ(all_true<uint32_t>(make<uint32_t>(1, 2, 3, 0)), 0u);
  EXPECT_EQ(any_true(make<uint64_t>(0, 1)), 1u);
}

// Relaxed SIMD's own lane functions (the other relaxed instructions reuse the ones above).
TEST(SimdOps, RelaxedMaddIsFused) {
  // (1 + 2^-12)^2 = 1 + 2^-11 + 2^-24: rounded before the add, the 2^-24 would be lost.
  const float x = 1.0f + 0x1p-12f;
  const float c = -(1.0f + 0x1p-11f);
  V r = fmadd<float>(make<float>(x, 2.0f, 1.0f, 0.0f), make<float>(x, 3.0f, -0.0f, 1.0f),
                     make<float>(c, 1.0f, 0.0f, -0.0f));
  EXPECT_EQ(lane<float>(r, 0), 0x1p-24f);
  EXPECT_EQ(lane<float>(r, 1), 7.0f);
  EXPECT_FALSE(std::signbit(lane<float>(r, 2))); // -0 + +0 = +0
  EXPECT_FALSE(std::signbit(lane<float>(r, 3)));
  const double y = 1.0 + 0x1p-27;
  V d =
      fnmadd<double>(make<double>(y, 2.0), make<double>(y, 4.0), make<double>(1.0 + 0x1p-26, 1.0));
  EXPECT_EQ(lane<double>(d, 0), -0x1p-54); // -(y * y) + c, fused
  EXPECT_EQ(lane<double>(d, 1), -7.0);
}

TEST(SimdOps, RelaxedDotReadsBothSignedAndWraps) {
  V a = make<int8_t>(-128, -128, -128, -128, 127, 127, -1, 2);
  V b = make<int8_t>(-128, -128, -127, -127, -128, -128, -1, -3);
  V r = dot_i8x16_i7x16(a, b);
  EXPECT_EQ(lane<int16_t>(r, 0), -32768); // 2 * 16384 wraps
  EXPECT_EQ(lane<int16_t>(r, 1), 32512);  // -127 read signed (unsigned: 129, saturating)
  EXPECT_EQ(lane<int16_t>(r, 2), -32512);
  EXPECT_EQ(lane<int16_t>(r, 3), -5);
  V c = make<int32_t>(1, 2, std::numeric_limits<int32_t>::max(), 4);
  V s = dot_i8x16_i7x16_add(a, b, c);
  EXPECT_EQ(lane<int32_t>(s, 0), -32768 + 32512 + 1); // the wrapped 16-bit sums, sign-extended
  EXPECT_EQ(lane<int32_t>(s, 1), -32512 - 5 + 2);
  EXPECT_EQ(lane<int32_t>(s, 2), std::numeric_limits<int32_t>::max()); // zero lanes
  EXPECT_EQ(lane<int32_t>(s, 3), 4);
}

} // namespace
} // namespace wasmcap::interp::simd

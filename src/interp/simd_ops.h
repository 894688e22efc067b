// Lane semantics of the 128-bit SIMD instructions as pure functions on 16-byte vectors (clang
// vector extensions), bit-exact to the spec on every host: wrapping and saturating integer
// arithmetic, narrowing, q15mulr, float min/max/pmin/pmax and rounding, trunc_sat.
#pragma once

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>

#include "interp/numeric.h"

namespace wasmcap::interp::simd {

using u8x16 = uint8_t __attribute__((vector_size(16)));
using s8x16 = int8_t __attribute__((vector_size(16)));
using u16x8 = uint16_t __attribute__((vector_size(16)));
using s16x8 = int16_t __attribute__((vector_size(16)));
using u32x4 = uint32_t __attribute__((vector_size(16)));
using s32x4 = int32_t __attribute__((vector_size(16)));
using u64x2 = uint64_t __attribute__((vector_size(16)));
using s64x2 = int64_t __attribute__((vector_size(16)));
using f32x4 = float __attribute__((vector_size(16)));
using f64x2 = double __attribute__((vector_size(16)));

// The canonical v128 of the handlers; every other view is a bit cast of it.
using V = u8x16;

template <class T> struct VecOf;
template <> struct VecOf<uint8_t> {
  using type = u8x16;
};
template <> struct VecOf<int8_t> {
  using type = s8x16;
};
template <> struct VecOf<uint16_t> {
  using type = u16x8;
};
template <> struct VecOf<int16_t> {
  using type = s16x8;
};
template <> struct VecOf<uint32_t> {
  using type = u32x4;
};
template <> struct VecOf<int32_t> {
  using type = s32x4;
};
template <> struct VecOf<uint64_t> {
  using type = u64x2;
};
template <> struct VecOf<int64_t> {
  using type = s64x2;
};
template <> struct VecOf<float> {
  using type = f32x4;
};
template <> struct VecOf<double> {
  using type = f64x2;
};
template <class T> using Vec = typename VecOf<T>::type;
template <class T> constexpr int kLanes = static_cast<int>(16 / sizeof(T));
template <class T> using Unsigned = std::make_unsigned_t<T>;

template <class T> inline Vec<T> as(V v) {
  return __builtin_bit_cast(Vec<T>, v);
}
template <class VT> inline V bits(VT v) {
  return __builtin_bit_cast(V, v);
}

inline V load(const void* p) {
  V v;
  std::memcpy(&v, p, 16);
  return v;
}
inline void store(void* p, V v) {
  std::memcpy(p, &v, 16);
}

// Applies `f` lane by lane: T lanes in, R lanes out (same lane count).
template <class T, class R = T, class F> inline V map(V a, F f) {
  Vec<T> x = as<T>(a);
  Vec<R> r{};
  for (int i = 0; i < kLanes<T>; ++i)
    r[i] = f(x[i]);
  return bits(r);
}
template <class T, class R = T, class F> inline V zip(V a, V b, F f) {
  Vec<T> x = as<T>(a), y = as<T>(b);
  Vec<R> r{};
  for (int i = 0; i < kLanes<T>; ++i)
    r[i] = f(x[i], y[i]);
  return bits(r);
}

// --- splat, lanes, shuffles ---------------------------------------------------------------------
template <class T> inline V splat(T x) {
  Vec<T> r{};
  for (int i = 0; i < kLanes<T>; ++i)
    r[i] = x;
  return bits(r);
}
template <class T> inline T extract(V a, uint32_t lane) {
  return as<T>(a)[lane];
}
template <class T> inline V replace(V a, uint32_t lane, T x) {
  Vec<T> r = as<T>(a);
  r[lane] = x;
  return bits(r);
}
inline V swizzle(V a, V idx) {
  V r{};
  for (int i = 0; i < 16; ++i)
    r[i] = idx[i] < 16 ? a[idx[i]] : 0;
  return r;
}
inline V shuffle(V a, V b, V lanes) {
  V r{};
  for (int i = 0; i < 16; ++i)
    r[i] = lanes[i] < 16 ? a[lanes[i]] : b[lanes[i] & 15];
  return r;
}

// --- bitwise and boolean ------------------------------------------------------------------------
inline V bitselect(V a, V b, V c) {
  return (a & c) | (b & ~c);
}
inline uint32_t any_true(V a) {
  return (as<uint64_t>(a)[0] | as<uint64_t>(a)[1]) != 0;
}
template <class T> inline uint32_t all_true(V a) {
  Vec<T> x = as<T>(a);
  for (int i = 0; i < kLanes<T>; ++i) {
    if (x[i] == 0) return 0;
  }
  return 1;
}
template <class T> inline uint32_t bitmask(V a) {
  Vec<T> x = as<T>(a);
  uint32_t r = 0;
  for (int i = 0; i < kLanes<T>; ++i)
    r |= static_cast<uint32_t>(x[i] < 0) << i;
  return r;
}

// --- integer arithmetic (wrapping, done on unsigned lanes)
// -----------------------------------------
template <class T> inline V add(V a, V b) {
  return bits(as<Unsigned<T>>(a) + as<Unsigned<T>>(b));
}
template <class T> inline V sub(V a, V b) {
  return bits(as<Unsigned<T>>(a) - as<Unsigned<T>>(b));
}
template <class T> inline V mul(V a, V b) {
  return zip<Unsigned<T>>(a, b, [](auto x, auto y) {
    // Promote 16-bit lanes to unsigned int so the product cannot overflow a signed int.
    return static_cast<Unsigned<T>>(static_cast<std::common_type_t<Unsigned<T>, unsigned>>(x) * y);
  });
}
template <class T> inline V neg(V a) {
  return bits(Vec<Unsigned<T>>{} - as<Unsigned<T>>(a));
}
template <class T> inline V abs(V a) {
  return map<T>(a, [](T x) {
    auto u = static_cast<Unsigned<T>>(x);
    return static_cast<T>(x < 0 ? static_cast<Unsigned<T>>(Unsigned<T>{0} - u) : u);
  });
}
template <class T> inline V min(V a, V b) {
  return zip<T>(a, b, [](T x, T y) { return x < y ? x : y; });
}
template <class T> inline V max(V a, V b) {
  return zip<T>(a, b, [](T x, T y) { return x > y ? x : y; });
}
template <class T> inline V avgr(V a, V b) { // unsigned T
  return zip<T>(a, b, [](T x, T y) { return static_cast<T>((uint32_t{x} + y + 1) >> 1); });
}
template <class T> inline T saturate(int64_t v) {
  if (v < std::numeric_limits<T>::min()) return std::numeric_limits<T>::min();
  if (v > std::numeric_limits<T>::max()) return std::numeric_limits<T>::max();
  return static_cast<T>(v);
}
template <class T> inline V add_sat(V a, V b) {
  return zip<T>(a, b, [](T x, T y) { return saturate<T>(int64_t{x} + y); });
}
template <class T> inline V sub_sat(V a, V b) {
  return zip<T>(a, b, [](T x, T y) { return saturate<T>(int64_t{x} - y); });
}
inline uint8_t popcnt8(uint8_t x) {
  return static_cast<uint8_t>(std::popcount(x));
}
inline V q15mulr_sat(V a, V b) {
  return zip<int16_t>(a, b, [](int16_t x, int16_t y) {
    return saturate<int16_t>((int64_t{x} * y + 0x4000) >> 15);
  });
}

// Shifts take the count modulo the lane width.
template <class T> inline V shl(V a, uint32_t n) {
  const auto s = static_cast<Unsigned<T>>(n % (sizeof(T) * 8));
  return bits(as<Unsigned<T>>(a) << s);
}
template <class T> inline V shr(V a, uint32_t n) { // arithmetic for signed T, logical otherwise
  const auto s = static_cast<T>(n % (sizeof(T) * 8));
  return bits(as<T>(a) >> s);
}

// Comparisons: all-ones lanes for true. I is the integer lane type of the same width.
template <class T, class F> inline V compare(V a, V b, F f) {
  using I =
      std::conditional_t<sizeof(T) == 1, int8_t,
                         std::conditional_t<sizeof(T) == 2, int16_t,
                                            std::conditional_t<sizeof(T) == 4, int32_t, int64_t>>>;
  Vec<T> x = as<T>(a), y = as<T>(b);
  Vec<I> r{};
  for (int i = 0; i < kLanes<T>; ++i)
    r[i] = f(x[i], y[i]) ? I{-1} : I{0};
  return bits(r);
}

// --- widening and narrowing
// ------------------------------------------------------------------------- Extends the low or high
// half of T lanes to W lanes.
template <class T, class W> inline V extend(V a, bool high) {
  Vec<T> x = as<T>(a);
  Vec<W> r{};
  const int base = high ? kLanes<W> : 0;
  for (int i = 0; i < kLanes<W>; ++i)
    r[i] = static_cast<W>(x[base + i]);
  return bits(r);
}
template <class T, class W> inline V extmul(V a, V b, bool high) {
  Vec<W> x = as<W>(extend<T, W>(a, high)), y = as<W>(extend<T, W>(b, high));
  return bits(as<Unsigned<W>>(bits(x)) * as<Unsigned<W>>(bits(y)));
}
template <class T, class W> inline V extadd_pairwise(V a) {
  Vec<T> x = as<T>(a);
  Vec<W> r{};
  for (int i = 0; i < kLanes<W>; ++i)
    r[i] = static_cast<W>(static_cast<W>(x[2 * i]) + static_cast<W>(x[2 * i + 1]));
  return bits(r);
}
// Narrows W lanes of a then b to N lanes with saturation.
template <class W, class N> inline V narrow(V a, V b) {
  Vec<W> x = as<W>(a), y = as<W>(b);
  Vec<N> r{};
  constexpr int half = kLanes<W>;
  for (int i = 0; i < half; ++i) {
    r[i] = saturate<N>(x[i]);
    r[half + i] = saturate<N>(y[i]);
  }
  return bits(r);
}
inline V dot_i16x8(V a, V b) {
  s16x8 x = as<int16_t>(a), y = as<int16_t>(b);
  u32x4 r{};
  for (int i = 0; i < 4; ++i) {
    int64_t sum = int64_t{x[2 * i]} * y[2 * i] + int64_t{x[2 * i + 1]} * y[2 * i + 1];
    r[i] = static_cast<uint32_t>(sum); // only -2^15 * -2^15 * 2 wraps
  }
  return bits(r);
}

// --- floating point
// ---------------------------------------------------------------------------------
namespace nm = numeric;
template <class F> inline V fabs(V a) {
  return map<F>(a, [](F x) { return nm::fabs_bits(x); });
}
template <class F> inline V fneg(V a) {
  return map<F>(a, [](F x) { return nm::fneg_bits(x); });
}
template <class F> inline V fmin(V a, V b) {
  return zip<F>(a, b, [](F x, F y) { return nm::fmin(x, y); });
}
template <class F> inline V fmax(V a, V b) {
  return zip<F>(a, b, [](F x, F y) { return nm::fmax(x, y); });
}
// pmin/pmax: the C expressions `b < a ? b : a` and `a < b ? b : a`, NaNs and zeros untouched.
template <class F> inline V pmin(V a, V b) {
  return zip<F>(a, b, [](F x, F y) { return y < x ? y : x; });
}
template <class F> inline V pmax(V a, V b) {
  return zip<F>(a, b, [](F x, F y) { return x < y ? y : x; });
}
template <class F> inline V fsqrt(V a) {
  return map<F>(a, [](F x) { return std::sqrt(x); });
}
template <class F> inline V fceil(V a) {
  return map<F>(a, [](F x) { return std::ceil(x); });
}
template <class F> inline V ffloor(V a) {
  return map<F>(a, [](F x) { return std::floor(x); });
}
template <class F> inline V ftrunc(V a) {
  return map<F>(a, [](F x) { return std::trunc(x); });
}
template <class F> inline V fnearest(V a) {
  return map<F>(a, [](F x) { return nm::nearest(x); });
}
template <class F> inline V fadd(V a, V b) {
  return bits(as<F>(a) + as<F>(b));
}
template <class F> inline V fsub(V a, V b) {
  return bits(as<F>(a) - as<F>(b));
}
template <class F> inline V fmul(V a, V b) {
  return bits(as<F>(a) * as<F>(b));
}
template <class F> inline V fdiv(V a, V b) {
  return bits(as<F>(a) / as<F>(b));
}

// --- conversions --------------------------------------------------------------------------------
template <class I> inline V trunc_sat_f32x4(V a) {
  return map<float, I>(a, [](float x) { return nm::trunc_sat<I>(x); });
}
template <class I> inline V convert_i32x4(V a) {
  return map<I, float>(a, [](I x) { return static_cast<float>(x); });
}
template <class I> inline V trunc_sat_f64x2_zero(V a) {
  f64x2 x = as<double>(a);
  Vec<I> r{};
  r[0] = nm::trunc_sat<I>(x[0]);
  r[1] = nm::trunc_sat<I>(x[1]);
  return bits(r);
}
template <class I> inline V convert_low_i32x4(V a) {
  Vec<I> x = as<I>(a);
  f64x2 r{static_cast<double>(x[0]), static_cast<double>(x[1])};
  return bits(r);
}
inline V demote_f64x2_zero(V a) {
  f64x2 x = as<double>(a);
  f32x4 r{static_cast<float>(x[0]), static_cast<float>(x[1]), 0.0f, 0.0f};
  return bits(r);
}
inline V promote_low_f32x4(V a) {
  f32x4 x = as<float>(a);
  f64x2 r{static_cast<double>(x[0]), static_cast<double>(x[1])};
  return bits(r);
}

// --- relaxed SIMD (3.0)
// --------------------------------------------------------------------------- Only the ops without
// a deterministic twin above; the choices are documented in docs/simd.md. madd: fused (one
// rounding), as the deterministic profile; nmadd negates the product.
template <class F> inline V fmadd(V a, V b, V c) {
  Vec<F> x = as<F>(a), y = as<F>(b), z = as<F>(c), r{};
  for (int i = 0; i < kLanes<F>; ++i)
    r[i] = std::fma(x[i], y[i], z[i]);
  return bits(r);
}
template <class F> inline V fnmadd(V a, V b, V c) {
  return fmadd<F>(fneg<F>(a), b, c);
}
// i16x8.relaxed_dot_i8x16_i7x16_s: both operands' bytes signed, the pair sum wrapping to 16 bits
// (only (-128 * -128) * 2 = 32768 wraps, to -32768).
inline V dot_i8x16_i7x16(V a, V b) {
  s8x16 x = as<int8_t>(a), y = as<int8_t>(b);
  u16x8 r{};
  for (int i = 0; i < 8; ++i)
    r[i] = static_cast<uint16_t>(x[2 * i] * y[2 * i] + x[2 * i + 1] * y[2 * i + 1]);
  return bits(r);
}
// The 16-bit dot above, its pairs added (sign-extended) to 32 bits, plus c (wrapping).
inline V dot_i8x16_i7x16_add(V a, V b, V c) {
  V pairs = extadd_pairwise<int16_t, int32_t>(dot_i8x16_i7x16(a, b));
  return add<uint32_t>(pairs, c);
}

// --- loads with a transformation
// --------------------------------------------------------------------- v128.loadNxM_s/u: M lanes
// of N bits from 8 bytes, extended to 2N bits.
template <class T, class W> inline V load_extend(const uint8_t* p) {
  Vec<T> x{};
  std::memcpy(&x, p, 8);
  return extend<T, W>(bits(x), false);
}
template <class T> inline V load_splat(const uint8_t* p) {
  T x;
  std::memcpy(&x, p, sizeof(T));
  return splat<T>(x);
}
template <class T> inline V load_zero(const uint8_t* p) {
  Vec<T> r{};
  T x;
  std::memcpy(&x, p, sizeof(T));
  r[0] = x;
  return bits(r);
}

} // namespace wasmcap::interp::simd

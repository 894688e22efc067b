// Exact WebAssembly numeric semantics that C++ operators do not give directly: float min/max
// with signed zeros and NaN, round-half-even, bit-level abs/neg/copysign, and the trapping and
// saturating float-to-int truncations with their precise range bounds.
#pragma once

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

namespace wasmcap::interp::numeric {

template <class F> using Bits = std::conditional_t<sizeof(F) == 4, uint32_t, uint64_t>;
template <class F> constexpr Bits<F> kSignBit = Bits<F>{1} << (sizeof(F) * 8 - 1);

template <class F> F fabs_bits(F a) {
  return std::bit_cast<F>(static_cast<Bits<F>>(std::bit_cast<Bits<F>>(a) & ~kSignBit<F>));
}
template <class F> F fneg_bits(F a) {
  return std::bit_cast<F>(static_cast<Bits<F>>(std::bit_cast<Bits<F>>(a) ^ kSignBit<F>));
}
template <class F> F fcopysign_bits(F a, F b) {
  Bits<F> m =
      (std::bit_cast<Bits<F>>(a) & ~kSignBit<F>) | (std::bit_cast<Bits<F>>(b) & kSignBit<F>);
  return std::bit_cast<F>(m);
}

// NaN in -> a NaN out (a + b keeps an input payload quiet: an arithmetic NaN); -0 < +0.
template <class F> F fmin(F a, F b) {
  if (std::isnan(a) || std::isnan(b)) return a + b;
  if (a == b) return std::bit_cast<F>(std::bit_cast<Bits<F>>(a) | std::bit_cast<Bits<F>>(b));
  return a < b ? a : b;
}
template <class F> F fmax(F a, F b) {
  if (std::isnan(a) || std::isnan(b)) return a + b;
  if (a == b) return std::bit_cast<F>(std::bit_cast<Bits<F>>(a) & std::bit_cast<Bits<F>>(b));
  return a > b ? a : b;
}

inline float nearest(float a) {
  return __builtin_roundevenf(a);
}
inline double nearest(double a) {
  return __builtin_roundeven(a);
}

// Open bounds (lo, hi) in double: x converts to I without trapping iff lo < x < hi. They are
// exact in double, and every f32 converts to double exactly.
template <class I>
constexpr double kTruncLo =
    std::is_signed_v<I> ? -static_cast<double>(std::numeric_limits<I>::max()) - 2.0 : -1.0;
template <class I>
constexpr double kTruncHi =
    std::is_signed_v<I> ? static_cast<double>(std::numeric_limits<I>::max()) + 1.0
                        : 2.0 * (static_cast<double>(std::numeric_limits<I>::max() / 2) + 1.0);

enum class TruncResult { Ok, Nan, Overflow };

template <class I, class F> TruncResult trunc_checked(F x, I& out) {
  if (std::isnan(x)) return TruncResult::Nan;
  double d = static_cast<double>(x);
  // INT64_MIN is exactly representable, so the signed 64-bit lower bound is inclusive.
  if constexpr (std::is_same_v<I, int64_t>) {
    if (!(d >= -9223372036854775808.0 && d < 9223372036854775808.0)) return TruncResult::Overflow;
  } else {
    if (!(d > kTruncLo<I> && d < kTruncHi<I>)) return TruncResult::Overflow;
  }
  out = static_cast<I>(x);
  return TruncResult::Ok;
}

template <class I, class F> I trunc_sat(F x) {
  if (std::isnan(x)) return 0;
  I out;
  if (trunc_checked<I>(x, out) == TruncResult::Ok) return out;
  return x < 0 ? std::numeric_limits<I>::min() : std::numeric_limits<I>::max();
}

} // namespace wasmcap::interp::numeric

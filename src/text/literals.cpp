// Numeric literal parsing. Decimal floats go through std::from_chars (correctly rounded,
// locale-free); hex floats are rounded here bit by bit because their edge cases are exact.
#include "text/literals.h"

#include <charconv>
#include <cstring>
#include <string>
#include <system_error>

namespace wasmcap::text {
namespace {

int digit_value(char c, int base) {
  int v = -1;
  if (c >= '0' && c <= '9')
    v = c - '0';
  else if (c >= 'a' && c <= 'f')
    v = c - 'a' + 10;
  else if (c >= 'A' && c <= 'F')
    v = c - 'A' + 10;
  return v < base ? v : -1;
}

// Splits off a sign; returns -1, +1, or 0 when there is none.
int take_sign(std::string_view& s) {
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    const int sign = s[0] == '-' ? -1 : 1;
    s.remove_prefix(1);
    return sign;
  }
  return 0;
}

bool take_hex_prefix(std::string_view& s) {
  if (s.size() >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    s.remove_prefix(2);
    return true;
  }
  return false;
}

// Checks digit/underscore structure: one or more digits, `_` only between two digits.
bool well_formed_digits(std::string_view s, int base) {
  if (s.empty()) return false;
  bool prev_digit = false;
  for (char c : s) {
    if (c == '_') {
      if (!prev_digit) return false;
      prev_digit = false;
    } else if (digit_value(c, base) >= 0) {
      prev_digit = true;
    } else {
      return false;
    }
  }
  return prev_digit;
}

Literal<uint64_t> parse_unsigned(std::string_view s) {
  const int base = take_hex_prefix(s) ? 16 : 10;
  if (!well_formed_digits(s, base)) return {};
  uint64_t v = 0;
  bool overflow = false;
  for (char c : s) {
    if (c == '_') continue;
    const uint64_t d = static_cast<uint64_t>(digit_value(c, base));
    if (v > (UINT64_MAX - d) / static_cast<uint64_t>(base)) overflow = true;
    v = v * static_cast<uint64_t>(base) + d;
  }
  if (overflow) return {LiteralStatus::OutOfRange, 0};
  return {LiteralStatus::Ok, v};
}

template <class U> Literal<U> parse_int(std::string_view s, int bits) {
  const int sign = take_sign(s);
  const Literal<uint64_t> mag = parse_unsigned(s);
  if (mag.status != LiteralStatus::Ok) return {mag.status, 0};
  const uint64_t umax = bits == 64 ? UINT64_MAX : (uint64_t{1} << bits) - 1;
  const uint64_t half = uint64_t{1} << (bits - 1);
  if (sign == 0 && mag.value > umax) return {LiteralStatus::OutOfRange, 0};
  if (sign > 0 && mag.value >= half) return {LiteralStatus::OutOfRange, 0};
  if (sign < 0 && mag.value > half) return {LiteralStatus::OutOfRange, 0};
  const uint64_t v = sign < 0 ? (~mag.value + 1) : mag.value;
  return {LiteralStatus::Ok, static_cast<U>(v & umax)};
}

// IEEE parameters: explicit mantissa bits and exponent bias.
struct FloatFormat {
  int mant_bits; // 23 or 52
  int bias;      // 127 or 1023
  int total_bits;
};
constexpr FloatFormat kF32{23, 127, 32};
constexpr FloatFormat kF64{52, 1023, 64};

// Rounds m * 2^e (plus a sticky "something nonzero below m") to the format; RNE.
Literal<uint64_t> round_binary(uint64_t m, int64_t e, bool sticky, const FloatFormat& f) {
  if (m == 0) return {LiteralStatus::Ok, 0};
  int msb = 63;
  while (!(m >> msb))
    --msb;
  const int64_t exp = msb + e; // value is in [2^exp, 2^(exp+1))
  const int64_t emin = 1 - f.bias;
  const int p = f.mant_bits + 1;
  const bool subnormal = exp < emin;
  const int64_t lsb_exp = (subnormal ? emin : exp) - (p - 1);
  const int64_t shift = lsb_exp - e;
  uint64_t q;
  if (shift <= 0) {
    q = m << -shift; // exact: at most p bits
  } else if (shift > 64) {
    q = 0; // everything is below half of the smallest step
  } else {
    q = shift == 64 ? 0 : m >> shift;
    const uint64_t rem = shift == 64 ? m : m & ((uint64_t{1} << shift) - 1);
    const uint64_t halfway = uint64_t{1} << (shift - 1);
    if (rem > halfway || (rem == halfway && (sticky || (q & 1)))) ++q;
  }
  uint64_t bits;
  if (subnormal) {
    bits = q; // reaching 2^(p-1) is exactly the smallest normal's encoding
  } else {
    bits =
        (static_cast<uint64_t>(exp + f.bias) << f.mant_bits) + (q - (uint64_t{1} << f.mant_bits));
  }
  const uint64_t inf_bits = ((uint64_t{1} << (f.total_bits - 1 - f.mant_bits)) - 1) << f.mant_bits;
  if (exp > f.bias || bits >= inf_bits) return {LiteralStatus::OutOfRange, 0};
  return {LiteralStatus::Ok, bits};
}

Literal<uint64_t> parse_hex_float(std::string_view s, const FloatFormat& f) {
  const size_t dot = s.find('.');
  const size_t p = s.find_first_of("pP");
  std::string_view int_part = s.substr(0, std::min(dot, p));
  std::string_view frac_part;
  if (dot != std::string_view::npos) frac_part = s.substr(dot + 1, p == s.npos ? p : p - dot - 1);
  if (dot != std::string_view::npos && p != std::string_view::npos && p < dot) return {};
  if (!well_formed_digits(int_part, 16)) return {};
  if (!frac_part.empty() && !well_formed_digits(frac_part, 16)) return {};
  int64_t exp = 0;
  if (p != std::string_view::npos) {
    std::string_view es = s.substr(p + 1);
    const int esign = take_sign(es);
    if (!well_formed_digits(es, 10)) return {};
    for (char c : es) {
      if (c == '_') continue;
      if (exp < 100000000) exp = exp * 10 + (c - '0');
    }
    if (esign < 0) exp = -exp;
  }
  uint64_t m = 0;
  bool sticky = false;
  auto add_digit = [&](int d, bool fractional) {
    if (m >> 60) {
      if (d) sticky = true;
      if (!fractional) exp += 4;
    } else {
      m = m * 16 + static_cast<uint64_t>(d);
      if (fractional) exp -= 4;
    }
  };
  for (char c : int_part)
    if (c != '_') add_digit(digit_value(c, 16), false);
  for (char c : frac_part)
    if (c != '_') add_digit(digit_value(c, 16), true);
  if (m == 0) return {LiteralStatus::Ok, 0};
  // The sticky bits lie below m's last digit, so they only break exact ties.
  return round_binary(m, exp, sticky, f);
}

template <class T> Literal<uint64_t> parse_decimal_float(std::string_view s) {
  // Structure: digits ('.' digits?)? ([eE] sign? digits)?
  const size_t e = s.find_first_of("eE");
  std::string_view mant = s.substr(0, e);
  const size_t dot = mant.find('.');
  std::string_view int_part = mant.substr(0, dot);
  if (!well_formed_digits(int_part, 10)) return {};
  if (dot != std::string_view::npos) {
    std::string_view frac = mant.substr(dot + 1);
    if (!frac.empty() && !well_formed_digits(frac, 10)) return {};
  }
  if (e != std::string_view::npos) {
    std::string_view es = s.substr(e + 1);
    take_sign(es);
    if (!well_formed_digits(es, 10)) return {};
  }
  std::string clean;
  for (char c : s)
    if (c != '_') clean += c;
  T value{};
  auto [ptr, ec] =
      std::from_chars(clean.data(), clean.data() + clean.size(), value, std::chars_format::general);
  if (ptr != clean.data() + clean.size()) return {};
  if (ec == std::errc::result_out_of_range) {
    // Overflow or underflow: find the decimal magnitude of the first nonzero digit.
    int64_t mag = 0;
    bool seen_nonzero = false, after_dot = false;
    int64_t int_digits = 0, lead_frac_zeros = 0;
    for (char c : clean) {
      if (c == 'e' || c == 'E') break;
      if (c == '.') {
        after_dot = true;
      } else if (!seen_nonzero) {
        if (c != '0') seen_nonzero = true;
        if (!after_dot && seen_nonzero) ++int_digits;
        if (after_dot && !seen_nonzero) ++lead_frac_zeros;
      } else if (!after_dot) {
        ++int_digits;
      }
    }
    int64_t exp10 = 0;
    if (e != std::string_view::npos) {
      std::string_view es = std::string_view(clean).substr(clean.find_first_of("eE") + 1);
      const int esign = take_sign(es);
      for (char c : es)
        if (exp10 < 100000000) exp10 = exp10 * 10 + (c - '0');
      if (esign < 0) exp10 = -exp10;
    }
    mag = (int_digits > 0 ? int_digits : -lead_frac_zeros) + exp10;
    if (mag > 0) return {LiteralStatus::OutOfRange, 0};
    return {LiteralStatus::Ok, 0}; // rounds to zero
  }
  if (ec != std::errc()) return {};
  uint64_t bits = 0;
  if constexpr (sizeof(T) == 4) {
    uint32_t b;
    std::memcpy(&b, &value, 4);
    bits = b;
  } else {
    std::memcpy(&bits, &value, 8);
  }
  const uint64_t exp_mask = sizeof(T) == 4 ? 0x7F800000u : 0x7FF0000000000000u;
  if ((bits & exp_mask) == exp_mask) return {LiteralStatus::OutOfRange, 0};
  return {LiteralStatus::Ok, bits};
}

template <class T> Literal<uint64_t> parse_float(std::string_view s, const FloatFormat& f) {
  const int sign = take_sign(s);
  const uint64_t sign_bit = sign < 0 ? uint64_t{1} << (f.total_bits - 1) : 0;
  const uint64_t exp_all = ((uint64_t{1} << (f.total_bits - 1 - f.mant_bits)) - 1) << f.mant_bits;
  Literal<uint64_t> r;
  if (s == "inf") {
    r = {LiteralStatus::Ok, exp_all};
  } else if (s == "nan") {
    r = {LiteralStatus::Ok, exp_all | (uint64_t{1} << (f.mant_bits - 1))};
  } else if (s.starts_with("nan:")) {
    std::string_view payload = s.substr(4);
    if (!payload.starts_with("0x")) return {};
    const Literal<uint64_t> n = parse_unsigned(payload);
    if (n.status == LiteralStatus::NotNumber) return {};
    if (n.status == LiteralStatus::OutOfRange || n.value == 0 ||
        n.value >= (uint64_t{1} << f.mant_bits))
      return {LiteralStatus::OutOfRange, 0};
    r = {LiteralStatus::Ok, exp_all | n.value};
  } else if (take_hex_prefix(s)) {
    r = parse_hex_float(s, f);
  } else {
    r = parse_decimal_float<T>(s);
  }
  if (r.status == LiteralStatus::Ok) r.value |= sign_bit;
  return r;
}

} // namespace

Literal<uint64_t> parse_nat(std::string_view text) {
  return parse_unsigned(text);
}
Literal<uint32_t> parse_i32(std::string_view text) {
  return parse_int<uint32_t>(text, 32);
}
Literal<uint64_t> parse_i64(std::string_view text) {
  return parse_int<uint64_t>(text, 64);
}
Literal<uint32_t> parse_f32(std::string_view text) {
  const Literal<uint64_t> r = parse_float<float>(text, kF32);
  return {r.status, static_cast<uint32_t>(r.value)};
}
Literal<uint64_t> parse_f64(std::string_view text) {
  return parse_float<double>(text, kF64);
}

} // namespace wasmcap::text

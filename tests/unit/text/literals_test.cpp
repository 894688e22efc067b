// Numeric literals: integer ranges and separators, exact float rounding (decimal and hex).
#include "text/literals.h"

#include <gtest/gtest.h>

using namespace wasmcap::text;

namespace {

uint32_t f32(const char* s) {
  auto r = parse_f32(s);
  EXPECT_EQ(r.status, LiteralStatus::Ok) << s;
  return r.value;
}
uint64_t f64(const char* s) {
  auto r = parse_f64(s);
  EXPECT_EQ(r.status, LiteralStatus::Ok) << s;
  return r.value;
}

TEST(Literals, I32Ranges) {
  EXPECT_EQ(parse_i32("4294967295").value, 0xFFFFFFFFu);
  EXPECT_EQ(parse_i32("-2147483648").value, 0x80000000u);
  EXPECT_EQ(parse_i32("0x_1").status, LiteralStatus::NotNumber);
  EXPECT_EQ(parse_i32("1__0").status, LiteralStatus::NotNumber);
  EXPECT_EQ(parse_i32("1_000").value, 1000u);
  EXPECT_EQ(parse_i32("0xFF_ff").value, 0xFFFFu);
  EXPECT_EQ(parse_i32("4294967296").status, LiteralStatus::OutOfRange);
  EXPECT_EQ(parse_i32("-2147483649").status, LiteralStatus::OutOfRange);
  EXPECT_EQ(parse_i32("+2147483648").status, LiteralStatus::OutOfRange);
  EXPECT_EQ(parse_i32("1x").status, LiteralStatus::NotNumber);
}

TEST(Literals, I64Ranges) {
  EXPECT_EQ(parse_i64("18446744073709551615").value, ~uint64_t{0});
  EXPECT_EQ(parse_i64("-9223372036854775808").value, uint64_t{1} << 63);
  EXPECT_EQ(parse_i64("18446744073709551616").status, LiteralStatus::OutOfRange);
}

TEST(Literals, F32HexRounding) {
  EXPECT_EQ(f32("0x1p-149"), 0x00000001u);
  EXPECT_EQ(f32("0x1p-150"), 0x00000000u);   // tie rounds to even (zero)
  EXPECT_EQ(f32("0x1.8p-149"), 0x00000002u); // tie rounds to even (two)
  EXPECT_EQ(f32("0x1.000001p0"), 0x3F800000u);
  EXPECT_EQ(f32("0x1.000003p0"), 0x3F800002u);
  EXPECT_EQ(f32("0x1.00000100000000001p-50"), 0x26800001u); // sticky bit breaks the tie
  EXPECT_EQ(f32("0x1.fffffep127"), 0x7F7FFFFFu);
  EXPECT_EQ(f32("0x1.fffffefffffffp127"), 0x7F7FFFFFu);
  EXPECT_EQ(parse_f32("0x1.ffffffp127").status, LiteralStatus::OutOfRange);
  EXPECT_EQ(f32("0x1.8p3"), 0x41400000u); // 12.0
  EXPECT_EQ(f32("-0x1p-126"), 0x80800000u);
  EXPECT_EQ(f32("0x0.fffffep-126"), 0x007FFFFFu);
}

TEST(Literals, F32Decimal) {
  EXPECT_EQ(f32("16777217"), 0x4B800000u);
  EXPECT_EQ(f32("16777219"), 0x4B800002u);
  EXPECT_EQ(f32("1e-50"), 0u);
  EXPECT_EQ(f32("-1e-50"), 0x80000000u);
  EXPECT_EQ(parse_f32("1e39").status, LiteralStatus::OutOfRange);
  EXPECT_EQ(f32("1.e1"), 0x41200000u);
  EXPECT_EQ(parse_f32(".5").status, LiteralStatus::NotNumber);
  EXPECT_EQ(parse_f32("1_.0").status, LiteralStatus::NotNumber);
}

TEST(Literals, F64) {
  EXPECT_EQ(f64("0.1"), 0x3FB999999999999Aull);
  EXPECT_EQ(f64("0x1p-1074"), 1ull);
  EXPECT_EQ(f64("0x1.fffffffffffff7p1023"), 0x7FEFFFFFFFFFFFFFull);
  // Halfway above the largest double rounds to even, which is 2^1024: out of range.
  EXPECT_EQ(parse_f64("0x1.fffffffffffff8p1023").status, LiteralStatus::OutOfRange);
  EXPECT_EQ(f64("1_000.000_1"), f64("1000.0001"));
  EXPECT_EQ(parse_f64("1e309").status, LiteralStatus::OutOfRange);
}

TEST(Literals, NanAndInf) {
  EXPECT_EQ(f32("inf"), 0x7F800000u);
  EXPECT_EQ(f32("-inf"), 0xFF800000u);
  EXPECT_EQ(f32("nan"), 0x7FC00000u);
  EXPECT_EQ(f32("-nan"), 0xFFC00000u);
  EXPECT_EQ(f32("nan:0x200000"), 0x7FA00000u);
  EXPECT_EQ(f64("+nan:0x1"), 0x7FF0000000000001ull);
  EXPECT_EQ(parse_f32("nan:0x0").status, LiteralStatus::OutOfRange);
  EXPECT_EQ(parse_f32("nan:0x800000").status, LiteralStatus::OutOfRange);
}

} // namespace

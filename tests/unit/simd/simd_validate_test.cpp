// SIMD validation rules: lane index bounds per instruction, natural alignment of v128 memory
// ops, and Features::simd = false rejecting both the instructions and the v128 type.
#include <gtest/gtest.h>

#include <string>

#include "binary/decoder.h"
#include "text/wat_parser.h"
#include "validate/module_validator.h"

namespace wasmcap {
namespace {

support::Status check(const std::string& wat, bool simd = true, bool relaxed = true) {
  auto bytes = text::parse_wat(wat);
  EXPECT_TRUE(bytes) << bytes.error().to_string();
  if (!bytes) return bytes.error();
  auto module = binary::decode_module(*bytes);
  EXPECT_TRUE(module) << module.error().to_string();
  if (!module) return module.error();
  validate::Features f;
  f.simd = simd;
  f.relaxed_simd = relaxed;
  return validate::validate_module(*module, f);
}

std::string message(const support::Status& s) {
  return s ? std::string("ok") : s.error().message;
}

TEST(SimdValidate, LaneIndexBoundsFollowTheShape) {
  const std::string v = "(v128.const i64x2 0 0)";
  EXPECT_TRUE(check("(module (func (result i32) (i8x16.extract_lane_s 15 " + v + ")))"));
  EXPECT_EQ(message(check("(module (func (result i32) (i8x16.extract_lane_s 16 " + v + ")))")),
            "invalid lane index");
  EXPECT_EQ(message(check("(module (func (result i64) (i64x2.extract_lane 2 " + v + ")))")),
            "invalid lane index");
  EXPECT_EQ(message(check("(module (func (result v128) (f32x4.replace_lane 4 " + v +
                          " (f32.const 0))))")),
            "invalid lane index");
  EXPECT_TRUE(check("(module (func (result v128) (i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 11 12 13 "
                    "14 31 " +
                    v + " " + v + ")))"));
  EXPECT_EQ(message(check("(module (func (result v128) (i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 11 "
                          "12 13 14 32 " +
                          v + " " + v + ")))")),
            "invalid lane index");
  EXPECT_EQ(message(check("(module (memory 1) (func (result v128) (v128.load16_lane 8 (i32.const "
                          "0) " +
                          v + ")))")),
            "invalid lane index");
}

TEST(SimdValidate, AlignmentIsAtMostNatural) {
  EXPECT_TRUE(check("(module (memory 1) (func (result v128) (v128.load align=16 (i32.const 0))))"));
  EXPECT_EQ(
      message(check(
          "(module (memory 1) (func (result v128) (v128.load8x8_s align=16 (i32.const 0))))")),
      "alignment must not be larger than natural");
  EXPECT_EQ(message(check("(module (memory 1) (func (result v128) (v128.load32_lane align=8 0 "
                          "(i32.const 0) (v128.const i64x2 0 0))))")),
            "alignment must not be larger than natural");
}

TEST(SimdValidate, DisabledFeatureRejectsInstructionsAndTypes) {
  EXPECT_FALSE(check("(module (func (drop (v128.const i64x2 0 0))))", false));
  EXPECT_FALSE(check("(module (func (local v128)))", false));
  EXPECT_FALSE(check("(module (func (param v128)))", false));
  EXPECT_FALSE(check("(module (global v128 (v128.const i64x2 0 0)))", false));
  EXPECT_TRUE(check("(module (func (local i32)))", false));
}

TEST(SimdValidate, RelaxedSimdHasItsOwnSwitch) {
  const std::string v = "(v128.const i64x2 0 0)";
  const std::string madd =
      "(module (func (result v128) (f32x4.relaxed_madd " + v + " " + v + " " + v + ")))";
  const std::string dot =
      "(module (func (result v128) (i16x8.relaxed_dot_i8x16_i7x16_s " + v + " " + v + ")))";
  EXPECT_TRUE(check(madd));
  EXPECT_TRUE(check(dot));
  EXPECT_EQ(message(check(madd, true, false)), "disabled feature: f32x4.relaxed_madd");
  EXPECT_EQ(message(check(dot, true, false)), "disabled feature: i16x8.relaxed_dot_i8x16_i7x16_s");
  // Without SIMD, relaxed SIMD's switch does not matter: the v128 result is already refused.
  EXPECT_EQ(message(check(dot, false, true)), "disabled feature: v128");
  // The 2.0 SIMD instructions stay on without relaxed SIMD.
  EXPECT_TRUE(
      check("(module (func (result v128) (i8x16.swizzle " + v + " " + v + ")))", true, false));
  // Three operands: one fewer is a type error.
  EXPECT_EQ(message(check("(module (func (result v128) (i32x4.relaxed_laneselect " + v + " " + v +
                          ")))")),
            "type mismatch: expected v128, got nothing");
}

} // namespace
} // namespace wasmcap

// ByteReader: LEB128 limits and messages exactly as the spec's binary-leb128 tests expect.
#include "support/byte_reader.h"

#include <gtest/gtest.h>

#include <vector>

using wasmcap::support::ByteReader;

namespace {

ByteReader reader(const std::vector<uint8_t>& v) {
  return ByteReader(v);
}

TEST(ByteReader, U32AcceptsPaddedFiveBytes) {
  std::vector<uint8_t> b = {0x80, 0x80, 0x80, 0x80, 0x00};
  auto r = reader(b).read_u32();
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, 0u);
}

TEST(ByteReader, U32RejectsSixBytes) {
  std::vector<uint8_t> b = {0x80, 0x80, 0x80, 0x80, 0x80, 0x00};
  auto r = reader(b).read_u32();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "integer representation too long");
}

TEST(ByteReader, U32RejectsUnusedBitsInLastByte) {
  std::vector<uint8_t> b = {0x82, 0x80, 0x80, 0x80, 0x10};
  auto r = reader(b).read_u32();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "integer too large");
}

TEST(ByteReader, S32SignExtendsAndChecksHighBits) {
  std::vector<uint8_t> minus_one = {0x7f};
  EXPECT_EQ(*reader(minus_one).read_s32(), -1);
  std::vector<uint8_t> padded = {0xff, 0xff, 0xff, 0xff, 0x7f};
  EXPECT_EQ(*reader(padded).read_s32(), -1);
  std::vector<uint8_t> bad = {0xff, 0xff, 0xff, 0xff, 0x4f};
  EXPECT_FALSE(reader(bad).read_s32());
}

TEST(ByteReader, S64ExtremesRoundTrip) {
  std::vector<uint8_t> min = {0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7f};
  EXPECT_EQ(*reader(min).read_s64(), INT64_MIN);
  std::vector<uint8_t> bad = {0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x70};
  EXPECT_FALSE(reader(bad).read_s64());
}

// One-byte LEBs take an inline fast path: bit 6 is the sign for every signed width.
TEST(ByteReader, OneByteLebsOfEveryWidth) {
  for (uint8_t b : {0x00, 0x01, 0x3f, 0x40, 0x41, 0x7f}) {
    std::vector<uint8_t> v = {b};
    const int64_t want = b >= 0x40 ? int64_t{b} - 0x80 : b;
    EXPECT_EQ(*reader(v).read_u32(), b);
    EXPECT_EQ(*reader(v).read_s32(), want);
    EXPECT_EQ(*reader(v).read_s64(), want);
    EXPECT_EQ(*reader(v).read_s33(), want);
    ByteReader r = reader(v);
    ASSERT_TRUE(r.read_u8());
    EXPECT_TRUE(r.at_end());
    EXPECT_FALSE(r.read_u8());
  }
}

TEST(ByteReader, TruncatedInputIsUnexpectedEnd) {
  std::vector<uint8_t> b = {0x80};
  auto r = reader(b).read_u32();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "unexpected end");
}

TEST(ByteReader, NameRejectsInvalidUtf8) {
  std::vector<uint8_t> b = {0x02, 0xc0, 0x80}; // overlong NUL
  auto r = reader(b).read_name();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "malformed UTF-8 encoding");
}

} // namespace

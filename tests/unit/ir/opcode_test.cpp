// The opcode table: lookups by byte, prefix and text agree with the spec's encodings.
#include "ir/opcode.h"

#include <gtest/gtest.h>

using namespace wasmcap::ir;

TEST(Opcode, SingleByteLookup) {
  EXPECT_EQ(op_from_byte(0x6A), Op::I32Add);
  EXPECT_EQ(op_from_byte(0x0B), Op::End);
  EXPECT_EQ(op_from_byte(0x06), Op::Try); // exception handling (3.0)
  EXPECT_EQ(op_from_byte(0x1F), Op::TryTable);
  EXPECT_FALSE(op_from_byte(0x17).has_value());
}

TEST(Opcode, PrefixedLookup) {
  EXPECT_EQ(op_from_prefixed(0xFC, 10), Op::MemoryCopy);
  EXPECT_EQ(op_from_prefixed(0xFC, 7), Op::I64TruncSatF64U);
  EXPECT_FALSE(op_from_prefixed(0xFC, 18).has_value());
  EXPECT_FALSE(op_from_prefixed(0xFC, 1u << 20).has_value());
}

TEST(Opcode, TextLookupAndSignature) {
  EXPECT_EQ(op_from_text("f64.promote_f32"), Op::F64PromoteF32);
  EXPECT_EQ(op_from_text("select"), Op::Select);
  auto sig = sig_types(op_info(Op::I64Store32).sig);
  ASSERT_EQ(sig.params.size(), 2u);
  EXPECT_EQ(sig.params[1], ValType::I64);
  EXPECT_TRUE(sig.results.empty());
  EXPECT_EQ(op_info(Op::I64Load32U).natural_align, 2);
}

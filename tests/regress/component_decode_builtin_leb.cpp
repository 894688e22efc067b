// Regression (fuzz target component_decode_validate): a canonical built-in with a u32 immediate
// (here opcode 0x15) whose LEB128 is malformed ("integer too large": ff ff ff ff 1f), followed
// by one more byte. skip_builtin's `u32` helper (src/component/decoder.cpp) read the
// immediate again to get the error: `r.read_u32().has_value() ? ok() : r.read_u32().error()`.
// The first read has already moved past the bad LEB, so the second read succeeds on the next
// byte and .error() on a value throws std::bad_variant_access: the process terminates instead
// of getting a Malformed error. Expected: decode_component returns an error.
// Fixed: the helper keeps the first read's result.
#include <gtest/gtest.h>

#include <cstdint>
#include <span>
#include <vector>

#include "component/decoder.h"

namespace wasmcap::component {
namespace {

TEST(RegressComponentDecode, BuiltinWithMalformedLeb) {
  const std::vector<uint8_t> bytes = {
      0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00, // component preamble
      0x08, 0x08,                                     // canon section, 8 bytes
      0x01,                                           // one definition
      0x15, 0xff, 0xff, 0xff, 0xff, 0x1f,             // built-in 0x15, u32 too large
      0x00,                                           // a byte that reads as a valid u32
  };
  auto c = decode_component(std::span<const uint8_t>(bytes));
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().kind, ErrorKind::Malformed);
}

} // namespace
} // namespace wasmcap::component

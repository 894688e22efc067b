// Module-level validation rules on hand-built modules.
#include <gtest/gtest.h>

#include "binary/decoder.h"
#include "validate/module_validator.h"

namespace {

using wasmcap::support::Status;
namespace validate = wasmcap::validate;

std::vector<uint8_t> with_header(std::vector<uint8_t> sections) {
  std::vector<uint8_t> out = {0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00};
  out.insert(out.end(), sections.begin(), sections.end());
  return out;
}

std::string error_of(std::vector<uint8_t> sections,
                     const validate::Features& features = validate::Features{}) {
  auto m = wasmcap::binary::decode_module(with_header(sections));
  if (!m) return "malformed: " + m.error().message;
  const Status st = validate::validate_module(*m, features);
  return st ? "ok" : st.error().message;
}

TEST(ModuleValidator, MemoryLimits) {
  EXPECT_EQ(error_of({0x05, 0x04, 0x01, 0x01, 0x02, 0x01}),
            "size minimum must not be greater than maximum");
  EXPECT_EQ(error_of({0x05, 0x05, 0x01, 0x00, 0x81, 0x80, 0x04}),
            "memory size must be at most 65536 pages (4GiB)");
  // Two memories: valid with multiple memories (3.0), not in 2.0.
  EXPECT_EQ(error_of({0x05, 0x05, 0x02, 0x00, 0x01, 0x00, 0x01}), "ok");
  validate::Features v2;
  v2.multi_memory = false;
  EXPECT_EQ(error_of({0x05, 0x05, 0x02, 0x00, 0x01, 0x00, 0x01}, v2), "multiple memories");
}

TEST(ModuleValidator, ExtendedConstantExpressions) {
  // Global 1 = global 0 + 2 * 3: arithmetic and an earlier defined global (3.0).
  const std::vector<uint8_t> globals = {0x06, 0x11, 0x02, 0x7F, 0x00, 0x41, 0x01, 0x0B, 0x7F, 0x00,
                                        0x23, 0x00, 0x41, 0x02, 0x41, 0x03, 0x6C, 0x6A, 0x0B};
  EXPECT_EQ(error_of(globals), "ok");
  validate::Features v2;
  v2.extended_const = false;
  EXPECT_EQ(error_of(globals, v2), "unknown global 0");
  // i64.add of an i32: a type mismatch inside the expression.
  EXPECT_EQ(error_of({0x06, 0x09, 0x01, 0x7E, 0x00, 0x42, 0x01, 0x41, 0x01, 0x7C, 0x0B}),
            "type mismatch");
}

TEST(ModuleValidator, GlobalInitializers) {
  EXPECT_EQ(error_of({0x06, 0x06, 0x01, 0x7F, 0x00, 0x41, 0x00, 0x0B}), "ok");
  EXPECT_EQ(error_of({0x06, 0x06, 0x01, 0x7F, 0x00, 0x42, 0x00, 0x0B}), "type mismatch");
  EXPECT_EQ(error_of({0x06, 0x05, 0x01, 0x7F, 0x00, 0x01, 0x0B}), "constant expression required");
  EXPECT_EQ(error_of({0x06, 0x06, 0x01, 0x7F, 0x00, 0x23, 0x00, 0x0B}), "unknown global 0");
}

TEST(ModuleValidator, StartAndExports) {
  // type () -> (i32); func 0; start 0
  EXPECT_EQ(error_of({0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7F, 0x03, 0x02, 0x01, 0x00,
                      0x08, 0x01, 0x00, 0x0A, 0x06, 0x01, 0x04, 0x00, 0x41, 0x00, 0x0B}),
            "start function");
  // two exports named "a" of memory 0
  EXPECT_EQ(error_of({0x05, 0x03, 0x01, 0x00, 0x01, 0x07, 0x09, 0x02, 0x01, 0x61, 0x02, 0x00, 0x01,
                      0x61, 0x02, 0x00}),
            "duplicate export name");
  EXPECT_EQ(error_of({0x07, 0x05, 0x01, 0x01, 0x61, 0x02, 0x00}), "unknown memory 0");
}

} // namespace

// parse_wat: type-use abbreviations, symbolic indices, inline imports/exports, error positions.
#include "text/wat_parser.h"

#include <gtest/gtest.h>

#include <optional>

using wasmcap::text::parse_wat;

namespace {

using Bytes = std::vector<uint8_t>;

// The payload of the first section with `id` (single-byte LEB sizes suffice for these tests).
std::optional<Bytes> section(const Bytes& m, uint8_t id) {
  size_t p = 8;
  while (p < m.size()) {
    const uint8_t sid = m[p++];
    uint32_t size = 0, shift = 0;
    while (m[p] & 0x80)
      size |= (m[p++] & 0x7Fu) << shift, shift += 7;
    size |= uint32_t{m[p++]} << shift;
    if (sid == id) return Bytes(m.begin() + p, m.begin() + p + size);
    p += size;
  }
  return std::nullopt;
}

Bytes wat(const char* src) {
  auto r = parse_wat(src);
  EXPECT_TRUE(r) << src << ": " << (r ? "" : r.error().message);
  return r ? *r : Bytes{};
}

TEST(WatParser, EmptyModule) {
  EXPECT_EQ(wat("(module)"), (Bytes{0, 'a', 's', 'm', 1, 0, 0, 0}));
  EXPECT_EQ(wat(""), (Bytes{0, 'a', 's', 'm', 1, 0, 0, 0}));
}

TEST(WatParser, InlineTypeUseReusesExplicitTypeDeclaredLater) {
  // The explicit type comes after its first use, yet the use must reuse it (no new entry).
  Bytes m = wat("(module (func (param i32)) (type $t (func (param i32))) (func (type $t)))");
  EXPECT_EQ(section(m, 1), (Bytes{1, 0x60, 1, 0x7F, 0}));
  EXPECT_EQ(section(m, 3), (Bytes{2, 0, 0}));
}

TEST(WatParser, InlineTypeUseAppendsNewTypesInOrder) {
  Bytes m =
      wat("(type (func)) (func (result i32) i32.const 0) (func (param i64)) (func (result i32) "
          "i32.const 1)");
  EXPECT_EQ(section(m, 1), (Bytes{3, 0x60, 0, 0, 0x60, 0, 1, 0x7F, 0x60, 1, 0x7E, 0}));
  EXPECT_EQ(section(m, 3), (Bytes{3, 1, 2, 1}));
}

TEST(WatParser, MismatchedInlineTypeIsMalformed) {
  auto r = parse_wat("(type $t (func (param i32))) (func (type $t) (param i64))");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "inline function type");
}

TEST(WatParser, ResolvesSymbolicIndicesForward) {
  Bytes m = wat("(func $a (call $b)) (func $b (param $x i32) (local $y i64) (local.get $x) "
                "(drop) (local.get $y) (drop))");
  // Function 0 body: no locals, call 1, end.
  auto code = section(m, 10);
  ASSERT_TRUE(code);
  EXPECT_EQ((Bytes(code->begin() + 1, code->begin() + 6)), (Bytes{4, 0, 0x10, 1, 0x0B}));
}

TEST(WatParser, LabelsResolveToDepths) {
  Bytes m = wat("(func (block $out (loop $in (br $out) (br $in) (br 0))))");
  auto code = section(m, 10);
  ASSERT_TRUE(code);
  EXPECT_EQ((Bytes(code->begin() + 3, code->end())),
            (Bytes{0x02, 0x40, 0x03, 0x40, 0x0C, 1, 0x0C, 0, 0x0C, 0, 0x0B, 0x0B, 0x0B}));
}

TEST(WatParser, MultiValueBlockGetsAType) {
  Bytes m = wat("(func (block (result i32 i32) i32.const 1 i32.const 2) drop drop)");
  EXPECT_EQ(section(m, 1), (Bytes{2, 0x60, 0, 0, 0x60, 0, 2, 0x7F, 0x7F}));
}

TEST(WatParser, InlineImportsAndExports) {
  Bytes m = wat("(func $f (export \"a\") (export \"b\") (import \"m\" \"f\") (param i32)) "
                "(func (export \"c\"))");
  EXPECT_EQ(section(m, 2), (Bytes{1, 1, 'm', 1, 'f', 0, 0}));
  EXPECT_EQ(section(m, 7), (Bytes{3, 1, 'a', 0, 0, 1, 'b', 0, 0, 1, 'c', 0, 1}));
}

TEST(WatParser, ImportAfterDefinitionIsMalformed) {
  auto r = parse_wat("(func) (import \"m\" \"f\" (func))");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "import after function");
}

TEST(WatParser, MemoryAndTableAbbreviations) {
  Bytes m = wat("(memory (data \"ab\")) (table funcref (elem $f $f)) (func $f)");
  EXPECT_EQ(section(m, 5), (Bytes{1, 1, 1, 1}));
  EXPECT_EQ(section(m, 4), (Bytes{1, 0x70, 1, 2, 2}));
  EXPECT_EQ(section(m, 9), (Bytes{1, 0, 0x41, 0, 0x0B, 2, 0, 0}));
  EXPECT_EQ(section(m, 11), (Bytes{1, 0, 0x41, 0, 0x0B, 2, 'a', 'b'}));
}

TEST(WatParser, NameSectionHasFunctionNames) {
  Bytes m = wat("(func $main)");
  auto names = section(m, 0);
  ASSERT_TRUE(names);
  const std::string s(names->begin(), names->end());
  EXPECT_NE(s.find("name"), std::string::npos);
  EXPECT_NE(s.find("main"), std::string::npos);
}

// Whole modules as wasm-tools (`jco parse`) encodes them: label names (name subsection 3, every
// block/loop/if numbered in order) and an active segment that names its table keeps flag 2.
TEST(WatParser, BytesMatchWasmTools) {
  EXPECT_EQ(
      wat("(module (func (block) (block $a) (if (i32.const 0) (then)) (loop $b)))"),
      (Bytes{0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00,
             0x03, 0x02, 0x01, 0x00, 0x0a, 0x12, 0x01, 0x10, 0x00, 0x02, 0x40, 0x0b, 0x02, 0x40,
             0x0b, 0x41, 0x00, 0x04, 0x40, 0x0b, 0x03, 0x40, 0x0b, 0x0b, 0x00, 0x10, 0x04, 0x6e,
             0x61, 0x6d, 0x65, 0x03, 0x09, 0x01, 0x00, 0x02, 0x01, 0x01, 0x61, 0x03, 0x01, 0x62}));
  EXPECT_EQ(
      wat("(module (table 1 funcref) (func) (elem (table 0) (i32.const 0) func 0))"),
      (Bytes{0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00,
             0x03, 0x02, 0x01, 0x00, 0x04, 0x04, 0x01, 0x70, 0x00, 0x01, 0x09, 0x09, 0x01, 0x02,
             0x00, 0x41, 0x00, 0x0b, 0x00, 0x01, 0x00, 0x0a, 0x04, 0x01, 0x02, 0x00, 0x0b}));
}

TEST(WatParser, ErrorsCarryLineAndColumn) {
  auto r = parse_wat("(module\n  (func (i32.add2)))");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, wasmcap::support::ErrorKind::Malformed);
  EXPECT_EQ(r.error().where.line, 2u);
  EXPECT_EQ(r.error().where.column, 10u);
  EXPECT_NE(r.error().message.find("unknown operator"), std::string::npos);
}

TEST(WatParser, MalformedCases) {
  const std::pair<const char*, const char*> cases[] = {
      {"(func (i32.const 4294967296) drop)", "constant out of range"},
      {"(func (i32.const 0x) drop)", "unknown operator"},
      {"(func (i32.const) drop)", "unexpected token"},
      {"(memory 1) (func (i32.load align=3 (i32.const 0)) drop)", "alignment"},
      {"(func block $a end $b)", "mismatching label"},
      {"(func $f) (func $f)", "duplicate function $f"},
      {"(func (param $x i32) (local $x i32))", "duplicate local $x"},
      {"(func (call $nope))", "unknown function $nope"},
      {"(start 0) (start 0) (func)", "multiple start sections"},
  };
  for (const auto& [src, msg] : cases) {
    auto r = parse_wat(src);
    ASSERT_FALSE(r) << src;
    EXPECT_EQ(r.error().message, msg) << src;
  }
}

TEST(WatParser, DeepNestingIsAnErrorNotACrash) {
  std::string deep = "(func ";
  for (int i = 0; i < 100000; ++i)
    deep += "(block ";
  for (int i = 0; i < 100000; ++i)
    deep += ")";
  deep += ")";
  EXPECT_FALSE(parse_wat(deep));
  EXPECT_FALSE(parse_wat("(func (((((("));
  EXPECT_FALSE(parse_wat("))"));
}

} // namespace

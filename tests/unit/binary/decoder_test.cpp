// decode_module: preamble, section framing and order, index spaces, segments, names, and the
// spec's error wording and locations.
#include <gtest/gtest.h>

#include "binary/decoder.h"

namespace {

using wasmcap::binary::decode_module;
using wasmcap::support::ErrorKind;
namespace ir = wasmcap::ir;

std::vector<uint8_t> with_header(std::vector<uint8_t> sections) {
  std::vector<uint8_t> out = {0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00};
  out.insert(out.end(), sections.begin(), sections.end());
  return out;
}

std::string error_of(const std::vector<uint8_t>& bytes) {
  auto m = decode_module(bytes);
  if (m) return "ok";
  EXPECT_EQ(m.error().kind, ErrorKind::Malformed);
  return m.error().message;
}

TEST(Decoder, EmptyModule) {
  auto m = decode_module(with_header({}));
  ASSERT_TRUE(m);
  EXPECT_TRUE(m->types.empty());
  EXPECT_EQ(m->bytes.size(), 8u);
}

TEST(Decoder, Preamble) {
  EXPECT_EQ(error_of({}),
            "unexpected end: the module is 0 bytes, shorter than the 8-byte header (magic and "
            "version)");
  EXPECT_EQ(error_of({0x00, 0x61, 0x73, 0x6D, 0x01}),
            "unexpected end: the module is 5 bytes, shorter than the 8-byte header (magic and "
            "version)");
  EXPECT_EQ(error_of({0x00, 0x61, 0x73, 0x6E, 0x01, 0x00, 0x00, 0x00}),
            "magic header not detected: expected 00 61 73 6d (\"\\0asm\"), found 00 61 73 6e");
  EXPECT_EQ(error_of({0x00, 0x61, 0x73, 0x6D, 0x02, 0x00, 0x00, 0x00}),
            "unknown binary version: expected 01 00 00 00 (version 1), found 02 00 00 00");
}

TEST(Decoder, SectionFraming) {
  EXPECT_EQ(error_of(with_header({0x0E, 0x00})), "malformed section id");
  // 13 is the tag section (exception handling), unknown to a 2.0 decoder.
  EXPECT_TRUE(wasmcap::binary::decode_module(with_header({0x0D, 0x01, 0x00})));
  wasmcap::binary::DecodeOptions v2;
  v2.exceptions = false;
  auto m2 = wasmcap::binary::decode_module(with_header({0x0D, 0x01, 0x00}), v2);
  ASSERT_FALSE(m2);
  EXPECT_EQ(m2.error().message, "malformed section id");
  EXPECT_EQ(error_of(with_header({0x01, 0x05, 0x00})),
            "length out of bounds: the type section's size is 5 bytes, but only 1 remain in the "
            "module");
  EXPECT_EQ(error_of(with_header({0x01, 0x02, 0x00, 0x00})), "section size mismatch");
  EXPECT_EQ(error_of(with_header({0x05, 0x01, 0x00, 0x01, 0x01, 0x00})),
            "unexpected content after last section");
  EXPECT_EQ(error_of(with_header({0x04, 0x01, 0x01})), "unexpected end of section or function");
}

TEST(Decoder, ErrorsCarrySectionAndOffset) {
  auto m = decode_module(with_header({0x02, 0x04, 0x01, 0x00, 0x00, 0x07}));
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().message, "malformed import kind");
  EXPECT_EQ(m.error().where.section, "import");
  EXPECT_EQ(m.error().where.offset, 13u);
}

TEST(Decoder, FunctionsAndIndexSpaces) {
  // type ()->(); import "m" "f" func 0; import "m" "g" global i32; func 0; global i64 = 0;
  // code: one empty body.
  auto m = decode_module(with_header({
      0x01, 0x04, 0x01, 0x60, 0x00, 0x00,                                           // type
      0x02, 0x0E, 0x02, 0x01, 0x6D, 0x01, 0x66, 0x00, 0x00, 0x01, 0x6D, 0x01, 0x67, // import
      0x03, 0x7F, 0x00,                                                             //
      0x03, 0x02, 0x01, 0x00,                                                       // function
      0x06, 0x06, 0x01, 0x7E, 0x01, 0x42, 0x00, 0x0B,                               // global
      0x0A, 0x06, 0x01, 0x04, 0x01, 0x02, 0x7F, 0x0B,                               // code
  }));
  ASSERT_TRUE(m) << m.error().to_string();
  EXPECT_EQ(m->num_imported_funcs, 1u);
  EXPECT_EQ(m->num_imported_globals, 1u);
  EXPECT_EQ(m->func_type_indices, (std::vector<uint32_t>{0, 0}));
  ASSERT_EQ(m->all_globals.size(), 2u);
  EXPECT_EQ(m->all_globals[1].type, ir::ValType::I64);
  EXPECT_TRUE(m->all_globals[1].is_mutable);
  ASSERT_EQ(m->functions.size(), 1u);
  EXPECT_EQ(m->functions[0].locals, (std::vector<ir::ValType>{ir::ValType::I32, ir::ValType::I32}));
  EXPECT_EQ(m->functions[0].body.size, 1u); // just the `end`
  EXPECT_EQ(m->bytes[m->functions[0].body.offset], 0x0B);
  EXPECT_EQ(m->globals[0].init.size, 3u); // i64.const 0, end
}

TEST(Decoder, CodeSectionErrorsNameTheFunction) {
  auto m = decode_module(with_header({0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x03, 0x02, 0x01, 0x00,
                                      0x0A, 0x05, 0x01, 0x03, 0x00, 0xFF, 0x0B}));
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().message, "illegal opcode");
  EXPECT_EQ(m.error().where.function, 0);
  EXPECT_EQ(m.error().where.section, "code");
}

TEST(Decoder, InconsistentCounts) {
  EXPECT_EQ(error_of(with_header({0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x03, 0x02, 0x01, 0x00})),
            "function and code section have inconsistent lengths");
  EXPECT_EQ(error_of(with_header({0x0C, 0x01, 0x01})),
            "data count and data section have inconsistent lengths");
}

TEST(Decoder, DataCountRequiredForDataDrop) {
  const std::vector<uint8_t> code = {0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x03, 0x02, 0x01, 0x00,
                                     0x0A, 0x07, 0x01, 0x05, 0x00, 0xFC, 0x09, 0x00, 0x0B};
  std::vector<uint8_t> with_data = code;
  with_data.insert(with_data.end(), {0x0B, 0x01, 0x00});
  EXPECT_EQ(error_of(with_header(with_data)), "data count section required");
  // Without a data section the segment is simply unknown, which validation reports.
  EXPECT_EQ(error_of(with_header(code)), "ok");
}

TEST(Decoder, ElementSegmentEncodings) {
  // table; elem 1: passive funcref exprs (ref.null func); elem 3: declarative func indices.
  auto m = decode_module(with_header({0x04, 0x04, 0x01, 0x70, 0x00, 0x01, 0x09, 0x0A, 0x02, 0x05,
                                      0x70, 0x01, 0xD0, 0x70, 0x0B, 0x03, 0x00, 0x00}));
  ASSERT_TRUE(m) << m.error().to_string();
  ASSERT_EQ(m->elements.size(), 2u);
  EXPECT_EQ(m->elements[0].mode, ir::SegmentMode::Passive);
  EXPECT_TRUE(m->elements[0].uses_exprs);
  EXPECT_EQ(m->elements[0].exprs.size(), 1u);
  EXPECT_EQ(m->elements[1].mode, ir::SegmentMode::Declarative);
  EXPECT_FALSE(m->elements[1].uses_exprs);
}

TEST(Decoder, DataSegments) {
  auto m = decode_module(with_header({0x05, 0x03, 0x01, 0x00, 0x01, 0x0B, 0x0A, 0x02, 0x00, 0x41,
                                      0x00, 0x0B, 0x01, 0x61, 0x01, 0x01, 0x62}));
  ASSERT_TRUE(m) << m.error().to_string();
  ASSERT_EQ(m->datas.size(), 2u);
  EXPECT_EQ(m->datas[0].mode, ir::SegmentMode::Active);
  EXPECT_EQ(m->range_bytes(m->datas[0].init)[0], 'a');
  EXPECT_EQ(m->datas[1].mode, ir::SegmentMode::Passive);
  EXPECT_EQ(m->range_bytes(m->datas[1].init)[0], 'b');
}

TEST(Decoder, NameSection) {
  // custom "name": module name "M", function 0 named "f".
  std::vector<uint8_t> payload = {0x04, 'n',  'a',  'm',  'e',  0x00, 0x02, 0x01,
                                  'M',  0x01, 0x04, 0x01, 0x00, 0x01, 'f'};
  std::vector<uint8_t> sec = {0x00, static_cast<uint8_t>(payload.size())};
  sec.insert(sec.end(), payload.begin(), payload.end());
  auto m = decode_module(with_header(sec));
  ASSERT_TRUE(m) << m.error().to_string();
  EXPECT_EQ(m->names.module, "M");
  EXPECT_EQ(m->func_name(0), "f");
}

TEST(Decoder, MalformedNameSectionIsIgnored) {
  std::vector<uint8_t> sec = {0x00, 0x08, 0x04, 'n', 'a', 'm', 'e', 0x00, 0x09, 0x01};
  auto m = decode_module(with_header(sec));
  ASSERT_TRUE(m) << m.error().to_string();
  EXPECT_FALSE(m->names.module);
}

TEST(Decoder, TooManyLocals) {
  EXPECT_EQ(
      error_of(with_header({0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x03, 0x02, 0x01, 0x00, 0x0A,
                            0x0A, 0x01, 0x08, 0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x7F, 0x0B})),
      "too many locals");
}

} // namespace

// parse_wast: commands, lines, values and patterns, and per-module encode errors.
#include "text/wast_script.h"

#include <gtest/gtest.h>

using namespace wasmcap::text;

namespace {

TEST(WastParser, CommandsAndLines) {
  auto s = parse_wast(R"W((module $m (func (export "f") (param i32) (result i32) local.get 0))
(register "reg" $m)
(assert_return (invoke $m "f" (i32.const -1)) (i32.const 0xffffffff))
(assert_trap (invoke "f" (i32.const 0)) "unreachable")
(assert_malformed (module quote "(func (i32.add2))") "unknown operator")
(assert_malformed (module (func (i32.const 0x))) "unknown operator")
(assert_invalid (module binary "\00asm" "\01\00\00\00") "x")
(get "g")
)W");
  ASSERT_TRUE(s) << s.error().message;
  const auto& c = s->commands;
  ASSERT_EQ(c.size(), 8u);
  EXPECT_EQ(c[0].kind, Command::Kind::Module);
  EXPECT_EQ(c[0].module->name, "$m");
  EXPECT_FALSE(c[0].module->bytes.empty());
  EXPECT_EQ(c[1].register_name, "reg");
  EXPECT_EQ(c[1].register_module, "$m");
  EXPECT_EQ(c[2].line, 3u);
  EXPECT_EQ(c[2].action->module, "$m");
  EXPECT_EQ(c[2].action->args[0].bits, 0xFFFFFFFFu);
  EXPECT_EQ(c[2].expected[0].bits, 0xFFFFFFFFu);
  EXPECT_EQ(c[3].message, "unreachable");
  EXPECT_EQ(c[4].module->kind, ScriptModule::Kind::Quote);
  EXPECT_NE(c[4].module->quote.find("(func (i32.add2))"), std::string::npos);
  EXPECT_TRUE(c[5].module->encode_error.has_value());
  EXPECT_EQ(c[5].module->encode_error->message, "unknown operator");
  EXPECT_EQ(c[6].module->kind, ScriptModule::Kind::Binary);
  EXPECT_EQ(c[6].module->bytes, (std::vector<uint8_t>{0, 'a', 's', 'm', 1, 0, 0, 0}));
  EXPECT_EQ(c[7].action->kind, Action::Kind::Get);
}

TEST(WastParser, ValuesAndPatterns) {
  auto s = parse_wast(R"W((assert_return (invoke "f" (ref.null extern) (ref.extern 7))
  (f32.const nan:canonical) (f64.const nan:arithmetic) (ref.func) (ref.null func)
  (v128.const f32x4 nan:canonical 1.0 -0x1p1 inf) (v128.const i8x16 -1 255 0 1 2 3 4 5 6 7 8 9 10 11 12 13)))W");
  ASSERT_TRUE(s) << s.error().message;
  const Command& c = s->commands[0];
  EXPECT_EQ(c.action->args[0].kind, ScriptValue::Kind::RefNull);
  EXPECT_EQ(c.action->args[0].ref_type, wasmcap::ir::ValType::ExternRef);
  EXPECT_EQ(c.action->args[1].kind, ScriptValue::Kind::RefExtern);
  EXPECT_EQ(c.action->args[1].bits, 7u);
  ASSERT_EQ(c.expected.size(), 6u);
  EXPECT_EQ(c.expected[0].kind, ScriptValue::Kind::NanCanonical);
  EXPECT_EQ(c.expected[0].type, wasmcap::ir::ValType::F32);
  EXPECT_EQ(c.expected[1].kind, ScriptValue::Kind::NanArithmetic);
  EXPECT_EQ(c.expected[1].type, wasmcap::ir::ValType::F64);
  EXPECT_EQ(c.expected[2].kind, ScriptValue::Kind::RefFunc);
  EXPECT_EQ(c.expected[3].ref_type, wasmcap::ir::ValType::FuncRef);
  const ScriptValue& v = c.expected[4];
  EXPECT_EQ(v.kind, ScriptValue::Kind::V128);
  EXPECT_EQ(v.lane_shape, "f32x4");
  ASSERT_EQ(v.lanes.size(), 4u);
  EXPECT_EQ(v.lanes[0].kind, ScriptValue::Kind::NanCanonical);
  EXPECT_EQ(v.lanes[1].bits, 0x3F800000u);
  EXPECT_EQ(v.lanes[2].bits, 0xC0000000u);
  EXPECT_EQ(v.lanes[3].bits, 0x7F800000u);
  EXPECT_EQ(c.expected[5].lanes[0].bits, 0xFFu);
  EXPECT_EQ(c.expected[5].lanes[1].bits, 0xFFu);
}

TEST(WastParser, ScriptSyntaxErrorsHavePositions) {
  auto s = parse_wast("(module)\n(assert_return (invoke \"f\" (i32.const 1))\n");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().where.line, 3u);
  auto t = parse_wast("(module)\n  (bogus)");
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().where.line, 2u);
  EXPECT_EQ(t.error().where.column, 4u);
}

} // namespace

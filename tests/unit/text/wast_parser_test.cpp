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

TEST(WastParser, ComponentCommands) {
  auto s = parse_wast(R"W((component $c (import "f" (func)))
(component definition $D (export "x" (core module (core module))))
(component instance $i $D)
(component binary "\00asm" "\0d\00\01\00")
(assert_invalid (component (export "x" (func 0))) "unknown func")
(assert_malformed (component quote "(import \"a\" (foo))") "unexpected token")
(assert_malformed (component (foo)) "unexpected token")
(assert_trap (component (import "f" (func))) "x")
(assert_unlinkable (component (import "f" (func))) "y")
(module)
)W");
  ASSERT_TRUE(s) << s.error().message;
  const auto& c = s->commands;
  ASSERT_EQ(c.size(), 10u);
  EXPECT_EQ(c[0].kind, Command::Kind::Module);
  EXPECT_TRUE(c[0].module->is_component);
  EXPECT_FALSE(c[0].module->is_definition);
  EXPECT_EQ(c[0].module->name, "$c");
  ASSERT_GE(c[0].module->bytes.size(), 8u);
  EXPECT_EQ(c[0].module->bytes[4], 0x0d); // the component preamble
  EXPECT_TRUE(c[1].module->is_definition);
  EXPECT_EQ(c[1].module->name, "$D");
  EXPECT_EQ(c[2].kind, Command::Kind::ComponentInstance);
  EXPECT_EQ(c[2].instance_name, "$i");
  EXPECT_EQ(c[2].definition_name, "$D");
  EXPECT_EQ(c[3].module->kind, ScriptModule::Kind::Binary);
  EXPECT_TRUE(c[3].module->is_component);
  EXPECT_EQ(c[4].kind, Command::Kind::AssertInvalid);
  EXPECT_FALSE(c[4].module->encode_error.has_value()); // an index error is the validator's
  EXPECT_EQ(c[5].module->kind, ScriptModule::Kind::Quote);
  EXPECT_EQ(c[5].module->quote, "(component (import \"a\" (foo)) )");
  EXPECT_TRUE(c[6].module->encode_error.has_value());
  EXPECT_EQ(c[7].kind, Command::Kind::AssertTrap);
  EXPECT_TRUE(c[7].module->is_component);
  EXPECT_EQ(c[8].kind, Command::Kind::AssertUnlinkable);
  EXPECT_FALSE(c[9].module->is_component);
}

TEST(WastParser, ComponentValues) {
  auto s = parse_wast(R"W((component)
(assert_return (invoke "f" (bool.const true) (u8.const 255) (s8.const -8) (u16.const 9)
  (s16.const -10) (u32.const 0xffffffff) (s32.const -1) (u64.const 18446744073709551615)
  (s64.const -2) (f32.const 1) (f64.const -0) (char.const "\u{1F370}") (str.const "a\tb"))
  (list.const (u8.const 1) (u8.const 2)))
(assert_return (invoke "g"
  (record.const (field "name" str.const "p:") (field "n" (u32.const 7)))
  (tuple.const (str.const "x") (u32.const 1))
  (variant.const "n" (u32.const 99)) (variant.const "e")
  (enum.const "red") (flags.const "a" "c") (flags.const)
  (option.none) (option.some (u32.const 1))
  (result.ok (str.const "yo")) (result.err)))
)W");
  ASSERT_TRUE(s) << s.error().message;
  using K = ScriptValue::Kind;
  const auto& a = s->commands[1].action->args;
  ASSERT_EQ(a.size(), 13u);
  EXPECT_EQ(a[0].kind, K::Bool);
  EXPECT_EQ(a[0].bits, 1u);
  EXPECT_EQ(a[1].kind, K::U8);
  EXPECT_EQ(a[1].bits, 255u);
  EXPECT_EQ(a[2].kind, K::S8);
  EXPECT_EQ(a[2].bits, static_cast<uint64_t>(int64_t{-8}));
  EXPECT_EQ(a[5].bits, 0xffffffffu);
  EXPECT_EQ(a[6].kind, K::S32);
  EXPECT_EQ(a[7].bits, UINT64_MAX);
  EXPECT_EQ(a[9].kind, K::F32);
  EXPECT_EQ(a[9].bits, 0x3f800000u);
  EXPECT_EQ(a[10].kind, K::F64);
  EXPECT_EQ(a[10].bits, 0x8000000000000000u);
  EXPECT_EQ(a[11].kind, K::Char);
  EXPECT_EQ(a[11].bits, 0x1F370u);
  EXPECT_EQ(a[12].kind, K::String);
  EXPECT_EQ(a[12].text, "a\tb");
  const auto& e = s->commands[1].expected;
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].kind, K::List);
  ASSERT_EQ(e[0].elements.size(), 2u);
  EXPECT_EQ(e[0].elements[1].bits, 2u);
  const auto& b = s->commands[2].action->args;
  ASSERT_EQ(b.size(), 11u);
  EXPECT_EQ(b[0].kind, K::Record);
  EXPECT_EQ(b[0].labels, (std::vector<std::string>{"name", "n"}));
  EXPECT_EQ(b[0].elements[0].text, "p:");
  EXPECT_EQ(b[0].elements[1].kind, K::U32);
  EXPECT_EQ(b[1].kind, K::Tuple);
  EXPECT_EQ(b[1].elements.size(), 2u);
  EXPECT_EQ(b[2].kind, K::Variant);
  EXPECT_EQ(b[2].text, "n");
  EXPECT_EQ(b[2].elements.size(), 1u);
  EXPECT_EQ(b[3].elements.size(), 0u);
  EXPECT_EQ(b[4].kind, K::Enum);
  EXPECT_EQ(b[4].text, "red");
  EXPECT_EQ(b[5].kind, K::Flags);
  EXPECT_EQ(b[5].labels, (std::vector<std::string>{"a", "c"}));
  EXPECT_TRUE(b[6].labels.empty());
  EXPECT_EQ(b[7].kind, K::OptionNone);
  EXPECT_EQ(b[8].kind, K::OptionSome);
  EXPECT_EQ(b[8].elements[0].bits, 1u);
  EXPECT_EQ(b[9].kind, K::ResultOk);
  EXPECT_EQ(b[9].elements[0].text, "yo");
  EXPECT_EQ(b[10].kind, K::ResultErr);
  EXPECT_TRUE(b[10].elements.empty());
}

TEST(WastParser, ComponentValueRanges) {
  EXPECT_FALSE(parse_wast("(invoke \"f\" (u8.const 256))"));
  EXPECT_FALSE(parse_wast("(invoke \"f\" (s8.const 128))"));
  EXPECT_FALSE(parse_wast("(invoke \"f\" (s8.const -129))"));
  EXPECT_FALSE(parse_wast("(invoke \"f\" (u32.const -1))"));
  EXPECT_FALSE(parse_wast("(invoke \"f\" (char.const \"ab\"))"));
  EXPECT_TRUE(parse_wast("(invoke \"f\" (s64.const -9223372036854775808))"));
}

} // namespace

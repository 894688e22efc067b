// Interpreter unit tests: small modules (inline wasm bytes) through compile, instantiate, invoke.
#include <gtest/gtest.h>

#include <vector>

#include "binary/decoder.h"
#include "interp/compile.h"
#include "runtime/instantiate.h"
#include "runtime/invoke.h"
#include "text/wat_parser.h"

namespace wasmcap {
namespace {

using runtime::Value;

// (module (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)
//         (func (export "loop") (param i32) (result i32) (local i32)
//           block loop local.get 0 i32.eqz br_if 1 local.get 1 local.get 0 i32.add local.set 1
//           local.get 0 i32.const 1 i32.sub local.set 0 br 0 end end local.get 1)
//         (func (export "rec") (result i32) call 2))
const std::vector<uint8_t> kModule = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x10, 0x03, 0x60, 0x02, 0x7f, 0x7f,
    0x01, 0x7f, 0x60, 0x01, 0x7f, 0x01, 0x7f, 0x60, 0x00, 0x01, 0x7f, 0x03, 0x04, 0x03, 0x00,
    0x01, 0x02, 0x07, 0x14, 0x03, 0x03, 0x61, 0x64, 0x64, 0x00, 0x00, 0x04, 0x6c, 0x6f, 0x6f,
    0x70, 0x00, 0x01, 0x03, 0x72, 0x65, 0x63, 0x00, 0x02, 0x0a, 0x30, 0x03, 0x07, 0x00, 0x20,
    0x00, 0x20, 0x01, 0x6a, 0x0b, 0x21, 0x01, 0x01, 0x7f, 0x02, 0x40, 0x03, 0x40, 0x20, 0x00,
    0x45, 0x0d, 0x01, 0x20, 0x01, 0x20, 0x00, 0x6a, 0x21, 0x01, 0x20, 0x00, 0x41, 0x01, 0x6b,
    0x21, 0x00, 0x0c, 0x00, 0x0b, 0x0b, 0x20, 0x01, 0x0b, 0x04, 0x00, 0x10, 0x02, 0x0b};

runtime::ModuleInstance* instantiate(runtime::Store& store, const std::vector<uint8_t>& bytes) {
  auto module = binary::decode_module(bytes);
  EXPECT_TRUE(module) << module.error().to_string();
  auto code = interp::compile(std::move(*module), validate::Features{});
  EXPECT_TRUE(code) << code.error().to_string();
  auto inst = runtime::instantiate(store, *code, {});
  EXPECT_TRUE(inst) << inst.error().to_string();
  return *inst;
}

TEST(Interp, AddAndLoop) {
  runtime::Store store;
  runtime::ModuleInstance* inst = instantiate(store, kModule);
  Value args[] = {Value::make_i32(2), Value::make_i32(40)};
  auto r = runtime::invoke(store, inst->exported_func("add"), args);
  ASSERT_TRUE(r);
  EXPECT_EQ((*r)[0].i32, 42u);
  Value n[] = {Value::make_i32(100)};
  r = runtime::invoke(store, inst->exported_func("loop"), n);
  ASSERT_TRUE(r);
  EXPECT_EQ((*r)[0].i32, 5050u);
}

TEST(Interp, DeepRecursionIsExhaustionNotCrash) {
  runtime::Store store;
  runtime::ModuleInstance* inst = instantiate(store, kModule);
  auto r = runtime::invoke(store, inst->exported_func("rec"), {});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, support::ErrorKind::Exhaustion);
  EXPECT_EQ(r.error().message, "call stack exhausted");
  ASSERT_FALSE(r.error().backtrace.empty());
  EXPECT_EQ(r.error().backtrace[0].func_index, 2u);
  // The machine is reusable after the trap.
  Value args[] = {Value::make_i32(1), Value::make_i32(2)};
  auto ok = runtime::invoke(store, inst->exported_func("add"), args);
  ASSERT_TRUE(ok);
  EXPECT_EQ((*ok)[0].i32, 3u);
}

TEST(Interp, ArgumentTypesAreChecked) {
  runtime::Store store;
  runtime::ModuleInstance* inst = instantiate(store, kModule);
  Value args[] = {Value::make_i64(2), Value::make_i32(40)};
  auto r = runtime::invoke(store, inst->exported_func("add"), args);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, support::ErrorKind::Usage);
}

// The superinstructions (docs/interpreter.md): loads addressed by `i32.add x, C`, binops whose
// second operand is a load, and float binops with a constant operand must keep wasm semantics:
// the address sum wraps at 32 bits before the offset is added, and out-of-bounds still traps.
const char* kFusedWat = R"((module
  (memory 1)
  (data (i32.const 8) "\00\00\00\00\00\00\f8\3f")   ;; f64 1.5 at 8
  (func (export "wrap_load") (param i32) (result f64)
    local.get 0 i32.const 16 i32.add f64.load offset=0)
  (func (export "add_load") (param f64 i32) (result f64)
    local.get 0 local.get 1 i32.const 4 i32.add f64.load offset=4 f64.add)
  (func (export "sub_load") (param f64 i32) (result f64)
    local.get 0 local.get 1 f64.load f64.sub)
  (func (export "mul_imm") (param f32) (result f32)
    f32.const 2.5 local.get 0 f32.mul)
  (func (export "div_imm") (param f64) (result f64)
    local.get 0 f64.const 4 f64.div)
  (func (export "rotl_imm") (param i32) (result i32)
    local.get 0 i32.const 4 i32.rotl))
)";

TEST(Interp, FusedLoadsAndFloatImmediates) {
  auto bytes = text::parse_wat(kFusedWat);
  ASSERT_TRUE(bytes) << bytes.error().to_string();
  runtime::Store store;
  runtime::ModuleInstance* inst = instantiate(store, *bytes);
  auto call = [&](const char* name, std::vector<Value> args) {
    return runtime::invoke(store, inst->exported_func(name), args);
  };
  // 0xfffffff8 + 16 wraps to 8.
  auto r = call("wrap_load", {Value::make_i32(0xfffffff8u)});
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ((*r)[0].f64(), 1.5);
  r = call("add_load", {Value::make_f64(2.0), Value::make_i32(0)});
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ((*r)[0].f64(), 3.5);
  r = call("sub_load", {Value::make_f64(2.0), Value::make_i32(8)});
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ((*r)[0].f64(), 0.5);
  // The offset is added after the 32-bit sum: 65532 + 4 + 4 + 8 bytes is out of bounds.
  r = call("add_load", {Value::make_f64(2.0), Value::make_i32(65532)});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "out of bounds memory access");
  r = call("mul_imm", {Value::make_f32(4.0f)});
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ((*r)[0].f32(), 10.0f);
  r = call("div_imm", {Value::make_f64(3.0)});
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ((*r)[0].f64(), 0.75);
  r = call("rotl_imm", {Value::make_i32(0x80000001u)});
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ((*r)[0].i32, 0x18u);
}

} // namespace
} // namespace wasmcap

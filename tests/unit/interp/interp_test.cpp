// Interpreter unit tests: small modules (inline wasm bytes) through compile, instantiate, invoke.
#include <gtest/gtest.h>

#include <vector>

#include "binary/decoder.h"
#include "interp/compile.h"
#include "runtime/instantiate.h"
#include "runtime/invoke.h"

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

} // namespace
} // namespace wasmcap

// LLVM tier unit tests: small WAT modules through llvm_tier::compile, instantiate and invoke:
// results, exact trap texts with the trapping frame, stack exhaustion, host calls, fallback.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string_view>
#include <vector>

#include "binary/decoder.h"
#include "compile_wat.h"
#include "runtime/instantiate.h"
#include "runtime/invoke.h"
#include "text/wat_parser.h"
#include "llvm/compile.h"

namespace wasmcap {
namespace {

using runtime::Value;

using test::compile_wat;

runtime::ModuleInstance* instantiate(runtime::Store& store, std::string_view wat,
                                     std::vector<runtime::Extern> imports = {}) {
  auto code = compile_wat(wat);
  EXPECT_TRUE(code) << code.error().to_string();
  if (!code) return nullptr;
  auto inst = runtime::instantiate(store, *code, imports);
  EXPECT_TRUE(inst) << inst.error().to_string();
  return inst ? *inst : nullptr;
}

constexpr std::string_view kArith = R"((module
  (func (export "sum") (param i32) (result i32) (local i32)
    (block (loop
      (br_if 1 (i32.eqz (local.get 0)))
      (local.set 1 (i32.add (local.get 1) (local.get 0)))
      (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
      (br 0)))
    (local.get 1))
  (func $fib (export "fib") (param i64) (result i64)
    (if (result i64) (i64.lt_u (local.get 0) (i64.const 2))
      (then (local.get 0))
      (else (i64.add (call $fib (i64.sub (local.get 0) (i64.const 1)))
                     (call $fib (i64.sub (local.get 0) (i64.const 2)))))))
  (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
  (func $runaway (export "runaway") (call $runaway))
  (func (export "swap") (param i32 f64) (result f64 i32) (local.get 1) (local.get 0)))
)";

// The tests below need the real plugin (from the build tree), not the interpreter fallback.
TEST(LlvmTier, PluginLoads) {
  const std::string* why = llvm_tier::unavailable_reason();
  EXPECT_EQ(why, nullptr) << *why;
}

TEST(LlvmTier, ComputesResults) {
  runtime::Store store;
  runtime::ModuleInstance* inst = instantiate(store, kArith);
  ASSERT_NE(inst, nullptr);
  auto r = runtime::invoke(store, inst->exported_func("sum"), {{Value::make_i32(100)}});
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ((*r)[0].i32, 5050u);
  r = runtime::invoke(store, inst->exported_func("fib"), {{Value::make_i64(20)}});
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ((*r)[0].i64, 6765u);
  r = runtime::invoke(store, inst->exported_func("swap"),
                      {{Value::make_i32(7), Value::make_f64(2.5)}});
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ((*r)[0].f64(), 2.5);
  EXPECT_EQ((*r)[1].i32, 7u);
}

TEST(LlvmTier, TrapsWithSpecTextAndFrame) {
  runtime::Store store;
  runtime::ModuleInstance* inst = instantiate(store, kArith);
  ASSERT_NE(inst, nullptr);
  runtime::FuncInstance* div = inst->exported_func("div");
  auto r = runtime::invoke(store, div, {{Value::make_i32(1), Value::make_i32(0)}});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, support::ErrorKind::Trap);
  EXPECT_EQ(r.error().message, "integer divide by zero");
  ASSERT_EQ(r.error().backtrace.size(), 1u);
  EXPECT_EQ(r.error().backtrace[0].func_index, 2u);
  r = runtime::invoke(store, div, {{Value::make_i32(0x80000000u), Value::make_i32(-1)}});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "integer overflow");
  // The store stays usable after a trap.
  r = runtime::invoke(store, div, {{Value::make_i32(9), Value::make_i32(3)}});
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ((*r)[0].i32, 3u);
}

TEST(LlvmTier, RunawayRecursionIsExhaustion) {
  runtime::Store store;
  runtime::ModuleInstance* inst = instantiate(store, kArith);
  ASSERT_NE(inst, nullptr);
  auto r = runtime::invoke(store, inst->exported_func("runaway"), {});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, support::ErrorKind::Exhaustion);
  EXPECT_EQ(r.error().message, "call stack exhausted");
}

TEST(LlvmTier, CallsHostAndSeesMemoryGrowth) {
  runtime::Store store;
  ir::FuncType type;
  type.params = {ir::ValType::I32};
  type.results = {ir::ValType::I32};
  runtime::ModuleInstance* target = nullptr;
  runtime::FuncInstance* host = store.create_host_function(
      type, [&](std::span<const Value> args, std::span<Value> results) -> support::Status {
        // The host grows the guest's memory; compiled code must see the new size afterwards.
        results[0] = Value::make_i32(static_cast<uint32_t>(target->memories[0]->grow(1)));
        EXPECT_EQ(args[0].i32, 5u);
        return support::ok();
      });
  target = instantiate(store, R"((module
    (import "env" "grow" (func $grow (param i32) (result i32)))
    (memory 1)
    (func (export "f") (result i32)
      (drop (call $grow (i32.const 5)))
      (i32.store (i32.const 65536) (i32.const 42))
      (i32.add (memory.size) (i32.load (i32.const 65536)))))
  )",
                       {runtime::Extern::of(host)});
  ASSERT_NE(target, nullptr);
  auto r = runtime::invoke(store, target->exported_func("f"), {});
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ((*r)[0].i32, 44u);
}

TEST(LlvmTier, IndirectCallChecks) {
  runtime::Store store;
  runtime::ModuleInstance* inst = instantiate(store, R"((module
    (type $ii (func (param i32) (result i32)))
    (table 3 funcref)
    (elem (i32.const 0) $double $nullary)
    (func $double (type $ii) (i32.mul (local.get 0) (i32.const 2)))
    (func $nullary (result i32) (i32.const 1))
    (func (export "call") (param i32 i32) (result i32)
      (call_indirect (type $ii) (local.get 1) (local.get 0))))
  )");
  ASSERT_NE(inst, nullptr);
  runtime::FuncInstance* call = inst->exported_func("call");
  auto r = runtime::invoke(store, call, {{Value::make_i32(0), Value::make_i32(21)}});
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ((*r)[0].i32, 42u);
  const char* expected[] = {"indirect call type mismatch", "uninitialized element",
                            "undefined element"};
  for (uint32_t i = 1; i <= 3; ++i) {
    r = runtime::invoke(store, call, {{Value::make_i32(i), Value::make_i32(0)}});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message, expected[i - 1]);
  }
}

TEST(LlvmTier, SimdCompiles) {
  runtime::Store store;
  runtime::ModuleInstance* inst = instantiate(store, R"((module
    (func (export "f") (param i32) (result i32)
      (i32x4.extract_lane 2 (i32x4.add (v128.const i32x4 1 2 3 4) (i32x4.splat (local.get 0)))))))");
  ASSERT_NE(inst, nullptr);
  auto r = runtime::invoke(store, inst->exported_func("f"), {{Value::make_i32(10)}});
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ((*r)[0].i32, 13u);
}

// The testing hook that stands in for what the tier cannot compile (src/llvm/codegen.cpp).
TEST(LlvmTier, RefusalIsReportedUnsupported) {
  ::setenv("WASMCAP_LLVM_REFUSE", "v128", 1);
  auto code = compile_wat(R"((module (func (result i32) (local v128) (i32.const 1))))");
  ::unsetenv("WASMCAP_LLVM_REFUSE");
  ASSERT_FALSE(code);
  EXPECT_TRUE(llvm_tier::is_unsupported(code.error())) << code.error().to_string();
}

TEST(LlvmTier, InvalidModuleIsInvalid) {
  auto code = compile_wat(R"((module (func (result i32) (i64.const 1))))");
  ASSERT_FALSE(code);
  EXPECT_EQ(code.error().kind, support::ErrorKind::Invalid);
  EXPECT_FALSE(llvm_tier::is_unsupported(code.error()));
}

} // namespace
} // namespace wasmcap

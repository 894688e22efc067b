// Backtraces through compiled code (src/llvm/backtrace.h): a trap in compiled code lists every
// compiled frame of the call chain, not just the innermost, on each way code is made (ORC with
// guard pages or explicit checks, a loaded .cwasm) and for each way it traps (a helper call, a
// guard-page fault, stack exhaustion, a trap in a nested activation). Functions the optimizer
// inlines show as the function they were inlined into, so the checks count frames by name
// rather than expect the interpreter's exact list.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "binary/decoder.h"
#include "runtime/instantiate.h"
#include "runtime/invoke.h"
#include "text/wat_parser.h"
#include "llvm/aot.h"
#include "llvm/compile.h"

namespace wasmcap {
namespace {

using runtime::Value;

// leaf traps with `unreachable` for 0 and reads memory at its argument otherwise; down recurses
// n times (not a tail call, so each level keeps its frame) before calling leaf.
constexpr std::string_view kChain = R"((module
  (import "env" "reenter" (func $reenter (param i32) (result i32)))
  (memory 1)
  (func $leaf (param i32) (result i32)
    (if (i32.eqz (local.get 0)) (then unreachable))
    (i32.load (local.get 0)))
  (func $down (param $n i32) (param $how i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (call $leaf (local.get $how)))
      (else (i32.add (call $down (i32.sub (local.get $n) (i32.const 1)) (local.get $how))
                     (i32.const 1)))))
  (func $run (export "run") (param i32 i32) (result i32)
    (i32.mul (call $down (local.get 0) (local.get 1)) (i32.const 3)))
  (func $deep (param i32) (result i32)
    (i32.add (call $deep (i32.add (local.get 0) (i32.const 1))) (i32.const 1)))
  (func $run_deep (export "run_deep") (result i32) (call $deep (i32.const 0)))
  (func $via (param i32) (result i32)
    (i32.add (call $reenter (local.get 0)) (i32.const 1)))
  (func $run_via (export "run_via") (param i32) (result i32)
    (i32.mul (call $via (local.get 0)) (i32.const 5))))
)";

enum class Way { JitGuarded, JitExplicit, Loaded };

std::string way_name(const testing::TestParamInfo<Way>& info) {
  switch (info.param) {
  case Way::JitGuarded: return "JitGuarded";
  case Way::JitExplicit: return "JitExplicit";
  case Way::Loaded: return "LoadedCwasm";
  }
  return "";
}

support::Result<std::shared_ptr<const runtime::ModuleCode>> compile_chain(Way way) {
  auto bytes = text::parse_wat(kChain);
  if (!bytes) return bytes.error();
  auto module = binary::decode_module(*bytes);
  if (!module) return module.error();
  if (way == Way::Loaded) {
    auto image = llvm_tier::precompile(*module, validate::Features{}, true);
    if (!image) return image.error();
    auto loaded = llvm_tier::load_precompiled(*image, validate::Features{}, true);
    if (!loaded) return loaded.error();
    return loaded->code;
  }
  return llvm_tier::compile(std::make_shared<const ir::Module>(std::move(*module)),
                            validate::Features{}, way == Way::JitGuarded);
}

std::vector<std::string> names(const support::Error& e) {
  std::vector<std::string> out;
  for (const TraceFrame& f : e.backtrace)
    out.push_back(f.func_name);
  return out;
}

long count(const std::vector<std::string>& v, std::string_view name) {
  return std::count(v.begin(), v.end(), name);
}

class CompiledBacktrace : public testing::TestWithParam<Way> {
protected:
  void SetUp() override {
    ir::FuncType type;
    type.params = {ir::ValType::I32};
    type.results = {ir::ValType::I32};
    // Calls back into the same instance: a second activation of compiled code on the stack.
    runtime::FuncInstance* reenter = store_.create_host_function(
        type, [this](std::span<const Value> args, std::span<Value> results) -> support::Status {
          auto r =
              runtime::invoke(store_, inst_->exported_func("run"), {{args[0], Value::make_i32(0)}});
          if (!r) return std::move(r).error();
          results[0] = (*r)[0];
          return support::ok();
        });
    auto code = compile_chain(GetParam());
    ASSERT_TRUE(code) << code.error().to_string();
    std::vector<runtime::Extern> imports{runtime::Extern::of(reenter)};
    auto inst = runtime::instantiate(store_, *code, imports);
    ASSERT_TRUE(inst) << inst.error().to_string();
    inst_ = *inst;
  }

  support::Error trap(const char* name, std::vector<Value> args) {
    auto r = runtime::invoke(store_, inst_->exported_func(name), args);
    EXPECT_FALSE(r);
    return r ? support::Error{} : std::move(r).error();
  }

  runtime::Store store_;
  runtime::ModuleInstance* inst_ = nullptr;
};

TEST_P(CompiledBacktrace, HelperTrapListsEveryLevel) {
  support::Error e = trap("run", {Value::make_i32(5), Value::make_i32(0)});
  EXPECT_EQ(e.message, "unreachable");
  std::vector<std::string> frames = names(e);
  ASSERT_GE(frames.size(), 7u) << testing::PrintToString(frames);
  // The innermost frame comes from the instruction's own offset, even when leaf was inlined.
  EXPECT_EQ(frames.front(), "leaf");
  EXPECT_EQ(frames.back(), "run");
  // Six calls of down; the outermost may have been inlined into run.
  EXPECT_GE(count(frames, "down"), 5) << testing::PrintToString(frames);
  EXPECT_EQ(count(frames, "leaf") + count(frames, "down") + count(frames, "run"),
            static_cast<long>(frames.size()));
}

TEST_P(CompiledBacktrace, OutOfBoundsAccessListsEveryLevel) {
  // A guard-page fault (JitGuarded, Loaded: walked from the signal handler) or an explicit
  // bounds check (JitExplicit: the trap helper).
  for (int i = 0; i < 2; ++i) {
    support::Error e = trap("run", {Value::make_i32(4), Value::make_i32(70000)});
    EXPECT_EQ(e.message, "out of bounds memory access");
    std::vector<std::string> frames = names(e);
    ASSERT_GE(frames.size(), 5u) << testing::PrintToString(frames);
    EXPECT_TRUE(frames.front() == "leaf" || frames.front() == "down") << frames.front();
    EXPECT_EQ(frames.back(), "run");
    EXPECT_GE(count(frames, "down"), 4) << testing::PrintToString(frames);
  }
}

TEST_P(CompiledBacktrace, ExhaustionListsTheWholeRecursion) {
  support::Error e = trap("run_deep", {});
  EXPECT_EQ(e.kind, support::ErrorKind::Exhaustion);
  std::vector<std::string> frames = names(e);
  ASSERT_GT(frames.size(), 1000u);
  EXPECT_EQ(frames.front(), "deep");
  EXPECT_EQ(frames.back(), "run_deep");
  EXPECT_EQ(count(frames, "deep"), static_cast<long>(frames.size()) - 1);
}

TEST_P(CompiledBacktrace, NestedActivationsAreBothListed) {
  // run_via -> via -> host -> run -> down x3 -> leaf: the inner activation's frames, then the
  // outer one's, in one backtrace (the host function has no wasm frame).
  support::Error e = trap("run_via", {Value::make_i32(2)});
  EXPECT_EQ(e.message, "unreachable");
  std::vector<std::string> frames = names(e);
  ASSERT_GE(frames.size(), 5u) << testing::PrintToString(frames);
  EXPECT_EQ(frames.front(), "leaf");
  EXPECT_EQ(frames.back(), "run_via");
  auto inner_end = std::find(frames.begin(), frames.end(), "run");
  ASSERT_NE(inner_end, frames.end()) << testing::PrintToString(frames);
  EXPECT_GE(std::count(frames.begin(), inner_end, "down"), 2);
  EXPECT_EQ(std::count(inner_end, frames.end(), "down"), 0);
}

TEST_P(CompiledBacktrace, ModulesComeAndGo) {
  // Each module registers its unwind tables and removes them with its code: many modules made,
  // trapped in and dropped must neither crash the unwinder nor confuse one module's frames with
  // another's (freed code, reused addresses).
  for (int i = 0; i < 20; ++i) {
    runtime::Store store;
    auto code = compile_chain(GetParam());
    ASSERT_TRUE(code) << code.error().to_string();
    ir::FuncType type;
    type.params = {ir::ValType::I32};
    type.results = {ir::ValType::I32};
    runtime::FuncInstance* unused = store.create_host_function(
        type, [](std::span<const Value>, std::span<Value>) { return support::ok(); });
    std::vector<runtime::Extern> imports{runtime::Extern::of(unused)};
    auto inst = runtime::instantiate(store, *code, imports);
    ASSERT_TRUE(inst) << inst.error().to_string();
    auto r = runtime::invoke(store, (*inst)->exported_func("run"),
                             {{Value::make_i32(3), Value::make_i32(0)}});
    ASSERT_FALSE(r);
    std::vector<std::string> frames = names(r.error());
    EXPECT_EQ(frames.front(), "leaf");
    EXPECT_EQ(frames.back(), "run");
    EXPECT_GE(count(frames, "down"), 3);
  }
}

INSTANTIATE_TEST_SUITE_P(Ways, CompiledBacktrace,
                         testing::Values(Way::JitGuarded, Way::JitExplicit, Way::Loaded), way_name);

} // namespace
} // namespace wasmcap

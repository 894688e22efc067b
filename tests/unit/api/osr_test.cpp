// On-stack replacement under Tier::Auto (docs/tiering.md): an interpreter frame running a loop
// when its instance switches to compiled code continues in that code at the loop's header, with
// the same results, traps and fuel as if it had stayed interpreted.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "wasmcap/code_cache.h"
#include "wasmcap/wasmcap.hpp"

namespace {

using namespace wasmcap;

// Each loop calls the host's "tick" (where the test waits for the compile) and then $work, which
// traps when asked to. $typed keeps a local of every type and runs its loop inside a block with
// a result; $nested waits in its inner loop; $caller reaches $nested from an interpreted frame.
constexpr const char* kLoops = R"((module
  (import "env" "tick" (func $tick (param i32)))
  (func $work (param i32) (result i32)
    (if (i32.eq (local.get 0) (i32.const -1)) (then unreachable))
    (i32.add (local.get 0) (i32.const 1)))
  (func $typed (export "typed") (param $n i32) (param $trap_at i32) (param $a i64) (param $b f64)
    (result i64 f64 f32 i32 i32)
    (local $i i32) (local $x i64) (local $y f32) (local $v v128) (local $z f64) (local $r i32)
    (local.set $x (local.get $a))
    (local.set $z (local.get $b))
    (local.set $v (v128.const i32x4 1 2 3 4))
    (local.set $r (i32.add (block $out (result i32)
      (loop $next
        (call $tick (local.get $i))
        (local.set $x (i64.add (i64.mul (local.get $x) (i64.const 3))
          (i64.extend_i32_u (call $work (select (i32.const -1) (local.get $i)
                                                (i32.eq (local.get $i) (local.get $trap_at)))))))
        (local.set $y (f32.add (local.get $y) (f32.const 0.5)))
        (local.set $z (f64.mul (local.get $z) (f64.const 1.25)))
        (local.set $v (i32x4.add (local.get $v) (i32x4.splat (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (drop (br_if $out (i32.const 70) (i32.eq (local.get $i) (i32.const 1000))))
        (br_if $next (i32.lt_u (local.get $i) (local.get $n))))
      (i32.const 7)) (local.get $i)))
    (local.get $x) (local.get $z) (local.get $y) (i32x4.extract_lane 3 (local.get $v))
    (local.get $r))
  (func $nested (export "nested") (param $n i32) (result i32)
    (local $i i32) (local $j i32) (local $s i32)
    (loop $outer
      (local.set $j (i32.const 0))
      (loop $inner
        (call $tick (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $j)))
        (local.set $s (i32.add (i32.mul (local.get $s) (i32.const 31))
                               (i32.xor (local.get $i) (local.get $j))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br_if $inner (i32.lt_u (local.get $j) (local.get $n))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $outer (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $s))
  (func $caller (export "caller") (param $n i32) (result i32)
    (i32.add (call $nested (local.get $n)) (i32.const 1000))))
)";

struct OsrRun {
  Config config;
  std::optional<Engine> engine;
  std::optional<Store> store;
  std::optional<Module> module;
  std::optional<Instance> instance;
  uint32_t ticks = 0;
  std::function<void(uint32_t)> on_tick;

  // Tier::Auto with a delay long enough for the loop to run before the compile starts (the
  // compile gives entries to the functions the interpreter saw running).
  explicit OsrRun(Tier tier, bool metered = false, std::optional<uint64_t> fuel = std::nullopt) {
    config.tier = tier;
    config.tier_up_delay_ms = 200;
    config.interruptible = metered; // the interpreter then polls through its fuel counter
    config.fuel = fuel;
    engine.emplace(config);
    store.emplace(*engine);
    auto m = Module::from_text(*engine, kLoops);
    EXPECT_TRUE(m) << m.error().to_string();
    module = std::move(*m);
    Linker linker;
    linker.define("env", "tick",
                  Func::create_host(*store, FuncType{{ValType::I32}, {}},
                                    [this](std::span<const Value> args, std::span<Value>) {
                                      ++ticks;
                                      if (on_tick) on_tick(args[0].i32);
                                      return ok();
                                    }));
    auto inst = linker.instantiate(*store, *module);
    EXPECT_TRUE(inst) << inst.error().to_string();
    instance = std::move(*inst);
  }
  // The compile is waited for at the tick numbered `at`, so the switch comes in mid-loop.
  void switch_at(uint32_t at) {
    on_tick = [this, at](uint32_t i) {
      if (i == at) EXPECT_TRUE(module->wait_for_tier_up());
    };
  }
  Result<std::vector<Value>> call(const char* name, std::vector<Value> args) {
    return instance->get_func(name)->call(args);
  }
  std::string report() const { return module->tier_up_report(); }
  bool moved_over() const {
    return report().find("0 frame(s) moved over") == std::string::npos &&
           report().find("frame(s) moved over") != std::string::npos;
  }
};

std::vector<Value> typed_args(uint32_t n, uint32_t trap_at) {
  return {Value::make_i32(n), Value::make_i32(trap_at), Value::make_i64(5), Value::make_f64(0.75)};
}

void expect_same(const std::vector<Value>& a, const std::vector<Value>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].type, b[i].type) << i;
    EXPECT_EQ(a[i].i64, b[i].i64) << i; // the bits (i32/f32 in the low half, zero-extended)
  }
}

bool have_jit() {
  return !Engine::jit_unavailable_reason();
}

TEST(Osr, ALoopSwitchedMidIterationKeepsEveryLocal) {
  if (!have_jit()) GTEST_SKIP() << "no LLVM tier";
  for (bool metered : {false, true}) {
    SCOPED_TRACE(metered ? "metered" : "unmetered");
    OsrRun ref(Tier::Interpreter, metered);
    auto want = ref.call("typed", typed_args(300, 9999));
    ASSERT_TRUE(want) << want.error().to_string();
    OsrRun t(Tier::Auto, metered);
    t.switch_at(3);
    auto got = t.call("typed", typed_args(300, 9999));
    ASSERT_TRUE(got) << got.error().to_string();
    expect_same(*got, *want);
    EXPECT_TRUE(t.moved_over()) << t.report();
    EXPECT_EQ(t.ticks, 300u);
    // The branch out of the block with its own result value, taken in compiled code.
    auto want_out = ref.call("typed", typed_args(2000, 9999));
    OsrRun t2(Tier::Auto, metered);
    t2.switch_at(10);
    auto got_out = t2.call("typed", typed_args(2000, 9999));
    ASSERT_TRUE(want_out && got_out);
    expect_same(*got_out, *want_out);
    EXPECT_EQ((*got_out)[4].i32, 1070u);
    EXPECT_TRUE(t2.moved_over()) << t2.report();
  }
}

TEST(Osr, NestedLoopsAndAFrameWithACaller) {
  if (!have_jit()) GTEST_SKIP() << "no LLVM tier";
  OsrRun ref(Tier::Interpreter);
  auto want = ref.call("caller", {Value::make_i32(40)});
  ASSERT_TRUE(want) << want.error().to_string();
  OsrRun t(Tier::Auto);
  t.switch_at(45); // in the second run of the inner loop
  auto got = t.call("caller", {Value::make_i32(40)});
  ASSERT_TRUE(got) << got.error().to_string();
  expect_same(*got, *want);
  EXPECT_EQ(t.ticks, 1600u);
  EXPECT_TRUE(t.moved_over()) << t.report();
  // Later calls run compiled code from the start.
  auto again = t.call("nested", {Value::make_i32(40)});
  ASSERT_TRUE(again);
  EXPECT_EQ((*again)[0].i32 + 1000, (*want)[0].i32);
}

// The trap comes from $work, called by the compiled code that took $typed's frame over: the
// backtrace lists $work and $typed once each, $typed as compiled code (its body's offset).
TEST(Osr, ATrapAfterTheSwitchListsTheFunctionOnce) {
  if (!have_jit()) GTEST_SKIP() << "no LLVM tier";
  OsrRun t(Tier::Auto);
  t.switch_at(2);
  auto r = t.call("typed", typed_args(300, 50));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::Trap);
  EXPECT_NE(r.error().message.find("unreachable"), std::string::npos);
  ASSERT_EQ(r.error().backtrace.size(), 2u) << r.error().to_string();
  EXPECT_EQ(r.error().backtrace[0].func_index, 1u); // $work
  EXPECT_EQ(r.error().backtrace[1].func_index, 2u); // $typed
  EXPECT_EQ(t.ticks, 51u);
  EXPECT_TRUE(t.moved_over()) << t.report();
  // The interpreter would name the call instruction; compiled outer frames name the body.
  OsrRun ref(Tier::Interpreter);
  auto interp = ref.call("typed", typed_args(300, 50));
  ASSERT_FALSE(interp);
  ASSERT_EQ(interp.error().backtrace.size(), 2u);
  EXPECT_LT(r.error().backtrace[1].offset, interp.error().backtrace[1].offset);
}

// Fuel is charged the same on both tiers only without replacement: none is compiled for it.
TEST(Osr, FuelRunsDoNotSwitchAndStayDeterministic) {
  if (!have_jit()) GTEST_SKIP() << "no LLVM tier";
  OsrRun ref(Tier::Interpreter, false, 1'000'000);
  ref.store->set_fuel(1'000'000);
  auto want = ref.call("typed", typed_args(300, 9999));
  ASSERT_TRUE(want) << want.error().to_string();
  OsrRun t(Tier::Auto, false, 1'000'000);
  t.store->set_fuel(1'000'000);
  t.switch_at(3);
  auto got = t.call("typed", typed_args(300, 9999));
  ASSERT_TRUE(got) << got.error().to_string();
  expect_same(*got, *want);
  EXPECT_EQ(t.store->fuel(), ref.store->fuel());
  EXPECT_NE(t.report().find("0 frame(s) moved over"), std::string::npos) << t.report();
}

// The background compile writes the code cache with the entries it made; a hit starts compiled
// and never needs them.
TEST(Osr, TheCachedCodeRuns) {
  if (!have_jit()) GTEST_SKIP() << "no LLVM tier";
  const std::string dir =
      (std::filesystem::temp_directory_path() / ("wasmcap-osr-" + std::to_string(::getpid())))
          .string();
  std::filesystem::remove_all(dir);
  Config config;
  config.tier = Tier::Auto;
  config.tier_up_delay_ms = 200;
  Engine engine(config);
  const CodeCache cache(dir);
  const std::string wat = kLoops;
  const std::span<const uint8_t> bytes(reinterpret_cast<const uint8_t*>(wat.data()), wat.size());
  OsrRun ref(Tier::Interpreter);
  auto want = ref.call("caller", {Value::make_i32(30)});
  ASSERT_TRUE(want);
  for (int pass = 0; pass < 2; ++pass) {
    CacheReport report;
    auto m = cache.load(engine, bytes, &report);
    ASSERT_TRUE(m) << m.error().to_string();
    EXPECT_EQ(report.outcome, pass == 0 ? CacheReport::Outcome::Miss : CacheReport::Outcome::Hit);
    Store store(engine);
    Linker linker;
    uint32_t ticks = 0;
    linker.define("env", "tick",
                  Func::create_host(store, FuncType{{ValType::I32}, {}},
                                    [&](std::span<const Value>, std::span<Value>) {
                                      if (++ticks == 5 && pass == 0)
                                        EXPECT_TRUE(m->wait_for_tier_up());
                                      return ok();
                                    }));
    auto inst = linker.instantiate(store, *m);
    ASSERT_TRUE(inst) << inst.error().to_string();
    const Value args[] = {Value::make_i32(30)};
    auto got = inst->get_func("caller")->call(args);
    ASSERT_TRUE(got) << got.error().to_string();
    expect_same(*got, *want);
    if (pass == 0) {
      EXPECT_NE(m->tier_up_report().find("1 frame(s) moved over"), std::string::npos)
          << m->tier_up_report();
    } else {
      EXPECT_EQ(m->tier_up_report(), ""); // compiled from the start
    }
  }
  std::filesystem::remove_all(dir);
}

} // namespace

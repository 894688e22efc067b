// Tier::Auto (docs/tiering.md): a module starts on the interpreter, is compiled in the
// background, and its instances switch over at the next call; frames already running stay
// interpreted but call the compiled code. What cannot be compiled stays on the interpreter.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "api/module_data.h"
#include "api/tier_up.h"
#include "interp/compiled_module.h"
#include "runtime/func.h"
#include "runtime/module_instance.h"
#include "wasmcap/code_cache.h"
#include "wasmcap/wasmcap.hpp"

namespace {

using namespace wasmcap;

// $run loops `n` times: it calls the host's "tick" (where the test waits for the compile, so the
// switch happens while $run is running) and then $work, which traps when asked to.
constexpr const char* kLoop = R"((module
  (import "env" "tick" (func $tick (param i32)))
  (func $work (param i32) (result i32)
    (if (i32.eq (local.get 0) (i32.const -1)) (then unreachable))
    (i32.add (i32.mul (local.get 0) (local.get 0)) (i32.const 1)))
  (func $run (export "run") (param $n i32) (param $trap_at i32) (result i32)
    (local $i i32) (local $sum i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (call $tick (local.get $i))
        (local.set $sum (i32.add (local.get $sum)
          (call $work (select (i32.const -1) (local.get $i)
                              (i32.eq (local.get $i) (local.get $trap_at))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $sum)))
)";

bool runs_interpreted(const Func& f) {
  const auto* fi = static_cast<const runtime::FuncInstance*>(f.handle());
  return dynamic_cast<const interp::CompiledModule*>(fi->instance->code.get()) != nullptr;
}

uint32_t expected_sum(uint32_t n) {
  uint32_t sum = 0;
  for (uint32_t i = 0; i < n; ++i)
    sum += i * i + 1;
  return sum;
}

struct Fixture {
  Config config;
  std::optional<Engine> engine;
  std::optional<Store> store;
  std::optional<Module> module;
  std::optional<Instance> instance;
  std::vector<uint32_t> ticks;
  std::function<void(uint32_t)> on_tick;

  explicit Fixture(uint32_t delay_ms) {
    config.tier = Tier::Auto;
    config.tier_up_delay_ms = delay_ms;
    engine.emplace(config);
    store.emplace(*engine);
  }
  void instantiate(const char* wat) {
    auto m = Module::from_text(*engine, wat);
    ASSERT_TRUE(m) << m.error().to_string();
    module = std::move(*m);
    Linker linker;
    linker.define("env", "tick",
                  Func::create_host(*store, FuncType{{ValType::I32}, {}},
                                    [this](std::span<const Value> args, std::span<Value>) {
                                      ticks.push_back(args[0].i32);
                                      if (on_tick) on_tick(args[0].i32);
                                      return ok();
                                    }));
    auto inst = linker.instantiate(*store, *module);
    ASSERT_TRUE(inst) << inst.error().to_string();
    instance = std::move(*inst);
  }
  Result<std::vector<Value>> run(uint32_t n, uint32_t trap_at) {
    auto f = instance->get_func("run");
    const Value args[] = {Value::make_i32(n), Value::make_i32(trap_at)};
    return f->call(args);
  }
};

TEST(TierUp, RunningInterpreterFramesCallTheCompiledCode) {
  if (Engine::jit_unavailable_reason()) GTEST_SKIP() << "no LLVM tier";
  Fixture t(/*delay_ms=*/0);
  t.instantiate(kLoop);
  auto run = t.instance->get_func("run");
  ASSERT_TRUE(run);
  EXPECT_TRUE(runs_interpreted(*run));
  // At the third tick the compile has ended: the next call ($work) is a safe point.
  t.on_tick = [&](uint32_t i) {
    if (i == 2) EXPECT_TRUE(t.module->wait_for_tier_up());
  };
  auto r = t.run(10, /*trap_at=*/99);
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ((*r)[0].i32, expected_sum(10));
  EXPECT_EQ(t.ticks.size(), 10u);
  EXPECT_FALSE(runs_interpreted(*run)) << t.module->tier_up_report();
  EXPECT_NE(t.module->tier_up_report().find("1 instance(s) switched;"), std::string::npos)
      << t.module->tier_up_report();
  EXPECT_EQ(Engine::compiles_in_background(), 0);

  // A fresh call runs compiled code from the start, with the same results and traps.
  auto again = t.run(20, 99);
  ASSERT_TRUE(again) << again.error().to_string();
  EXPECT_EQ((*again)[0].i32, expected_sum(20));
  auto trapped = t.run(20, 7);
  ASSERT_FALSE(trapped);
  EXPECT_EQ(trapped.error().kind, ErrorKind::Trap);
  EXPECT_NE(trapped.error().message.find("unreachable"), std::string::npos);
}

// The trap comes from compiled $work called by the interpreted $run that was running at the
// switch: the backtrace holds both frames.
TEST(TierUp, TrapAfterTheSwitchHasTheWholeBacktrace) {
  if (Engine::jit_unavailable_reason()) GTEST_SKIP() << "no LLVM tier";
  Fixture t(0);
  t.instantiate(kLoop);
  t.on_tick = [&](uint32_t i) {
    if (i == 0) EXPECT_TRUE(t.module->wait_for_tier_up());
  };
  auto r = t.run(10, /*trap_at=*/5);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::Trap);
  ASSERT_EQ(r.error().backtrace.size(), 2u) << r.error().to_string();
  EXPECT_EQ(r.error().backtrace[0].func_index, 1u); // $work
  EXPECT_EQ(r.error().backtrace[1].func_index, 2u); // $run
  EXPECT_EQ(t.ticks.size(), 6u);
}

TEST(TierUp, AnInstanceMadeAfterTheCompileStartsCompiled) {
  if (Engine::jit_unavailable_reason()) GTEST_SKIP() << "no LLVM tier";
  Fixture t(0);
  t.instantiate(kLoop);
  ASSERT_TRUE(t.module->wait_for_tier_up());
  Store other(*t.engine);
  Linker linker;
  linker.define("env", "tick",
                Func::create_host(other, FuncType{{ValType::I32}, {}},
                                  [](std::span<const Value>, std::span<Value>) { return ok(); }));
  auto inst = linker.instantiate(other, *t.module);
  ASSERT_TRUE(inst) << inst.error().to_string();
  auto run = inst->get_func("run");
  const Value args[] = {Value::make_i32(5), Value::make_i32(99)};
  auto r = run->call(args); // the call itself is the safe point
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ((*r)[0].i32, expected_sum(5));
  EXPECT_FALSE(runs_interpreted(*run));
}

// C API users drop the module right after instantiating (wasm_module_delete): the instance
// still tiers up.
TEST(TierUp, AnInstanceOutlivingItsModuleStillSwitches) {
  if (Engine::jit_unavailable_reason()) GTEST_SKIP() << "no LLVM tier";
  Fixture t(0);
  t.instantiate(kLoop);
  t.module.reset();
  auto run = t.instance->get_func("run");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (runs_interpreted(*run) && std::chrono::steady_clock::now() < deadline) {
    auto r = t.run(3, 99); // each call is a safe point
    ASSERT_TRUE(r) << r.error().to_string();
    EXPECT_EQ((*r)[0].i32, expected_sum(3));
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_FALSE(runs_interpreted(*run));
}

// The tier compiles everything in WebAssembly 2.0: its testing hook makes it refuse v128.
TEST(TierUp, AModuleTheTierCannotCompileStaysInterpreted) {
  if (Engine::jit_unavailable_reason()) GTEST_SKIP() << "no LLVM tier";
  ::setenv("WASMCAP_LLVM_REFUSE", "v128", 1);
  Fixture t(0);
  t.instantiate(R"((module
    (import "env" "tick" (func $tick (param i32)))
    (func (export "run") (param i32 i32) (result i32) (local v128)
      (call $tick (i32.const 0))
      (i32.add (local.get 0) (local.get 1)))))");
  EXPECT_TRUE(t.module->wait_for_tier_up());
  auto r = t.run(2, 3);
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ((*r)[0].i32, 5u);
  EXPECT_TRUE(runs_interpreted(*t.instance->get_func("run")));
  EXPECT_NE(t.module->tier_up_report().find("stays on the interpreter"), std::string::npos)
      << t.module->tier_up_report();
}

TEST(TierUp, ARunShorterThanTheDelayNeverCompiles) {
  Fixture t(/*delay_ms=*/60'000);
  t.instantiate(kLoop);
  auto r = t.run(3, 99);
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ((*r)[0].i32, expected_sum(3));
  EXPECT_TRUE(runs_interpreted(*t.instance->get_func("run")));
  // A Module that goes while its thread waits does not wait for it.
}

// `wasmcap serve` makes a store per request. Regression: the tier-up job kept every store's poll
// flag for good and searched them all at each instantiation, so memory grew with each request
// and instantiation slowed down with their number (an in-memory request took ~60 us on the
// default tier after 20,000 of them, against ~40 on --tier interp). It keeps the live ones only.
TEST(TierUp, StoresThatAreGoneAreNotKept) {
  Fixture t(/*delay_ms=*/60'000);
  t.instantiate(kLoop);
  if (!t.module->data()->tier_up) GTEST_SKIP() << "no tier-up without the LLVM tier";
  for (int i = 0; i < 1000; ++i) {
    Store s(*t.engine);
    Linker linker;
    linker.define("env", "tick",
                  Func::create_host(s, FuncType{{ValType::I32}, {}},
                                    [](std::span<const Value>, std::span<Value>) { return ok(); }));
    auto inst = linker.instantiate(s, *t.module);
    ASSERT_TRUE(inst) << inst.error().to_string();
  }
  // The fixture's store, and the last one's flag until the next instantiation looks.
  EXPECT_LE(t.module->data()->tier_up->status().watched_stores, 2u);
}

// The Module and its store go while the compile runs; the process then exits (ctest runs each
// test in its own process): exit() waits for the compile instead of running libLLVM's static
// destructors under it.
TEST(TierUp, AModuleDroppedWhileCompilingLetsTheProcessExit) {
  if (Engine::jit_unavailable_reason()) GTEST_SKIP() << "no LLVM tier";
  Fixture t(0);
  t.instantiate(kLoop);
  auto r = t.run(3, 99);
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ((*r)[0].i32, expected_sum(3));
}

TEST(TierUp, TheBackgroundCompileFillsTheCodeCache) {
  if (Engine::jit_unavailable_reason()) GTEST_SKIP() << "no LLVM tier";
  const std::string dir =
      (std::filesystem::temp_directory_path() / ("wasmcap-tier-up-" + std::to_string(::getpid())))
          .string();
  std::filesystem::remove_all(dir);
  Config config;
  config.tier = Tier::Auto;
  config.tier_up_delay_ms = 0;
  Engine engine(config);
  const CodeCache cache(dir);
  const std::string wat = kLoop;
  const std::span<const uint8_t> bytes(reinterpret_cast<const uint8_t*>(wat.data()), wat.size());
  CacheReport first;
  auto m1 = cache.load(engine, bytes, &first);
  ASSERT_TRUE(m1) << m1.error().to_string();
  EXPECT_EQ(first.outcome, CacheReport::Outcome::Miss);
  EXPECT_FALSE(std::filesystem::exists(first.path)); // written by the compile, not now
  {
    Store store(engine);
    Linker linker;
    linker.define("env", "tick",
                  Func::create_host(store, FuncType{{ValType::I32}, {}},
                                    [](std::span<const Value>, std::span<Value>) { return ok(); }));
    ASSERT_TRUE(linker.instantiate(store, *m1));
    ASSERT_TRUE(m1->wait_for_tier_up());
  }
  EXPECT_TRUE(std::filesystem::exists(first.path)) << m1->tier_up_report();
  CacheReport second;
  auto m2 = cache.load(engine, bytes, &second);
  ASSERT_TRUE(m2) << m2.error().to_string();
  EXPECT_EQ(second.outcome, CacheReport::Outcome::Hit) << second.note;
  EXPECT_EQ(m2->tier_up_report(), ""); // compiled code from the start: nothing to tier up
  std::filesystem::remove_all(dir);
}

} // namespace

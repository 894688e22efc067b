// Per-function tier-up (docs/tiering.md): a batch of hot functions is compiled and switched in
// while the rest of the instance stays on the interpreter. Calls go both ways (directly, through
// a table, as tail calls), traps list the frames of both tiers, and fuel runs out where it does
// on the interpreter. The testing knobs WASMCAP_TIER_UP_HOT (the batch) and
// WASMCAP_TIER_UP_HOT_ONLY (nothing after it) make the mixed state last.
#include <gtest/gtest.h>

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
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

// Function indices: 0 $tick (import), 1 $cold, 2 $hot, 3 $mix, 4 $tail, 5 $back, 6 $loop.
// The batch is $hot, $mix, $tail and $loop; $cold and $back stay interpreted.
constexpr const char* kMixed = R"((module
  (import "env" "tick" (func $tick (param i32)))
  (type $i2i (func (param i32) (result i32)))
  (table 2 funcref)
  (elem (i32.const 0) $cold $hot)
  (global $count (export "count") (mut i32) (i32.const 0))
  (func $cold (param $x i32) (result i32)
    (global.set $count (i32.add (global.get $count) (i32.const 1)))
    (if (i32.eq (local.get $x) (i32.const -1)) (then unreachable))
    (if (i32.eq (local.get $x) (i32.const -2))
      (then (return (i32.add (call $hot (i32.const 5)) (i32.const 1000)))))
    (i32.add (i32.mul (local.get $x) (i32.const 3)) (i32.const 1)))
  (func $hot (param $x i32) (result i32)
    (i32.add (local.get $x) (i32.const 7)))
  (func $mix (export "mix") (param $x i32) (result i32)
    (i32.add
      (i32.add (call $cold (local.get $x))
               (call_indirect (type $i2i) (local.get $x) (i32.const 0)))
      (call_indirect (type $i2i) (local.get $x) (i32.const 1))))
  (func $tail (export "tail") (param $x i32) (result i32)
    (if (result i32) (i32.lt_s (local.get $x) (i32.const 100))
      (then (return_call $cold (local.get $x)))
      (else (return_call_indirect (type $i2i) (local.get $x) (i32.const 0)))))
  (func $back (export "back") (param $x i32) (result i32)
    (i32.add (call $cold (i32.const -2)) (call $mix (local.get $x))))
  (func $loop (export "loop") (param $n i32) (result i32)
    (local $i i32) (local $sum i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $sum (i32.add (local.get $sum) (call $mix (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $sum)))
)";

const runtime::FuncInstance* instance_of(const Func& f) {
  return static_cast<const runtime::FuncInstance*>(f.handle());
}

// Whether `f` runs the interpreter's code (its own, whatever the instance's mix is).
bool runs_interpreted(const Func& f) {
  const runtime::FuncInstance* fi = instance_of(f);
  return dynamic_cast<const interp::CompiledModule*>(&fi->instance->code->code_of(*fi)) != nullptr;
}

struct Mixed {
  std::optional<Engine> engine;
  std::optional<Store> store;
  std::optional<Module> module;
  std::optional<Instance> instance;

  Mixed(Tier tier, std::optional<uint64_t> fuel) {
    Config config;
    config.tier = tier;
    config.tier_up_delay_ms = 0;
    config.fuel = fuel;
    engine.emplace(config);
    store.emplace(*engine);
    auto m = Module::from_text(*engine, kMixed);
    EXPECT_TRUE(m) << m.error().to_string();
    module = std::move(*m);
    Linker linker;
    linker.define("env", "tick",
                  Func::create_host(*store, FuncType{{ValType::I32}, {}},
                                    [](std::span<const Value>, std::span<Value>) { return ok(); }));
    auto inst = linker.instantiate(*store, *module);
    EXPECT_TRUE(inst) << inst.error().to_string();
    instance = std::move(*inst);
  }
  Result<std::vector<Value>> call(const char* name, int32_t x) {
    auto f = instance->get_func(name);
    const Value args[] = {Value::make_i32(static_cast<uint32_t>(x))};
    return f->call(args);
  }
  uint32_t count() { return instance->get_export("count")->global()->get().i32; }
};

// The batch's functions and nothing after it, for the processes of these tests.
class Batch : public ::testing::Test {
protected:
  void SetUp() override {
    if (Engine::jit_unavailable_reason()) GTEST_SKIP() << "no LLVM tier";
    ::setenv("WASMCAP_TIER_UP_HOT", "2,3,4,6", 1);
    ::setenv("WASMCAP_TIER_UP_HOT_ONLY", "1", 1);
  }
  void TearDown() override {
    ::unsetenv("WASMCAP_TIER_UP_HOT");
    ::unsetenv("WASMCAP_TIER_UP_HOT_ONLY");
  }
  // Waits for the batch; the next call from the host is the safe point that switches.
  static void switch_in(Mixed& r) {
    if (r.engine->config().tier == Tier::Auto) ASSERT_TRUE(r.module->wait_for_tier_up());
    auto first = r.call("tail", 1); // a safe point
    ASSERT_TRUE(first) << first.error().to_string();
  }
};

TEST_F(Batch, HotFunctionsRunCompiledAndTheOthersInterpreted) {
  Mixed r(Tier::Auto, std::nullopt);
  switch_in(r);
  EXPECT_FALSE(runs_interpreted(*r.instance->get_func("mix"))) << r.module->tier_up_report();
  EXPECT_FALSE(runs_interpreted(*r.instance->get_func("tail")));
  EXPECT_FALSE(runs_interpreted(*r.instance->get_func("loop")));
  EXPECT_TRUE(runs_interpreted(*r.instance->get_func("back")));
  const std::string report = r.module->tier_up_report();
  EXPECT_NE(report.find("hot batches: 4 function(s)"), std::string::npos) << report;
  EXPECT_NE(report.find("1 instance(s) switched to them; nothing after them"), std::string::npos)
      << report;
}

// Compiled $mix calls interpreted $cold directly and through the table (call_indirect from a
// batch to an uncompiled function of its own instance), and compiled $hot through the table;
// interpreted $back calls compiled $mix, and $cold calls compiled $hot. Results as the
// interpreter's.
TEST_F(Batch, CallsGoBothWaysWithTheInterpretersResults) {
  Mixed interp(Tier::Interpreter, std::nullopt);
  Mixed mixed(Tier::Auto, std::nullopt);
  switch_in(mixed);
  switch_in(interp); // the same call on both
  ASSERT_FALSE(runs_interpreted(*mixed.instance->get_func("mix")));
  for (const char* name : {"mix", "tail", "back", "loop"}) {
    for (int32_t x : {0, 4, 99, 100, 250}) {
      auto want = interp.call(name, x);
      auto got = mixed.call(name, x);
      ASSERT_TRUE(want) << want.error().to_string();
      ASSERT_TRUE(got) << name << "(" << x << "): " << got.error().to_string();
      EXPECT_EQ((*got)[0].i32, (*want)[0].i32) << name << "(" << x << ")";
    }
  }
  EXPECT_EQ(mixed.count(), interp.count());
  // The values themselves, so a wrong shared answer cannot pass: mix(4) = 13 + 13 + 11.
  EXPECT_EQ((*mixed.call("mix", 4))[0].i32, 37u);
  EXPECT_EQ((*mixed.call("tail", 250))[0].i32, 751u); // return_call_indirect to $cold
  EXPECT_EQ((*mixed.call("back", 4))[0].i32, 1012u + 37u);
}

// A trap in interpreted $cold called by compiled $mix, itself called by interpreted $back: the
// backtrace lists all three, as on the interpreter.
TEST_F(Batch, ATrapListsTheFramesOfBothTiers) {
  Mixed interp(Tier::Interpreter, std::nullopt);
  Mixed mixed(Tier::Auto, std::nullopt);
  switch_in(mixed);
  for (const char* name : {"mix", "back"}) {
    auto want = interp.call(name, -1);
    auto got = mixed.call(name, -1);
    ASSERT_FALSE(want);
    ASSERT_FALSE(got);
    EXPECT_EQ(got.error().kind, ErrorKind::Trap);
    EXPECT_NE(got.error().message.find("unreachable"), std::string::npos);
    ASSERT_EQ(got.error().backtrace.size(), want.error().backtrace.size())
        << name << ": " << got.error().to_string() << "\nwant: " << want.error().to_string();
    for (size_t i = 0; i < want.error().backtrace.size(); ++i) {
      EXPECT_EQ(got.error().backtrace[i].func_index, want.error().backtrace[i].func_index)
          << name << " frame " << i;
    }
  }
  auto back = mixed.call("back", -1);
  ASSERT_EQ(back.error().backtrace.size(), 3u) << back.error().to_string();
  EXPECT_EQ(back.error().backtrace[0].func_index, 1u); // $cold (interpreted)
  EXPECT_EQ(back.error().backtrace[1].func_index, 3u); // $mix (compiled)
  EXPECT_EQ(back.error().backtrace[2].func_index, 5u); // $back (interpreted)
}

// Fuel: the compiled batch charges what the interpreter does, also for calls out of it, so a
// run gives the same fuel back, and one that runs out stops after the same calls.
TEST_F(Batch, FuelRunsOutWhereItDoesOnTheInterpreter) {
  for (uint64_t fuel : {uint64_t{100'000}, uint64_t{1'234}, uint64_t{517}}) {
    Mixed interp(Tier::Interpreter, fuel);
    Mixed mixed(Tier::Auto, fuel);
    switch_in(mixed);
    switch_in(interp); // the same call on both, so both stores are charged alike
    ASSERT_FALSE(runs_interpreted(*mixed.instance->get_func("loop")));
    ASSERT_EQ(mixed.store->fuel(), interp.store->fuel());
    auto want = interp.call("loop", 1000);
    auto got = mixed.call("loop", 1000);
    ASSERT_EQ(bool(got), bool(want)) << fuel;
    if (!want) {
      EXPECT_EQ(want.error().kind, ErrorKind::Exhaustion);
      EXPECT_EQ(got.error().kind, ErrorKind::Exhaustion) << got.error().to_string();
    } else {
      EXPECT_EQ((*got)[0].i32, (*want)[0].i32);
    }
    EXPECT_EQ(mixed.count(), interp.count()) << "fuel " << fuel;
    EXPECT_EQ(mixed.store->fuel(), interp.store->fuel()) << "fuel " << fuel;
  }
}

// The code cache holds whole modules only: a run that ended with a hot batch writes nothing
// (the next run compiles again rather than start from part of the module).
TEST_F(Batch, AHotBatchIsNeverWrittenToTheCodeCache) {
  const std::string dir = (std::filesystem::temp_directory_path() /
                           ("wasmcap-tier-up-batches-" + std::to_string(::getpid())))
                              .string();
  std::filesystem::remove_all(dir);
  Config config;
  config.tier = Tier::Auto;
  config.tier_up_delay_ms = 0;
  Engine engine(config);
  const CodeCache cache(dir);
  const std::string wat = kMixed;
  const std::span<const uint8_t> bytes(reinterpret_cast<const uint8_t*>(wat.data()), wat.size());
  CacheReport report;
  auto m = cache.load(engine, bytes, &report);
  ASSERT_TRUE(m) << m.error().to_string();
  EXPECT_EQ(report.outcome, CacheReport::Outcome::Miss);
  {
    Store store(engine);
    Linker linker;
    linker.define("env", "tick",
                  Func::create_host(store, FuncType{{ValType::I32}, {}},
                                    [](std::span<const Value>, std::span<Value>) { return ok(); }));
    auto inst = linker.instantiate(store, *m);
    ASSERT_TRUE(inst) << inst.error().to_string();
    ASSERT_TRUE(m->wait_for_tier_up());
    const Value args[] = {Value::make_i32(4)};
    auto r = inst->get_func("mix")->call(args); // switches to the batch
    ASSERT_TRUE(r) << r.error().to_string();
    EXPECT_EQ((*r)[0].i32, 37u);
    EXPECT_FALSE(runs_interpreted(*inst->get_func("mix")));
  }
  EXPECT_NE(m->tier_up_report().find("nothing after them"), std::string::npos)
      << m->tier_up_report();
  EXPECT_FALSE(std::filesystem::exists(report.path)) << report.path;
  std::filesystem::remove_all(dir);
}

// Without the knobs: a module big enough to split, whose loop runs interpreted long enough to be
// sampled, gets a hot batch first (its few hot functions), then the whole module.
TEST(TierUpBatches, TheSampledHotFunctionsComeFirstThenTheWholeModule) {
  if (Engine::jit_unavailable_reason()) GTEST_SKIP() << "no LLVM tier";
  ::setenv("WASMCAP_TIER_UP_SPLIT_BYTES", "0", 1);
  // A cold function with a long body, so the hot ones are a small part of the module.
  std::string cold = "(func $big (export \"big\") (param i32) (result i32) (local.get 0)";
  for (int i = 0; i < 400; ++i)
    cold += " (i32.add (i32.const " + std::to_string(i) + "))";
  cold += ")";
  const std::string wat = R"((module
    (func $step (param i32) (result i32)
      (i32.add (i32.mul (local.get 0) (i32.const 7)) (i32.const 1)))
    (func $spin (export "spin") (param $n i32) (result i32)
      (local $i i32) (local $x i32)
      (block $done
        (loop $next
          (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
          (local.set $x (call $step (local.get $x)))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $next)))
      (local.get $x)))" + cold +
                          ")";
  Config config;
  config.tier = Tier::Auto;
  config.tier_up_delay_ms = 200; // the loop runs interpreted for that long first (and again
                                 // between batches)
  Engine engine(config);
  Store store(engine);
  auto m = Module::from_text(engine, wat);
  ASSERT_TRUE(m) << m.error().to_string();
  auto inst = Linker().instantiate(store, *m);
  ASSERT_TRUE(inst) << inst.error().to_string();
  auto spin = inst->get_func("spin");
  uint32_t want = 0;
  for (uint32_t i = 0; i < 2'000'000; ++i)
    want = want * 7 + 1;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (m->tier_up_report().find("compiled in the background") == std::string::npos &&
         std::chrono::steady_clock::now() < deadline) {
    const Value args[] = {Value::make_i32(2'000'000)};
    auto r = spin->call(args);
    ASSERT_TRUE(r) << r.error().to_string();
    EXPECT_EQ((*r)[0].i32, want);
  }
  const std::string report = m->tier_up_report();
  ::unsetenv("WASMCAP_TIER_UP_SPLIT_BYTES");
  // $spin (sampled at its loop's polls) and $step (sampled as compiled $spin calls it through
  // the runtime) come in hot batches; $big, which never ran, only with the whole module.
  const detail::TierUp::Status s = m->data()->tier_up->status();
  ASSERT_EQ(s.state, detail::TierUp::State::Ready) << report;
  ASSERT_GE(s.batches.size(), 2u) << report;
  size_t hot = 0;
  for (size_t i = 0; i + 1 < s.batches.size(); ++i) {
    EXPECT_FALSE(s.batches[i].whole);
    hot += s.batches[i].functions;
  }
  EXPECT_EQ(hot, 2u) << report;
  EXPECT_TRUE(s.batches.back().whole);
  EXPECT_EQ(s.batches.back().functions, 3u);
  EXPECT_NE(report.find("hot batches: "), std::string::npos) << report;
  EXPECT_NE(report.find("then the whole module (3 functions)"), std::string::npos) << report;
  const Value args[] = {Value::make_i32(5)};
  auto big = inst->get_func("big")->call(args);
  ASSERT_TRUE(big) << big.error().to_string();
  EXPECT_EQ((*big)[0].i32, 5u + 399u * 400u / 2u);
}

} // namespace

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

#ifdef WASMCAP_HAVE_LLVM_TIER
#include "api/tiered_code.h"
#include "llvm/jit_context.h"
#endif

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
      // The compiled caller ($mix) is named at its call's offset, as the interpreter names it
      // (its call out goes through the runtime-call stub, a frame the backtrace skips).
      EXPECT_EQ(got.error().backtrace[i].offset, want.error().backtrace[i].offset)
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

#ifdef WASMCAP_HAVE_LLVM_TIER
// Step 3: calls between batches, and from a batch to the whole module, through the instance's
// table of native entries (llvm/native_table.h). Function indices: 0 $tick (import), 1 $leaf,
// 2 $pair, 3 $drive, 4 $deep. $drive passes what $tick returns to $pair; -2 makes $leaf call
// $deep, which traps, so a trap's backtrace crosses every module.
constexpr const char* kDirect = R"((module
  (import "env" "tick" (func $tick (param i32) (result i32)))
  (global $count (export "count") (mut i32) (i32.const 0))
  (func $leaf (param $x i32) (result i32)
    (global.set $count (i32.add (global.get $count) (i32.const 1)))
    (if (i32.eq (local.get $x) (i32.const -2)) (then (return (call $deep (local.get $x)))))
    (i32.add (i32.mul (local.get $x) (i32.const 3)) (i32.const 1)))
  (func $pair (export "pair") (param $x i32) (result i32)
    (i32.add (call $leaf (local.get $x)) (call $leaf (i32.add (local.get $x) (i32.const 1)))))
  (func $drive (export "drive") (param $n i32) (result i32)
    (local $i i32) (local $sum i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $sum (i32.add (local.get $sum) (call $pair (call $tick (local.get $i)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $sum))
  (func $deep (param $x i32) (result i32)
    (if (i32.lt_s (local.get $x) (i32.const 0)) (then unreachable))
    (i32.add (local.get $x) (i32.const 5)))
))";

// Exceptions across batches: $thrower (0) throws when its argument is negative; $catcher (2)
// catches what $middle (1) lets through; `uncaught` (3) does not.
constexpr const char* kThrow = R"((module
  (tag $e (param i32))
  (func $thrower (param $x i32) (result i32)
    (if (i32.lt_s (local.get $x) (i32.const 0)) (then (throw $e (local.get $x))))
    (i32.add (local.get $x) (i32.const 1)))
  (func $middle (param $x i32) (result i32) (i32.mul (call $thrower (local.get $x)) (i32.const 2)))
  (func $catcher (export "catcher") (param $x i32) (result i32)
    (block $caught (result i32)
      (try_table (catch $e $caught) (return (call $middle (local.get $x))))
      (unreachable))
    (i32.add (i32.const 1000)))
  (func $uncaught (export "uncaught") (param $x i32) (result i32) (call $middle (local.get $x)))
))";

// Runaway recursion between two batches: $ping (0) and $pong (1) call each other.
constexpr const char* kPingPong = R"((module
  (func $ping (export "ping") (param $x i32) (result i32) (call $pong (i32.add (local.get $x) (i32.const 1))))
  (func $pong (param $x i32) (result i32) (call $ping (i32.add (local.get $x) (i32.const 1))))
))";

// An instance of `wat` whose import env.tick (i32) -> i32 runs `tick`.
struct Instantiated {
  std::optional<Engine> engine;
  std::optional<Store> store;
  std::optional<Module> module;
  std::optional<Instance> instance;
  std::function<int32_t(int32_t)> tick = [](int32_t x) { return x; };

  Instantiated(const char* wat, Tier tier, std::optional<uint64_t> fuel, uint32_t delay_ms = 0) {
    Config config;
    config.tier = tier;
    config.tier_up_delay_ms = delay_ms;
    config.fuel = fuel;
    engine.emplace(config);
    store.emplace(*engine);
    auto m = Module::from_text(*engine, wat);
    EXPECT_TRUE(m) << m.error().to_string();
    module = std::move(*m);
    Linker linker;
    linker.define("env", "tick",
                  Func::create_host(*store, FuncType{{ValType::I32}, {ValType::I32}},
                                    [this](std::span<const Value> args, std::span<Value> results) {
                                      results[0] = Value::make_i32(static_cast<uint32_t>(
                                          tick(static_cast<int32_t>(args[0].i32))));
                                      return ok();
                                    }));
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
  // Whether the instance runs a mix of batches and the interpreter (not the whole module).
  bool mixed(const char* name = "pair") const {
    const runtime::FuncInstance* fi = instance_of(*instance->get_func(name));
    return dynamic_cast<const detail::TieredCode*>(fi->instance->code.get()) != nullptr;
  }
};

std::vector<uint32_t> frames(const Error& e) {
  std::vector<uint32_t> out;
  for (const TraceFrame& f : e.backtrace)
    out.push_back(f.func_index);
  return out;
}

// Sets the batches (WASMCAP_TIER_UP_HOT: function indices, batches separated by ';') for one test.
class TableCalls : public ::testing::Test {
protected:
  void SetUp() override {
    if (Engine::jit_unavailable_reason()) GTEST_SKIP() << "no LLVM tier";
  }
  void TearDown() override {
    ::unsetenv("WASMCAP_TIER_UP_HOT");
    ::unsetenv("WASMCAP_TIER_UP_HOT_ONLY");
  }
  static void batches(const char* hot, bool hot_only) {
    ::setenv("WASMCAP_TIER_UP_HOT", hot, 1);
    if (hot_only) ::setenv("WASMCAP_TIER_UP_HOT_ONLY", "1", 1);
  }
  static void switch_in(Instantiated& r, const char* name) {
    if (r.engine->config().tier == Tier::Auto) ASSERT_TRUE(r.module->wait_for_tier_up());
    auto first = r.call(name, 1); // a safe point
    ASSERT_TRUE(first) << first.error().to_string();
  }
};

// $pair and $drive in one batch, $leaf in another, $deep in the first: $pair calls $leaf and
// $leaf calls $deep through the table, with no call through the runtime; results, the global,
// fuel and backtraces as on the interpreter.
TEST_F(TableCalls, BatchToBatchCallsAreDirect) {
  batches("2,3,4;1", true);
  for (std::optional<uint64_t> fuel : {std::optional<uint64_t>(), std::optional<uint64_t>(100'000),
                                       std::optional<uint64_t>(777)}) {
    Instantiated interp(kDirect, Tier::Interpreter, fuel);
    Instantiated mixed(kDirect, Tier::Auto, fuel);
    switch_in(mixed, "pair");
    switch_in(interp, "pair");
    ASSERT_TRUE(mixed.mixed()) << mixed.module->tier_up_report();
    ASSERT_FALSE(runs_interpreted(*mixed.instance->get_func("pair")));
    const uint64_t before = llvm_tier::runtime_calls_on_this_thread();
    auto want = interp.call("drive", 10);
    auto got = mixed.call("drive", 10);
    const uint64_t through_runtime = llvm_tier::runtime_calls_on_this_thread() - before;
    ASSERT_EQ(bool(got), bool(want));
    if (want) {
      EXPECT_EQ((*got)[0].i32, (*want)[0].i32);
      EXPECT_EQ((*got)[0].i32, 320u); // sum over i < 10 of (3i + 1) + (3i + 4)
      // Without fuel only the ten calls of the import; with fuel the calls out of a batch take
      // the runtime (the callee's entry wrapper charges its entry cost).
      EXPECT_EQ(through_runtime, fuel ? 30u : 10u);
    } else {
      EXPECT_EQ(got.error().kind, ErrorKind::Exhaustion) << got.error().to_string();
    }
    EXPECT_EQ(mixed.count(), interp.count());
    EXPECT_EQ(mixed.store->fuel(), interp.store->fuel());
    for (int32_t trap_at : {0, 3}) {
      interp.tick = mixed.tick = [trap_at](int32_t x) { return x == trap_at ? -2 : x; };
      auto w = interp.call("drive", 5);
      auto g = mixed.call("drive", 5);
      ASSERT_EQ(bool(g), bool(w));
      if (w) continue; // out of fuel before
      EXPECT_EQ(g.error().kind, w.error().kind) << g.error().to_string();
      if (w.error().kind != ErrorKind::Trap) continue;
      EXPECT_EQ(frames(g.error()), frames(w.error())) << g.error().to_string();
      EXPECT_EQ(frames(g.error()), (std::vector<uint32_t>{4, 1, 2, 3})) << g.error().to_string();
    }
    EXPECT_EQ(mixed.store->fuel(), interp.store->fuel());
  }
}

// $drive in a batch, the rest interpreted until the whole module lands while $drive runs (its
// import waits for it): its calls of $pair then go to the whole module's code through the table.
TEST_F(TableCalls, ABatchCallsTheWholeModuleDirectlyOnceItLands) {
  batches("3", false);
  Instantiated interp(kDirect, Tier::Interpreter, std::nullopt);
  // The delay also separates the batch from the whole module, so the batch switches in first.
  Instantiated mixed(kDirect, Tier::Auto, std::nullopt, 300);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (mixed.module->data()->tier_up->status().batches.empty() &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ASSERT_TRUE(mixed.call("pair", 1)); // a safe point: switches to the batch
  ASSERT_TRUE(interp.call("pair", 1));
  ASSERT_TRUE(mixed.mixed()) << mixed.module->tier_up_report();
  ASSERT_FALSE(runs_interpreted(*mixed.instance->get_func("drive")));
  ASSERT_TRUE(runs_interpreted(*mixed.instance->get_func("pair")));
  std::vector<uint64_t> seen; // calls through the runtime when each tick began
  mixed.tick = [&](int32_t x) {
    seen.push_back(llvm_tier::runtime_calls_on_this_thread());
    if (x == 2) EXPECT_TRUE(mixed.module->wait_for_tier_up()); // the whole module is ready
    return x == 6 ? -2 : x;
  };
  interp.tick = [](int32_t x) { return x == 6 ? -2 : x; };
  // At i = 6, a trap in the whole module's $deep, $leaf and $pair under the batch's $drive: one
  // activation, every frame listed.
  auto w = interp.call("drive", 8);
  auto g = mixed.call("drive", 8);
  ASSERT_FALSE(w);
  ASSERT_FALSE(g);
  EXPECT_EQ(frames(g.error()), frames(w.error())) << g.error().to_string();
  EXPECT_EQ(frames(g.error()), (std::vector<uint32_t>{4, 1, 2, 3})) << g.error().to_string();
  EXPECT_EQ(mixed.count(), interp.count());
  ASSERT_EQ(seen.size(), 7u);
  // Interpreted $pair: the import and $pair through the runtime; the call of $pair after the
  // whole module is ready switches the instance (a safe point) and fills the table; from then on
  // only the import.
  EXPECT_EQ(seen[1] - seen[0], 2u);
  EXPECT_EQ(seen[3] - seen[2], 2u);
  EXPECT_EQ(seen[4] - seen[3], 1u);
  EXPECT_EQ(seen[5] - seen[4], 1u);
  EXPECT_EQ(seen[6] - seen[5], 1u);
  EXPECT_FALSE(mixed.mixed());
  mixed.tick = interp.tick = [](int32_t x) { return x; };
  auto want = interp.call("drive", 6);
  auto got = mixed.call("drive", 6);
  ASSERT_TRUE(want && got) << (got ? "" : got.error().to_string());
  EXPECT_EQ((*got)[0].i32, (*want)[0].i32);
  EXPECT_EQ(mixed.count(), interp.count());
}

// A return_call from a batch to a function of another batch is a tail call through the table:
// $tail (batch 1) to $cold (batch 2), and $cold calls $hot (batch 1) back.
TEST_F(TableCalls, ReturnCallToAnotherBatchIsDirect) {
  batches("2,3,4,6;1", true);
  Mixed interp(Tier::Interpreter, std::nullopt);
  Mixed mixed(Tier::Auto, std::nullopt);
  ASSERT_TRUE(mixed.module->wait_for_tier_up());
  ASSERT_TRUE(mixed.call("tail", 1));
  ASSERT_TRUE(interp.call("tail", 1));
  ASSERT_FALSE(runs_interpreted(*mixed.instance->get_func("tail")));
  const uint64_t before = llvm_tier::runtime_calls_on_this_thread();
  auto got = mixed.call("tail", 7);
  EXPECT_EQ(llvm_tier::runtime_calls_on_this_thread() - before, 0u);
  ASSERT_TRUE(interp.call("tail", 7));
  ASSERT_TRUE(got) << got.error().to_string();
  EXPECT_EQ((*got)[0].i32, 22u);
  for (const char* name : {"mix", "tail", "back", "loop"}) {
    for (int32_t x : {0, 4, 99, 100, 250, -2}) {
      if (x < 0 && std::string(name) == "loop") continue; // an unsigned count: runs for ever
      auto want = interp.call(name, x);
      auto g = mixed.call(name, x);
      ASSERT_EQ(bool(g), bool(want)) << name << "(" << x << ")";
      if (want) EXPECT_EQ((*g)[0].i32, (*want)[0].i32) << name << "(" << x << ")";
    }
  }
  EXPECT_EQ(mixed.count(), interp.count());
  auto w = interp.call("back", -1);
  auto g = mixed.call("back", -1);
  ASSERT_FALSE(w);
  ASSERT_FALSE(g);
  EXPECT_EQ(frames(g.error()), frames(w.error())) << g.error().to_string();
}

// An exception thrown in one batch unwinds through the other's frames to its handler, or out
// of the activation with the interpreter's backtrace.
TEST_F(TableCalls, ExceptionsUnwindAcrossBatches) {
  // $thrower in a second batch (called through the table), then left interpreted (called
  // through the batch's runtime-call stub, which the exception unwinds through).
  for (const char* hot : {"1,2,3;0", "1,2,3"}) {
    batches(hot, true);
    Instantiated interp(kThrow, Tier::Interpreter, std::nullopt);
    Instantiated mixed(kThrow, Tier::Auto, std::nullopt);
    ASSERT_TRUE(mixed.module->wait_for_tier_up());
    ASSERT_TRUE(mixed.call("catcher", 1));
    const bool table = std::string(hot).find(';') != std::string::npos;
    const uint64_t before = llvm_tier::runtime_calls_on_this_thread();
    for (int32_t x : {5, -7}) {
      auto want = interp.call("catcher", x);
      auto got = mixed.call("catcher", x);
      ASSERT_TRUE(want && got) << hot << ": " << (got ? "" : got.error().to_string());
      EXPECT_EQ((*got)[0].i32, (*want)[0].i32) << hot << " " << x;
    }
    EXPECT_EQ((*mixed.call("catcher", -7))[0].i32, 993u);
    EXPECT_EQ(llvm_tier::runtime_calls_on_this_thread() - before, table ? 0u : 3u) << hot;
    auto w = interp.call("uncaught", -3);
    auto g = mixed.call("uncaught", -3);
    ASSERT_FALSE(w);
    ASSERT_FALSE(g);
    EXPECT_EQ(g.error().kind, ErrorKind::Exception) << g.error().to_string();
    EXPECT_EQ(frames(g.error()), frames(w.error())) << hot << ": " << g.error().to_string();
  }
}

// Runaway recursion through the table ends in "call stack exhausted", as within one module.
TEST_F(TableCalls, RecursionAcrossBatchesExhaustsTheStackCleanly) {
  batches("0;1", true);
  Instantiated mixed(kPingPong, Tier::Auto, std::nullopt);
  ASSERT_TRUE(mixed.module->wait_for_tier_up());
  auto first = mixed.call("ping", 0); // switches, then recurses
  ASSERT_FALSE(first);
  ASSERT_TRUE(mixed.mixed("ping"));
  const uint64_t before = llvm_tier::runtime_calls_on_this_thread();
  auto got = mixed.call("ping", 0);
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().kind, ErrorKind::Exhaustion) << got.error().to_string();
  EXPECT_EQ(llvm_tier::runtime_calls_on_this_thread() - before, 0u);
}
#endif

} // namespace

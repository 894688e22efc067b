// Resource limits through the public API: fuel, interruption, timeout, memory and table caps.
// Every limit must end runaway guest code with an Error value, never a hang or a crash, on every
// tier: each test runs on the interpreter, the LLVM JIT, precompiled (.cwasm) code and tiering
// (Auto), whose compiled code carries checks only when the Config asks (docs/llvm.md,
// "Interruption and fuel").
#include <gtest/gtest.h>
#include <pthread.h>

#include <chrono>
#include <csignal>
#include <thread>

#include "wasmcap/wasmcap.hpp"

using namespace wasmcap;

namespace {

constexpr const char* kLoops = R"(
  (module
    (memory (export "mem") 1)
    (table 1 funcref)
    (func (export "spin") (loop (br 0)))
    (func $rec (export "rec") (call $rec))
    (func $nop)
    ;; Its loop's header check is left out (the call comes first, and $nop's entry checks).
    (func (export "spin_calls") (loop (call $nop) (br 0)))
    (func (export "count") (param i32) (result i32)
      (loop (local.set 0 (i32.sub (local.get 0) (i32.const 1))) (br_if 0 (local.get 0)))
      (local.get 0))
    (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
    (func (export "tgrow") (param i32) (result i32) (table.grow (ref.null func) (local.get 0))))
)";

// Auto: tiering with no delay, so later calls of a test run the background compile's code
// (FuelIsDeterministic then compares an interpreted call with a compiled one).
enum class Way { Interpreter, Jit, Precompiled, Auto };

std::string way_name(const testing::TestParamInfo<Way>& info) {
  switch (info.param) {
  case Way::Interpreter: return "Interpreter";
  case Way::Jit: return "Jit";
  case Way::Precompiled: return "Precompiled";
  case Way::Auto: return "Auto";
  }
  return "";
}

Config on(Way way, Config c) {
  c.tier = way == Way::Interpreter ? Tier::Interpreter : way == Way::Auto ? Tier::Auto : Tier::Jit;
  c.tier_up_delay_ms = 0;
  return c;
}

// The module as `way` runs it: a .cwasm goes through precompile and deserialize with the same
// engine, so it carries the checks that engine's config asks for.
Result<Module> load(const Engine& engine, Way way, const char* text) {
  if (way != Way::Precompiled) return Module::from_text(engine, text);
  const std::string_view t(text);
  auto image =
      Module::precompile(engine, std::span(reinterpret_cast<const uint8_t*>(t.data()), t.size()));
  if (!image) return image.error();
  return Module::deserialize(engine, *image);
}

Way g_way = Way::Interpreter; // the running test's parameter (set by LimitsOn's SetUp)

struct Fixture {
  explicit Fixture(Config c) : engine(on(g_way, c)), store(engine) {
    auto m = load(engine, g_way, kLoops);
    EXPECT_TRUE(m.has_value()) << m.error().message;
    module.emplace(std::move(*m));
    auto i = Instance::create(store, *module, {});
    EXPECT_TRUE(i.has_value());
    instance = *i;
  }
  // Tier::Auto: the background compile finishes before the test does. A process that exits
  // while LLVM compiles can crash in LLVM's static destructors (statics LLVM creates lazily
  // during a compile are destroyed before exit() waits for it; the CLI leaves with _Exit).
  ~Fixture() {
    if (module) module->wait_for_tier_up();
  }
  Result<std::vector<Value>> call(const char* name, std::vector<Value> args = {}) {
    return instance.get_func(name)->call(args);
  }
  Engine engine;
  Store store;
  std::optional<Module> module;
  Instance instance;
};

class LimitsOn : public testing::TestWithParam<Way> {
protected:
  void SetUp() override {
    g_way = GetParam();
#ifndef WASMCAP_TEST_HAVE_LLVM
    if (g_way != Way::Interpreter) GTEST_SKIP() << "built without the LLVM tier";
#endif
  }
};

TEST_P(LimitsOn, FuelEndsAnInfiniteLoop) {
  Config c;
  c.fuel = 100'000;
  Fixture f(c);
  auto r = f.call("spin");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().kind, ErrorKind::Exhaustion);
  EXPECT_EQ(r.error().message, "all fuel consumed");
  EXPECT_EQ(f.store.fuel(), uint64_t{0});
  // Refuelled, the store runs again.
  f.store.set_fuel(1000);
  auto ok = f.call("count", {Value::make_i32(10)});
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ((*ok)[0].i32, 0u);
}

TEST_P(LimitsOn, FuelEndsInfiniteRecursion) {
  Config c;
  c.fuel = 10'000;
  Fixture f(c);
  auto r = f.call("rec");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().message, "all fuel consumed");
}

TEST_P(LimitsOn, FuelIsDeterministic) {
  Config c;
  c.fuel = 1'000'000;
  Fixture f(c);
  ASSERT_TRUE(f.call("count", {Value::make_i32(1000)}).has_value());
  uint64_t used1 = 1'000'000 - *f.store.fuel();
  if (g_way == Way::Auto) {
    // The first call ran on the interpreter; once the background compile is done, a call
    // switches the instance to compiled code with fuel checks, which must charge the same.
    for (int i = 0; i < 1000 && !f.instance.checks().starts_with("fuel (charged"); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      ASSERT_TRUE(f.call("count", {Value::make_i32(1)}).has_value());
    }
  }
  f.store.set_fuel(1'000'000);
  ASSERT_TRUE(f.call("count", {Value::make_i32(1000)}).has_value());
  uint64_t used2 = 1'000'000 - *f.store.fuel();
  EXPECT_EQ(used1, used2);
  if (g_way == Way::Auto) EXPECT_TRUE(f.instance.checks().starts_with("fuel (charged"));
  // About the instructions executed: 7 per iteration here.
  EXPECT_GE(used1, 1000u * 5);
  EXPECT_LE(used1, 1000u * 10);
  // Without Config::fuel, fuel is unlimited.
  Fixture g(Config{});
  EXPECT_FALSE(g.store.fuel().has_value());
}

Config interruptible() {
  Config c;
  c.interruptible = true;
  return c;
}

TEST_P(LimitsOn, InterruptFromAnotherThread) {
  Fixture f(interruptible());
  std::thread t([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    f.store.interrupt();
  });
  auto r = f.call("spin");
  t.join();
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().kind, ErrorKind::Trap);
  EXPECT_EQ(r.error().message, "interrupted");
  // The interrupt is consumed: the next call runs normally.
  EXPECT_TRUE(f.call("count", {Value::make_i32(5)}).has_value());
}

TEST_P(LimitsOn, InterruptStopsALoopThatOnlyCalls) {
  Fixture f(interruptible());
  std::thread t([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    f.store.interrupt();
  });
  auto r = f.call("spin_calls");
  t.join();
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().message, "interrupted");
}

TEST_P(LimitsOn, InterruptBeforeACallStopsTheNextCall) {
  Fixture f(interruptible());
  f.store.interrupt();
  auto r = f.call("count", {Value::make_i32(5)});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().message, "interrupted");
}

TEST_P(LimitsOn, CodeWithoutPollsIgnoresInterrupt) {
  // Polls are opt-in (Config::interruptible, fuel, timeout_ms): default code pays nothing for
  // them and runs to completion.
  Fixture f(Config{});
  f.store.interrupt();
  auto r = f.call("count", {Value::make_i32(5)});
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ((*r)[0].i32, 0u);
}

// Config::interrupt_by_signal: compiled code carries no check, and a signal handler stops it
// with Store::interrupt_from_signal. The signal goes to this (the test's) thread, which runs no
// wasm, so the handler forwards it to the thread running the guest, whose handler then leaves
// the compiled loop (or, interpreted, the interpreter's poll sees the request).
Store* g_signalled_store = nullptr;

extern "C" void on_test_signal(int sig, siginfo_t*, void* ucontext) {
  g_signalled_store->interrupt_from_signal(sig, ucontext);
}

TEST_P(LimitsOn, InterruptFromSignalStopsCodeWithoutChecks) {
  Config c = interruptible();
  c.interrupt_by_signal = true;
  Fixture f(c);
  if (g_way == Way::Jit || g_way == Way::Precompiled) EXPECT_EQ(f.instance.checks(), "none");
  g_signalled_store = &f.store;
  struct sigaction sa = {}, previous = {};
  sa.sa_sigaction = &on_test_signal;
  sa.sa_flags = SA_SIGINFO;
  sigemptyset(&sa.sa_mask);
  ASSERT_EQ(sigaction(SIGUSR1, &sa, &previous), 0);
  Result<std::vector<Value>> r = std::vector<Value>{};
  std::thread guest([&] { r = f.call("spin"); });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  pthread_kill(pthread_self(), SIGUSR1);
  guest.join();
  sigaction(SIGUSR1, &previous, nullptr);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().kind, ErrorKind::Trap);
  EXPECT_EQ(r.error().message, "interrupted");
  ASSERT_FALSE(r.error().backtrace.empty());
  EXPECT_EQ(r.error().backtrace[0].func_index, 0u); // "spin", found from the interrupted PC
  // The request is consumed: the next call runs normally.
  EXPECT_TRUE(f.call("count", {Value::make_i32(5)}).has_value());
}

TEST_P(LimitsOn, InterruptFromSignalBeforeACallStopsTheNextCall) {
  Config c = interruptible();
  c.interrupt_by_signal = true;
  Fixture f(c);
  f.store.interrupt_from_signal(SIGUSR1, nullptr); // no wasm runs: nothing to forward or leave
  auto r = f.call("count", {Value::make_i32(5)});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().message, "interrupted");
}

TEST_P(LimitsOn, TimeoutEndsAnInfiniteLoop) {
  Config c;
  c.timeout_ms = 50;
  Fixture f(c);
  auto start = std::chrono::steady_clock::now();
  auto r = f.call("spin");
  auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().message, "interrupted");
  EXPECT_GE(elapsed, std::chrono::milliseconds(50));
  EXPECT_LT(elapsed, std::chrono::seconds(5));
  // Each outermost call gets its own deadline.
  EXPECT_TRUE(f.call("count", {Value::make_i32(5)}).has_value());
}

TEST_P(LimitsOn, MaxMemoryPages) {
  Config c;
  c.max_memory_pages = 3;
  Fixture f(c);
  EXPECT_EQ((*f.call("grow", {Value::make_i32(2)}))[0].i32, 1u);
  EXPECT_EQ((*f.call("grow", {Value::make_i32(1)}))[0].i32, UINT32_MAX);
  auto big = Module::from_text(f.engine, "(module (memory 4))");
  ASSERT_TRUE(big.has_value());
  auto i = Instance::create(f.store, *big, {});
  ASSERT_FALSE(i.has_value());
  EXPECT_EQ(i.error().kind, ErrorKind::Exhaustion);
}

TEST_P(LimitsOn, MaxTableElements) {
  Config c;
  c.max_table_elements = 10;
  Fixture f(c);
  EXPECT_EQ((*f.call("tgrow", {Value::make_i32(9)}))[0].i32, 1u);
  EXPECT_EQ((*f.call("tgrow", {Value::make_i32(1)}))[0].i32, UINT32_MAX);
}

INSTANTIATE_TEST_SUITE_P(Limits, LimitsOn,
                         testing::Values(Way::Interpreter, Way::Jit, Way::Precompiled, Way::Auto),
                         way_name);

} // namespace

// Resource limits through the public API: fuel, interruption, timeout, memory and table caps.
// Every limit must end runaway guest code with an Error value, never a hang or a crash.
#include <gtest/gtest.h>

#include <chrono>
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
    (func (export "count") (param i32) (result i32)
      (loop (local.set 0 (i32.sub (local.get 0) (i32.const 1))) (br_if 0 (local.get 0)))
      (local.get 0))
    (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
    (func (export "tgrow") (param i32) (result i32) (table.grow (ref.null func) (local.get 0))))
)";

struct Fixture {
  explicit Fixture(Config c) : engine(c), store(engine) {
    auto m = Module::from_text(engine, kLoops);
    EXPECT_TRUE(m.has_value());
    module.emplace(std::move(*m));
    auto i = Instance::create(store, *module, {});
    EXPECT_TRUE(i.has_value());
    instance = *i;
  }
  Result<std::vector<Value>> call(const char* name, std::vector<Value> args = {}) {
    return instance.get_func(name)->call(args);
  }
  Engine engine;
  Store store;
  std::optional<Module> module;
  Instance instance;
};

TEST(Limits, FuelEndsAnInfiniteLoop) {
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

TEST(Limits, FuelEndsInfiniteRecursion) {
  Config c;
  c.fuel = 10'000;
  Fixture f(c);
  auto r = f.call("rec");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().message, "all fuel consumed");
}

TEST(Limits, FuelIsDeterministic) {
  Config c;
  c.fuel = 1'000'000;
  Fixture f(c);
  ASSERT_TRUE(f.call("count", {Value::make_i32(1000)}).has_value());
  uint64_t used1 = 1'000'000 - *f.store.fuel();
  f.store.set_fuel(1'000'000);
  ASSERT_TRUE(f.call("count", {Value::make_i32(1000)}).has_value());
  uint64_t used2 = 1'000'000 - *f.store.fuel();
  EXPECT_EQ(used1, used2);
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

TEST(Limits, InterruptFromAnotherThread) {
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

TEST(Limits, InterruptBeforeACallStopsTheNextCall) {
  Fixture f(interruptible());
  f.store.interrupt();
  auto r = f.call("count", {Value::make_i32(5)});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().message, "interrupted");
}

TEST(Limits, CodeWithoutPollsIgnoresInterrupt) {
  // Polls are opt-in (Config::interruptible, fuel, timeout_ms): default code pays nothing for
  // them and runs to completion.
  Fixture f(Config{});
  f.store.interrupt();
  auto r = f.call("count", {Value::make_i32(5)});
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ((*r)[0].i32, 0u);
}

TEST(Limits, TimeoutEndsAnInfiniteLoop) {
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

TEST(Limits, MaxMemoryPages) {
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

TEST(Limits, MaxTableElements) {
  Config c;
  c.max_table_elements = 10;
  Fixture f(c);
  EXPECT_EQ((*f.call("tgrow", {Value::make_i32(9)}))[0].i32, 1u);
  EXPECT_EQ((*f.call("tgrow", {Value::make_i32(1)}))[0].i32, UINT32_MAX);
}

} // namespace

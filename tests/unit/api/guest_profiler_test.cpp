// GuestProfiler (include/wasmcap/profiler.h): samples the wasm stack on every tier, names the
// functions where the time goes, and does not disturb results; stopping ends sampling.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "wasmcap/wasmcap.hpp"

namespace {

using namespace wasmcap;

// main -> warm -> (through a table, so no tier inlines it) hot, whose loop holds the time.
constexpr const char* kHot = R"((module
  (type $t (func (param i32) (result i32)))
  (table 1 funcref)
  (elem (i32.const 0) $hot)
  (func $hot (type $t) (param $n i32) (result i32) (local $i i32) (local $acc i32)
    (loop $l
      (local.set $acc (i32.add (i32.mul (local.get $acc) (i32.const 31)) (local.get $i)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $acc))
  (func $warm (param $n i32) (result i32)
    (call_indirect (type $t) (local.get $n) (i32.const 0)))
  (func $main (export "main") (param $rounds i32) (result i32) (local $r i32) (local $acc i32)
    (loop $l
      (local.set $acc (i32.add (local.get $acc) (call $warm (i32.const 100000))))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $r) (local.get $rounds))))
    (local.get $acc)))
)";

int32_t expected(int32_t rounds) {
  uint32_t acc = 0;
  for (uint32_t i = 0; i < 100000; ++i)
    acc = acc * 31 + i;
  return static_cast<int32_t>(acc * static_cast<uint32_t>(rounds));
}

struct Run {
  int32_t result = 0;
  double ms = 0;
};

// Runs main(rounds) on `tier`, with a profiler when `profiler` is set (created on the store).
Run run(Tier tier, int32_t rounds, std::optional<GuestProfiler>* profiler) {
  Config config;
  config.tier = tier;
  config.profiling = true;
  config.tier_up_delay_ms = 0;
  Engine engine(config);
  Store store(engine);
  auto module = Module::from_text(engine, kHot);
  EXPECT_TRUE(module) << module.error().to_string();
  Linker linker;
  auto inst = linker.instantiate(store, *module);
  EXPECT_TRUE(inst) << inst.error().to_string();
  if (profiler) profiler->emplace(store);
  const auto start = std::chrono::steady_clock::now();
  const Value args[] = {Value::make_i32(rounds)};
  auto r = inst->get_func("main")->call(args);
  Run out;
  out.ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  EXPECT_TRUE(r) << r.error().to_string();
  if (r) out.result = (*r)[0].i32;
  if (profiler) (*profiler)->stop();
  return out;
}

void expect_hot_profile(Tier tier, int32_t rounds) {
  std::optional<GuestProfiler> profiler;
  const Run r = run(tier, rounds, &profiler);
  EXPECT_EQ(r.result, expected(rounds));
  const size_t n = profiler->sample_count();
  // About one sample per millisecond; the interpreter takes them at its polls, compiled code at
  // function entries (hot is entered every ~0.1 ms) and loop headers. The floor is low because
  // the timer thread competes for the CPU: on 2 cores at a load of 13-17 (a parallel build)
  // runs got a third to a half of the rate, and this checks that sampling goes on all along,
  // not the rate.
  EXPECT_GE(n, static_cast<size_t>(r.ms / 16)) << "in " << r.ms << " ms";
  EXPECT_LE(n, static_cast<size_t>(r.ms * 1.5 + 5)) << "in " << r.ms << " ms";
  EXPECT_GE(profiler->samples_under("main"), n * 9 / 10);
  EXPECT_GE(profiler->self_samples("hot"), n * 7 / 10) << profiler->flame_svg("x");
  EXPECT_GE(profiler->samples_under("warm"), profiler->self_samples("hot"));
  // Nothing after stop().
  EXPECT_EQ(profiler->sample_count(), n);
}

TEST(GuestProfiler, SamplesTheInterpreter) {
  expect_hot_profile(Tier::Interpreter, 300);
}

TEST(GuestProfiler, SamplesCompiledCode) {
  if (Engine::jit_unavailable_reason()) GTEST_SKIP() << "no LLVM tier";
  expect_hot_profile(Tier::Jit, 3000);
}

TEST(GuestProfiler, SamplesAcrossTierUp) {
  if (Engine::jit_unavailable_reason()) GTEST_SKIP() << "no LLVM tier";
  expect_hot_profile(Tier::Auto, 3000);
}

TEST(GuestProfiler, WritesBothFiles) {
  std::optional<GuestProfiler> profiler;
  run(Tier::Interpreter, 50, &profiler);
  const std::string dir = ::testing::TempDir();
  ASSERT_TRUE(profiler->write(dir + "/p.json", dir + "/p.svg", "title"));
  EXPECT_FALSE(profiler->write(dir + "/no/such/dir/p.json", dir + "/p.svg"));
}

} // namespace

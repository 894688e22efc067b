// Fuel is exact on every tier: for every amount of fuel up to what a run needs, the interpreter,
// the LLVM JIT and precompiled code run out at the same instruction (the same trap, innermost
// frame and offset), leave the same fuel in the store, and show a host function called on the
// way the same fuel. The module mixes what fuel is charged for: calls (the callee's entry cost
// at the call), call_indirect and imports (through the runtime), nested loops (each header
// charges its own body), and code each tier sees as dead in its own way.
#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "wasmcap/wasmcap.hpp"

using namespace wasmcap;

namespace {

constexpr const char* kModule = R"(
  (module
    (import "host" "probe" (func $probe (param i32)))
    (table 2 funcref)
    (elem (i32.const 0) $leaf $inner)
    (type $t (func (param i32) (result i32)))
    (func $leaf (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
    (func $inner (param i32) (result i32)
      (local i32)
      (loop $l
        (local.set 1 (i32.add (local.get 1) (call $leaf (local.get 1))))
        (br_if $l (i32.lt_u (local.get 1) (local.get 0))))
      (local.get 1))
    ;; Code after a block nothing leaves is dead to the compiler but reachable to the
    ;; validator, whose view decides where its instructions are charged.
    (func $odd (param i32) (result i32)
      (if (i32.eq (local.get 0) (i32.const 12345))
        (then
          (block (unreachable))
          (loop $dead (br $dead))
          (drop (i32.const 1))))
      (block $b
        (br $b)
        (loop $never (br $never)))
      (i32.mul (local.get 0) (i32.const 3)))
    (func (export "main") (param i32) (result i32)
      (local $i i32) (local $acc i32)
      (loop $outer
        (call $probe (local.get $i))
        (local.set $acc (i32.add (local.get $acc)
          (call_indirect (type $t) (local.get $i) (i32.and (local.get $i) (i32.const 1)))))
        (block $done
          (br_table $done $done (i32.const 0) (i32.and (local.get $i) (i32.const 3))))
        (if (i32.and (local.get $i) (i32.const 1))
          (then (local.set $acc (i32.add (local.get $acc) (call $odd (local.get $i)))))
          (else (local.set $acc (i32.add (local.get $acc) (call $inner (i32.const 5))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $outer (i32.lt_u (local.get $i) (local.get 0))))
      (local.get $acc)))
)";

enum class Way { Interpreter, Jit, Precompiled };

struct Outcome {
  bool ok = false;
  uint32_t result = 0;
  std::string message;
  std::optional<TraceFrame> innermost;
  std::optional<uint64_t> fuel_left;
  std::vector<uint64_t> fuel_seen_by_host;
};

// One engine and module per tier (compiled once, with fuel checks); a fresh store per run.
class Runner {
public:
  explicit Runner(Way way) : way_(way), engine_(config_for(way)) {
    if (way == Way::Precompiled) {
      const std::string_view t(kModule);
      auto image = Module::precompile(
          engine_, std::span(reinterpret_cast<const uint8_t*>(t.data()), t.size()));
      EXPECT_TRUE(image) << image.error().message;
      if (!image) return;
      auto m = Module::deserialize(engine_, *image);
      EXPECT_TRUE(m) << m.error().message;
      if (m) module_.emplace(std::move(*m));
    } else {
      auto m = Module::from_text(engine_, kModule);
      EXPECT_TRUE(m) << m.error().message;
      if (m) module_.emplace(std::move(*m));
    }
  }

  Outcome run(uint64_t fuel, uint32_t iterations) {
    Outcome out;
    if (!module_) return out;
    Store store(engine_);
    store.set_fuel(fuel);
    Linker linker;
    linker.define("host", "probe",
                  Func::create_host(store, FuncType{{ValType::I32}, {}},
                                    [&](std::span<const Value>, std::span<Value>) {
                                      out.fuel_seen_by_host.push_back(store.fuel().value_or(0));
                                      return ok();
                                    }));
    auto instance = linker.instantiate(store, *module_);
    EXPECT_TRUE(instance) << instance.error().message;
    if (!instance) return out;
    // Compiled code charging fuel itself, not a fallback to the interpreter.
    if (way_ != Way::Interpreter) EXPECT_TRUE(instance->checks().starts_with("fuel (charged"));
    const std::vector<Value> args{Value::make_i32(iterations)};
    auto r = instance->get_func("main")->call(args);
    out.fuel_left = store.fuel();
    if (r) {
      out.ok = true;
      out.result = (*r)[0].i32;
    } else {
      out.message = r.error().message;
      if (!r.error().backtrace.empty()) out.innermost = r.error().backtrace.front();
    }
    return out;
  }

private:
  static Config config_for(Way way) {
    Config config;
    config.tier = way == Way::Interpreter ? Tier::Interpreter : Tier::Jit;
    config.fuel = 0; // metered code; each store sets its own amount
    return config;
  }
  Way way_;
  Engine engine_;
  std::optional<Module> module_;
};

void expect_same(const Outcome& want, const Outcome& got, const char* tier, uint64_t fuel) {
  SCOPED_TRACE(std::string(tier) + " with fuel " + std::to_string(fuel));
  EXPECT_EQ(want.ok, got.ok);
  EXPECT_EQ(want.result, got.result);
  EXPECT_EQ(want.message, got.message);
  EXPECT_EQ(want.fuel_left, got.fuel_left);
  EXPECT_EQ(want.fuel_seen_by_host, got.fuel_seen_by_host);
  ASSERT_EQ(want.innermost.has_value(), got.innermost.has_value());
  if (want.innermost) {
    EXPECT_EQ(want.innermost->func_index, got.innermost->func_index);
    EXPECT_EQ(want.innermost->offset, got.innermost->offset);
  }
}

TEST(FuelTiers, EveryTierRunsOutAtTheSameInstruction) {
#ifndef WASMCAP_TEST_HAVE_LLVM
  GTEST_SKIP() << "built without the LLVM tier";
#endif
  constexpr uint32_t kIterations = 6;
  Runner interp(Way::Interpreter), jit(Way::Jit), precompiled(Way::Precompiled);
  // How much the whole run needs, on the interpreter.
  const Outcome full = interp.run(1'000'000, kIterations);
  ASSERT_TRUE(full.ok);
  const uint64_t needed = 1'000'000 - *full.fuel_left;
  ASSERT_GT(needed, 100u);
  RecordProperty("fuel_needed", std::to_string(needed));
  int trapped = 0;
  // Every amount from none to one more than enough: each charge point gets its turn.
  for (uint64_t fuel = 0; fuel <= needed + 1; ++fuel) {
    const Outcome want = interp.run(fuel, kIterations);
    if (!want.ok) {
      ++trapped;
      EXPECT_EQ(want.message, "all fuel consumed");
    }
    expect_same(want, jit.run(fuel, kIterations), "jit", fuel);
    expect_same(want, precompiled.run(fuel, kIterations), "precompiled", fuel);
    if (testing::Test::HasFailure()) break; // the first difference says enough
  }
  EXPECT_EQ(trapped, static_cast<int>(needed)); // fuel == needed is just enough
}

} // namespace

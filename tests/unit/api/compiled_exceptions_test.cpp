// Exception handling in compiled code (docs/llvm.md, "Exception handling"), each test on the
// interpreter, the JIT and a .cwasm loaded back (precompile + deserialize): catches of every
// kind across compiled frames, an uncaught exception's error and backtrace, traps that no
// catch_all may catch, exceptions crossing between the interpreter and compiled code both ways
// (the interpreted side kept there by WASMCAP_LLVM_REFUSE=v128), fuel and interruption inside try
// bodies, a long run of throws, a module without exception handling in between, .cwasm
// feature bits, and on-stack replacement with an exception leaving the replaced code.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "wasmcap/wasmcap.hpp"
#include "ways.h"

namespace {

using namespace wasmcap;

using test_ways::Way;
using test_ways::way_name;

class CompiledExceptions : public testing::TestWithParam<Way> {
protected:
  void SetUp() override {
    if (GetParam() != Way::Interp && Engine::jit_unavailable_reason()) GTEST_SKIP() << "no LLVM";
  }
  Config config() const {
    Config c;
    c.tier = GetParam() == Way::Interp ? Tier::Interpreter : Tier::Jit;
    return c;
  }
  // The module on this test's way; compiled ways must not fall back to the interpreter.
  Module load(const Engine& engine, const char* wat) const {
    if (GetParam() == Way::Aot) {
      auto cwasm =
          Module::precompile(engine, std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(wat),
                                                              std::char_traits<char>::length(wat)));
      EXPECT_TRUE(cwasm) << (cwasm ? "" : cwasm.error().to_string());
      auto m = Module::deserialize(engine, *cwasm);
      EXPECT_TRUE(m) << (m ? "" : m.error().to_string());
      return std::move(m).value();
    }
    auto m = Module::from_text(engine, wat);
    EXPECT_TRUE(m) << (m ? "" : m.error().to_string());
    if (GetParam() == Way::Jit) EXPECT_EQ(m->jit_fallback_reason(), "");
    return std::move(m).value();
  }
};

Result<std::vector<Value>> call(Instance& inst, const char* name, std::vector<Value> args = {}) {
  auto f = inst.get_func(name);
  EXPECT_TRUE(f) << name;
  return f->call(args);
}

uint32_t call_i32(Instance& inst, const char* name, std::vector<Value> args = {}) {
  auto r = call(inst, name, std::move(args));
  EXPECT_TRUE(r) << name << ": " << r.error().to_string();
  return r ? (*r)[0].i32 : 0xdeadbeef;
}

constexpr const char* kCatches = R"((module
  (tag $e (param i32 i64))
  (tag $f (param f64))
  (tag $g)
  (func $throw_e (param i32) (throw $e (local.get 0) (i64.const 40)))
  (func $throw_f (param f64) (throw $f (local.get 0)))
  (func $deep (param i32) (if (i32.eqz (local.get 0)) (then (call $throw_e (i32.const 2)))
    (else (call $deep (i32.sub (local.get 0) (i32.const 1))))))
  ;; catch with a payload, across a call chain
  (func (export "payload") (result i64) (local $v i64)
    (block $h (result i32 i64)
      (try_table (catch $e $h) (call $deep (i32.const 5)))
      (return (i64.const -1)))
    (local.set $v)
    (i64.extend_i32_u)
    (local.get $v)
    (i64.add))
  ;; the first matching clause wins; a non-matching tag goes to the outer try
  (func (export "nested") (result i32)
    (block $outer (result f64)
      (block $inner
        (try_table (catch $g $inner) (catch $f $outer) (call $throw_f (f64.const 3.5)))
        (return (i32.const -1)))
      (return (i32.const -2)))
    (i32.trunc_f64_s))
  ;; catch_ref then throw_ref to an outer catch_all_ref, the exnref compared
  (func (export "rethrown") (result i32) (local $x exnref)
    (block $all (result exnref)
      (try_table (catch_all_ref $all)
        (local.set $x
          (block $h (result exnref)
            (try_table (catch_ref $g $h) (throw $g))
            (return (i32.const -1))))
        (throw_ref (local.get $x)))
      (return (i32.const -2)))
    (ref.is_null) (i32.eqz))
  ;; a throw straight in the try body (no call), caught by catch_all
  (func (export "direct") (result i32)
    (block $h (try_table (catch_all $h) (throw $g)) (return (i32.const 0)))
    (i32.const 7))
  ;; legacy try/catch/rethrow/delegate
  (func (export "legacy") (result i32)
    (try (result i32)
      (do (try (result i32)
            (do (call $throw_e (i32.const 9)) (i32.const 0))
            (catch $e (drop) (drop) (rethrow 0))))
      (catch $e (drop) (i32.const 2) (i32.add))))
  ;; uncaught in this function: it leaves the export
  (func (export "uncaught")
    (block $h (result f64) (try_table (catch $f $h) (call $throw_e (i32.const 1))) (return))
    (drop))
  ;; throw_ref of null traps, and catch_all does not catch that trap
  (func (export "null_ref") (block $h (try_table (catch_all $h) (throw_ref (ref.null exn)))))
))";

TEST_P(CompiledExceptions, CatchesAcrossCompiledFrames) {
  Engine engine(config());
  Store store(engine);
  Module m = load(engine, kCatches);
  auto inst = Instance::create(store, m, {});
  ASSERT_TRUE(inst) << inst.error().to_string();
  auto r = call(*inst, "payload");
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ((*r)[0].i64, 42u);
  EXPECT_EQ(call_i32(*inst, "nested"), 3u);
  EXPECT_EQ(call_i32(*inst, "rethrown"), 1u);
  EXPECT_EQ(call_i32(*inst, "direct"), 7u);
  EXPECT_EQ(call_i32(*inst, "legacy"), 11u);
  auto u = call(*inst, "uncaught");
  ASSERT_FALSE(u);
  EXPECT_EQ(u.error().kind, ErrorKind::Exception);
  EXPECT_EQ(u.error().message, "uncaught exception (payload i32:1, i64:40)");
  auto n = call(*inst, "null_ref");
  ASSERT_FALSE(n);
  EXPECT_EQ(n.error().kind, ErrorKind::Trap);
  EXPECT_EQ(n.error().message, "null exception reference");
  // The instance still works after all of that.
  EXPECT_EQ(call_i32(*inst, "nested"), 3u);
}

TEST_P(CompiledExceptions, UncaughtHasTheThrowsBacktrace) {
  Engine engine(config());
  Store store(engine);
  Module m = load(engine, R"((module
    (tag $oops (param i32))
    (func $inner (throw $oops (i32.const 7)))
    (func $middle (block $h (try_table (catch_all $h) (call $trap))) (call $inner))
    (func $trap (i32.const 1) (i32.const 1) (i32.add) (drop))
    (func $outer (export "run") (call $middle))))");
  auto inst = Instance::create(store, m, {});
  ASSERT_TRUE(inst) << inst.error().to_string();
  auto r = call(*inst, "run");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::Exception);
  EXPECT_NE(r.error().exception, nullptr);
  ASSERT_EQ(r.error().backtrace.size(), 3u);
  EXPECT_EQ(r.error().backtrace[0].func_name, "inner");
  EXPECT_EQ(r.error().backtrace[1].func_name, "middle");
  EXPECT_EQ(r.error().backtrace[2].func_name, "outer");
}

TEST_P(CompiledExceptions, TrapsInTryBodiesAreNotCaught) {
  Engine engine(config());
  Store store(engine);
  Module m = load(engine, R"((module
    (memory 1)
    (func $div (param i32) (result i32) (i32.div_s (i32.const 1) (local.get 0)))
    (func $load (param i32) (result i32) (i32.load (local.get 0)))
    (func $deep (param i32) (result i32) (call $deep (i32.add (local.get 0) (i32.const 1))))
    (func (export "div") (param i32) (result i32)
      (block $h (try_table (result i32) (catch_all $h) (call $div (local.get 0))) (return))
      (i32.const -1))
    (func (export "load") (param i32) (result i32)
      (block $h (try_table (result i32) (catch_all $h) (call $load (local.get 0))) (return))
      (i32.const -1))
    (func (export "exhaust") (result i32)
      (block $h (try_table (result i32) (catch_all $h) (call $deep (i32.const 0))) (return))
      (i32.const -1))
    (func (export "unreachable") (result i32)
      (block $h (try (do (unreachable)) (catch_all)) (br $h))
      (i32.const -1))))");
  auto inst = Instance::create(store, m, {});
  ASSERT_TRUE(inst) << inst.error().to_string();
  EXPECT_EQ(call_i32(*inst, "div", {Value::make_i32(1)}), 1u);
  auto d = call(*inst, "div", {Value::make_i32(0)});
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().kind, ErrorKind::Trap);
  EXPECT_EQ(d.error().message, "integer divide by zero");
  auto l = call(*inst, "load", {Value::make_i32(70000)});
  ASSERT_FALSE(l);
  EXPECT_EQ(l.error().message, "out of bounds memory access");
  auto x = call(*inst, "exhaust");
  ASSERT_FALSE(x);
  EXPECT_EQ(x.error().kind, ErrorKind::Exhaustion);
  auto u = call(*inst, "unreachable");
  ASSERT_FALSE(u);
  EXPECT_EQ(u.error().message, "unreachable");
  EXPECT_EQ(call_i32(*inst, "div", {Value::make_i32(1)}), 1u); // and it still runs
}

// A million throws caught by a try_table two calls up: every payload arrives, and the store
// reuses the exceptions (a catch without a ref releases its exception).
TEST_P(CompiledExceptions, ManyThrowsAreCaught) {
  Engine engine(config());
  Store store(engine);
  Module m = load(engine, R"((module
    (tag $e (param i64))
    (func $thrower (param i64) (throw $e (local.get 0)))
    (func $middle (param i64) (call $thrower (local.get 0)))
    (func (export "run") (param i64) (result i64) (local $i i64) (local $sum i64)
      (loop $next
        (local.set $sum (i64.add (local.get $sum)
          (block $h (result i64)
            (try_table (catch $e $h) (call $middle (local.get $i)))
            (i64.const -1000000000))))
        (local.set $i (i64.add (local.get $i) (i64.const 1)))
        (br_if $next (i64.lt_u (local.get $i) (local.get 0))))
      (local.get $sum))))");
  auto inst = Instance::create(store, m, {});
  ASSERT_TRUE(inst) << inst.error().to_string();
  const uint64_t n = GetParam() == Way::Interp ? 100000 : 20000;
  auto r = call(*inst, "run", {Value::make_i64(n)});
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ((*r)[0].i64, n * (n - 1) / 2);
}

// Fuel and a deadline still stop code that throws and catches in a loop, and a fuel-metered run
// that completes catches as an unmetered one.
TEST_P(CompiledExceptions, FuelAndTimeoutsStopThrowingLoops) {
  constexpr const char* kLoop = R"((module
    (tag $e (param i32))
    (func $thrower (param i32) (throw $e (local.get 0)))
    (func (export "spin") (param i32) (result i32) (local $i i32)
      (loop $next
        (block $h (result i32)
          (try_table (catch $e $h) (call $thrower (local.get $i)))
          (i32.const 0))
        (local.set $i (i32.add (i32.const 1)))
        (br_if $next (i32.ne (local.get $i) (local.get 0))))
      (local.get $i))))";
  {
    Config c = config();
    c.fuel = 1000;
    Engine engine(c);
    Store store(engine);
    Module m = load(engine, kLoop);
    auto inst = Instance::create(store, m, {});
    ASSERT_TRUE(inst) << inst.error().to_string();
    EXPECT_EQ(call_i32(*inst, "spin", {Value::make_i32(10)}), 10u);
    auto r = call(*inst, "spin", {Value::make_i32(-1)});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, ErrorKind::Exhaustion);
  }
  {
    Config c = config();
    c.timeout_ms = 50;
    Engine engine(c);
    Store store(engine);
    Module m = load(engine, kLoop);
    auto inst = Instance::create(store, m, {});
    ASSERT_TRUE(inst) << inst.error().to_string();
    auto r = call(*inst, "spin", {Value::make_i32(-1)});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message, "interrupted");
  }
}

INSTANTIATE_TEST_SUITE_P(Ways, CompiledExceptions, testing::Values(Way::Interp, Way::Jit, Way::Aot),
                         way_name);

// Compiled code and the interpreter in one call chain under Tier::Jit: the module with a v128
// local stays on the interpreter (WASMCAP_LLVM_REFUSE=v128). An exception thrown on either side
// is caught on the other, by the shared tag, with its payload.
constexpr const char* kCompiledSide = R"((module
  (import "interp" "throw" (func $interp_throw (param i32)))
  (import "interp" "catch" (func $interp_catch (param i32) (result i32)))
  (tag $e (export "e") (param i32))
  (func (export "throw") (param i32) (throw $e (local.get 0)))
  (func (export "catch_interp") (param i32) (result i32)
    (block $h (result i32)
      (try_table (catch $e $h) (call $interp_throw (local.get 0)))
      (i32.const -1))
    (i32.const 100) (i32.add))
  (func (export "through_interp") (param i32) (result i32)
    (call $interp_catch (local.get 0)))))";

constexpr const char* kInterpSide = R"((module
  (import "jit" "e" (tag $e (param i32)))
  (import "jit" "throw" (func $jit_throw (param i32)))
  (func (export "throw") (param i32) (local v128) (throw $e (local.get 0)))
  (func (export "catch") (param i32) (result i32) (local v128)
    (block $h (result i32)
      (try_table (catch $e $h) (call $jit_throw (local.get 0)))
      (i32.const -1))
    (i32.const 1000) (i32.add))))";

TEST(CompiledExceptionsMixedTiers, CrossTheBoundaryBothWays) {
  if (Engine::jit_unavailable_reason()) GTEST_SKIP() << "no LLVM tier";
  ::setenv("WASMCAP_LLVM_REFUSE", "v128", 1);
  Config config;
  config.tier = Tier::Jit;
  Engine engine(config);
  Store store(engine);
  auto jit_mod = Module::from_text(engine, kCompiledSide);
  ASSERT_TRUE(jit_mod) << jit_mod.error().to_string();
  EXPECT_EQ(jit_mod->jit_fallback_reason(), "");
  auto interp_mod = Module::from_text(engine, kInterpSide);
  ASSERT_TRUE(interp_mod) << interp_mod.error().to_string();
  EXPECT_NE(interp_mod->jit_fallback_reason().find("v128"), std::string::npos);

  // The two import each other: the compiled side's imports forward to the interpreted
  // instance, made after it (a host function passing the error on unchanged).
  Instance* interp_inst = nullptr;
  auto forward = [&](const char* name, FuncType type) {
    return Func::create_host(store, std::move(type),
                             [&, name](std::span<const Value> args, std::span<Value> results) {
                               auto r = interp_inst->get_func(name)->call(args);
                               if (!r) return Status(r.error());
                               for (size_t i = 0; i < results.size(); ++i)
                                 results[i] = (*r)[i];
                               return ok();
                             });
  };
  Linker linker;
  linker.define("interp", "throw", forward("throw", FuncType{{ValType::I32}, {}}));
  linker.define("interp", "catch", forward("catch", FuncType{{ValType::I32}, {ValType::I32}}));
  auto jit = linker.instantiate(store, *jit_mod);
  ASSERT_TRUE(jit) << jit.error().to_string();
  linker.define_instance("jit", *jit);
  auto interp = linker.instantiate(store, *interp_mod);
  ASSERT_TRUE(interp) << interp.error().to_string();
  interp_inst = &*interp;

  // interpreter throws, compiled code catches
  EXPECT_EQ(call_i32(*jit, "catch_interp", {Value::make_i32(5)}), 105u);
  // compiled code throws, the interpreter catches (called from compiled code, and directly)
  EXPECT_EQ(call_i32(*jit, "through_interp", {Value::make_i32(6)}), 1006u);
  EXPECT_EQ(call_i32(*interp, "catch", {Value::make_i32(7)}), 1007u);
  // uncaught on both sides: the same error as the interpreter's
  auto r = call(*interp, "throw", {Value::make_i32(8)});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::Exception);
  auto j = call(*jit, "throw", {Value::make_i32(9)});
  ASSERT_FALSE(j);
  EXPECT_EQ(j.error().kind, ErrorKind::Exception);
  EXPECT_EQ(j.error().message, "uncaught exception (payload i32:9)");
  ::unsetenv("WASMCAP_LLVM_REFUSE");
}

} // namespace

namespace {

// A compiled module without exception handling between a thrower and a catcher: its code stays
// `nounwind`, so the exception leaves its activation as an error at once (with its frames in the
// backtrace) and the catcher, compiled with landing pads, catches it from its import call.
TEST(CompiledExceptionsMixedModules, PassesThroughCodeWithoutExceptionHandling) {
  if (Engine::jit_unavailable_reason()) GTEST_SKIP() << "no LLVM tier";
  Config config;
  config.tier = Tier::Jit;
  Engine engine(config);
  Store store(engine);
  auto thrower = Module::from_text(engine, R"((module
    (tag $e (export "e") (param i32))
    (func $throw (export "throw") (param i32) (throw $e (local.get 0)))))");
  ASSERT_TRUE(thrower) << thrower.error().to_string();
  auto middle = Module::from_text(engine, R"((module
    (import "thrower" "throw" (func $throw (param i32)))
    (func $mid (export "mid") (param i32) (call $throw (i32.add (local.get 0) (i32.const 1))))))");
  ASSERT_TRUE(middle) << middle.error().to_string();
  auto catcher = Module::from_text(engine, R"((module
    (import "thrower" "e" (tag $e (param i32)))
    (import "middle" "mid" (func $mid (param i32)))
    (func (export "run") (param i32) (result i32)
      (block $h (result i32) (try_table (catch $e $h) (call $mid (local.get 0))) (i32.const -1)))
    (func (export "escape") (param i32) (call $mid (local.get 0)))))");
  ASSERT_TRUE(catcher) << catcher.error().to_string();
  for (const Module* m : {&*thrower, &*middle, &*catcher})
    EXPECT_EQ(m->jit_fallback_reason(), "");
  Linker linker;
  auto t = linker.instantiate(store, *thrower);
  ASSERT_TRUE(t) << t.error().to_string();
  linker.define_instance("thrower", *t);
  auto mid = linker.instantiate(store, *middle);
  ASSERT_TRUE(mid) << mid.error().to_string();
  linker.define_instance("middle", *mid);
  auto c = linker.instantiate(store, *catcher);
  ASSERT_TRUE(c) << c.error().to_string();
  EXPECT_EQ(call_i32(*c, "run", {Value::make_i32(41)}), 42u);
  auto r = call(*c, "escape", {Value::make_i32(1)});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::Exception);
  EXPECT_EQ(r.error().message, "uncaught exception (payload i32:2)");
  // The throw, the module in the middle, then the catcher's export.
  ASSERT_GE(r.error().backtrace.size(), 3u);
  EXPECT_EQ(r.error().backtrace.front().func_name, "throw");
  EXPECT_EQ(r.error().backtrace[1].func_name, "mid");
  EXPECT_EQ(r.error().backtrace.back().func_index, 2u);
}

// Code compiled with exception handling is never loaded by an engine that has it off: a .cwasm
// records the feature.
TEST(CompiledExceptionsMixedModules, CwasmRecordsTheFeature) {
  if (Engine::jit_unavailable_reason()) GTEST_SKIP() << "no LLVM tier";
  Engine with{Config{}};
  const std::string wat = "(module (tag $e) (func (export \"f\") (throw $e)))";
  auto cwasm =
      Module::precompile(with, std::span(reinterpret_cast<const uint8_t*>(wat.data()), wat.size()));
  ASSERT_TRUE(cwasm) << cwasm.error().to_string();
  EXPECT_TRUE(Module::deserialize(with, *cwasm));
  Config off;
  off.exceptions = false;
  Engine without(off);
  auto m = Module::deserialize(without, *cwasm);
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().kind, ErrorKind::Malformed);
}

} // namespace

namespace {

// On-stack replacement (docs/tiering.md): $spin's interpreted frame is taken over by compiled
// code mid-loop; the exception that code throws leaves it and is caught by the interpreted frame
// of its caller (the try_table there), with its payload.
TEST(CompiledExceptionsOsr, AnExceptionLeavingReplacedCodeIsCaughtByTheInterpretedCaller) {
  if (Engine::jit_unavailable_reason()) GTEST_SKIP() << "no LLVM tier";
  Config config;
  config.tier = Tier::Auto;
  config.tier_up_delay_ms = 200; // the loop runs interpreted before the compile starts
  Engine engine(config);
  Store store(engine);
  auto m = Module::from_text(engine, R"((module
    (import "env" "tick" (func $tick (param i32)))
    (tag $e (param i32))
    (func $spin (param $n i32) (local $i i32)
      (loop $next
        (call $tick (local.get $i))
        (if (i32.eq (local.get $i) (local.get $n)) (then (throw $e (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (func (export "run") (param i32) (result i32)
      (block $h (result i32) (try_table (catch $e $h) (call $spin (local.get 0))) (i32.const -1))
      (i32.const 1000)
      (i32.add))))");
  ASSERT_TRUE(m) << m.error().to_string();
  uint32_t ticks = 0;
  Linker linker;
  linker.define("env", "tick",
                Func::create_host(store, FuncType{{ValType::I32}, {}},
                                  [&](std::span<const Value> args, std::span<Value>) {
                                    ++ticks;
                                    if (args[0].i32 == 2) EXPECT_TRUE(m->wait_for_tier_up());
                                    return ok();
                                  }));
  auto inst = linker.instantiate(store, *m);
  ASSERT_TRUE(inst) << inst.error().to_string();
  EXPECT_EQ(call_i32(*inst, "run", {Value::make_i32(50)}), 1050u);
  EXPECT_EQ(ticks, 51u);
  const std::string report = m->tier_up_report();
  EXPECT_NE(report.find("frame(s) moved over"), std::string::npos) << report;
  EXPECT_EQ(report.find(" 0 frame(s) moved over"), std::string::npos) << report;
  // Now compiled from the start: the same answer.
  EXPECT_EQ(call_i32(*inst, "run", {Value::make_i32(5)}), 1005u);
}

} // namespace

// Precise GC roots (docs/gc.md, "Roots") with a collection at every allocation and no
// conservative scan of the native stack (WASMCAP_GC_STRESS=1 and WASMCAP_GC_PRECISE=1, set before
// the first store exists), on the interpreter, the JIT and a .cwasm: what a host function is
// given stays alive while it calls back into wasm that collects; and compiled code's shadow
// stack of root slots comes back to its level after traps, caught exceptions and tail calls,
// which a small wasm stack budget (Config::max_wasm_stack, the shadow stack's size too) turns
// into "call stack exhausted" if it did not; a shadow stack that fills traps cleanly.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "wasmcap/wasmcap.hpp"
#include "ways.h"

namespace {

using namespace wasmcap;

// Before main(): the collector reads both once.
const bool kStressAndPrecise = [] {
  setenv("WASMCAP_GC_STRESS", "1", 1);
  setenv("WASMCAP_GC_PRECISE", "1", 1);
  return true;
}();

using test_ways::Way;
using test_ways::way_name;

constexpr const char* kModule = R"((module
  (type $pair (struct (field (mut i32)) (field (mut i32))))
  (import "host" "keep" (func $keep (param anyref) (result i32)))
  (tag $oops)
  ;; Garbage the size of a $pair: a freed one is reused at once, with the fields 99, 99.
  (func $churn (export "churn") (param $n i32)
    (loop $l
      (drop (struct.new $pair (i32.const 99) (i32.const 99)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))
  (func (export "first") (param anyref) (result i32)
    (struct.get $pair 0 (ref.cast (ref $pair) (local.get 0))))
  ;; The object is held only by the host function's argument while the host calls "churn".
  (func (export "host-holds") (result i32)
    (call $keep (struct.new $pair (i32.const 42) (i32.const 43))))
  ;; Every frame holds an object in a local across the call below it.
  (func $deep (param $d i32) (result i32)
    (local $mine (ref null $pair))
    (local.set $mine (struct.new $pair (i32.const 1) (local.get $d)))
    (if (result i32) (i32.eqz (local.get $d))
      (then (i32.const 0))
      (else (i32.add (struct.get $pair 0 (local.get $mine))
                     (call $deep (i32.sub (local.get $d) (i32.const 1)))))))
  (func (export "deep") (param i32) (result i32) (call $deep (local.get 0)))
  (func $trap-deep (param $d i32)
    (local $mine (ref null $pair))
    (local.set $mine (struct.new $pair (local.get $d) (local.get $d)))
    (if (i32.eqz (local.get $d)) (then (unreachable)))
    (call $trap-deep (i32.sub (local.get $d) (i32.const 1)))
    (drop (struct.get $pair 0 (local.get $mine))))
  (func (export "trap-deep") (param i32) (call $trap-deep (local.get 0)))
  (func $throw-deep (param $d i32)
    (local $mine (ref null $pair))
    (local.set $mine (struct.new $pair (local.get $d) (local.get $d)))
    (if (i32.eqz (local.get $d)) (then (throw $oops)))
    (call $throw-deep (i32.sub (local.get $d) (i32.const 1)))
    (drop (struct.get $pair 0 (local.get $mine))))
  ;; `times` exceptions from `depth` frames down, each caught here; then this frame's object.
  (func (export "catch-many") (param $times i32) (param $depth i32) (result i32)
    (local $keep (ref null $pair))
    (local.set $keep (struct.new $pair (i32.const 7) (i32.const 0)))
    (loop $l
      (block $h
        (try_table (catch $oops $h) (call $throw-deep (local.get $depth))))
      (br_if $l (local.tee $times (i32.sub (local.get $times) (i32.const 1)))))
    (struct.get $pair 0 (local.get $keep)))
  ;; No traced value of its own: its landing pad still puts the top back where it found it.
  (func (export "catch-once") (result i32)
    (block $h (try_table (catch $oops $h) (call $throw-deep (i32.const 10))))
    (i32.const 1))
  (func $count-down (param $p (ref $pair)) (param $n i32) (result i32)
    (call $churn (i32.const 1))
    (if (result i32) (i32.eqz (local.get $n))
      (then (struct.get $pair 1 (local.get $p)))
      (else (return_call $count-down (local.get $p) (i32.sub (local.get $n) (i32.const 1))))))
  (func (export "tail-calls") (param i32) (result i32)
    (call $count-down (struct.new $pair (i32.const 0) (i32.const 77)) (local.get 0)))
))";

class GcRoots : public testing::TestWithParam<Way> {
protected:
  void SetUp() override {
    ASSERT_TRUE(kStressAndPrecise);
    if (GetParam() != Way::Interp && Engine::jit_unavailable_reason()) GTEST_SKIP() << "no LLVM";
  }
  Config config() const {
    Config c;
    c.tier = GetParam() == Way::Interp ? Tier::Interpreter : Tier::Jit;
    c.max_wasm_stack = 64u << 10; // 8,192 slots: the interpreter's value stack, the shadow stack
    return c;
  }
  Module load(const Engine& engine) const {
    const std::span<const uint8_t> text(reinterpret_cast<const uint8_t*>(kModule),
                                        std::char_traits<char>::length(kModule));
    if (GetParam() == Way::Aot) {
      auto cwasm = Module::precompile(engine, text);
      EXPECT_TRUE(cwasm) << (cwasm ? "" : cwasm.error().to_string());
      auto m = Module::deserialize(engine, *cwasm);
      EXPECT_TRUE(m) << (m ? "" : m.error().to_string());
      return std::move(m).value();
    }
    auto m = Module::from_text(engine, kModule);
    EXPECT_TRUE(m) << (m ? "" : m.error().to_string());
    if (GetParam() == Way::Jit) EXPECT_EQ(m->jit_fallback_reason(), "");
    return std::move(m).value();
  }
};

struct Running {
  Engine engine;
  Store store;
  Instance instance;
  explicit Running(const Config& c) : engine(c), store(engine) {}
  Result<std::vector<Value>> call(const char* name, std::vector<Value> args = {}) {
    auto f = instance.get_func(name);
    EXPECT_TRUE(f) << name;
    return f->call(args);
  }
};

// The host function: churns (collecting at every allocation), then reads its argument's first
// field through wasm.
void start(Running& r, const Module& m) {
  Linker linker;
  FuncType keep;
  keep.params = {ValType::ref(HeapKind::Any, true)};
  keep.results = {ValType::I32};
  Running* self = &r;
  linker.define_host("host", "keep", keep,
                     [self](std::span<const Value> args, std::span<Value> results) -> Status {
                       auto churn = self->call("churn", {Value::make_i32(200)});
                       if (!churn) return churn.error();
                       auto first = self->call("first", {args[0]});
                       if (!first) return first.error();
                       results[0] = (*first)[0];
                       return ok();
                     });
  auto inst = linker.instantiate(r.store, m);
  ASSERT_TRUE(inst) << inst.error().to_string();
  r.instance = std::move(inst).value();
}

uint32_t i32_of(const Result<std::vector<Value>>& r) {
  EXPECT_TRUE(r) << (r ? "" : r.error().to_string());
  return r ? (*r)[0].i32 : 0xdeadbeef;
}

TEST_P(GcRoots, HostArgumentsAreRootsWhileTheHostRuns) {
  Running r(config());
  start(r, load(r.engine));
  EXPECT_EQ(i32_of(r.call("host-holds")), 42u);
  // The first push reserved the stack (a fresh store): the pop left it empty, not broken.
  EXPECT_EQ(i32_of(r.call("deep", {Value::make_i32(300)})), 300u);
  EXPECT_EQ(i32_of(r.call("host-holds")), 42u);
}

TEST_P(GcRoots, TrapsLeaveNoRootSlotsBehind) {
  Running r(config());
  start(r, load(r.engine));
  // 100 traps from 300 frames deep: 30,000 slots left behind would fill the 8,192.
  for (int i = 0; i < 100; ++i) {
    auto t = r.call("trap-deep", {Value::make_i32(300)});
    ASSERT_FALSE(t);
    ASSERT_EQ(t.error().message, "unreachable") << "after " << i << " traps";
  }
  EXPECT_EQ(i32_of(r.call("deep", {Value::make_i32(300)})), 300u);
}

TEST_P(GcRoots, CaughtExceptionsLeaveNoRootSlotsBehind) {
  Running r(config());
  start(r, load(r.engine));
  EXPECT_EQ(i32_of(r.call("catch-many", {Value::make_i32(100), Value::make_i32(300)})), 7u);
  EXPECT_EQ(i32_of(r.call("deep", {Value::make_i32(300)})), 300u);
}

TEST_P(GcRoots, ACatchInAFreshStoreLeavesTheStackEmpty) {
  Running r(config());
  start(r, load(r.engine));
  EXPECT_EQ(i32_of(r.call("catch-once")), 1u); // the callee reserved the stack
  EXPECT_EQ(i32_of(r.call("deep", {Value::make_i32(300)})), 300u);
  EXPECT_EQ(i32_of(r.call("catch-many", {Value::make_i32(100), Value::make_i32(300)})), 7u);
}

TEST_P(GcRoots, TailCallsTakeNoRootSlots) {
  Running r(config());
  start(r, load(r.engine));
  EXPECT_EQ(i32_of(r.call("tail-calls", {Value::make_i32(20000)})), 77u);
}

TEST_P(GcRoots, AFullShadowStackTrapsAndTheStoreGoesOn) {
  Running r(config());
  start(r, load(r.engine));
  auto t = r.call("deep", {Value::make_i32(100000)});
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().message, "call stack exhausted");
  EXPECT_EQ(i32_of(r.call("deep", {Value::make_i32(300)})), 300u);
}

INSTANTIATE_TEST_SUITE_P(Ways, GcRoots, testing::Values(Way::Interp, Way::Jit, Way::Aot), way_name);

} // namespace

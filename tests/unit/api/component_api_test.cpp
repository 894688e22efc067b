// The public component API: Component::from_text/from_binary, ComponentLinker with host
// functions over component values, ComponentInstance::call, and WASI 0.2 through the linker.
#include <gtest/gtest.h>

#include "wasmcap/wasmcap.hpp"

namespace wasmcap {
namespace {

// greet(name) = "hello, " + name, logging the name through the host's example:app/log first.
// The core module keeps a bump allocator for the strings the host gives it.
constexpr const char* kGreeter = R"(
(component
  (import "example:app/log@1.0.0" (instance $log
    (export "log" (func (param "msg" string)))))
  (core module $mem (memory (export "mem") 1))
  (core instance $m (instantiate $mem))
  (alias core export $m "mem" (core memory $memory))
  (core func $log (canon lower (func $log "log") (memory $memory)))
  (core module $M
    (import "host" "log" (func $log (param i32 i32)))
    (import "host" "mem" (memory 1))
    (global $bump (mut i32) (i32.const 1024))
    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
      (local $p i32)
      (local.set $p (global.get $bump))
      (global.set $bump (i32.add (global.get $bump) (local.get 3)))
      (local.get $p))
    ;; greet(ptr, len): writes "hello, " + name at 256 and returns a pointer to (ptr, len) at 16
    (func (export "greet") (param $p i32) (param $n i32) (result i32)
      (call $log (local.get $p) (local.get $n))
      (i64.store (i32.const 256) (i64.const 0x202c6f6c6c6568))  ;; "hello, "
      (memory.copy (i32.const 263) (local.get $p) (local.get $n))
      (i32.store (i32.const 16) (i32.const 256))
      (i32.store (i32.const 20) (i32.add (local.get $n) (i32.const 7)))
      (i32.const 16))
    (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1))))
  (core instance $host (export "log" (func $log)) (export "mem" (memory $memory)))
  (core instance $i (instantiate $M (with "host" (instance $host))))
  (func (export "greet") (param "name" string) (result string)
    (canon lift (core func $i "greet") (memory $memory) (realloc (core func $i "realloc"))))
  (func (export "add") (param "a" u32) (param "b" u32) (result u32)
    (canon lift (core func $i "add"))))
)";

TEST(ComponentApi, CallsExportsAndImportsWithComponentValues) {
  Engine engine;
  auto c = Component::from_text(engine, kGreeter);
  ASSERT_TRUE(c) << c.error().to_string();
  std::vector<std::string> logged;
  ComponentLinker linker;
  linker.define_func(
      "example:app/log@1.0.0", "log",
      [&](std::span<const ComponentValue> args) -> Result<std::optional<ComponentValue>> {
        logged.push_back(args[0].str);
        return std::optional<ComponentValue>();
      });
  Store store(engine);
  auto inst = linker.instantiate(store, *c);
  ASSERT_TRUE(inst) << inst.error().to_string();

  const ComponentValue name = ComponentValue::string("wasm");
  auto r = inst->call("greet", std::span(&name, 1));
  ASSERT_TRUE(r) << r.error().to_string();
  ASSERT_TRUE(r->has_value());
  EXPECT_EQ((*r)->str, "hello, wasm");
  ASSERT_EQ(logged.size(), 1u);
  EXPECT_EQ(logged[0], "wasm");

  const ComponentValue ab[2] = {ComponentValue::make(ComponentValue::Kind::U32, 40),
                                ComponentValue::make(ComponentValue::Kind::U32, 2)};
  auto sum = inst->call("add", ab);
  ASSERT_TRUE(sum) << sum.error().to_string();
  EXPECT_EQ((*sum)->bits, 42u);
  EXPECT_EQ(inst->function_type("", "greet"), "func(name: string) -> string");
}

TEST(ComponentApi, AMissingHostFunctionIsUnlinkable) {
  Engine engine;
  auto c = Component::from_text(engine, kGreeter);
  ASSERT_TRUE(c);
  ComponentLinker linker;
  Store store(engine);
  auto inst = linker.instantiate(store, *c);
  ASSERT_FALSE(inst);
  EXPECT_EQ(inst.error().kind, ErrorKind::Unlinkable);
  EXPECT_NE(inst.error().message.find("example:app/log@1.0.0"), std::string::npos)
      << inst.error().message;
}

TEST(ComponentApi, AHostErrorTrapsTheCall) {
  Engine engine;
  auto c = Component::from_text(engine, kGreeter);
  ASSERT_TRUE(c);
  ComponentLinker linker;
  linker.define_func("example:app/log", "log",
                     [](std::span<const ComponentValue>) -> Result<std::optional<ComponentValue>> {
                       return make_error(ErrorKind::Trap, "the host refused");
                     });
  Store store(engine);
  auto inst = linker.instantiate(store, *c);
  ASSERT_TRUE(inst) << inst.error().to_string(); // any version of the interface links
  const ComponentValue name = ComponentValue::string("x");
  auto r = inst->call("greet", std::span(&name, 1));
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("the host refused"), std::string::npos) << r.error().message;
}

TEST(ComponentApi, AnOutOfBoundsStringFromTheGuestTraps) {
  Engine engine;
  auto c = Component::from_text(engine, R"(
    (component
      (core module $M (memory (export "mem") 1)
        (func (export "f") (result i32)
          (i32.store (i32.const 0) (i32.const 65530)) (i32.store (i32.const 4) (i32.const 200))
          (i32.const 0)))
      (core instance $m (instantiate $M))
      (func (export "f") (result string) (canon lift (core func $m "f") (memory (core memory $m "mem")))))
  )");
  ASSERT_TRUE(c) << c.error().to_string();
  Store store(engine);
  auto inst = ComponentLinker().instantiate(store, *c);
  ASSERT_TRUE(inst);
  auto r = inst->call("f", {});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::Trap);
}

// A guest with three pages of memory returns a list of 15,000 strings that all point at the
// same 60,000 bytes: 900 MB of strings on the host, plus their values, if it were built. The
// lift stops at 256 MiB with a trap.
TEST(ComponentApi, AnAmplifiedListTrapsInsteadOfExhaustingTheHost) {
  Engine engine;
  auto c = Component::from_text(engine, R"(
    (component
      (core module $M (memory (export "mem") 3)
        (func (export "f") (result i32) (local $i i32)
          ;; 15,000 string descriptors at 65536: each (ptr 200, len 60000), zero bytes
          (loop $l
            (i32.store (i32.add (i32.const 65536) (i32.shl (local.get $i) (i32.const 3))) (i32.const 200))
            (i32.store (i32.add (i32.const 65540) (i32.shl (local.get $i) (i32.const 3))) (i32.const 60000))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br_if $l (i32.lt_u (local.get $i) (i32.const 15000))))
          (i32.store (i32.const 0) (i32.const 65536))
          (i32.store (i32.const 4) (i32.const 15000))
          (i32.const 0)))
      (core instance $m (instantiate $M))
      (func (export "f") (result (list string))
        (canon lift (core func $m "f") (memory (core memory $m "mem")))))
  )");
  ASSERT_TRUE(c) << c.error().to_string();
  Store store(engine);
  auto inst = ComponentLinker().instantiate(store, *c);
  ASSERT_TRUE(inst) << inst.error().to_string();
  auto r = inst->call("f", {});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::Trap);
  EXPECT_NE(r.error().message.find("larger than 256 MiB"), std::string::npos) << r.error().message;
}

// A counter kept in a data segment and a global, with WASI 0.2 clocks imported (so the plan
// records a WASI instance, its resources and an alias of it): each instance from one
// ComponentInstancePre starts from the initial state, also with an earlier one alive.
constexpr const char* kCounter = R"(
(component
  (import "wasi:clocks/monotonic-clock@0.2.3" (instance $clock
    (export "now" (func (result u64)))))
  (alias export $clock "now" (func $now))
  (core func $now_core (canon lower (func $now)))
  (core module $m
    (import "clock" "now" (func $now (result i64)))
    (memory 1)
    (global $g (mut i32) (i32.const 100))
    (data (i32.const 8) "\29\00\00\00")
    (func (export "bump") (result i32)
      (drop (call $now))
      (i32.store (i32.const 8) (i32.add (i32.load (i32.const 8)) (i32.const 1)))
      (global.set $g (i32.add (global.get $g) (i32.const 1)))
      (i32.add (i32.load (i32.const 8)) (global.get $g))))
  (core instance $clock_core (export "now" (func $now_core)))
  (core instance $i (instantiate $m (with "clock" (instance $clock_core))))
  (func (export "bump") (result u32) (canon lift (core func $i "bump"))))
)";

TEST(ComponentApi, InstancesFromAnInstancePreStartFresh) {
  for (Tier tier : {Tier::Interpreter, Tier::Jit}) {
    if (tier == Tier::Jit && Engine::jit_unavailable_reason()) continue;
    Config config;
    config.tier = tier;
    Engine engine(config);
    auto c = Component::from_text(engine, kCounter);
    ASSERT_TRUE(c) << c.error().to_string();
    const WasiConfig wasi_config;
    auto pre = ComponentInstancePre::create(engine, *c, wasi_config);
    ASSERT_TRUE(pre) << pre.error().to_string();
    Store store(engine);
    auto wasi_a = Wasi::create(wasi_config);
    auto wasi_b = Wasi::create(wasi_config);
    ASSERT_TRUE(wasi_a && wasi_b);
    auto a = pre->instantiate(store, *wasi_a);
    ASSERT_TRUE(a) << a.error().to_string();
    // 0x29 = 41 in memory, 100 in the global: 42 + 101, then 43 + 102.
    auto r = a->call("bump", {});
    ASSERT_TRUE(r && *r) << (r ? "" : r.error().to_string());
    EXPECT_EQ((*r)->bits, 143u);
    r = a->call("bump", {});
    ASSERT_TRUE(r && *r);
    EXPECT_EQ((*r)->bits, 145u);
    auto b = pre->instantiate(store, *wasi_b);
    ASSERT_TRUE(b) << b.error().to_string();
    r = b->call("bump", {});
    ASSERT_TRUE(r && *r);
    EXPECT_EQ((*r)->bits, 143u) << "a second instance starts from the initial state";
  }
}

TEST(ComponentApi, AnInstancePreRefusesImportsWasiCannotServe) {
  Engine engine;
  auto c = Component::from_text(engine, kGreeter);
  ASSERT_TRUE(c);
  auto pre = ComponentInstancePre::create(engine, *c, WasiConfig{});
  ASSERT_FALSE(pre);
  EXPECT_EQ(pre.error().kind, ErrorKind::Unlinkable) << pre.error().to_string();
}

} // namespace
} // namespace wasmcap

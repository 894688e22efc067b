// Host resources through the public component API: ComponentLinker::define_resource gives a
// guest handles to objects the host keeps (a counter here), with the Canonical ABI's handle
// table, own/borrow rules and the host's destructor on `resource.drop`.
#include <gtest/gtest.h>

#include <map>

#include "wasmcap/wasmcap.hpp"

namespace wasmcap {
namespace {

// example:host/counters has a resource `counter` (made with a start value, bumped through a
// borrow, read back by `take`, which consumes an own handle). The guest's `run` makes two,
// bumps them, drops one and gives the other back to the host: 10+1+1 and 20+1 -> 12*100 + 21.
constexpr const char* kCounters = R"(
(component
  (import "example:host/counters@1.0.0" (instance $api
    (export "counter" (type $c (sub resource)))
    (export "[constructor]counter" (func (param "start" u32) (result (own $c))))
    (export "[method]counter.bump" (func (param "self" (borrow $c)) (result u32)))
    (export "take" (func (param "c" (own $c)) (result u32)))))
  (alias export $api "counter" (type $counter))
  (core func $new (canon lower (func $api "[constructor]counter")))
  (core func $bump (canon lower (func $api "[method]counter.bump")))
  (core func $take (canon lower (func $api "take")))
  (core func $drop (canon resource.drop $counter))
  (core module $M
    (import "h" "new" (func $new (param i32) (result i32)))
    (import "h" "bump" (func $bump (param i32) (result i32)))
    (import "h" "take" (func $take (param i32) (result i32)))
    (import "h" "drop" (func $drop (param i32)))
    (func (export "run") (result i32) (local $a i32) (local $b i32) (local $r i32)
      (local.set $a (call $new (i32.const 10)))
      (local.set $b (call $new (i32.const 20)))
      (drop (call $bump (local.get $a)))
      (local.set $r (i32.mul (call $bump (local.get $a)) (i32.const 100)))
      (local.set $r (i32.add (local.get $r) (call $bump (local.get $b))))
      (call $drop (local.get $b))
      (drop (call $take (local.get $a)))
      (local.get $r))
    ;; uses a handle after `take` consumed it: the handle table refuses it
    (func (export "stale") (result i32) (local $a i32)
      (local.set $a (call $new (i32.const 1)))
      (drop (call $take (local.get $a)))
      (call $bump (local.get $a))))
  (core instance $h (export "new" (func $new)) (export "bump" (func $bump))
    (export "take" (func $take)) (export "drop" (func $drop)))
  (core instance $i (instantiate $M (with "h" (instance $h))))
  (func (export "run") (result u32) (canon lift (core func $i "run")))
  (func (export "stale") (result u32) (canon lift (core func $i "stale"))))
)";

// The host's side: counters by representation, and what was dropped or taken.
struct Counters {
  std::map<uint32_t, uint32_t> live;
  uint32_t next = 1;
  std::vector<uint32_t> dropped, taken;

  void define(ComponentLinker& linker) {
    using Args = std::span<const ComponentValue>;
    using R = Result<std::optional<ComponentValue>>;
    const std::string iface = "example:host/counters@1.0.0";
    linker.define_resource(iface, "counter", [this](uint32_t rep) -> Status {
      dropped.push_back(rep);
      live.erase(rep);
      return ok();
    });
    linker.define_func(iface, "[constructor]counter", [this](Args a) -> R {
      live[next] = static_cast<uint32_t>(a[0].bits);
      return std::optional(ComponentValue::own(next++));
    });
    linker.define_func(iface, "[method]counter.bump", [this](Args a) -> R {
      EXPECT_EQ(a[0].kind, ComponentValue::Kind::Borrow);
      auto it = live.find(static_cast<uint32_t>(a[0].bits));
      if (it == live.end()) return make_error(ErrorKind::Trap, "no such counter");
      return std::optional(ComponentValue::make(ComponentValue::Kind::U32, ++it->second));
    });
    linker.define_func(iface, "take", [this](Args a) -> R {
      EXPECT_EQ(a[0].kind, ComponentValue::Kind::Own);
      const auto rep = static_cast<uint32_t>(a[0].bits);
      taken.push_back(rep);
      const uint32_t v = live[rep];
      live.erase(rep);
      return std::optional(ComponentValue::make(ComponentValue::Kind::U32, v));
    });
  }
};

TEST(ComponentResources, HostResourcesFollowTheCanonicalAbi) {
  for (Tier tier : {Tier::Interpreter, Tier::Jit}) {
    if (tier == Tier::Jit && Engine::jit_unavailable_reason()) continue;
    Config config;
    config.tier = tier;
    Engine engine(config);
    auto c = Component::from_text(engine, kCounters);
    ASSERT_TRUE(c) << c.error().to_string();
    Counters counters;
    ComponentLinker linker;
    counters.define(linker);
    Store store(engine);
    auto inst = linker.instantiate(store, *c);
    ASSERT_TRUE(inst) << inst.error().to_string();
    auto r = inst->call("run", {});
    ASSERT_TRUE(r && *r) << (r ? "no result" : r.error().to_string());
    EXPECT_EQ((*r)->bits, 1221u);
    EXPECT_EQ(counters.dropped, std::vector<uint32_t>{2}) << "resource.drop ran the destructor";
    EXPECT_EQ(counters.taken, std::vector<uint32_t>{1}) << "an own parameter moved to the host";
    EXPECT_TRUE(counters.live.empty());

    auto stale = inst->call("stale", {});
    ASSERT_FALSE(stale) << "a handle given away must not be usable";
    EXPECT_EQ(stale.error().kind, ErrorKind::Trap) << stale.error().to_string();
    EXPECT_NE(stale.error().message.find("unknown handle index"), std::string::npos)
        << stale.error().message;
  }
}

TEST(ComponentResources, AnUndefinedResourceIsUnlinkable) {
  Engine engine;
  auto c = Component::from_text(engine, kCounters);
  ASSERT_TRUE(c) << c.error().to_string();
  ComponentLinker without; // the functions, not the resource
  without.define_func("example:host/counters", "take",
                      [](std::span<const ComponentValue>) -> Result<std::optional<ComponentValue>> {
                        return std::optional<ComponentValue>();
                      });
  Store store(engine);
  auto inst = without.instantiate(store, *c);
  ASSERT_FALSE(inst);
  EXPECT_EQ(inst.error().kind, ErrorKind::Unlinkable);
  EXPECT_NE(inst.error().message.find("resource `counter`"), std::string::npos)
      << inst.error().message;
}

TEST(ComponentResources, AFailingDestructorTrapsTheGuest) {
  Engine engine;
  auto c = Component::from_text(engine, kCounters);
  ASSERT_TRUE(c) << c.error().to_string();
  Store store(engine);
  ComponentLinker bad;
  bad.define_resource("example:host/counters", "unused"); // not imported: linking ignores it
  using R = Result<std::optional<ComponentValue>>;
  bad.define_resource("example:host/counters", "counter",
                      [](uint32_t) -> Status { return make_error(ErrorKind::Trap, "busy"); });
  bad.define_func(
      "example:host/counters", "[constructor]counter",
      [](std::span<const ComponentValue>) -> R { return std::optional(ComponentValue::own(7)); });
  bad.define_func("example:host/counters", "[method]counter.bump",
                  [](std::span<const ComponentValue>) -> R {
                    return std::optional(ComponentValue::make(ComponentValue::Kind::U32, 1));
                  });
  bad.define_func("example:host/counters", "take", [](std::span<const ComponentValue>) -> R {
    return std::optional(ComponentValue::make(ComponentValue::Kind::U32, 1));
  });
  auto inst = bad.instantiate(store, *c);
  ASSERT_TRUE(inst) << inst.error().to_string();
  auto r = inst->call("run", {});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::Trap);
  EXPECT_NE(r.error().message.find("busy"), std::string::npos) << r.error().message;
}

} // namespace
} // namespace wasmcap

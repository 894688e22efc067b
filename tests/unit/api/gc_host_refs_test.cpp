// The host's GC references (include/wasmcap/gc_ref.h, docs/gc.md "The host's references"):
// Store::root keeps an object alive across collections while its GcRef lives, a GC reference
// the host kept unrooted is refused when it comes back (never followed), the any hierarchy's
// parameters take the values whose type fits (a struct for `(ref null $s)`), and
// new_extern_ref's finalizer runs once nothing holds the reference, not before.
//
// Roots are precise by default, but with WASMCAP_GC_PRECISE=0 the collector also scans the
// native stack conservatively (docs/gc.md, "Roots"), where a value on this thread's stack would
// keep its object. So each test makes and drops the values it wants collected on another
// thread, whose stack is gone when this one collects (only the GcRef, a slot number, or nothing
// crosses back), and holds in both modes.
#include "wasmcap/wasmcap.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <optional>
#include <thread>

namespace {

using namespace wasmcap;

const char* kModule = R"((module
  (type $s (struct (field i32)))
  (type $other (struct (field i64) (field i64)))
  (global $held (mut externref) (ref.null extern))
  (func (export "make") (param i32) (result anyref) (struct.new $s (local.get 0)))
  (func (export "field") (param (ref null $s)) (result i32) (struct.get $s 0 (local.get 0)))
  (func (export "churn") (param $n i32)
    (loop $l
      (drop (struct.new $other (i64.const 1) (i64.const 2)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))
  (func (export "hold") (param externref) (global.set $held (local.get 0)))
  (func (export "drop") (global.set $held (ref.null extern)))))";

struct Fixture {
  Engine engine;
  Store store;
  Instance instance;
  Fixture() : engine(Config{}), store(engine) {
    auto m = Module::from_text(engine, kModule);
    EXPECT_TRUE(m) << (m ? "" : m.error().to_string());
    auto inst = Instance::create(store, *m, {});
    EXPECT_TRUE(inst) << (inst ? "" : inst.error().to_string());
    instance = std::move(inst).value();
  }
  Result<std::vector<Value>> call(const char* name, std::vector<Value> args) {
    return instance.get_func(name)->call(args);
  }
};

TEST(GcHostRefs, ARootKeepsAnObjectAcrossCollections) {
  Fixture f;
  std::optional<GcRef> root;
  std::thread([&] {
    auto made = f.call("make", {Value::make_i32(42)});
    ASSERT_TRUE(made);
    auto r = f.store.root((*made)[0]);
    ASSERT_TRUE(r) << r.error().to_string();
    root = std::move(*r);
  }).join();
  ASSERT_TRUE(f.call("churn", {Value::make_i32(100'000)})); // several collections
  f.store.collect_garbage();
  EXPECT_EQ(f.store.ref_kind(root->value()), Store::RefKind::Struct);
  auto field = f.call("field", {root->value()});
  ASSERT_TRUE(field) << field.error().to_string();
  EXPECT_EQ((*field)[0].i32, 42u);
  GcRef copy = *root; // another root of the same object
  root.reset();
  f.store.collect_garbage();
  field = f.call("field", {copy.value()});
  ASSERT_TRUE(field) << field.error().to_string();
  EXPECT_EQ((*field)[0].i32, 42u);
}

TEST(GcHostRefs, AnUnrootedReferenceIsRefusedAfterACollection) {
  Fixture f;
  auto bits = std::make_unique<std::atomic<uint64_t>>(0); // off the stack: the collector skips it
  // Garbage first, so the object's offset is not a small number some stack word may equal
  // (offsets are integers to a conservative scan).
  ASSERT_TRUE(f.call("churn", {Value::make_i32(10'000)}));
  std::thread([&] {
    auto made = f.call("make", {Value::make_i32(7)});
    ASSERT_TRUE(made);
    *bits = reinterpret_cast<uintptr_t>((*made)[0].ref);
  }).join();
  f.store.collect_garbage();
  const Value stale =
      Value::make_ref(ValType(ValType::Code::AnyRef),
                      reinterpret_cast<void*>(static_cast<uintptr_t>(bits->load())));
  auto field = f.call("field", {stale});
  ASSERT_FALSE(field);
  EXPECT_EQ(field.error().kind, ErrorKind::Usage);
  EXPECT_NE(field.error().message.find("not a live GC object"), std::string::npos)
      << field.error().message;
  EXPECT_FALSE(f.store.root(stale));
}

TEST(GcHostRefs, ParametersOfTheAnyHierarchyTakeFittingValues) {
  Fixture f;
  auto made = f.call("make", {Value::make_i32(5)});
  ASSERT_TRUE(made);
  auto field = f.call("field", {(*made)[0]}); // an anyref holding a $s, for (ref null $s)
  ASSERT_TRUE(field) << field.error().to_string();
  EXPECT_EQ((*field)[0].i32, 5u);
  const Value i31 = Value::make_ref(ValType(ValType::Code::AnyRef), reinterpret_cast<void*>(3));
  auto wrong = f.call("field", {i31}); // an i31 is not a $s
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().kind, ErrorKind::Usage);
  EXPECT_FALSE(f.store.root(Value::make_i32(1))); // not a reference
}

TEST(GcHostRefs, AFinalizerRunsOnceNothingHoldsTheReference) {
  Fixture f;
  std::atomic<int> finalized{0};
  std::thread([&] {
    auto ref = f.store.new_extern_ref(new int(9), [&](void* data) {
      delete static_cast<int*>(data);
      ++finalized;
    });
    ASSERT_TRUE(ref) << ref.error().to_string();
    ASSERT_TRUE(f.call("hold", {*ref}));
    EXPECT_FALSE(f.store.new_extern_ref(ref->ref, [](void*) {})); // one finalizer per pointer
  }).join();
  f.store.collect_garbage();
  EXPECT_EQ(finalized, 0) << "a global holds it";
  ASSERT_TRUE(f.call("drop", {}));
  f.store.collect_garbage();
  EXPECT_EQ(finalized, 1);
  f.store.collect_garbage();
  EXPECT_EQ(finalized, 1);
}

TEST(GcHostRefs, ARootedHostReferenceIsNotFinalized) {
  std::atomic<int> finalized{0};
  {
    Fixture f;
    std::optional<GcRef> root;
    std::thread([&] {
      auto ref = f.store.new_extern_ref(new int(1), [&](void* data) {
        delete static_cast<int*>(data);
        ++finalized;
      });
      ASSERT_TRUE(ref);
      root = *f.store.root(*ref);
    }).join();
    f.store.collect_garbage();
    EXPECT_EQ(finalized, 0);
    EXPECT_EQ(f.store.ref_kind(root->value()), Store::RefKind::Host);
  }
  EXPECT_EQ(finalized, 1) << "the store's end runs what is left";
}

} // namespace

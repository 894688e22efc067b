// The GC heap through the public API (issue 21 slice 2): Config::max_gc_heap bounds what a
// store's objects may take, an allocation past it traps "GC heap limit reached" (an exhaustion
// error, never a crash), garbage is collected so a loop that keeps nothing runs on in a small
// heap, and Store::ref_kind tells what an anyref result is.
#include "wasmcap/wasmcap.hpp"

#include <gtest/gtest.h>

namespace {

using namespace wasmcap;

// `keep`: objects of 1 KiB each, all reachable from a global list (retained) or dropped at once
// (garbage); returns how many were made.
const char* kAllocator = R"((module
  (type $blob (array (mut i64)))
  (type $cell (struct (field (ref $blob)) (field (ref null $cell))))
  (global $kept (mut (ref null $cell)) (ref.null $cell))
  (func $alloc (export "alloc") (param $n i32) (param $keep i32) (result i32)
    (local $i i32) (local $b (ref null $blob))
    (loop $l
      (local.set $b (array.new_default $blob (i32.const 127)))
      (if (local.get $keep)
        (then (global.set $kept (struct.new $cell (ref.as_non_null (local.get $b))
                                                 (global.get $kept)))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1)))
                          (local.get $n))))
    (local.get $i))
  (func (export "drop-all") (global.set $kept (ref.null $cell)))
  (func (export "struct") (result anyref) (struct.new $cell (array.new_default $blob (i32.const 1))
                                                           (ref.null $cell)))
  (func (export "array") (result anyref) (array.new_default $blob (i32.const 1)))
  (func (export "i31") (result anyref) (ref.i31 (i32.const 9)))
  (func (export "host") (param externref) (result anyref) (any.convert_extern (local.get 0)))))";

struct Fixture {
  Engine engine;
  Store store;
  Instance instance;
  explicit Fixture(uint64_t max_gc_heap) : engine(config(max_gc_heap)), store(engine) {
    auto m = Module::from_text(engine, kAllocator);
    EXPECT_TRUE(m) << (m ? "" : m.error().to_string());
    auto inst = Instance::create(store, *m, {});
    EXPECT_TRUE(inst) << (inst ? "" : inst.error().to_string());
    instance = std::move(inst).value();
  }
  static Config config(uint64_t max_gc_heap) {
    Config c;
    c.tier = Tier::Interpreter;
    c.max_gc_heap = max_gc_heap;
    return c;
  }
  Result<std::vector<Value>> alloc(uint32_t n, bool keep) {
    const std::vector<Value> args = {Value::make_i32(n), Value::make_i32(keep ? 1 : 0)};
    return instance.get_func("alloc")->call(args);
  }
};

TEST(GcHeapLimit, GarbageIsCollectedInASmallHeap) {
  Fixture f(4u << 20); // 4 MiB; the loop makes 64 MiB of arrays, none kept
  auto r = f.alloc(64 * 1024, false);
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ((*r)[0].i32, 64u * 1024);
}

TEST(GcHeapLimit, RetainedObjectsPastTheLimitTrap) {
  Fixture f(4u << 20);
  auto r = f.alloc(64 * 1024, true); // 64 MiB kept alive through the global
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::Exhaustion);
  EXPECT_EQ(r.error().message, "GC heap limit reached");
  ASSERT_FALSE(r.error().backtrace.empty());
  EXPECT_EQ(r.error().backtrace[0].func_name, "alloc");
  // Dropping the list frees its space: the store goes on allocating.
  ASSERT_TRUE(f.instance.get_func("drop-all")->call({}));
  auto again = f.alloc(2 * 1024, true);
  ASSERT_TRUE(again) << again.error().to_string();
}

TEST(GcHeapLimit, RetainedObjectsWithinTheLimitStay) {
  Fixture f(64u << 20);
  auto r = f.alloc(16 * 1024, true); // 16 MiB kept, several collections on the way
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ((*r)[0].i32, 16u * 1024);
}

TEST(GcHeapLimit, RefKindTellsObjectsApart) {
  Fixture f(Config{}.max_gc_heap);
  auto kind = [&](const char* name, std::vector<Value> args = {}) {
    auto r = f.instance.get_func(name)->call(args);
    EXPECT_TRUE(r) << (r ? "" : r.error().to_string());
    return f.store.ref_kind((*r)[0]);
  };
  EXPECT_EQ(kind("struct"), Store::RefKind::Struct);
  EXPECT_EQ(kind("array"), Store::RefKind::Array);
  EXPECT_EQ(kind("i31"), Store::RefKind::I31);
  int host_object = 0;
  EXPECT_EQ(kind("host", {Value::make_ref(ValType::ExternRef, &host_object)}),
            Store::RefKind::Host);
  EXPECT_EQ(kind("host", {Value::make_ref(ValType::ExternRef, nullptr)}), Store::RefKind::Null);
}

} // namespace

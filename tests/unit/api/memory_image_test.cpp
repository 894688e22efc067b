// Fresh instances start from their module's initial memory whatever another instance wrote:
// through the copy-on-write image (data segments at constant offsets) and through the fallback
// that writes the segments by hand (an offset from an imported global), on every tier.
#include "wasmcap/wasmcap.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using namespace wasmcap;

// Two segments that overlap (the later one wins, as instantiation's own writes would), one at
// the very end of the initial memory, a mutable global, and functions that change them.
constexpr const char* kConstant = R"((module
  (memory (export "mem") 2 4)
  (global $g (export "g") (mut i32) (i32.const 7))
  (data (i32.const 16) "hello, world")
  (data (i32.const 23) "WORLD")
  (data (i32.const 131068) "last")
  (func (export "poke") (param i32 i32) (i32.store8 (local.get 0) (local.get 1)))
  (func (export "set_g") (param i32) (global.set $g (local.get 0)))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))))";

// The same contents, but the first segment's offset comes from an imported global: no image,
// the segments are written at instantiation as before.
constexpr const char* kFromGlobal = R"((module
  (import "env" "base" (global $base i32))
  (memory (export "mem") 2 4)
  (global $g (export "g") (mut i32) (i32.const 7))
  (data (global.get $base) "hello, world")
  (data (i32.const 23) "WORLD")
  (data (i32.const 131068) "last")
  (func (export "poke") (param i32 i32) (i32.store8 (local.get 0) (local.get 1)))
  (func (export "set_g") (param i32) (global.set $g (local.get 0)))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))))";

std::string read(const Instance& inst, uint64_t at, size_t n) {
  auto mem = inst.get_memory("mem");
  EXPECT_TRUE(mem);
  std::vector<uint8_t> out(n);
  EXPECT_TRUE(mem->read(at, out));
  return std::string(out.begin(), out.end());
}

void call(const Instance& inst, const char* name, std::vector<Value> args) {
  auto f = inst.get_func(name);
  ASSERT_TRUE(f) << name;
  auto r = f->call(args);
  ASSERT_TRUE(r) << r.error().to_string();
}

struct Variant {
  Tier tier;
  const char* wat;
};

class MemoryImageTest : public ::testing::TestWithParam<Variant> {
protected:
  void SetUp() override {
    if (GetParam().tier == Tier::Jit) {
      if (auto why = Engine::jit_unavailable_reason()) GTEST_SKIP() << *why;
    }
    Config config;
    config.tier = GetParam().tier;
    engine_.emplace(config);
    auto m = Module::from_text(*engine_, GetParam().wat);
    ASSERT_TRUE(m) << m.error().to_string();
    module_.emplace(std::move(*m));
  }

  Result<Instance> instantiate(Store& store) {
    if (module_->imports().empty()) return Instance::create(store, *module_, {});
    auto base = Global::create(store, GlobalType{ValType::I32, false}, Value::make_i32(16));
    if (!base) return std::move(base).error();
    const Extern imports[] = {*base};
    return Instance::create(store, *module_, imports);
  }

  // What every fresh instance must see.
  void expect_initial(const Instance& inst) {
    EXPECT_EQ(read(inst, 16, 12), "hello, WORLD");
    EXPECT_EQ(read(inst, 131068, 4), "last");
    EXPECT_EQ(read(inst, 0, 4), std::string(4, '\0'));
    EXPECT_EQ(read(inst, 4096, 4), std::string(4, '\0')) << "past the data: zeros";
    EXPECT_EQ(inst.get_memory("mem")->size_pages(), 2u);
    auto g = inst.get_export("g");
    ASSERT_TRUE(g && g->global());
    EXPECT_EQ(g->global()->get().i32, 7u);
  }

  // Changes everything a request could: data bytes, zero bytes, the global, the size.
  void scribble(const Instance& inst) {
    call(inst, "poke", {Value::make_i32(16), Value::make_i32('J')});
    call(inst, "poke", {Value::make_i32(4096), Value::make_i32(1)});
    call(inst, "poke", {Value::make_i32(131071), Value::make_i32('!')});
    call(inst, "set_g", {Value::make_i32(99)});
    call(inst, "grow", {Value::make_i32(1)});
    EXPECT_EQ(read(inst, 16, 5), "Jello");
    EXPECT_EQ(read(inst, 131068, 4), "las!");
    EXPECT_EQ(read(inst, 131072, 4), std::string(4, '\0')) << "grown pages are zero";
    EXPECT_EQ(inst.get_export("g")->global()->get().i32, 99u);
  }

  std::optional<Engine> engine_;
  std::optional<Module> module_;
};

TEST_P(MemoryImageTest, EachInstanceStartsFromTheInitialContents) {
  for (int round = 0; round < 3; ++round) {
    Store store(*engine_);
    auto a = instantiate(store);
    ASSERT_TRUE(a) << a.error().to_string();
    expect_initial(*a);
    scribble(*a);
    // A second instance in the same store while the first is alive and changed.
    auto b = instantiate(store);
    ASSERT_TRUE(b) << b.error().to_string();
    expect_initial(*b);
    EXPECT_EQ(read(*a, 16, 5), "Jello") << "the first keeps its own pages";
  }
}

TEST_P(MemoryImageTest, ManyStoresOneAfterTheOther) {
  for (int i = 0; i < 50; ++i) {
    Store store(*engine_);
    auto inst = instantiate(store);
    ASSERT_TRUE(inst) << inst.error().to_string();
    expect_initial(*inst);
    scribble(*inst);
  }
}

INSTANTIATE_TEST_SUITE_P(Paths, MemoryImageTest,
                         ::testing::Values(Variant{Tier::Interpreter, kConstant},
                                           Variant{Tier::Interpreter, kFromGlobal},
                                           Variant{Tier::Jit, kConstant},
                                           Variant{Tier::Jit, kFromGlobal}),
                         [](const auto& info) {
                           return std::string(info.param.tier == Tier::Jit ? "Jit" : "Interp") +
                                  (info.param.wat == kConstant ? "Image" : "Fallback");
                         });

// A segment out of bounds still traps at instantiation (such a module gets no image), and so
// does one that only an imported global puts out of bounds.
TEST(MemoryImage, OutOfBoundsSegmentsStillTrap) {
  Engine engine;
  Store store(engine);
  auto m = Module::from_text(engine, R"((module (memory 1)
    (data (i32.const 0) "first") (data (i32.const 65534) "xyz")))");
  ASSERT_TRUE(m) << m.error().to_string();
  auto inst = Instance::create(store, *m, {});
  ASSERT_FALSE(inst);
  EXPECT_EQ(inst.error().message, "out of bounds memory access");
}

} // namespace

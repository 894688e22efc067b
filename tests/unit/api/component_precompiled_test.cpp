// Components compiled ahead of time: Component::precompile puts each core module's .cwasm image
// beside the component's bytes; Component::deserialize runs it without compiling, and refuses a
// damaged file or one whose code does not fit the engine, naming the core module.
#include <gtest/gtest.h>

#include "wasmcap/wasmcap.hpp"

namespace wasmcap {
namespace {

// Two core modules, one calling the other: f() = 6 * 7.
constexpr const char* kTwoModules = R"(
(component
  (core module $a (func (export "six") (result i32) (i32.const 6)))
  (core instance $ia (instantiate $a))
  (core module $b (import "a" "six" (func $six (result i32)))
    (func (export "f") (result i32) (i32.mul (call $six) (i32.const 7))))
  (core instance $ib (instantiate $b (with "a" (instance $ia))))
  (func (export "f") (result u32) (canon lift (core func $ib "f"))))
)";

std::span<const uint8_t> as_bytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

class ComponentPrecompiled : public ::testing::Test {
protected:
  void SetUp() override {
    if (Engine::jit_unavailable_reason()) GTEST_SKIP() << *Engine::jit_unavailable_reason();
  }
  static Config jit() {
    Config c;
    c.tier = Tier::Jit;
    return c;
  }
  // kTwoModules precompiled by a JIT engine.
  std::vector<uint8_t> image() {
    auto bytes = Component::precompile(engine_, as_bytes(kTwoModules));
    EXPECT_TRUE(bytes) << bytes.error().to_string();
    return bytes ? *bytes : std::vector<uint8_t>();
  }
  Engine engine_{jit()};
};

TEST_F(ComponentPrecompiled, RunsWithoutCompiling) {
  const std::vector<uint8_t> file = image();
  EXPECT_TRUE(Component::is_precompiled(file));
  EXPECT_FALSE(Module::is_precompiled(file)) << "a component image is not a module's";

  auto c = Component::deserialize(engine_, file);
  ASSERT_TRUE(c) << c.error().to_string();
  EXPECT_EQ(c->core_module_count(), 2u);
  Store store(engine_);
  auto inst = ComponentLinker().instantiate(store, *c);
  ASSERT_TRUE(inst) << inst.error().to_string();
  auto r = inst->call("f", {});
  ASSERT_TRUE(r && *r) << (r ? "no result" : r.error().to_string());
  EXPECT_EQ((*r)->bits, 42u);
}

TEST_F(ComponentPrecompiled, ADamagedFileIsRefused) {
  const std::vector<uint8_t> file = image();
  std::vector<uint8_t> flipped = file;
  flipped[flipped.size() / 2] ^= 0x40;
  auto c = Component::deserialize(engine_, flipped);
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().kind, ErrorKind::Malformed);
  EXPECT_NE(c.error().message.find("checksum"), std::string::npos) << c.error().message;

  const std::vector<uint8_t> truncated(file.begin(), file.begin() + 20);
  c = Component::deserialize(engine_, truncated);
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().kind, ErrorKind::Malformed) << c.error().to_string();
}

TEST_F(ComponentPrecompiled, CodeWithoutTheEnginesChecksIsRefusedByCoreModule) {
  Config metered = jit();
  metered.fuel = 1000; // fuel needs code compiled with fuel checks
  Engine engine(metered);
  auto c = Component::deserialize(engine, image());
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("core module at 0x"), std::string::npos) << c.error().message;
}

TEST_F(ComponentPrecompiled, AModuleIsNotAComponent) {
  auto file = Component::precompile(engine_, as_bytes("(module)"));
  ASSERT_FALSE(file);
  EXPECT_EQ(file.error().kind, ErrorKind::Malformed) << file.error().to_string();
}

} // namespace
} // namespace wasmcap

// Config::compile_progress: the compiles a caller waits for report the share done, growing to
// 1, with the module's function count; tier-up's background compile and interpreted modules
// report nothing.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "wasmcap/wasmcap.hpp"

namespace {

using namespace wasmcap;

std::string module_text(int functions) {
  std::string wat = "(module\n";
  for (int i = 0; i < functions; ++i) {
    wat += "(func (export \"f" + std::to_string(i) +
           "\") (param i32) (result i32) (i32.mul (local.get 0) (i32.const " +
           std::to_string(i + 2) + ")))\n";
  }
  return wat + ")";
}

struct Calls {
  std::vector<double> done;
  std::vector<uint64_t> functions;
};

Config reporting(Calls& calls, Tier tier) {
  Config config;
  config.tier = tier;
  config.compile_progress = [&calls](double done, uint64_t functions) {
    calls.done.push_back(done);
    calls.functions.push_back(functions);
  };
  return config;
}

void expect_a_whole_compile(const Calls& calls, uint64_t functions) {
  ASSERT_GE(calls.done.size(), 4u); // at least one call per step of the work
  for (size_t i = 1; i < calls.done.size(); ++i)
    EXPECT_GE(calls.done[i], calls.done[i - 1]) << "call " << i;
  EXPECT_GE(calls.done.front(), 0.0);
  EXPECT_EQ(calls.done.back(), 1.0);
  for (uint64_t n : calls.functions)
    EXPECT_EQ(n, functions);
}

TEST(CompileProgress, PrecompileReportsEveryStep) {
  if (Engine::jit_unavailable_reason()) GTEST_SKIP() << "no LLVM tier";
  Calls calls;
  const Engine engine(reporting(calls, Tier::Jit));
  const std::string wat = module_text(40);
  auto image = Module::precompile(
      engine, std::span(reinterpret_cast<const uint8_t*>(wat.data()), wat.size()));
  ASSERT_TRUE(image) << image.error().to_string();
  expect_a_whole_compile(calls, 40);
  // Some call falls strictly between the start and the end.
  bool middle = false;
  for (double d : calls.done)
    middle = middle || (d > 0.2 && d < 0.9);
  EXPECT_TRUE(middle);
}

TEST(CompileProgress, JitModuleReports) {
  if (Engine::jit_unavailable_reason()) GTEST_SKIP() << "no LLVM tier";
  Calls calls;
  const Engine engine(reporting(calls, Tier::Jit));
  auto module = Module::from_text(engine, module_text(12));
  ASSERT_TRUE(module) << module.error().to_string();
  EXPECT_TRUE(module->jit_fallback_reason().empty());
  expect_a_whole_compile(calls, 12);
}

TEST(CompileProgress, AFailedCompileStillEnds) {
  if (Engine::jit_unavailable_reason()) GTEST_SKIP() << "no LLVM tier";
  Calls calls;
  const Engine engine(reporting(calls, Tier::Jit));
  // Valid text, invalid module (i64 result from an i32 body): the plugin's validator refuses.
  const std::string wat = "(module (func (result i64) (i32.const 1)))";
  auto image = Module::precompile(
      engine, std::span(reinterpret_cast<const uint8_t*>(wat.data()), wat.size()));
  ASSERT_FALSE(image);
  ASSERT_FALSE(calls.done.empty());
  EXPECT_EQ(calls.done.back(), 1.0);
}

TEST(CompileProgress, InterpreterAndTierUpReportNothing) {
  Calls calls;
  const Engine interp(reporting(calls, Tier::Interpreter));
  ASSERT_TRUE(Module::from_text(interp, module_text(5)));
  Config config = reporting(calls, Tier::Auto);
  config.tier_up_delay_ms = 0;
  const Engine engine(config);
  auto module = Module::from_text(engine, module_text(5));
  ASSERT_TRUE(module);
  Store store(engine);
  Linker linker;
  auto instance = linker.instantiate(store, *module);
  ASSERT_TRUE(instance);
  module->wait_for_tier_up();
  EXPECT_TRUE(calls.done.empty());
}

} // namespace

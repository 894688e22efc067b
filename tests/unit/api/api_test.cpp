// The public C++ API end to end: text -> module -> instance -> calls, traps with backtraces,
// link errors, host functions, memory views.
#include "wasmcap/wasmcap.hpp"

#include <gtest/gtest.h>

namespace {

using namespace wasmcap;

Module compile_text(const Engine& engine, const char* wat) {
  auto m = Module::from_text(engine, wat);
  EXPECT_TRUE(m) << (m ? "" : m.error().to_string());
  return std::move(m).value();
}

TEST(Api, CallsAnExportedFunction) {
  Engine engine;
  Store store(engine);
  Module m = compile_text(engine, R"((module
    (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))))");
  auto inst = Instance::create(store, m, {});
  ASSERT_TRUE(inst);
  auto add = inst->get_func("add");
  ASSERT_TRUE(add);
  Value args[] = {Value::make_i32(40), Value::make_i32(2)};
  auto r = add->call(args);
  ASSERT_TRUE(r) << r.error().to_string();
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0].i32, 42u);
}

TEST(Api, TrapCarriesMessageAndNamedBacktrace) {
  Engine engine;
  Store store(engine);
  Module m = compile_text(engine, R"((module
    (func $inner (unreachable))
    (func $outer (export "run") (call $inner))))");
  auto inst = Instance::create(store, m, {});
  ASSERT_TRUE(inst);
  auto r = inst->get_func("run")->call({});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::Trap);
  EXPECT_EQ(r.error().message, "unreachable");
  ASSERT_GE(r.error().backtrace.size(), 2u);
  EXPECT_EQ(r.error().backtrace[0].func_name, "inner");
  EXPECT_EQ(r.error().backtrace[1].func_name, "outer");
}

TEST(Api, DeepRecursionIsExhaustionNotACrash) {
  Engine engine;
  Store store(engine);
  Module m = compile_text(engine, R"((module
    (func $f (export "f") (param i32) (result i32) (call $f (local.get 0)))))");
  auto inst = Instance::create(store, m, {});
  ASSERT_TRUE(inst);
  Value args[] = {Value::make_i32(1)};
  auto r = inst->get_func("f")->call(args);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::Exhaustion);
  EXPECT_EQ(r.error().message, "call stack exhausted");
}

TEST(Api, LinkerNamesTheMissingImport) {
  Engine engine;
  Store store(engine);
  Module m = compile_text(engine, R"((module (import "env" "log" (func (param i32)))))");
  Linker linker;
  auto inst = linker.instantiate(store, m);
  ASSERT_FALSE(inst);
  EXPECT_EQ(inst.error().kind, ErrorKind::Unlinkable);
  EXPECT_NE(inst.error().message.find("\"env\".\"log\""), std::string::npos);
  EXPECT_NE(inst.error().message.find("(i32) -> ()"), std::string::npos);
}

TEST(Api, HostFunctionIsCalledWithArguments) {
  Engine engine;
  Store store(engine);
  Module m = compile_text(engine, R"((module
    (import "env" "twice" (func $twice (param i32) (result i32)))
    (func (export "run") (result i32) (call $twice (i32.const 21)))))");
  Linker linker;
  int calls = 0;
  linker.define("env", "twice",
                Func::create_host(store, FuncType{{ValType::I32}, {ValType::I32}},
                                  [&](std::span<const Value> args, std::span<Value> results) {
                                    ++calls;
                                    results[0] = Value::make_i32(args[0].i32 * 2);
                                    return ok();
                                  }));
  auto inst = linker.instantiate(store, m);
  ASSERT_TRUE(inst) << inst.error().to_string();
  auto r = inst->get_func("run")->call({});
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ((*r)[0].i32, 42u);
  EXPECT_EQ(calls, 1);
}

// A resolver is asked only for imports nothing else defines, and only for its module name.
TEST(Api, LinkerResolverDefinesOnDemand) {
  Engine engine;
  Store store(engine);
  Module m = compile_text(engine, R"((module
    (import "host" "seven" (func $seven (result i32)))
    (import "host" "eight" (func $eight (result i32)))
    (func (export "run") (result i32) (i32.add (call $seven) (call $eight)))))");
  auto constant = [&](uint32_t v) {
    return Func::create_host(store, FuncType{{}, {ValType::I32}},
                             [v](std::span<const Value>, std::span<Value> results) {
                               results[0] = Value::make_i32(v);
                               return ok();
                             });
  };
  Linker linker;
  std::vector<std::string> asked;
  linker.define_resolver("host", [&](std::string_view name) -> std::optional<Extern> {
    asked.emplace_back(name);
    if (name == "seven") return Extern(constant(7));
    return std::nullopt;
  });
  // Nothing provides "eight" yet: the resolver's nullopt is an unknown import.
  auto missing = linker.instantiate(store, m);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind, ErrorKind::Unlinkable);
  EXPECT_NE(missing.error().message.find("\"host\".\"eight\""), std::string::npos);
  // An explicit definition wins over the resolver.
  linker.define("host", "eight", constant(8));
  asked.clear();
  auto inst = linker.instantiate(store, m);
  ASSERT_TRUE(inst) << inst.error().to_string();
  EXPECT_EQ(asked, std::vector<std::string>{"seven"});
  auto r = inst->get_func("run")->call({});
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ((*r)[0].i32, 15u);
  EXPECT_TRUE(linker.get("host", "seven"));
  EXPECT_FALSE(linker.get("other", "seven"));
}

TEST(Api, MemoryViewsAreBoundsChecked) {
  Engine engine;
  Store store(engine);
  Module m =
      compile_text(engine, R"((module (memory (export "mem") 1) (data (i32.const 8) "hi")))");
  auto inst = Instance::create(store, m, {});
  ASSERT_TRUE(inst);
  auto mem = inst->get_memory("mem");
  ASSERT_TRUE(mem);
  uint8_t buf[2];
  ASSERT_TRUE(mem->read(8, buf));
  EXPECT_EQ(buf[0], 'h');
  EXPECT_FALSE(mem->read(65535, buf));
  auto old = mem->grow(1);
  ASSERT_TRUE(old);
  EXPECT_EQ(*old, 1u);
  EXPECT_TRUE(mem->read(65535, buf));
}

TEST(Api, MalformedAndInvalidModulesAreErrors) {
  Engine engine;
  const uint8_t bad_magic[] = {0x00, 0x61, 0x73, 0x6e, 1, 0, 0, 0};
  auto m1 = Module::from_binary(engine, bad_magic);
  ASSERT_FALSE(m1);
  EXPECT_EQ(m1.error().kind, ErrorKind::Malformed);
  auto m2 = Module::from_text(engine, "(module (func (result i32) (i64.const 0)))");
  ASSERT_FALSE(m2);
  EXPECT_EQ(m2.error().kind, ErrorKind::Invalid);
  auto m3 = Module::from_text(engine, "(module (func (i32.bogus)))");
  ASSERT_FALSE(m3);
  EXPECT_EQ(m3.error().kind, ErrorKind::Malformed);
  EXPECT_GT(m3.error().where.line, 0u);
}

} // namespace

// Config::guard_pages on the JIT: memory 0's strategy as Instance::memory_strategy() reports it,
// and an out-of-bounds load traps the same way with and without guard pages.
TEST(Api, JitGuardPagesFollowTheConfig) {
  if (auto why = Engine::jit_unavailable_reason()) GTEST_SKIP() << *why;
  const char* wat = R"((module (memory 1 1)
    (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))))";
  struct Case {
    Tier tier;
    bool guard_pages;
    const char* strategy;
  };
  const Case cases[] = {
      {Tier::Jit, true, "guard pages (8 GiB reserved)"},
      {Tier::Jit, false, "explicit bounds checks (guard pages disabled)"},
      {Tier::Interpreter, true, "explicit bounds checks (interpreter)"},
  };
  for (const Case& c : cases) {
    Config config;
    config.tier = c.tier;
    config.guard_pages = c.guard_pages;
    Engine engine(config);
    Store store(engine);
    Module m = compile_text(engine, wat);
    auto inst = Instance::create(store, m, {});
    ASSERT_TRUE(inst) << inst.error().to_string();
    EXPECT_EQ(inst->memory_strategy(), c.strategy);
    Value in_bounds[] = {Value::make_i32(65532)};
    EXPECT_TRUE(inst->get_func("load")->call(in_bounds));
    Value out[] = {Value::make_i32(65533)};
    auto r = inst->get_func("load")->call(out);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message, "out of bounds memory access");
  }
}

// Multiple memories on the JIT: one strategy per memory, only memory 0 with guard pages, and
// memory 1 (smaller than memory 0) trapping at its own end.
TEST(Api, JitMemoryStrategiesNameEveryMemory) {
  if (auto why = Engine::jit_unavailable_reason()) GTEST_SKIP() << *why;
  const char* wat = R"((module (memory 2) (memory $one 1) (memory $two i64 1)
    (func (export "load1") (param i32) (result i32) (i32.load8_u $one (local.get 0)))))";
  Config config;
  config.tier = Tier::Jit;
  Engine engine(config);
  Store store(engine);
  Module m = compile_text(engine, wat);
  auto inst = Instance::create(store, m, {});
  ASSERT_TRUE(inst) << inst.error().to_string();
  const std::vector<std::string> want = {
      "guard pages (8 GiB reserved)", "explicit bounds checks (guard pages are for memory 0 only)",
      "explicit bounds checks (64-bit memory: no guard pages)"};
  EXPECT_EQ(inst->memory_strategies(), want);
  Value last[] = {Value::make_i32(65535)};
  EXPECT_TRUE(inst->get_func("load1")->call(last));
  Value past[] = {Value::make_i32(65536)};
  auto r = inst->get_func("load1")->call(past);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "out of bounds memory access");
}

// The C++ conveniences: host functions typed by their C++ signature (Func::wrap,
// Linker::func_wrap, Caller), typed calls (get_typed_func) and bounds-checked memory views.
#include <gtest/gtest.h>

#include <tuple>

#include "wasmcap/wasmcap.hpp"

namespace {

using namespace wasmcap;

Module compile_text(const Engine& engine, const char* wat) {
  auto m = Module::from_text(engine, wat);
  EXPECT_TRUE(m) << (m ? "" : m.error().to_string());
  return std::move(m).value();
}

TEST(FuncWrap, TypeComesFromTheSignature) {
  Engine engine;
  Store store(engine);
  Func f = Func::wrap(store, [](int32_t, int64_t, float, double) -> float { return 0; });
  EXPECT_EQ(f.type(),
            (FuncType{{ValType::I32, ValType::I64, ValType::F32, ValType::F64}, {ValType::F32}}));
  Func v = Func::wrap(store, [](uint32_t) {});
  EXPECT_EQ(v.type(), (FuncType{{ValType::I32}, {}}));
  Func multi = Func::wrap(store, []() { return std::tuple<uint64_t, double>(1, 2); });
  EXPECT_EQ(multi.type(), (FuncType{{}, {ValType::I64, ValType::F64}}));
  Func with_caller = Func::wrap(store, [](Caller&, int32_t) -> Result<int32_t> { return 1; });
  EXPECT_EQ(with_caller.type(), (FuncType{{ValType::I32}, {ValType::I32}}));
}

int32_t negate(int32_t x) {
  return -x;
}

TEST(FuncWrap, ConvertsArgumentsAndResults) {
  Engine engine;
  Store store(engine);
  Module m = compile_text(engine, R"((module
    (import "env" "mix" (func $mix (param i32 i64 f32 f64) (result f64)))
    (import "env" "neg" (func $neg (param i32) (result i32)))
    (import "env" "pair" (func $pair (param i32) (result i32 i64)))
    (func (export "mix") (result f64)
      (call $mix (i32.const -3) (i64.const 5000000000) (f32.const 0.5) (f64.const 0.25)))
    (func (export "neg") (result i32) (call $neg (i32.const 7)))
    (func (export "pair") (result i64) (local i64)
      (call $pair (i32.const 4)) (local.set 0) (i64.extend_i32_s) (local.get 0) (i64.add))))");
  Linker linker;
  linker.func_wrap("env", "mix", [](int32_t a, int64_t b, float c, double d) {
    return static_cast<double>(a) + static_cast<double>(b) + c + d;
  });
  linker.func_wrap("env", "neg", &negate);
  linker.func_wrap("env", "pair", [](uint32_t x) { return std::tuple<int32_t, int64_t>(x, 10); });
  auto inst = linker.instantiate(store, m);
  ASSERT_TRUE(inst) << inst.error().to_string();

  auto mix = inst->get_typed_func<double()>("mix");
  ASSERT_TRUE(mix) << mix.error().to_string();
  auto r = (*mix)();
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_DOUBLE_EQ(*r, -3.0 + 5000000000.0 + 0.75);

  auto neg = inst->get_typed_func<int32_t()>("neg");
  ASSERT_TRUE(neg);
  EXPECT_EQ(*neg->call(), -7);

  auto pair = inst->get_typed_func<int64_t()>("pair");
  ASSERT_TRUE(pair);
  EXPECT_EQ(*(*pair)(), 14);
}

TEST(FuncWrap, ReturningAnErrorTrapsTheCaller) {
  Engine engine;
  Store store(engine);
  Module m = compile_text(engine, R"((module
    (import "env" "check" (func $check (param i32) (result i32)))
    (import "env" "fail" (func $fail))
    (func (export "check") (param i32) (result i32) (call $check (local.get 0)))
    (func (export "fail") (call $fail))))");
  Linker linker;
  linker.func_wrap("env", "check", [](int32_t x) -> Result<int32_t> {
    if (x < 0) return make_error(ErrorKind::Trap, "negative input");
    return x + 1;
  });
  linker.func_wrap("env", "fail",
                   []() -> Status { return make_error(ErrorKind::Trap, "always fails"); });
  auto inst = linker.instantiate(store, m);
  ASSERT_TRUE(inst) << inst.error().to_string();
  auto check = inst->get_typed_func<int32_t(int32_t)>("check");
  ASSERT_TRUE(check);
  EXPECT_EQ(*(*check)(1), 2);
  auto bad = (*check)(-1);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().kind, ErrorKind::Trap);
  EXPECT_NE(bad.error().message.find("negative input"), std::string::npos);

  auto fail = inst->get_typed_func<void()>("fail");
  ASSERT_TRUE(fail);
  Status s = (*fail)();
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("always fails"), std::string::npos);
}

TEST(FuncWrap, CallerSeesTheCallingInstancesMemory) {
  Engine engine;
  Store store(engine);
  Module m = compile_text(engine, R"((module
    (import "env" "log" (func $log (param i32 i32)))
    (memory (export "memory") 1)
    (data (i32.const 16) "hello plugin")
    (func (export "run") (call $log (i32.const 16) (i32.const 12)))
    (func (export "run_bad") (call $log (i32.const 65530) (i32.const 100)))))");
  Linker linker;
  std::string logged;
  linker.func_wrap("env", "log", [&](Caller& caller, uint32_t ptr, uint32_t len) -> Status {
    auto mem = caller.memory();
    if (!mem) return mem.error();
    auto text = mem->read_string(ptr, len);
    if (!text) return text.error();
    logged = *text;
    return ok();
  });
  auto inst = linker.instantiate(store, m);
  ASSERT_TRUE(inst) << inst.error().to_string();
  auto run = inst->get_typed_func<void()>("run");
  ASSERT_TRUE(run);
  ASSERT_TRUE((*run)());
  EXPECT_EQ(logged, "hello plugin");

  // A guest pointer past the end is an error value (a trap for the guest), not a host crash.
  auto bad = inst->get_typed_func<void()>("run_bad");
  ASSERT_TRUE(bad);
  Status s = (*bad)();
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("out of bounds"), std::string::npos);
}

TEST(FuncWrap, CallerWithoutMemoryOrInstanceIsAnError) {
  Engine engine;
  Store store(engine);
  Module m = compile_text(engine, R"((module
    (import "env" "probe" (func $probe (result i32)))
    (func (export "run") (result i32) (call $probe))))");
  Func probe = Func::wrap(store, [](Caller& caller) -> int32_t {
    return caller.memory() ? 1 : (caller.has_instance() ? 2 : 3);
  });
  Extern imports[] = {probe};
  auto inst = Instance::create(store, m, imports);
  ASSERT_TRUE(inst);
  EXPECT_EQ(*inst->get_typed_func<int32_t()>("run")->call(), 2); // an instance, no memory
  auto direct = probe.call({});                                  // no wasm caller at all
  ASSERT_TRUE(direct);
  EXPECT_EQ((*direct)[0].i32, 3u);
}

TEST(FuncWrap, LinkerDefinitionsServeSeveralStores) {
  Engine engine;
  Module m = compile_text(engine, R"((module
    (import "env" "seven" (func $seven (result i32)))
    (func (export "run") (result i32) (call $seven))))");
  Linker linker;
  linker.func_wrap("env", "seven", [] { return int32_t{7}; });
  for (int i = 0; i < 2; ++i) {
    Store store(engine);
    auto inst = linker.instantiate(store, m);
    ASSERT_TRUE(inst) << inst.error().to_string();
    EXPECT_EQ(*inst->get_typed_func<int32_t()>("run")->call(), 7);
  }
}

TEST(TypedFunc, MismatchNamesBothTypes) {
  Engine engine;
  Store store(engine);
  Module m = compile_text(engine, R"((module
    (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))))");
  auto inst = Instance::create(store, m, {});
  ASSERT_TRUE(inst);
  auto add = inst->get_typed_func<int32_t(int32_t, int32_t)>("add");
  ASSERT_TRUE(add) << add.error().to_string();
  EXPECT_EQ(*(*add)(1, 2), 3);
  EXPECT_EQ(*(*add)(INT32_MAX, 1), INT32_MIN); // wraps like i32.add

  auto wrong = inst->get_typed_func<int64_t(int32_t, int32_t)>("add");
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().kind, ErrorKind::Usage);
  EXPECT_NE(wrong.error().message.find("\"add\""), std::string::npos);
  EXPECT_NE(wrong.error().message.find("(i32, i32) -> (i32)"), std::string::npos);
  EXPECT_NE(wrong.error().message.find("(i32, i32) -> (i64)"), std::string::npos);

  auto missing = inst->get_typed_func<void()>("nope");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind, ErrorKind::Usage);
  EXPECT_NE(missing.error().message.find("\"nope\""), std::string::npos);
}

TEST(TypedFunc, TrapsComeBackAsErrors) {
  Engine engine;
  Store store(engine);
  Module m = compile_text(engine, R"((module
    (func (export "div") (param i64 i64) (result i64) (i64.div_s (local.get 0) (local.get 1)))))");
  auto inst = Instance::create(store, m, {});
  ASSERT_TRUE(inst);
  auto div = inst->get_typed_func<int64_t(int64_t, int64_t)>("div");
  ASSERT_TRUE(div);
  EXPECT_EQ(*(*div)(-9, 3), -3);
  auto r = (*div)(1, 0);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::Trap);
  EXPECT_EQ(r.error().message, "integer divide by zero");
}

TEST(MemoryView, ChecksBoundsAlignmentAndOverflow) {
  Engine engine;
  Store store(engine);
  Module m = compile_text(engine, R"((module (memory (export "memory") 1)
    (data (i32.const 8) "\01\00\00\00\02\00\00\00")))");
  auto inst = Instance::create(store, m, {});
  ASSERT_TRUE(inst);
  auto mem = inst->get_memory("memory");
  ASSERT_TRUE(mem);

  auto ints = mem->view<uint32_t>(8, 2);
  ASSERT_TRUE(ints) << ints.error().to_string();
  EXPECT_EQ((*ints)[0], 1u);
  EXPECT_EQ((*ints)[1], 2u);
  (*ints)[1] = 5; // writes through the view reach linear memory
  uint8_t b[1];
  ASSERT_TRUE(mem->read(12, b));
  EXPECT_EQ(b[0], 5);

  EXPECT_TRUE(mem->view<uint8_t>(65536, 0));  // empty, at the end: fine
  EXPECT_FALSE(mem->view<uint8_t>(65536, 1)); // one past the end
  EXPECT_FALSE(mem->view<uint32_t>(65533, 1));
  EXPECT_FALSE(mem->view<uint32_t>(9, 1));              // misaligned
  EXPECT_FALSE(mem->view<uint64_t>(8, UINT64_MAX / 4)); // count * size overflows
  EXPECT_FALSE(mem->bytes(UINT64_MAX, 2));              // offset + length overflows
  auto s = mem->read_string(65530, 10);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().kind, ErrorKind::Usage);
  ASSERT_TRUE(mem->grow(1));
  EXPECT_TRUE(mem->view<uint32_t>(65536, 4)); // the new page is in bounds
}

} // namespace

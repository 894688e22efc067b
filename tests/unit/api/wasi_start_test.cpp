// Wasi::start / Wasi::initialize with node:wasi's semantics: what a command and a reactor must
// export, the refusals, proc_exit codes as return values (or the host's exit with
// return_on_exit = false), and the version choice of the linked import module.
#include <gtest/gtest.h>
#include <unistd.h>

#include <string>

#include "wasmcap/wasmcap.hpp"

namespace {

using namespace wasmcap;

// Runs one WAT module under a Wasi built from `config` (stdio off unless the test sets it).
struct Guest {
  Engine engine;
  Store store{engine};
  Linker linker;
  std::optional<Wasi> wasi;
  Instance instance;

  explicit Guest(const char* wat, WasiConfig config = quiet()) {
    auto w = Wasi::create(config);
    EXPECT_TRUE(w) << (w ? "" : w.error().to_string());
    wasi.emplace(std::move(w).value());
    EXPECT_TRUE(wasi->add_to_linker(linker, store));
    auto m = Module::from_text(engine, wat);
    EXPECT_TRUE(m) << (m ? "" : m.error().to_string());
    auto i = linker.instantiate(store, *m);
    EXPECT_TRUE(i) << (i ? "" : i.error().to_string());
    if (i) instance = *i;
  }
  static WasiConfig quiet() {
    WasiConfig c;
    c.stdin_fd = c.stdout_fd = c.stderr_fd = -1;
    return c;
  }
};

constexpr const char* kExit7 = R"((module
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (func (export "_start") (call $exit (i32.const 7)) unreachable)))";

constexpr const char* kReturns = R"((module
  (memory (export "memory") 1)
  (global $ran (export "ran") (mut i32) (i32.const 0))
  (func (export "_start") (global.set $ran (i32.const 1)))))";

void expect_usage(const Error& e, const char* words) {
  EXPECT_EQ(e.kind, ErrorKind::Usage) << e.to_string();
  EXPECT_NE(e.message.find(words), std::string::npos) << e.message;
}

TEST(WasiStart, ReturnsZeroWhenStartReturns) {
  Guest g(kReturns);
  auto code = g.wasi->start(g.instance);
  ASSERT_TRUE(code) << code.error().to_string();
  EXPECT_EQ(*code, 0);
  EXPECT_EQ(g.instance.get_export("ran")->global()->get().i32, 1u);
  EXPECT_FALSE(g.wasi->exit_code());
}

TEST(WasiStart, ReturnsTheProcExitCode) {
  Guest g(kExit7);
  auto code = g.wasi->start(g.instance);
  ASSERT_TRUE(code) << code.error().to_string();
  EXPECT_EQ(*code, 7);
  EXPECT_EQ(g.wasi->exit_code(), 7);
}

TEST(WasiStart, BindsMemoryForWasiCalls) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  WasiConfig config = Guest::quiet();
  config.stdout_fd = fds[1];
  // fd_write(1, iovs = [{ptr 16, len 3}] at 0, 1, nwritten at 8): reads the iovec from the
  // memory start() bound.
  Guest g(R"((module
    (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
    (memory (export "memory") 1)
    (data (i32.const 0) "\10\00\00\00\03\00\00\00")
    (data (i32.const 16) "hi\n")
    (func (export "_start")
      (if (call $w (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)) (then unreachable)))))",
          config);
  close(fds[1]);
  auto code = g.wasi->start(g.instance);
  ASSERT_TRUE(code) << code.error().to_string();
  EXPECT_EQ(*code, 0);
  g.wasi.reset(); // closes the duplicated write end, so the read below sees end of file
  char buf[8] = {};
  EXPECT_EQ(read(fds[0], buf, sizeof buf), 3);
  EXPECT_STREQ(buf, "hi\n");
  close(fds[0]);
}

TEST(WasiStart, TrapIsAnError) {
  Guest g(R"((module (memory (export "memory") 1) (func (export "_start") unreachable)))");
  auto code = g.wasi->start(g.instance);
  ASSERT_FALSE(code);
  EXPECT_EQ(code.error().kind, ErrorKind::Trap);
}

TEST(WasiStart, RefusesAModuleWithoutStart) {
  Guest g(R"((module (memory (export "memory") 1)))");
  auto code = g.wasi->start(g.instance);
  ASSERT_FALSE(code);
  expect_usage(code.error(), "no function \"_start\"");
}

TEST(WasiStart, RefusesAStartThatIsNotAFunctionOfNoArguments) {
  Guest g(R"((module (memory (export "memory") 1) (func (export "_start") (param i32))))");
  auto code = g.wasi->start(g.instance);
  ASSERT_FALSE(code);
  expect_usage(code.error(), "not a function () -> ()");
}

TEST(WasiStart, RefusesAModuleThatAlsoExportsInitialize) {
  Guest g(R"((module (memory (export "memory") 1)
    (global $ran (export "ran") (mut i32) (i32.const 0))
    (func (export "_start") (global.set $ran (i32.const 1)))
    (func (export "_initialize"))))");
  auto code = g.wasi->start(g.instance);
  ASSERT_FALSE(code);
  expect_usage(code.error(), "\"_initialize\"");
  EXPECT_EQ(g.instance.get_export("ran")->global()->get().i32, 0u); // nothing ran
}

TEST(WasiStart, RequiresAMemoryExport) {
  Guest g(R"((module (func (export "_start"))))");
  auto code = g.wasi->start(g.instance);
  ASSERT_FALSE(code);
  expect_usage(code.error(), "no memory \"memory\"");
}

TEST(WasiStart, RefusesASecondStartOrInitialize) {
  Guest g(kReturns);
  ASSERT_TRUE(g.wasi->start(g.instance));
  auto again = g.wasi->start(g.instance);
  ASSERT_FALSE(again);
  expect_usage(again.error(), "already started");
  Status init = g.wasi->initialize(g.instance);
  ASSERT_FALSE(init);
  expect_usage(init.error(), "already started");
}

TEST(WasiStart, ARefusedStartDoesNotUseUpTheWasi) {
  Guest g(kReturns);
  Guest without_memory(R"((module (func (export "_start"))))");
  ASSERT_FALSE(g.wasi->start(without_memory.instance));
  auto code = g.wasi->start(g.instance);
  ASSERT_TRUE(code) << code.error().to_string();
}

TEST(WasiStart, ReturnOnExitFalseExitsTheHost) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  WasiConfig config = Guest::quiet();
  config.return_on_exit = false;
  EXPECT_EXIT(
      {
        Guest g(kExit7, config);
        (void)g.wasi->start(g.instance);
        std::_Exit(99); // not reached: start() exits with the guest's code
      },
      testing::ExitedWithCode(7), "");
}

constexpr const char* kReactor = R"((module
  (memory (export "memory") 1)
  (global $inits (export "inits") (mut i32) (i32.const 0))
  (func (export "_initialize") (global.set $inits (i32.add (global.get $inits) (i32.const 1))))
  (func (export "get") (result i32) (global.get $inits))))";

TEST(WasiInitialize, CallsInitializeOnce) {
  Guest g(kReactor);
  ASSERT_TRUE(g.wasi->initialize(g.instance));
  auto get = g.instance.get_typed_func<int32_t()>("get");
  ASSERT_TRUE(get);
  EXPECT_EQ(*(*get)(), 1);
  Status again = g.wasi->initialize(g.instance);
  ASSERT_FALSE(again);
  expect_usage(again.error(), "already started");
  EXPECT_EQ(*(*get)(), 1);
  auto start = g.wasi->start(g.instance);
  ASSERT_FALSE(start);
  expect_usage(start.error(), "already started");
}

TEST(WasiInitialize, InitializeIsOptional) {
  Guest g(R"((module (memory (export "memory") 1) (func (export "f"))))");
  EXPECT_TRUE(g.wasi->initialize(g.instance));
}

TEST(WasiInitialize, RefusesACommand) {
  Guest g(kReturns);
  Status s = g.wasi->initialize(g.instance);
  ASSERT_FALSE(s);
  expect_usage(s.error(), "\"_start\"");
  EXPECT_EQ(g.instance.get_export("ran")->global()->get().i32, 0u);
}

TEST(WasiInitialize, RequiresAMemoryExport) {
  Guest g(R"((module (func (export "_initialize"))))");
  Status s = g.wasi->initialize(g.instance);
  ASSERT_FALSE(s);
  expect_usage(s.error(), "no memory \"memory\"");
}

TEST(WasiInitialize, ProcExitIsAnExitError) {
  Guest g(R"((module
    (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
    (memory (export "memory") 1)
    (func (export "_initialize") (call $exit (i32.const 3)))))");
  Status s = g.wasi->initialize(g.instance);
  ASSERT_FALSE(s);
  EXPECT_EQ(exit_code_of(s.error()), 3);
}

constexpr const char* kUnstableExit = R"((module
  (import "wasi_unstable" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (func (export "_start") (call $exit (i32.const 5)))))";

Result<Instance> link_with(Store& store, Linker& linker, Wasi& wasi, const char* wat) {
  EXPECT_TRUE(wasi.add_to_linker(linker, store));
  auto m = Module::from_text(store.engine(), wat);
  if (!m) return m.error();
  return linker.instantiate(store, *m);
}

// add_to_linker defines functions on demand: each is created once, on first use, with its type.
TEST(WasiLinker, FunctionsAreMadeOnceWhenAskedFor) {
  Engine engine;
  Store store(engine);
  Linker linker;
  auto wasi = Wasi::create(Guest::quiet());
  ASSERT_TRUE(wasi);
  ASSERT_TRUE(wasi->add_to_linker(linker, store));
  for (const char* module : {"wasi_snapshot_preview1", "wasi_unstable"}) {
    auto a = linker.get(module, "fd_write");
    ASSERT_TRUE(a && a->func()) << module;
    EXPECT_EQ(a->func()->type(),
              (FuncType{{ValType::I32, ValType::I32, ValType::I32, ValType::I32}, {ValType::I32}}));
    auto b = linker.get(module, "fd_write");
    ASSERT_TRUE(b && b->func());
    EXPECT_EQ(a->func()->handle(), b->func()->handle()) << "made twice in " << module;
    EXPECT_TRUE(linker.get(module, "path_open"));
    EXPECT_FALSE(linker.get(module, "no_such_function"));
  }
  // The two modules' functions are distinct (preview0 has its own layouts for some).
  EXPECT_NE(linker.get("wasi_unstable", "fd_seek")->func()->handle(),
            linker.get("wasi_snapshot_preview1", "fd_seek")->func()->handle());
  EXPECT_FALSE(linker.get("wasi_snapshot_preview2", "fd_write"));
}

TEST(WasiVersion, OnlyTheChosenModuleIsLinked) {
  for (WasiVersion v : {WasiVersion::Preview1, WasiVersion::Unstable, WasiVersion::Both}) {
    for (const char* wat : {kExit7, kUnstableExit}) {
      Engine engine;
      Store store(engine);
      Linker linker;
      WasiConfig config = Guest::quiet();
      config.version = v;
      auto wasi = Wasi::create(config);
      ASSERT_TRUE(wasi);
      auto inst = link_with(store, linker, *wasi, wat);
      const bool wants_unstable = wat == kUnstableExit;
      const bool should_link =
          v == WasiVersion::Both || (v == WasiVersion::Unstable) == wants_unstable;
      ASSERT_EQ(bool(inst), should_link) << int(v) << " " << wants_unstable;
      if (!inst) {
        EXPECT_EQ(inst.error().kind, ErrorKind::Unlinkable);
        continue;
      }
      auto code = wasi->start(*inst);
      ASSERT_TRUE(code) << code.error().to_string();
      EXPECT_EQ(*code, wants_unstable ? 5 : 7);
    }
  }
}

} // namespace

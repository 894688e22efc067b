// Guard pages on the LLVM tier: memories reserve 8 GiB and compiled loads/stores have no bounds
// compare, so out-of-bounds accesses fault and the signal handler turns the fault into the trap.
// Checked at the boundary, with huge static offsets, repeatedly (the signal mask must be restored
// after each trap), against the explicit-check mode, the fallback for an imported memory without
// guard pages and for a failed reservation, and that a genuine host crash still crashes.
#include <gtest/gtest.h>

#include <sys/resource.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "binary/decoder.h"
#include "runtime/instantiate.h"
#include "runtime/invoke.h"
#include "text/wat_parser.h"
#include "llvm/compile.h"

namespace wasmcap {
namespace {

using runtime::Value;

support::Result<std::shared_ptr<const runtime::ModuleCode>> compile_wat(std::string_view wat,
                                                                        bool guard_pages) {
  auto bytes = text::parse_wat(wat);
  if (!bytes) return bytes.error();
  auto module = binary::decode_module(*bytes);
  if (!module) return module.error();
  return llvm_tier::compile(std::make_shared<const ir::Module>(std::move(*module)),
                            validate::Features{}, guard_pages);
}

// One page; loads and stores at any address, plus the largest static offset there is.
constexpr std::string_view kMemory = R"((module
  (memory (export "mem") 1 2)
  (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
  (func (export "store") (param i32 i32) (i32.store (local.get 0) (local.get 1)))
  (func (export "load64_far") (param i32) (result i64)
    (i64.load offset=4294967295 (local.get 0)))
  (func (export "grow") (result i32) (memory.grow (i32.const 1)))
  (func (export "size") (result i32) (memory.size))
  (func (export "drop_load") (param i32) (drop (i32.load (local.get 0)))))
)";

constexpr std::string_view kImportsMemory = R"((module
  (import "env" "mem" (memory 1 2))
  (func (export "load") (param i32) (result i32) (i32.load (local.get 0))))
)";

runtime::ModuleInstance* instantiate(runtime::Store& store, std::string_view wat, bool guard_pages,
                                     std::vector<runtime::Extern> imports = {}) {
  auto code = compile_wat(wat, guard_pages);
  EXPECT_TRUE(code) << code.error().to_string();
  if (!code) return nullptr;
  auto inst = runtime::instantiate(store, *code, imports);
  EXPECT_TRUE(inst) << inst.error().to_string();
  return inst ? *inst : nullptr;
}

support::Result<std::vector<Value>> call(runtime::Store& store, runtime::ModuleInstance* inst,
                                         const char* name, std::vector<Value> args) {
  return runtime::invoke(store, inst->exported_func(name), args);
}

void expect_oob(const support::Result<std::vector<Value>>& r, uint32_t func_index) {
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, support::ErrorKind::Trap);
  EXPECT_EQ(r.error().message, "out of bounds memory access");
  ASSERT_FALSE(r.error().backtrace.empty());
  EXPECT_EQ(r.error().backtrace[0].func_index, func_index);
}

// The same boundary behaviour in both modes.
void check_bounds(runtime::Store& store, runtime::ModuleInstance* inst) {
  ASSERT_TRUE(call(store, inst, "store", {Value::make_i32(65532), Value::make_i32(7)}));
  auto r = call(store, inst, "load", {Value::make_i32(65532)});
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ((*r)[0].i32, 7u);
  // Several traps in a row: each fault must leave SIGSEGV unblocked for the next one.
  for (int i = 0; i < 3; ++i) {
    expect_oob(call(store, inst, "load", {Value::make_i32(65533)}), 0);
    expect_oob(call(store, inst, "store", {Value::make_i32(65536), Value::make_i32(1)}), 1);
    expect_oob(call(store, inst, "load", {Value::make_i32(0xffffffffu)}), 0);
    expect_oob(call(store, inst, "load64_far", {Value::make_i32(0xffffffffu)}), 2);
    expect_oob(call(store, inst, "load64_far", {Value::make_i32(0)}), 2);
    // LLVM deletes an unused load unless told otherwise; the trap must stay.
    expect_oob(call(store, inst, "drop_load", {Value::make_i32(65533)}), 5);
  }
  // Growing commits the next page: the same address is now in bounds.
  r = call(store, inst, "grow", {});
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ((*r)[0].i32, 1u);
  r = call(store, inst, "load", {Value::make_i32(65533)});
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ((*r)[0].i32, 0u);
  r = call(store, inst, "size", {});
  ASSERT_TRUE(r);
  EXPECT_EQ((*r)[0].i32, 2u);
  expect_oob(call(store, inst, "load", {Value::make_i32(2 * 65536 - 3)}), 0);
}

TEST(GuardPages, GuardedMemoryReserves8GiB) {
  ir::MemoryType t;
  t.limits.min = 1;
  auto m = runtime::Memory::create_raw(t, ir::kMaxPages, true);
  ASSERT_TRUE(m);
  std::unique_ptr<runtime::Memory> owned(*m);
  EXPECT_TRUE(owned->guarded());
  EXPECT_EQ(owned->reserved_bytes(), runtime::Memory::kGuardedReservation);
  EXPECT_EQ(owned->size_bytes(), 65536u);
  auto plain = runtime::Memory::create_raw(t, ir::kMaxPages, false);
  ASSERT_TRUE(plain);
  std::unique_ptr<runtime::Memory> owned_plain(*plain);
  EXPECT_EQ(owned_plain->guard(), runtime::Memory::Guard::NotRequested);
}

// Under a low RLIMIT_AS the 8 GiB reservation fails: the memory falls back to its declared
// maximum, and the JIT instance to explicit checks, instead of failing (in a child process).
TEST(GuardPagesDeathTest, ReservationFailureFallsBack) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        // Compile first (LLVM needs address space), then leave ~1 GiB above what is mapped.
        auto code = compile_wat(kMemory, true);
        if (!code) std::_Exit(10);
        unsigned long pages = 0;
        if (FILE* f = std::fopen("/proc/self/statm", "r")) {
          if (std::fscanf(f, "%lu", &pages) != 1) pages = 0;
          std::fclose(f);
        }
        rlimit lim{};
        lim.rlim_cur = lim.rlim_max = pages * 4096 + (1ul << 30);
        if (pages == 0 || setrlimit(RLIMIT_AS, &lim) != 0) std::_Exit(11);
        runtime::Store store;
        auto inst = runtime::instantiate(store, *code, {});
        if (!inst) std::_Exit(12);
        if ((*inst)->memories[0]->guard() != runtime::Memory::Guard::ReserveFailed) std::_Exit(13);
        if ((*inst)->code.get() == code->get()) std::_Exit(14); // must be the explicit variant
        if ((*inst)->code->memory_strategy(**inst).find("reservation failed") == std::string::npos)
          std::_Exit(15);
        auto r = runtime::invoke(store, (*inst)->exported_func("load"), {{Value::make_i32(65533)}});
        if (r || r.error().message != "out of bounds memory access") std::_Exit(16);
        std::_Exit(0);
      },
      testing::ExitedWithCode(0), "");
}

TEST(GuardPages, JitTrapsAtTheBoundary) {
  runtime::Store store;
  runtime::ModuleInstance* inst = instantiate(store, kMemory, true);
  ASSERT_NE(inst, nullptr);
  ASSERT_TRUE(inst->memories[0]->guarded());
  EXPECT_EQ(inst->code->memory_strategy(*inst), "guard pages (8 GiB reserved)");
  check_bounds(store, inst);
}

TEST(GuardPages, ExplicitChecksTrapTheSame) {
  runtime::Store store;
  runtime::ModuleInstance* inst = instantiate(store, kMemory, false);
  ASSERT_NE(inst, nullptr);
  EXPECT_FALSE(inst->memories[0]->guarded()); // explicit code does not ask for the reservation
  EXPECT_EQ(inst->code->memory_strategy(*inst), "explicit bounds checks (guard pages disabled)");
  check_bounds(store, inst);
}

// Guard-page code given an imported memory without guard pages runs an explicit-check variant.
TEST(GuardPages, UnguardedImportedMemoryGetsExplicitChecks) {
  runtime::Store store;
  ir::MemoryType t;
  t.limits.min = 1;
  t.limits.max = 2;
  auto mem = store.create_memory(t, false);
  ASSERT_TRUE(mem);
  auto code = compile_wat(kImportsMemory, true);
  ASSERT_TRUE(code) << code.error().to_string();
  auto inst = runtime::instantiate(store, *code, {{runtime::Extern::of(*mem)}});
  ASSERT_TRUE(inst) << inst.error().to_string();
  EXPECT_NE((*inst)->code.get(), code->get());
  EXPECT_EQ((*inst)->code->memory_strategy(**inst),
            "explicit bounds checks (imported memory without guard pages)");
  auto r = runtime::invoke(store, (*inst)->exported_func("load"), {{Value::make_i32(65532)}});
  ASSERT_TRUE(r) << r.error().to_string();
  expect_oob(runtime::invoke(store, (*inst)->exported_func("load"), {{Value::make_i32(65533)}}), 0);
  // A guarded imported memory keeps the guard-page code.
  auto guarded = store.create_memory(t, true);
  ASSERT_TRUE(guarded);
  auto inst2 = runtime::instantiate(store, *code, {{runtime::Extern::of(*guarded)}});
  ASSERT_TRUE(inst2) << inst2.error().to_string();
  EXPECT_EQ((*inst2)->code.get(), code->get());
  expect_oob(runtime::invoke(store, (*inst2)->exported_func("load"), {{Value::make_i32(65533)}}),
             0);
}

// How the process dies of a host SEGV: of the signal; under ASan the previous handler is ASan's,
// which reports the SEGV and exits with 1.
#if defined(__has_feature) && __has_feature(address_sanitizer)
testing::ExitedWithCode host_crash_death() {
  return testing::ExitedWithCode(1);
}
const char* host_crash_message() {
  return "AddressSanitizer: SEGV";
}
#else
testing::KilledBySignal host_crash_death() {
  return testing::KilledBySignal(SIGSEGV);
}
const char* host_crash_message() {
  return "";
}
#endif

// A fault in host code called from guard-page compiled code, even one inside the memory's
// reservation, is not a wasm trap: the process still dies of SIGSEGV.
TEST(GuardPagesDeathTest, HostCrashIsNotSwallowed) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        runtime::Store store;
        ir::FuncType type;
        runtime::ModuleInstance* target = nullptr;
        runtime::FuncInstance* host = store.create_host_function(
            type, [&](std::span<const Value>, std::span<Value>) -> support::Status {
              volatile uint8_t* p = target->memories[0]->data() + (1u << 20); // guard page
              *p = 1;
              return support::ok();
            });
        auto code = compile_wat(R"((module
          (import "env" "crash" (func $crash))
          (memory 1)
          (func (export "oob") (result i32) (i32.load (i32.const 70000)))
          (func (export "f") (call $crash)))
        )",
                                true);
        if (!code) std::_Exit(10);
        auto inst = runtime::instantiate(store, *code, {{runtime::Extern::of(host)}});
        if (!inst) std::_Exit(11);
        target = *inst;
        // The handler is installed and works for compiled code...
        auto r = runtime::invoke(store, target->exported_func("oob"), {});
        if (r) std::_Exit(12);
        // ...but the host's own fault is passed on.
        (void)runtime::invoke(store, target->exported_func("f"), {});
        std::_Exit(0);
      },
      host_crash_death(), host_crash_message());
}

} // namespace
} // namespace wasmcap

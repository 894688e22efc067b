// Runtime unit tests: memories, tables, type interning, host functions and import matching,
// without any tier (a fake ModuleCode stands in for the interpreter).
#include <gtest/gtest.h>

#include "runtime/instantiate.h"
#include "runtime/invoke.h"
#include "runtime/store.h"
#include "runtime/trap.h"

namespace wasmcap::runtime {
namespace {

TEST(Memory, GrowRespectsDeclaredAndHostMaximum) {
  StoreLimits limits;
  limits.max_memory_pages = 4;
  Store store(limits);
  Memory* m = store.create_memory({{1, 3}}).value();
  EXPECT_EQ(m->size_pages(), 1u);
  EXPECT_EQ(m->grow(2), 1);
  EXPECT_EQ(m->grow(1), -1); // declared max 3
  Memory* unbounded = store.create_memory({{0, std::nullopt}}).value();
  EXPECT_EQ(unbounded->grow(4), 0);
  EXPECT_EQ(unbounded->grow(1), -1); // host max 4
  EXPECT_FALSE(store.create_memory({{5, std::nullopt}}));
}

TEST(Memory, AccessIsBoundsChecked) {
  Store store;
  Memory* m = store.create_memory({{1, std::nullopt}}).value();
  uint32_t v = 0xdeadbeef;
  EXPECT_TRUE(m->write(ir::kPageSize - 4, &v, 4));
  EXPECT_FALSE(m->write(ir::kPageSize - 3, &v, 4));
  uint32_t back = 0;
  EXPECT_TRUE(m->read(ir::kPageSize - 4, &back, 4));
  EXPECT_EQ(back, v);
  EXPECT_FALSE(m->read(UINT64_C(1) << 40, &back, 4));
}

TEST(Table, BoundsRules) {
  Store store;
  Table* t = store.create_table({ir::ValType::ExternRef, {2, 4}});
  int x = 0;
  EXPECT_TRUE(t->set(1, &x));
  EXPECT_FALSE(t->set(2, &x));
  EXPECT_EQ(t->grow(2, nullptr), 2);
  EXPECT_EQ(t->grow(1, nullptr), -1);
  EXPECT_TRUE(t->fill(4, 0, &x)); // n = 0 at the end is in bounds
  EXPECT_FALSE(t->fill(3, 2, &x));
  EXPECT_TRUE(Table::copy(*t, 0, *t, 1, 3)); // overlapping
  void* r = nullptr;
  EXPECT_TRUE(t->get(0, r));
  EXPECT_EQ(r, &x);
}

TEST(Store, InternsStructurallyEqualTypes) {
  Store store;
  ir::FuncType a{{ir::ValType::I32}, {ir::ValType::I64}};
  ir::FuncType b{{ir::ValType::I32}, {ir::ValType::I64}};
  ir::FuncType c{{ir::ValType::I64}, {ir::ValType::I32}};
  EXPECT_EQ(store.intern_type(a), store.intern_type(b));
  EXPECT_NE(store.intern_type(a), store.intern_type(c));
}

TEST(Invoke, HostFunctionAndTraps) {
  Store store;
  FuncInstance* add =
      store.create_host_function({{ir::ValType::I32, ir::ValType::I32}, {ir::ValType::I32}},
                                 [](std::span<const Value> args, std::span<Value> results) {
                                   if (args[1].i32 == 0)
                                     return support::Status(make_trap(trap_text::kDivideByZero));
                                   results[0] = Value::make_i32(args[0].i32 / args[1].i32);
                                   return support::ok();
                                 });
  Value args[] = {Value::make_i32(42), Value::make_i32(6)};
  auto r = invoke(store, add, args);
  ASSERT_TRUE(r);
  EXPECT_EQ((*r)[0].i32, 7u);
  args[1] = Value::make_i32(0);
  r = invoke(store, add, args);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, support::ErrorKind::Trap);
  EXPECT_EQ(r.error().message, "integer divide by zero");
  EXPECT_FALSE(invoke(store, add, std::span<const Value>(args, 1)));
}

// A module with only imports, enough to exercise import matching.
class ImportsOnly final : public ModuleCode {
public:
  explicit ImportsOnly(ir::Module m) : m_(std::move(m)) {}
  const ir::Module& module() const override { return m_; }
  const void* function_code(uint32_t) const override { return nullptr; }
  support::Status call(Store&, FuncInstance&, std::span<const Value>,
                       std::span<Value>) const override {
    return support::ok();
  }

private:
  ir::Module m_;
};

TEST(Instantiate, ImportMatchingUsesLimitsSubtyping) {
  Store store;
  ir::Module m;
  ir::Import imp;
  imp.module = "env";
  imp.name = "mem";
  imp.kind = ir::ExternKind::Memory;
  imp.memory = {{2, 4}};
  m.imports.push_back(imp);
  m.all_memories.push_back(imp.memory);
  m.num_imported_memories = 1;
  auto code = std::make_shared<ImportsOnly>(std::move(m));

  Memory* small = store.create_memory({{1, 4}}).value();
  Extern e[] = {Extern::of(small)};
  auto r = instantiate(store, code, e);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, support::ErrorKind::Unlinkable);
  EXPECT_EQ(r.error().message.rfind("incompatible import type", 0), 0u) << r.error().message;
  EXPECT_NE(r.error().message.find("\"env\".\"mem\""), std::string::npos);

  Memory* good = store.create_memory({{3, 3}}).value();
  e[0] = Extern::of(good);
  EXPECT_TRUE(instantiate(store, code, e));
  Memory* unbounded = store.create_memory({{3, std::nullopt}}).value();
  e[0] = Extern::of(unbounded);
  EXPECT_FALSE(instantiate(store, code, e));

  auto missing = resolve_imports(
      code->module(), [](std::string_view, std::string_view) { return std::optional<Extern>(); });
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message.rfind("unknown import", 0), 0u);
}

} // namespace
} // namespace wasmcap::runtime

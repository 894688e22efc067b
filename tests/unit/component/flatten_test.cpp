// Flattening component types into core values (src/component/flatten.h): the exact result
// callers use, the memo shared between calls, and the cap that keeps exponential types bounded.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>

#include "component/flatten.h"
#include "component/types.h"

namespace wasmcap::component {
namespace {

TypePtr prim(PrimType p) {
  auto t = std::make_shared<Type>();
  t->kind = Type::Kind::Prim;
  t->prim = p;
  return t;
}

TypePtr tuple(std::vector<TypePtr> members) {
  auto t = std::make_shared<Type>();
  t->kind = Type::Kind::Tuple;
  t->types = std::move(members);
  return t;
}

TEST(Flatten, VariantJoinsItsCasesAndTheMemoGivesTheSameAnswer) {
  auto v = std::make_shared<Type>();
  v->kind = Type::Kind::Variant;
  v->fields = {{"a", prim(PrimType::U64)},
               {"b", prim(PrimType::F32)},
               {"c", nullptr},
               {"d", prim(PrimType::String)}};
  for (int round = 0; round < 2; ++round) { // the second answer comes from the memo
    std::vector<ir::ValType> flat;
    flatten_type(*v, flat);
    EXPECT_EQ(flat,
              (std::vector<ir::ValType>{ir::ValType::I32, ir::ValType::I64, ir::ValType::I32}))
        << "round " << round;
  }
}

// Regression: tuple<t, t> nested 40 deep flattens to 2^40 values; flattening it ran out of
// memory (an abort on a guest's input) instead of stopping past what any caller needs.
TEST(Flatten, ExponentialTypesStopPastTheCap) {
  TypePtr t = prim(PrimType::U32);
  for (int i = 0; i < 40; ++i)
    t = tuple({t, t});
  const auto start = std::chrono::steady_clock::now();
  std::vector<ir::ValType> flat;
  flatten_type(*t, flat);
  EXPECT_GT(flat.size(), kMaxFlatParams);
  EXPECT_LE(flat.size(), kFlatCap + 1);
  auto f = std::make_shared<Type>();
  f->kind = Type::Kind::Func;
  f->fields = {{"x", t}};
  f->result = t;
  const ir::FuncType core = flatten_functype(*f, /*lift=*/false);
  EXPECT_EQ(core.params, (std::vector<ir::ValType>{ir::ValType::I32, ir::ValType::I32}));
  EXPECT_TRUE(core.results.empty());
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
}

} // namespace
} // namespace wasmcap::component

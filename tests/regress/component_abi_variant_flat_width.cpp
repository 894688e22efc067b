// Regression (fuzz target canonical_abi, CI of 2026-12-07): lifting a variant from flat values
// set the position to "start + the variant's flattened width" without checking it against the
// values given, so
//  - a variant whose case has no payload lifted "successfully" from fewer values than its
//    width, leaving the position past the end (the caller's next read would then trap, or a
//    caller that checked the count would be confused);
//  - a variant whose payload flattens past kFlatCap (flatten.h cuts such flattenings short)
//    moved the position backwards after its payload, so the values after it were read twice.
// Fixed: a variant lifts only when all of its width is there, and lifting or lowering a variant
// wider than kFlatCap is a trap (such types never travel flat: at most 16 values do).
#include <gtest/gtest.h>

#include <memory>
#include <span>
#include <vector>

#include "component/abi.h"
#include "component/flatten.h"

namespace wasmcap::component {
namespace {

class NoMemory : public AbiContext {
public:
  std::span<uint8_t> memory() override { return {}; }
  support::Result<uint32_t> realloc(uint32_t, uint32_t, uint32_t, uint32_t) override {
    return nope();
  }
  support::Result<Val> lift_own(uint32_t, const Type&) override { return nope(); }
  support::Result<Val> lift_borrow(uint32_t, const Type&) override { return nope(); }
  support::Result<uint32_t> lower_own(const Val&, const Type&) override { return nope(); }
  support::Result<uint32_t> lower_borrow(const Val&, const Type&) override { return nope(); }

private:
  static Error nope() { return make_error(ErrorKind::Trap, "not in this test"); }
};

TypePtr prim(PrimType p) {
  auto t = std::make_shared<Type>();
  t->kind = Type::Kind::Prim;
  t->prim = p;
  return t;
}

TypePtr option_of(TypePtr payload) {
  auto t = std::make_shared<Type>();
  t->kind = Type::Kind::Option;
  t->types.push_back(std::move(payload));
  return t;
}

TEST(RegressComponentAbi, VariantNeedsItsWholeFlatWidth) {
  NoMemory cx;
  const TypePtr t = option_of(prim(PrimType::U64)); // flat: i32 discriminant, i64 payload
  const std::vector<uint64_t> too_few = {0};        // `none`, without the padding position
  size_t pos = 0;
  auto r = abi_lift_flat(cx, *t, too_few, pos);
  ASSERT_FALSE(r) << "lifted, position " << pos << " of " << too_few.size();
  EXPECT_EQ(r.error().kind, ErrorKind::Trap);

  const std::vector<uint64_t> enough = {0, 0};
  pos = 0;
  auto ok = abi_lift_flat(cx, *t, enough, pos);
  ASSERT_TRUE(ok) << ok.error().to_string();
  EXPECT_EQ(pos, 2u);
  EXPECT_EQ(ok->bits, 0u);
}

TEST(RegressComponentAbi, VariantWiderThanTheFlatCapDoesNotGoFlat) {
  NoMemory cx;
  auto wide = std::make_shared<Type>();
  wide->kind = Type::Kind::Tuple;
  for (size_t i = 0; i < kFlatCap + 6; ++i)
    wide->types.push_back(prim(PrimType::U32));
  const TypePtr t = option_of(wide);

  std::vector<uint64_t> flat(kFlatCap + 7, 1); // `some`, then every payload value
  size_t pos = 0;
  auto r = abi_lift_flat(cx, *t, flat, pos);
  ASSERT_FALSE(r) << "lifted, position " << pos << " of " << flat.size();
  EXPECT_EQ(r.error().kind, ErrorKind::Trap);

  Val payload = Val::make(Val::Kind::Tuple);
  for (size_t i = 0; i < kFlatCap + 6; ++i)
    payload.items.push_back(Val::make(Val::Kind::U32, i));
  Val v = Val::make(Val::Kind::Option, 1);
  v.items.push_back(std::move(payload));
  std::vector<uint64_t> out;
  auto lowered = abi_lower_flat(cx, *t, v, out);
  ASSERT_FALSE(lowered) << "lowered to " << out.size() << " values";
  EXPECT_EQ(lowered.error().kind, ErrorKind::Trap);
}

} // namespace
} // namespace wasmcap::component

// Regression (fuzz target canonical_abi): lowering an empty string or an empty packed list<u8>
// into an empty linear memory (realloc answers 0 for a 0-byte request, which is in bounds)
// calls memcpy with a null destination: mem_range() gives an empty span of an empty memory,
// whose data() is null, and memcpy(nullptr, src, 0) is undefined behaviour (glibc declares
// both pointers nonnull). UBSan stops at src/component/abi_strings.cpp:180 (the utf8 -> utf8
// copy in store_string_range) and at the packed-bytes memcpy in store_list_range (abi.cpp).
// Fixed: zero-byte copies are skipped. Under ./dev asan these failed with "null pointer passed
// as argument 1".
#include <gtest/gtest.h>

#include <memory>
#include <span>
#include <vector>

#include "component/abi.h"

namespace wasmcap::component {
namespace {

class EmptyMemory : public AbiContext {
public:
  std::span<uint8_t> memory() override { return mem; }
  support::Result<uint32_t> realloc(uint32_t, uint32_t, uint32_t, uint32_t new_size) override {
    if (new_size != 0) return make_error(ErrorKind::Trap, "out of memory");
    return 0u;
  }
  support::Result<Val> lift_own(uint32_t, const Type&) override { return nope(); }
  support::Result<Val> lift_borrow(uint32_t, const Type&) override { return nope(); }
  support::Result<uint32_t> lower_own(const Val&, const Type&) override { return nope(); }
  support::Result<uint32_t> lower_borrow(const Val&, const Type&) override { return nope(); }

  std::vector<uint8_t> mem; // empty: data() is null

private:
  static Error nope() { return make_error(ErrorKind::Trap, "no handles"); }
};

TEST(RegressComponentAbi, EmptyStringIntoEmptyMemory) {
  EmptyMemory cx;
  Type t;
  t.kind = Type::Kind::Prim;
  t.prim = PrimType::String;
  std::vector<uint64_t> flat;
  ASSERT_TRUE(abi_lower_flat(cx, t, Val::string(""), flat));
  EXPECT_EQ(flat, (std::vector<uint64_t>{0, 0}));
}

TEST(RegressComponentAbi, EmptyByteListIntoEmptyMemory) {
  EmptyMemory cx;
  auto u8 = std::make_shared<Type>();
  u8->kind = Type::Kind::Prim;
  u8->prim = PrimType::U8;
  Type t;
  t.kind = Type::Kind::List;
  t.types.push_back(u8);
  std::vector<uint64_t> flat;
  ASSERT_TRUE(abi_lower_flat(cx, t, Val::bytes(""), flat));
  EXPECT_EQ(flat, (std::vector<uint64_t>{0, 0}));
}

} // namespace
} // namespace wasmcap::component

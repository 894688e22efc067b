// The canonical type registry (ir/type_registry.h): iso-recursive equivalence across modules,
// positions inside a group, declared supertype chains, and host function types.
#include <gtest/gtest.h>

#include "binary/decoder.h"
#include "ir/subtype.h"
#include "ir/type_registry.h"

namespace {

namespace ir = wasmcap::ir;

// A module of just a type section whose body (after the count) is `types`.
ir::Module decode_types(uint8_t count, std::vector<uint8_t> types) {
  std::vector<uint8_t> bytes = {0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00, 0x01};
  bytes.push_back(static_cast<uint8_t>(types.size() + 1));
  bytes.push_back(count);
  bytes.insert(bytes.end(), types.begin(), types.end());
  auto m = wasmcap::binary::decode_module(bytes);
  EXPECT_TRUE(m) << (m ? "" : m.error().message);
  return m ? std::move(*m) : ir::Module{};
}

// (rec (type (func (param (ref null 1)))) (type (func (param (ref null 0))))): a pair.
const std::vector<uint8_t> kPair = {0x4E, 0x02, 0x60, 0x01, 0x63, 0x01,
                                    0x00, 0x60, 0x01, 0x63, 0x00, 0x00};

TEST(TypeRegistry, TheSameGroupInTwoModulesIsOneType) {
  const ir::Module a = decode_types(1, kPair);
  // The same group after an unrelated type: other indices, same canonical ids.
  std::vector<uint8_t> shifted = {0x60, 0x00, 0x00}; // (func)
  shifted.insert(shifted.end(),
                 {0x4E, 0x02, 0x60, 0x01, 0x63, 0x02, 0x00, 0x60, 0x01, 0x63, 0x01, 0x00});
  const ir::Module b = decode_types(2, shifted);
  ASSERT_EQ(a.canonical.size(), 2u);
  ASSERT_EQ(b.canonical.size(), 3u);
  EXPECT_EQ(a.canonical[0], b.canonical[1]);
  EXPECT_EQ(a.canonical[1], b.canonical[2]);
  EXPECT_NE(a.canonical[0], a.canonical[1]);
  // The canonical form names group members by id.
  const ir::CanonicalType& t = ir::canonical_type(a.canonical[0]);
  ASSERT_EQ(t.func.params.size(), 1u);
  EXPECT_EQ(t.func.params[0].index(), a.canonical[1]);
}

TEST(TypeRegistry, AGroupIsNotItsMembersAlone) {
  // (type (func (param (ref null 0)))) alone is not the pair's first type, though it has the
  // same shape when unrolled once: iso-recursive types compare whole groups.
  const ir::Module pair = decode_types(1, kPair);
  const ir::Module self = decode_types(1, {0x60, 0x01, 0x63, 0x00, 0x00});
  EXPECT_NE(self.canonical[0], pair.canonical[0]);
  EXPECT_NE(self.canonical[0], pair.canonical[1]);
}

TEST(TypeRegistry, DeclaredSupertypesMakeSubtypes) {
  // 0: (sub (func)), 1: (sub 0 (func)), 2: (sub 1 (func)), 3: (func) (final, no supertype).
  const ir::Module m =
      decode_types(4, {0x50, 0x00, 0x60, 0x00, 0x00, 0x50, 0x01, 0x00, 0x60, 0x00,
                       0x00, 0x50, 0x01, 0x01, 0x60, 0x00, 0x00, 0x60, 0x00, 0x00});
  const auto& c = m.canonical;
  EXPECT_TRUE(ir::canonical_subtype(c[2], c[0]));
  EXPECT_TRUE(ir::canonical_subtype(c[2], c[1]));
  EXPECT_FALSE(ir::canonical_subtype(c[0], c[2]));
  EXPECT_FALSE(ir::canonical_subtype(c[2], c[3])); // same shape, no declaration
  EXPECT_EQ(ir::canonical_type(c[2]).depth, 2u);
  // (ref 2) <: (ref null 0) <: funcref, by the module's indices and by canonical ids.
  const ir::ValType r2 = ir::ValType::ref_index(2, false), n0 = ir::ValType::ref_index(0, true);
  EXPECT_TRUE(ir::is_subtype(m, r2, n0));
  EXPECT_FALSE(ir::is_subtype(m, n0, r2));
  EXPECT_TRUE(ir::is_subtype(m, n0, ir::ValType::FuncRef));
  EXPECT_TRUE(ir::is_canonical_subtype(ir::to_canonical(m, r2), ir::to_canonical(m, n0)));
}

TEST(TypeRegistry, StructsSitUnderEqAndAny) {
  // 0: (struct (field (mut i32))), 1: (array i8).
  const ir::Module m = decode_types(2, {0x5F, 0x01, 0x7F, 0x01, 0x5E, 0x78, 0x00});
  ASSERT_EQ(m.subtypes.size(), 2u);
  EXPECT_EQ(m.subtypes[0].kind, ir::TypeKind::Struct);
  EXPECT_TRUE(m.subtypes[0].fields[0].is_mutable);
  EXPECT_EQ(m.subtypes[1].fields[0].packed, ir::Packed::I8);
  const ir::ValType s = ir::ValType::ref_index(0, false), a = ir::ValType::ref_index(1, true);
  EXPECT_TRUE(ir::is_subtype(m, s, ir::ValType::ref(ir::HeapKind::Eq, false)));
  EXPECT_TRUE(ir::is_subtype(m, a, ir::ValType::ref(ir::HeapKind::Any, true)));
  EXPECT_FALSE(ir::is_subtype(m, s, ir::ValType::ref(ir::HeapKind::Array, false)));
  EXPECT_FALSE(ir::is_subtype(m, s, ir::ValType::FuncRef));
  EXPECT_TRUE(ir::is_subtype(m, ir::ValType::ref(ir::HeapKind::None, true), a));
}

TEST(TypeRegistry, HostFunctionTypesEqualModuleTypes) {
  const ir::Module m =
      decode_types(1, {0x60, 0x01, 0x7F, 0x01, 0x7E}); // (func (param i32) (result i64))
  ir::FuncType host;
  host.params = {ir::ValType::I32};
  host.results = {ir::ValType::I64};
  EXPECT_EQ(ir::canonical_func_type(host), m.canonical[0]);
  EXPECT_EQ(ir::canonical_func_type(host), ir::canonical_func_type(host));
  // A host type naming a type index means nothing outside a module: an id of its own each time.
  ir::FuncType odd;
  odd.params = {ir::ValType::ref_index(0, true)};
  EXPECT_NE(ir::canonical_func_type(odd), ir::canonical_func_type(odd));
}

} // namespace

// The map type (map<k, v>, 🗺️ in the component model's Explainer.md): which key types validation
// accepts, the Canonical ABI carrying a map as list<tuple<k, v>> (flat values, memory layout,
// lifting back what was lowered), its WAVE text and its WIT spelling.
#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "component/abi.h"
#include "component/decoder.h"
#include "component/flatten.h"
#include "component/validate.h"
#include "component/wave.h"
#include "text/wat_parser.h"

#include "validate_text.h"

namespace wasmcap::component {
namespace {

// A linear memory with a bump allocator, and no handles.
class Buffer : public AbiContext {
public:
  Buffer() : mem(4096, 0) {}
  std::span<uint8_t> memory() override { return mem; }
  support::Result<uint32_t> realloc(uint32_t, uint32_t, uint32_t align, uint32_t size) override {
    next = (next + align - 1) / align * align;
    const uint32_t p = next;
    next += size;
    if (next > mem.size()) return make_error(ErrorKind::Trap, "out of memory");
    return p;
  }
  support::Result<Val> lift_own(uint32_t, const Type&) override { return nope(); }
  support::Result<Val> lift_borrow(uint32_t, const Type&) override { return nope(); }
  support::Result<uint32_t> lower_own(const Val&, const Type&) override { return nope(); }
  support::Result<uint32_t> lower_borrow(const Val&, const Type&) override { return nope(); }

  uint32_t load32(uint32_t at) const {
    uint32_t v;
    std::memcpy(&v, &mem[at], 4);
    return v;
  }

  std::vector<uint8_t> mem;
  uint32_t next = 8; // 0 stays free: a pointer of 0 would hide mistakes

private:
  static Error nope() { return make_error(ErrorKind::Trap, "no handles"); }
};

TypePtr prim(PrimType p) {
  auto t = std::make_shared<Type>();
  t->kind = Type::Kind::Prim;
  t->prim = p;
  return t;
}

// map<k, v> as validation builds it: its one member is the entry tuple<k, v>.
TypePtr map_of(TypePtr k, TypePtr v) {
  auto entry = std::make_shared<Type>();
  entry->kind = Type::Kind::Tuple;
  entry->types = {std::move(k), std::move(v)};
  auto t = std::make_shared<Type>();
  t->kind = Type::Kind::Map;
  t->types = {entry};
  return t;
}

Val entry(Val k, Val v) {
  Val e = Val::make(Val::Kind::Tuple);
  e.items = {std::move(k), std::move(v)};
  return e;
}

TEST(ComponentMap, KeysAreBoolIntegersCharOrString) {
  for (const char* k : {"bool", "s8", "u16", "u64", "char", "string"}) {
    auto e = validation_error(std::string("(component (type (map ") + k + " (list u8))))");
    EXPECT_FALSE(e) << k << ": " << e->to_string();
  }
  // A key through a type index is the type it names.
  EXPECT_FALSE(validation_error("(component (type $k u32) (type (map $k string)))"));
  for (const char* k : {"f32", "f64", "(list u8)", "(tuple u32 u32)", "(option u8)"}) {
    auto e = validation_error(std::string("(component (type (map ") + k + " u32)))");
    ASSERT_TRUE(e) << k << " is not a key type";
    EXPECT_EQ(e->kind, ErrorKind::Invalid);
    EXPECT_NE(e->message.find("map key type"), std::string::npos) << e->message;
  }
  // Streams and futures stay refused, as component model async.
  auto e = validation_error("(component (type (stream u8)))");
  ASSERT_TRUE(e);
  EXPECT_NE(e->message.find("async"), std::string::npos) << e->message;
}

TEST(ComponentMap, FlattensAndLaysOutAsAListOfPairs) {
  const TypePtr m = map_of(prim(PrimType::U8), prim(PrimType::U64));
  std::vector<ir::ValType> flat;
  flatten_type(*m, flat);
  EXPECT_EQ(flat, (std::vector<ir::ValType>{ir::ValType::I32, ir::ValType::I32}));
  EXPECT_EQ(abi_size(*m), 8u);
  EXPECT_EQ(abi_alignment(*m), 4u);
  // The entry: u8 at 0, u64 at 8 -> 16 bytes, aligned to 8.
  EXPECT_EQ(abi_size(*m->types[0]), 16u);
  EXPECT_EQ(abi_alignment(*m->types[0]), 8u);
}

TEST(ComponentMap, LowersToEntriesInMemoryAndLiftsBack) {
  Buffer cx;
  const TypePtr m = map_of(prim(PrimType::String), prim(PrimType::U32));
  Val v = Val::make(Val::Kind::Map);
  v.items = {entry(Val::string("a"), Val::make(Val::Kind::U32, 1)),
             entry(Val::string("bc"), Val::make(Val::Kind::U32, 0xdeadbeef)),
             entry(Val::string("a"), Val::make(Val::Kind::U32, 3))}; // keys may repeat
  std::vector<uint64_t> flat;
  ASSERT_TRUE(abi_lower_flat(cx, *m, v, flat));
  ASSERT_EQ(flat.size(), 2u);
  const auto ptr = static_cast<uint32_t>(flat[0]);
  EXPECT_EQ(flat[1], 3u); // the entry count
  EXPECT_EQ(ptr % 4, 0u);
  // Entries of 12 bytes: string (pointer, length), then the u32.
  EXPECT_EQ(cx.load32(ptr + 4), 1u);
  EXPECT_EQ(cx.load32(ptr + 8), 1u);
  EXPECT_EQ(cx.load32(ptr + 12 + 4), 2u);
  EXPECT_EQ(cx.load32(ptr + 12 + 8), 0xdeadbeefu);
  EXPECT_EQ(cx.load32(ptr + 24 + 8), 3u);
  EXPECT_EQ(std::memcmp(&cx.mem[cx.load32(ptr + 12)], "bc", 2), 0);

  size_t pos = 0;
  auto back = abi_lift_flat(cx, *m, flat, pos);
  ASSERT_TRUE(back) << back.error().to_string();
  EXPECT_EQ(pos, 2u);
  EXPECT_EQ(back->kind, Val::Kind::Map);
  ASSERT_EQ(back->items.size(), 3u);
  EXPECT_EQ(back->items[1].kind, Val::Kind::Tuple);
  EXPECT_EQ(back->items[1].items[0].str, "bc");
  EXPECT_EQ(back->items[1].items[1].bits, 0xdeadbeefu);
  EXPECT_EQ(back->items[2].items[0].str, "a");
  EXPECT_EQ(back->items[2].items[1].bits, 3u);

  // Through memory too (a map inside a stored value): store at 0x800, load it again.
  ASSERT_TRUE(abi_store(cx, *m, v, 0x800));
  auto loaded = abi_load(cx, *m, 0x800);
  ASSERT_TRUE(loaded) << loaded.error().to_string();
  EXPECT_EQ(loaded->kind, Val::Kind::Map);
  EXPECT_EQ(loaded->items.size(), 3u);
  EXPECT_EQ(loaded->items[0].items[0].str, "a");
}

TEST(ComponentMap, AListValueIsNotAMap) {
  Buffer cx;
  const TypePtr m = map_of(prim(PrimType::U32), prim(PrimType::U32));
  Val list = Val::make(Val::Kind::List);
  std::vector<uint64_t> flat;
  auto st = abi_lower_flat(cx, *m, list, flat);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().kind, ErrorKind::Trap);
  // A guest's map pointer out of bounds traps, as a list's does.
  const std::vector<uint64_t> bad = {0xfffff000, 2};
  size_t pos = 0;
  auto r = abi_lift_flat(cx, *m, bad, pos);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::Trap);
}

TEST(ComponentMap, WaveWritesMapsWithKeyValueEntries) {
  const TypePtr m = map_of(prim(PrimType::String), prim(PrimType::U32));
  auto v = wave_parse(R"({"a": 1, "b": 2,})", *m);
  ASSERT_TRUE(v) << v.error().to_string();
  EXPECT_EQ(v->kind, Val::Kind::Map);
  ASSERT_EQ(v->items.size(), 2u);
  EXPECT_EQ(wave_print(*v, *m), R"({"a": 1, "b": 2})");
  for (const char* empty : {"{}", "{:}", " { } "}) {
    auto e = wave_parse(empty, *m);
    ASSERT_TRUE(e) << empty << ": " << e.error().to_string();
    EXPECT_TRUE(e->items.empty());
    EXPECT_EQ(wave_print(*e, *m), "{}");
  }
  const TypePtr cm = map_of(prim(PrimType::Char), prim(PrimType::Bool));
  auto c = wave_parse("{'x': true, 'y': false}", *cm);
  ASSERT_TRUE(c) << c.error().to_string();
  EXPECT_EQ(wave_print(*c, *cm), "{'x': true, 'y': false}");
  EXPECT_FALSE(wave_parse(R"({"a" 1})", *m)); // no colon
  EXPECT_FALSE(wave_parse(R"({"a": 1)", *m)); // unclosed
  EXPECT_FALSE(wave_parse(R"({a: 1})", *m));  // a label is not a string key
}

TEST(ComponentMap, PrintsAsWit) {
  const TypePtr m = map_of(prim(PrimType::String), map_of(prim(PrimType::U8), prim(PrimType::S64)));
  EXPECT_EQ(type_to_wit(m, nullptr), "map<string, map<u8, s64>>");
}

} // namespace
} // namespace wasmcap::component

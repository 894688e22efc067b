// Runtime unit tests: memories, tables, type interning, host functions and import matching,
// without any tier (a fake ModuleCode stands in for the interpreter); memory images.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "runtime/instantiate.h"
#include "runtime/invoke.h"
#include "runtime/memory_image.h"
#include "runtime/private_pages.h"
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

// Type ids are one space for the process: equal types get equal ids in every store and on
// every thread (the table is shared; each thread caches it), different types never collide.
TEST(Store, TypeIdsAgreeAcrossStoresAndThreads) {
  ir::FuncType a{{ir::ValType::I32, ir::ValType::F64}, {}};
  ir::FuncType c{{ir::ValType::F64, ir::ValType::I32}, {}};
  Store first;
  const uint32_t id_a = first.intern_type(a), id_c = first.intern_type(c);
  EXPECT_NE(id_a, id_c);
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      Store store;
      // A type only this thread interns, then the shared ones.
      ir::FuncType own{std::vector<ir::ValType>(static_cast<size_t>(t) + 5, ir::ValType::I64), {}};
      const uint32_t own_id = store.intern_type(own);
      if (own_id == id_a || own_id == id_c) ++wrong;
      if (store.intern_type(a) != id_a || store.intern_type(c) != id_c) ++wrong;
      if (store.intern_type(own) != own_id) ++wrong;
    });
  }
  for (auto& th : threads)
    th.join();
  EXPECT_EQ(wrong.load(), 0);
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

// A module holding only a memory of `pages` and data segments, by hand: each segment is an
// offset expression's bytes and its data.
ir::Module data_module(uint32_t pages,
                       std::vector<std::pair<std::vector<uint8_t>, std::string>> segments) {
  ir::Module m;
  m.memories.push_back({{pages, std::nullopt}});
  for (const auto& [expr, data] : segments) {
    ir::DataSegment seg;
    seg.offset = {m.bytes.size(), static_cast<uint32_t>(expr.size())};
    m.bytes.insert(m.bytes.end(), expr.begin(), expr.end());
    seg.init = {m.bytes.size(), static_cast<uint32_t>(data.size())};
    m.bytes.insert(m.bytes.end(), data.begin(), data.end());
    m.datas.push_back(seg);
  }
  return m;
}

TEST(MemoryImage, OnlyForConstantInBoundsSegments) {
  // i32.const 16 / i32.const 65535 / global.get 0 / i32.const 1 with extra bytes.
  const std::vector<uint8_t> at16 = {0x41, 0x10, 0x0B}, at_end = {0x41, 0xFF, 0xFF, 0x03, 0x0B};
  const std::vector<uint8_t> global = {0x23, 0x00, 0x0B},
                             extended = {0x41, 0x01, 0x41, 0x01, 0x6A, 0x0B};
  ir::Module ok = data_module(1, {{at16, "hello"}, {at_end, "x"}});
  auto image = MemoryImage::build(ok, 0);
  ASSERT_TRUE(image);
  EXPECT_EQ(image->size_bytes(), 65536u) << "up to the last data byte, in host pages";
  EXPECT_TRUE(image->covers(ok, 0));
  EXPECT_TRUE(image->covers(ok, 1));
  ir::Module other = ok;
  EXPECT_FALSE(image->covers(other, 0)) << "another module's segment numbers are not ours";
  EXPECT_FALSE(MemoryImage::build(data_module(1, {{at16, "hello"}, {global, "x"}}), 0));
  EXPECT_FALSE(MemoryImage::build(data_module(1, {{extended, "x"}}), 0));
  EXPECT_FALSE(MemoryImage::build(data_module(1, {{at_end, "xy"}}), 0)) << "out of bounds";
  EXPECT_FALSE(MemoryImage::build(data_module(1, {}), 0)) << "no data: nothing to map";
  ir::Module passive = data_module(1, {{at16, "hello"}});
  passive.datas[0].mode = ir::SegmentMode::Passive;
  EXPECT_FALSE(MemoryImage::build(passive, 0));
}

TEST(MemoryImage, MemoriesMapItPrivately) {
  ir::Module m = data_module(2, {{{0x41, 0x10, 0x0B}, "hello"}, {{0x41, 0x12, 0x0B}, "LLO"}});
  auto image = MemoryImage::build(m, 0);
  ASSERT_TRUE(image);
  EXPECT_EQ(image->size_bytes() % 4096, 0u);
  Store store;
  for (bool guarded : {false, true}) {
    Memory* a = store.create_memory({{2, 4}}, guarded, image).value();
    Memory* b = store.create_memory({{2, 4}}, guarded, image).value();
    ASSERT_EQ(a->image(), image.get());
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(a->data() + 16), 5), "heLLO");
    a->data()[16] = 'J';
    a->data()[70000] = 1; // past the image: anonymous zero pages
    EXPECT_EQ(b->data()[16], 'h') << "a write is private to its memory";
    EXPECT_EQ(b->data()[70000], 0);
    EXPECT_EQ(a->grow(2), 2);
    EXPECT_EQ(a->data()[200000], 0);
    Memory* c = store.create_memory({{2, 4}}, guarded, image).value();
    EXPECT_EQ(c->data()[16], 'h') << "the image itself is unchanged";
  }
  // An image larger than the memory's initial size is not mapped (a caller's mistake; the
  // memory then has no image and its segments are written by hand).
  Memory* small = store.create_memory({{0, 4}}, false, image).value();
  EXPECT_EQ(small->image(), nullptr);
}

// A freed memory's reservation goes back to its image, reset: the next memory asking for the
// same gets it (the same address) and sees the image and zeros, whatever the first wrote or
// grew; a memory asking for another layout does not get it.
TEST(MemoryImage, FreedReservationsComeBackReset) {
  ir::Module m = data_module(2, {{{0x41, 0x10, 0x0B}, "hello"}});
  auto image = MemoryImage::build(m, 0);
  ASSERT_TRUE(image);
  for (bool guarded : {false, true}) {
    Memory* a = Memory::create_raw({{2, 4}}, 100, guarded, image).value();
    uint8_t* const base = a->data();
    a->data()[16] = 'J';
    a->data()[70000] = 7;
    ASSERT_EQ(a->grow(1), 2);
    a->data()[140000] = 9;
    delete a;
    Memory* b = Memory::create_raw({{2, 4}}, 100, guarded, image).value();
    EXPECT_EQ(b->data(), base) << "the reservation is reused";
    EXPECT_EQ(b->image(), image.get());
    EXPECT_EQ(b->size_pages(), 2u);
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(b->data() + 16), 5), "hello");
    EXPECT_EQ(b->data()[70000], 0);
    EXPECT_FALSE(b->in_bounds(140000, 1)) << "the grown page is gone";
    EXPECT_EQ(b->grow(1), 2);
    EXPECT_EQ(b->data()[140000], 0) << "and comes back zeroed";
    Memory* other = Memory::create_raw({{2, 4}}, 3, guarded, image).value();
    EXPECT_NE(other->data(), base) << "another host limit, another layout";
    EXPECT_EQ(other->growable_pages(), 3u);
    delete other;
    delete b;
  }
}

// A reservation is reset by rewriting the pages its memory has its own copy of: they stay
// resident (no madvise, no fault next time) and read as the image and zeros again, round after
// round, whichever of them a round wrote; a page written in one round and only kept in the next
// is not left changed either.
TEST(MemoryImage, ResetByCopyKeepsWrittenPagesResident) {
  ir::Module m = data_module(2, {{{0x41, 0x10, 0x0B}, "hello"}});
  auto image = MemoryImage::build(m, 0);
  ASSERT_TRUE(image);
  ASSERT_NE(image->contents(), nullptr);
  const uint64_t page = host_page_size();
  std::vector<bool> own;
  for (bool guarded : {false, true}) {
    uint8_t* base = nullptr;
    for (int round = 0; round < 4; ++round) {
      Memory* mem = Memory::create_raw({{2, 4}}, 100, guarded, image).value();
      if (base != nullptr) {
        ASSERT_EQ(mem->data(), base) << "the same reservation, round " << round;
        ASSERT_TRUE(private_pages(base, 2 * ir::kPageSize, own));
        EXPECT_TRUE(own[0]) << "the image page written before is still ours";
        EXPECT_TRUE(own[70000 / page]) << "and so is the zero page written before";
      }
      base = mem->data();
      EXPECT_EQ(std::string(reinterpret_cast<const char*>(base + 16), 5), "hello") << round;
      EXPECT_EQ(base[70000], 0) << round;
      EXPECT_EQ(base[100000], 0) << round << ": read before, never written";
      EXPECT_EQ(base[131071], 0) << round;
      // Even rounds write the image page and a zero page; odd ones only the last byte.
      if (round % 2 == 0) {
        std::memcpy(base + 16, "JELLO", 5);
        base[70000] = 7;
      }
      base[131071] = static_cast<uint8_t>(round + 1);
      ASSERT_EQ(mem->grow(1), 2);
      base[140000] = 9;
      delete mem;
    }
  }
}

// More written pages than Memory::kKeepResidentBytes: the rest are dropped, and all read as
// the initial contents again.
TEST(MemoryImage, ResetBeyondTheResidentPartDropsTheRest) {
  const uint32_t pages = static_cast<uint32_t>(Memory::kKeepResidentBytes / ir::kPageSize) + 4;
  ir::Module m = data_module(pages, {{{0x41, 0x10, 0x0B}, "hello"}});
  auto image = MemoryImage::build(m, 0);
  ASSERT_TRUE(image);
  const uint64_t bytes = uint64_t{pages} * ir::kPageSize, page = host_page_size();
  Memory* mem = Memory::create_raw({{pages, pages}}, pages, false, image).value();
  uint8_t* const base = mem->data();
  for (uint64_t at = 0; at < bytes; at += page)
    base[at + 17] = 0xAB;
  delete mem;
  mem = Memory::create_raw({{pages, pages}}, pages, false, image).value();
  ASSERT_EQ(mem->data(), base);
  std::vector<bool> own;
  ASSERT_TRUE(private_pages(base, bytes, own));
  EXPECT_TRUE(own.front()) << "the first pages are kept";
  EXPECT_FALSE(own.back()) << "the last ones were dropped";
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(base + 16), 5), "hello");
  for (uint64_t at = page; at < bytes; at += page)
    ASSERT_EQ(base[at + 17], 0) << "at " << at;
  delete mem;
}

} // namespace
} // namespace wasmcap::runtime

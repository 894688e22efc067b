// Fuzz target: the Canonical ABI (src/component/abi.h) over a test AbiContext (a byte vector
// with a bump-allocator realloc and a trivial handle table). The first input byte picks a mode:
//   0: a random value type and a random value of it, round-tripped through memory (abi_store ->
//      abi_load) and through flat values (abi_lower_flat -> abi_lift_flat) in each string
//      encoding, then the lifted value (which remembers its source encoding) stored again in
//      every encoding, so each transcoding path runs; every result must equal the original.
//   1: a random function type: arguments through lower_export_args -> lift_call_args, the
//      result through lower_call_result -> lift_export_result (flat and through memory).
//   2: the rest of the input as linear memory (and as flat values): abi_load / abi_lift_flat of
//      a random type must give a value or a Trap error; a value must then round-trip.
// Bit 0x80 of the first byte makes realloc hostile: sometimes it traps, returns a misaligned
// pointer or one out of bounds; any such answer must make the operation a Trap error. Bit 0x40
// starts modes 0 and 1 with an empty memory (which the first realloc grows).
// Mismatches and broken invariants are __builtin_trap(). Types, values, memory and the number of
// realloc calls are bounded, so no input can exhaust memory or time.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <source_location>
#include <span>
#include <string>
#include <vector>

#include "component/abi.h"
#include "component/flatten.h"
#include "component/types.h"
#include "component/utf8.h"
#include "component/value.h"

namespace {

using namespace wasmcap;
using namespace wasmcap::component;
using Enc = CanonOptions::Encoding;

// A broken invariant: say which check (the crash log then names the line), then trap.
[[noreturn]] void fail(std::source_location where = std::source_location::current()) {
  std::fprintf(stderr, "canonical_abi: check failed at %s:%u\n", where.file_name(),
               static_cast<unsigned>(where.line()));
  __builtin_trap();
}
void check(bool cond, std::source_location where = std::source_location::current()) {
  if (!cond) fail(where);
}

// Input bytes, front to back; zeros once exhausted.
class Reader {
public:
  explicit Reader(std::span<const uint8_t> d) : d_(d) {}
  uint8_t byte() { return pos_ < d_.size() ? d_[pos_++] : 0; }
  uint32_t u32() {
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i)
      v |= uint32_t{byte()} << (8 * i);
    return v;
  }
  uint64_t u64() { return uint64_t{u32()} | (uint64_t{u32()} << 32); }
  std::span<const uint8_t> rest() {
    auto r = d_.subspan(pos_);
    pos_ = d_.size();
    return r;
  }

private:
  std::span<const uint8_t> d_;
  size_t pos_ = 0;
};

uint32_t align_up(uint32_t x, uint32_t a) {
  return (x + a - 1) / a * a;
}

// The test context: memory is a vector that is replaced by a larger copy whenever realloc needs
// more room (so a span kept across a realloc is a use-after-free that ASan reports).
class TestContext : public AbiContext {
public:
  static constexpr uint32_t kMaxMemory = 1u << 20;
  static constexpr uint32_t kMaxCalls = 4096;
  static constexpr bool kZeroSizeInEmptyMemory = true;

  // `initial`: the memory's size before the first realloc (0: an empty memory, whose data()
  // may be null).
  TestContext(Reader* hostile, size_t initial) : hostile_(hostile) { mem_.resize(initial); }

  std::span<uint8_t> memory() override { return mem_; }

  support::Result<uint32_t> realloc(uint32_t old_ptr, uint32_t old_size, uint32_t align,
                                    uint32_t new_size) override {
    // The ABI's own protocol: a power-of-two alignment of at most 8, and old_ptr/old_size
    // exactly what an earlier call returned (0/0 for a new allocation).
    check(align == 1 || align == 2 || align == 4 || align == 8);
    if (old_ptr != 0 || old_size != 0) {
      auto it = live_.find(old_ptr);
      check(it != live_.end() && it->second == old_size);
      live_.erase(it);
    }
    if (++calls_ > kMaxCalls) {
      expect_failure = true;
      return trap("realloc: too many calls");
    }
    if (hostile_) {
      switch (hostile_->byte() % 8) {
      case 0: // realloc itself traps
        must_fail = true;
        return trap("realloc trapped");
      case 1: { // out of bounds: past the end, across the end, or where 32 bits would wrap
        must_fail = true;
        const auto size = static_cast<uint32_t>(mem_.size());
        switch (hostile_->byte() % 3) {
        case 0: return size + 1 + hostile_->byte();
        case 1: return new_size >= 2 ? size - new_size / 2 : size + 1;
        default: return 0xfffffff8u;
        }
      }
      case 2: { // misaligned (a fresh allocation one byte in): a trap when align > 1
        if (align > 1) must_fail = true;
        WASMCAP_ASSIGN(const uint32_t p, fresh(align, new_size + 1));
        copy_old(old_ptr, old_size, p + 1, new_size);
        live_[p + 1] = new_size;
        if (align == 1 && ((p + 1) & 1)) odd_pointer = true;
        return p + 1;
      }
      default: break;
      }
    }
    if (old_ptr != 0 && new_size <= old_size && (calls_ & 1)) { // shrink in place
      live_[old_ptr] = new_size;
      return old_ptr;
    }
    WASMCAP_ASSIGN(const uint32_t p, fresh(align, new_size));
    copy_old(old_ptr, old_size, p, new_size);
    live_[p] = new_size;
    if (align == 1 && (p & 1)) odd_pointer = true;
    return p;
  }

  // A trivial handle table: lowering an own or borrow appends its representation; lifting an
  // own takes the handle out, lifting a borrow leaves it.
  support::Result<Val> lift_own(uint32_t index, const Type& handle) override {
    WASMCAP_ASSIGN(const uint64_t rep, lookup(index));
    handles_[index - 1].reset();
    return Val::make(Val::Kind::Own, rep);
  }
  support::Result<Val> lift_borrow(uint32_t index, const Type& handle) override {
    WASMCAP_ASSIGN(const uint64_t rep, lookup(index));
    return Val::make(Val::Kind::Borrow, rep);
  }
  support::Result<uint32_t> lower_own(const Val& v, const Type& handle) override {
    return lower_handle(v, Val::Kind::Own);
  }
  support::Result<uint32_t> lower_borrow(const Val& v, const Type& handle) override {
    return lower_handle(v, Val::Kind::Borrow);
  }

  // A fresh, aligned block of `size` bytes (not registered as live).
  support::Result<uint32_t> fresh(uint32_t align, uint32_t size) {
    // An empty block in an empty memory is at address 0. Off for now: the ABI then calls
    // memcpy(nullptr, src, 0) (tests/regress/component_abi_empty_memory.cpp); turn it on again
    // once that is fixed.
    if (kZeroSizeInEmptyMemory && size == 0 && mem_.empty()) return 0u;
    const uint32_t p = align_up(next_, align);
    if (uint64_t{p} + size > kMaxMemory) {
      expect_failure = true;
      return trap("realloc: out of test memory");
    }
    next_ = p + size;
    if (next_ > mem_.size()) {
      // Grow by a copy into a new buffer, a little more than needed.
      std::vector<uint8_t> bigger(std::min<size_t>(kMaxMemory, next_ + (next_ & 0xff)));
      std::copy(mem_.begin(), mem_.end(), bigger.begin());
      mem_.swap(bigger);
    }
    return p;
  }
  // Memory for the ABI to write into directly (a top-level value, a return area).
  uint32_t area(uint32_t align, uint32_t size) {
    auto p = fresh(align, size);
    check(p.has_value());
    return *p;
  }
  void set_memory(std::span<const uint8_t> bytes) {
    mem_.assign(bytes.begin(), bytes.end());
    next_ = static_cast<uint32_t>(mem_.size());
  }
  void add_handles(size_t n) {
    for (size_t i = 0; i < n; ++i)
      handles_.push_back(0x1000 + i);
  }

  bool must_fail = false;      // realloc gave an answer the ABI must trap on
  bool expect_failure = false; // the test's own limits were reached: failing is fine
  // realloc gave an odd pointer for an alignment of 1. The ABI asks for that alignment when it
  // shrinks a string to Latin-1 (store_probably_utf16_to_latin1_or_utf16), yet loading a
  // latin1+utf16 string needs 2: such a string may legitimately fail to load back.
  bool odd_pointer = false;
  bool load_may_fail() const {
    return expect_failure || (odd_pointer && encoding == Enc::Latin1Utf16);
  }

private:
  static support::Error trap(const char* what) { return make_error(ErrorKind::Trap, what); }

  void copy_old(uint32_t old_ptr, uint32_t old_size, uint32_t p, uint32_t new_size) {
    if (old_ptr == 0) return;
    const uint32_t n = std::min(old_size, new_size);
    if (n == 0) return;
    check(uint64_t{old_ptr} + n <= mem_.size() && uint64_t{p} + n <= mem_.size());
    std::memmove(mem_.data() + p, mem_.data() + old_ptr, n);
  }
  support::Result<uint64_t> lookup(uint32_t index) {
    if (index == 0 || index > handles_.size() || !handles_[index - 1])
      return trap("unknown handle index");
    return *handles_[index - 1];
  }
  support::Result<uint32_t> lower_handle(const Val& v, Val::Kind kind) {
    check(v.kind == kind);
    if (handles_.size() >= 4096) {
      expect_failure = true;
      return trap("handle table full");
    }
    handles_.push_back(v.bits);
    return static_cast<uint32_t>(handles_.size());
  }

  Reader* hostile_;
  std::vector<uint8_t> mem_;
  uint32_t next_ = 16;
  uint32_t calls_ = 0;
  std::map<uint32_t, uint32_t> live_;
  std::vector<std::optional<uint64_t>> handles_;
};

// ---- random types ----

struct TypeGen {
  Reader& in;
  int max_indirection; // nesting of lists and strings (bounds what garbage memory can build)
  int nodes = 0;
  ResourcePtr resource = std::make_shared<ResourceId>();

  std::shared_ptr<Type> prim(PrimType p) {
    auto t = std::make_shared<Type>();
    t->kind = Type::Kind::Prim;
    t->prim = p;
    return t;
  }
  std::vector<std::string> labels(size_t n) {
    std::vector<std::string> out;
    for (size_t i = 0; i < n; ++i)
      out.push_back("l" + std::to_string(i));
    return out;
  }
  // Case counts: usually small, sometimes past 256 (a two-byte discriminant).
  size_t case_count() {
    const uint8_t b = in.byte();
    return b >= 250 ? 257 + (b - 250) : 1 + b % 4;
  }

  TypePtr gen(int depth, int indirection) {
    const uint8_t c = in.byte();
    const bool leaf = depth >= 4 || nodes >= 24;
    const unsigned pick = leaf ? c % 13 : c % 24;
    if (pick < 13) {
      auto p = static_cast<PrimType>(pick);
      if (p == PrimType::String && indirection >= max_indirection) p = PrimType::U32;
      return prim(p);
    }
    ++nodes;
    auto t = std::make_shared<Type>();
    switch (pick) {
    case 13:
      if (indirection >= max_indirection) return prim(PrimType::S64);
      t->kind = Type::Kind::List;
      t->types.push_back(gen(depth + 1, indirection + 1));
      break;
    case 14:
      t->kind = Type::Kind::FixedList;
      t->length = 1 + in.byte() % 4;
      t->types.push_back(gen(depth + 1, indirection));
      break;
    case 15:
    case 16: {
      t->kind = pick == 15 ? Type::Kind::Record : Type::Kind::Tuple;
      const size_t n = 1 + in.byte() % 4;
      for (size_t i = 0; i < n; ++i) {
        if (pick == 15) {
          t->fields.emplace_back("f" + std::to_string(i), gen(depth + 1, indirection));
        } else {
          t->types.push_back(gen(depth + 1, indirection));
        }
      }
      break;
    }
    case 17: {
      t->kind = Type::Kind::Variant;
      const size_t n = case_count();
      for (size_t i = 0; i < n; ++i) {
        TypePtr payload;
        if (i < 6 && in.byte() % 3 != 0) payload = gen(depth + 1, indirection);
        t->fields.emplace_back("c" + std::to_string(i), payload);
      }
      break;
    }
    case 18:
      t->kind = Type::Kind::Enum;
      t->labels = labels(case_count());
      break;
    case 19:
      t->kind = Type::Kind::Option;
      t->types.push_back(gen(depth + 1, indirection));
      break;
    case 20: {
      t->kind = Type::Kind::Result;
      const uint8_t b = in.byte();
      if (b & 1) t->ok = gen(depth + 1, indirection);
      if (b & 2) t->err = gen(depth + 1, indirection);
      break;
    }
    case 21:
      t->kind = Type::Kind::Flags;
      t->labels = labels(1 + in.byte() % 32);
      break;
    case 22: {
      // map<k, v>: a key type (bool, an integer, char, string), the entry tuple<k, v> as its
      // member, as validation builds it.
      if (indirection >= max_indirection) return prim(PrimType::U16);
      const unsigned k = in.byte() % 11; // Bool..U64, then char and string
      auto entry = std::make_shared<Type>();
      entry->kind = Type::Kind::Tuple;
      PrimType key = k < 9 ? static_cast<PrimType>(k) : k == 9 ? PrimType::Char : PrimType::String;
      if (key == PrimType::String && indirection + 1 >= max_indirection) key = PrimType::Char;
      entry->types.push_back(prim(key));
      entry->types.push_back(gen(depth + 1, indirection + 1));
      t->kind = Type::Kind::Map;
      t->types.push_back(entry);
      break;
    }
    default:
      t->kind = in.byte() & 1 ? Type::Kind::Own : Type::Kind::Borrow;
      t->resource = resource;
      break;
    }
    return t;
  }
};

// ---- random values ----

uint64_t sign_extend(uint64_t v, unsigned bits) {
  const uint64_t m = uint64_t{1} << (bits - 1);
  v &= (m << 1) - 1;
  return (v ^ m) - m;
}

struct ValGen {
  Reader& in;
  int budget = 256; // values made in all

  uint32_t code_point() {
    const uint32_t r = in.u32();
    switch (r % 4) {
    case 0: return (r >> 8) % 0x80;
    case 1: return 0x80 + (r >> 8) % 0x80; // Latin-1
    case 2: {
      const uint32_t cp = 0x100 + (r >> 8) % (0x10000 - 0x100);
      return cp >= 0xd800 && cp <= 0xdfff ? cp - 0x800 : cp; // no surrogates
    }
    default: return 0x10000 + (r >> 8) % 0x100000;
    }
  }

  Val gen(const Type& t) {
    --budget;
    using K = Type::Kind;
    switch (t.kind) {
    case K::Prim: return prim(t.prim);
    case K::List: {
      const Type& elem = *t.types[0];
      const bool is_u8 = elem.kind == K::Prim && elem.prim == PrimType::U8;
      if (is_u8 && (in.byte() & 1)) {
        std::string bytes;
        const size_t n = in.byte() % 40;
        for (size_t i = 0; i < n; ++i)
          bytes += static_cast<char>(in.byte());
        return Val::bytes(std::move(bytes));
      }
      Val v = Val::make(Val::Kind::List);
      const size_t n = budget > 0 ? in.byte() % 5 : 0;
      for (size_t i = 0; i < n; ++i)
        v.items.push_back(gen(elem));
      return v;
    }
    case K::Map: {
      Val v = Val::make(Val::Kind::Map);
      const size_t n = budget > 0 ? in.byte() % 5 : 0;
      for (size_t i = 0; i < n; ++i)
        v.items.push_back(gen(*t.types[0])); // a (key, value) tuple
      return v;
    }
    case K::FixedList: {
      Val v = Val::make(Val::Kind::List);
      for (uint32_t i = 0; i < t.length; ++i)
        v.items.push_back(gen(*t.types[0]));
      return v;
    }
    case K::Record: {
      Val v = Val::make(Val::Kind::Record);
      for (const auto& [label, f] : t.fields)
        v.items.push_back(gen(*f));
      return v;
    }
    case K::Tuple: {
      Val v = Val::make(Val::Kind::Tuple);
      for (const TypePtr& m : t.types)
        v.items.push_back(gen(*m));
      return v;
    }
    case K::Variant: {
      const size_t i = in.u32() % t.fields.size();
      Val v = Val::make(Val::Kind::Variant, i);
      if (t.fields[i].second) v.items.push_back(gen(*t.fields[i].second));
      return v;
    }
    case K::Enum: return Val::make(Val::Kind::Enum, in.u32() % t.labels.size());
    case K::Option: {
      Val v = Val::make(Val::Kind::Option, in.byte() & 1);
      if (v.bits) v.items.push_back(gen(*t.types[0]));
      return v;
    }
    case K::Result: {
      Val v = Val::make(Val::Kind::Result, in.byte() & 1);
      const TypePtr& payload = v.bits ? t.err : t.ok;
      if (payload) v.items.push_back(gen(*payload));
      return v;
    }
    case K::Flags: {
      const size_t n = t.labels.size();
      const uint64_t mask = n >= 64 ? ~0ull : (1ull << n) - 1;
      return Val::make(Val::Kind::Flags, in.u64() & mask);
    }
    case K::Own: return Val::make(Val::Kind::Own, in.u32());
    case K::Borrow: return Val::make(Val::Kind::Borrow, in.u32());
    default: fail();
    }
  }

  Val prim(PrimType p) {
    using VK = Val::Kind;
    const uint64_t r = in.u64();
    switch (p) {
    case PrimType::Bool: return Val::make(VK::Bool, r & 1);
    case PrimType::S8: return Val::make(VK::S8, sign_extend(r, 8));
    case PrimType::U8: return Val::make(VK::U8, r & 0xff);
    case PrimType::S16: return Val::make(VK::S16, sign_extend(r, 16));
    case PrimType::U16: return Val::make(VK::U16, r & 0xffff);
    case PrimType::S32: return Val::make(VK::S32, sign_extend(r, 32));
    case PrimType::U32: return Val::make(VK::U32, r & 0xffffffffu);
    case PrimType::S64: return Val::make(VK::S64, r);
    case PrimType::U64: return Val::make(VK::U64, r);
    case PrimType::F32: return Val::make(VK::F32, r & 0xffffffffu);
    case PrimType::F64: return Val::make(VK::F64, r);
    case PrimType::Char: return Val::make(VK::Char, code_point());
    case PrimType::String: {
      std::string s;
      const size_t n = r % 12;
      for (size_t i = 0; i < n; ++i)
        append_utf8(s, code_point());
      return Val::string(std::move(s));
    }
    default: fail();
    }
  }
};

// ---- comparison (type-directed; NaNs canonical after lifting; strings as UTF-8 text) ----

uint64_t canon_f32(uint64_t b) {
  return ((b & 0x7f800000u) == 0x7f800000u && (b & 0x007fffffu)) ? 0x7fc00000u : b;
}
uint64_t canon_f64(uint64_t b) {
  return ((b & 0x7ff0000000000000ull) == 0x7ff0000000000000ull && (b & 0x000fffffffffffffull))
             ? 0x7ff8000000000000ull
             : b;
}

Val list_item(const Val& v, size_t i) {
  return v.packed_bytes ? Val::make(Val::Kind::U8, static_cast<uint8_t>(v.str[i])) : v.items[i];
}

bool same(const Type& t, const Val& want, const Val& got) {
  using K = Type::Kind;
  if (want.kind != got.kind) return false;
  switch (t.kind) {
  case K::Prim:
    switch (t.prim) {
    case PrimType::F32: return canon_f32(want.bits) == got.bits;
    case PrimType::F64: return canon_f64(want.bits) == got.bits;
    case PrimType::String: return want.str == got.str;
    default: return want.bits == got.bits;
    }
  case K::List:
  case K::FixedList:
  case K::Map:
    if (want.list_size() != got.list_size()) return false;
    for (size_t i = 0; i < want.list_size(); ++i) {
      if (!same(*t.types[0], list_item(want, i), list_item(got, i))) return false;
    }
    return true;
  case K::Record:
  case K::Tuple: {
    if (want.items.size() != got.items.size()) return false;
    for (size_t i = 0; i < want.items.size(); ++i) {
      const Type& m = t.kind == K::Record ? *t.fields[i].second : *t.types[i];
      if (!same(m, want.items[i], got.items[i])) return false;
    }
    return true;
  }
  case K::Variant:
  case K::Option:
  case K::Result: {
    if (want.bits != got.bits || want.items.size() != got.items.size()) return false;
    if (want.items.empty()) return true;
    const Type* payload = t.kind == K::Variant  ? t.fields[want.bits].second.get()
                          : t.kind == K::Option ? t.types[0].get()
                          : want.bits == 0      ? t.ok.get()
                                                : t.err.get();
    return payload && same(*payload, want.items[0], got.items[0]);
  }
  default: return want.bits == got.bits; // enum, flags, own, borrow
  }
}

size_t flat_count(const Type& t) {
  std::vector<ir::ValType> f;
  flatten_type(t, f);
  return f.size();
}

// An operation's outcome under the context's realloc: success exactly when realloc behaved
// (or the test's own limits were hit), a failure always a Trap error.
template <class R> bool outcome(const TestContext& cx, const R& r) {
  if (r.has_value()) {
    check(!cx.must_fail);
    return true;
  }
  check(r.error().kind == ErrorKind::Trap);
  check(cx.must_fail || cx.expect_failure);
  return false;
}

constexpr Enc kEncodings[] = {Enc::Utf8, Enc::Utf16, Enc::Latin1Utf16};

// Memory: store `v` at a fresh aligned address, load it back.
// Eight guard bytes on each side of the value check that a store stays within abi_size().
constexpr uint8_t kGuard = 0xa5;
void set_guard(TestContext& cx, uint32_t at) {
  std::memset(cx.memory().data() + at, kGuard, 8);
}
void check_guard(TestContext& cx, uint32_t at) {
  const std::span<uint8_t> m = cx.memory();
  check(at + 8 <= m.size());
  for (uint32_t i = 0; i < 8; ++i)
    check(m[at + i] == kGuard);
}

std::optional<Val> through_memory(TestContext& cx, const Type& t, const Val& v) {
  const uint32_t before = cx.area(8, 8);
  const uint32_t ptr = cx.area(abi_alignment(t), abi_size(t));
  const uint32_t after = cx.area(1, 8);
  check(ptr == before + 8 && after == ptr + abi_size(t));
  set_guard(cx, before);
  set_guard(cx, after);
  auto stored = abi_store(cx, t, v, ptr);
  if (!outcome(cx, stored)) return std::nullopt;
  check_guard(cx, before);
  check_guard(cx, after);
  auto loaded = abi_load(cx, t, ptr);
  if (!loaded) {
    check(loaded.error().kind == ErrorKind::Trap && cx.load_may_fail());
    return std::nullopt;
  }
  return std::move(*loaded);
}

// Flat values: lower `v`, check the count and the i32/f32 positions, lift it back.
std::optional<Val> through_flat(TestContext& cx, const Type& t, const Val& v) {
  // Values go flat only when their type flattens to a few values (at most 16 parameters);
  // flatten_type stops counting past kFlatCap, so bigger types are not tried flat.
  std::vector<ir::ValType> types;
  flatten_type(t, types);
  if (types.size() > kFlatCap) return std::nullopt;
  std::vector<uint64_t> flat;
  auto lowered = abi_lower_flat(cx, t, v, flat);
  if (!outcome(cx, lowered)) return std::nullopt;
  check(flat.size() == types.size());
  for (size_t i = 0; i < flat.size(); ++i) {
    if (types[i] == ir::ValType::I32 || types[i] == ir::ValType::F32) check(flat[i] >> 32 == 0);
  }
  size_t pos = 0;
  auto lifted = abi_lift_flat(cx, t, flat, pos);
  if (!lifted) {
    check(lifted.error().kind == ErrorKind::Trap && cx.load_may_fail());
    return std::nullopt;
  }
  check(pos == flat.size());
  return std::move(*lifted);
}

void round_trip_value(Reader& in, bool hostile, size_t initial) {
  TypeGen tg{in, 3};
  const TypePtr t = tg.gen(0, 0);
  ValGen vg{in};
  const Val v = vg.gen(*t);
  for (const Enc e : kEncodings) {
    TestContext mem_cx(hostile ? &in : nullptr, initial);
    mem_cx.encoding = e;
    if (auto got = through_memory(mem_cx, *t, v)) check(same(*t, v, *got));

    TestContext flat_cx(hostile ? &in : nullptr, initial);
    flat_cx.encoding = e;
    auto lifted = through_flat(flat_cx, *t, v);
    if (!lifted) continue;
    check(same(*t, v, *lifted));
    // The lifted value's strings remember `e`: storing them in each encoding transcodes.
    for (const Enc e2 : kEncodings) {
      TestContext cx2(hostile ? &in : nullptr, initial);
      cx2.encoding = e2;
      if (auto got = through_memory(cx2, *t, *lifted)) check(same(*t, v, *got));
      TestContext cx3(hostile ? &in : nullptr, initial);
      cx3.encoding = e2;
      if (auto got = through_flat(cx3, *t, *lifted)) check(same(*t, v, *got));
    }
  }
}

void round_trip_call(Reader& in, bool hostile, size_t initial) {
  TypeGen tg{in, 3};
  auto func = std::make_shared<Type>();
  func->kind = Type::Kind::Func;
  const size_t params = in.byte() % 20;
  for (size_t i = 0; i < params; ++i)
    func->fields.emplace_back("p" + std::to_string(i), tg.gen(2, 0));
  if (in.byte() & 1) func->result = tg.gen(1, 0);
  ValGen vg{in};
  std::vector<Val> args;
  for (const auto& [name, p] : func->fields)
    args.push_back(vg.gen(*p));
  std::optional<Val> result;
  if (func->result) result = vg.gen(*func->result);
  const Enc e = kEncodings[in.byte() % 3];

  {
    TestContext cx(hostile ? &in : nullptr, initial);
    cx.encoding = e;
    auto core = lower_export_args(cx, *func, args);
    if (outcome(cx, core)) {
      size_t flat = 0;
      for (const auto& [name, p] : func->fields)
        flat += flat_count(*p);
      check(core->size() == (flat > kMaxFlatParams ? 1 : flat));
      auto lifted = lift_call_args(cx, *func, *core);
      check(lifted.has_value() || cx.load_may_fail());
      if (lifted) {
        check(lifted->size() == args.size());
        for (size_t i = 0; i < args.size(); ++i)
          check(same(*func->fields[i].second, args[i], (*lifted)[i]));
      }
    }
  }
  if (!result) return;
  TestContext cx(hostile ? &in : nullptr, initial);
  cx.encoding = e;
  const Type& rt = *func->result;
  std::vector<uint64_t> core_args, core_results;
  const bool indirect = flat_count(rt) > kMaxFlatResults;
  if (indirect) core_args.push_back(cx.area(abi_alignment(rt), abi_size(rt)));
  auto lowered = lower_call_result(cx, *func, result, core_args, core_results);
  if (!outcome(cx, lowered)) return;
  if (indirect) {
    check(core_results.empty());
    core_results = core_args;
  } else {
    check(core_results.size() == flat_count(rt));
  }
  auto lifted = lift_export_result(cx, *func, core_results);
  check(lifted.has_value() || cx.load_may_fail());
  if (lifted) check(lifted->has_value() && same(rt, *result, **lifted));
}

// Garbage memory and flat values: a value or a Trap; a value must round-trip.
void garbage(Reader& in) {
  TypeGen tg{in, 2};
  const TypePtr t = tg.gen(0, 0);
  const Enc e = kEncodings[in.byte() % 3];
  const uint8_t where = in.byte();
  std::vector<uint64_t> flat_in;
  std::vector<ir::ValType> types;
  flatten_type(*t, types);
  for (const ir::ValType vt : types) {
    const uint64_t r = in.u64();
    const bool narrow = vt == ir::ValType::I32 || vt == ir::ValType::F32;
    // Mostly small numbers (pointers and lengths into the memory), sometimes anything.
    const uint64_t x = (r & 3) == 0 ? r >> 2 : (r >> 2) % 300;
    flat_in.push_back(narrow ? x & 0xffffffffu : x);
  }
  std::span<const uint8_t> bytes = in.rest();
  if (bytes.size() > 1024) bytes = bytes.first(1024);

  TestContext cx(nullptr, 0);
  cx.encoding = e;
  cx.set_memory(bytes);
  cx.add_handles(4);
  const uint32_t ptr =
      where < 240 ? where % (static_cast<uint32_t>(bytes.size()) + 8) : 0xffffffffu - (where - 240);
  std::vector<Val> values;
  auto loaded = abi_load(cx, *t, ptr);
  if (loaded) {
    values.push_back(std::move(*loaded));
  } else {
    check(loaded.error().kind == ErrorKind::Trap);
  }
  size_t pos = 0;
  auto lifted = abi_lift_flat(cx, *t, flat_in, pos);
  if (lifted) {
    check(pos == flat_in.size());
    values.push_back(std::move(*lifted));
  } else {
    check(lifted.error().kind == ErrorKind::Trap);
  }
  for (const Val& v : values) {
    TestContext cx2(nullptr, 64);
    cx2.encoding = e;
    if (auto got = through_memory(cx2, *t, v)) check(same(*t, v, *got));
    TestContext cx3(nullptr, 64);
    cx3.encoding = e;
    if (auto got = through_flat(cx3, *t, v)) check(same(*t, v, *got));
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Reader in(std::span<const uint8_t>(data, size));
  const uint8_t mode = in.byte();
  const bool hostile = mode & 0x80;
  const size_t initial = mode & 0x40 ? 0 : 64; // the memory before the first realloc
  switch (mode % 3) {
  case 0: round_trip_value(in, hostile, initial); break;
  case 1: round_trip_call(in, hostile, initial); break;
  default: garbage(in); break;
  }
  return 0;
}

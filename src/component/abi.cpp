// The Canonical ABI's values (abi.h): load/store in linear memory, lift/lower as flat core
// values, and the parameter/result conventions of lifted and lowered functions.
#include "component/abi.h"

#include <cstring>

#include "component/abi_detail.h"
#include "component/flatten.h"

namespace wasmcap::component {

using namespace detail;
using support::Result;

namespace {

constexpr uint32_t kMaxListBytes = (1u << 28) - 1;

uint64_t load_int(std::span<const uint8_t> p, uint32_t size) {
  uint64_t v = 0;
  for (uint32_t i = 0; i < size; ++i)
    v |= uint64_t{p[i]} << (8 * i);
  return v;
}

void store_int(std::span<uint8_t> p, uint64_t v, uint32_t size) {
  for (uint32_t i = 0; i < size; ++i)
    p[i] = static_cast<uint8_t>(v >> (8 * i));
}

uint64_t sign_extend(uint64_t v, unsigned bits) {
  const uint64_t m = uint64_t{1} << (bits - 1);
  v &= (m << 1) - 1;
  return (v ^ m) - m;
}

// NaNs leave the ABI canonical (CanonicalABI.md: canonicalize_nan32/64).
uint64_t canon_f32(uint64_t bits) {
  const auto b = static_cast<uint32_t>(bits);
  return ((b & 0x7f800000u) == 0x7f800000u && (b & 0x007fffffu)) ? 0x7fc00000u : b;
}
uint64_t canon_f64(uint64_t b) {
  return ((b & 0x7ff0000000000000ull) == 0x7ff0000000000000ull && (b & 0x000fffffffffffffull))
             ? 0x7ff8000000000000ull
             : b;
}

Result<Val> make_char(uint64_t cp) {
  if (cp >= 0x110000 || (cp >= 0xd800 && cp <= 0xdfff)) {
    return trap("invalid `char` bit pattern: " + std::to_string(cp) +
                " is not a Unicode scalar value");
  }
  return Val::make(Val::Kind::Char, cp);
}

// A primitive from its integer bits (memory or flat), checked and normalized.
Result<Val> prim_from_bits(PrimType p, uint64_t v) {
  using K = Val::Kind;
  switch (p) {
  case PrimType::Bool: return Val::make(K::Bool, (v & 0xffffffffu) != 0 ? 1 : 0);
  case PrimType::S8: return Val::make(K::S8, sign_extend(v, 8));
  case PrimType::U8: return Val::make(K::U8, v & 0xff);
  case PrimType::S16: return Val::make(K::S16, sign_extend(v, 16));
  case PrimType::U16: return Val::make(K::U16, v & 0xffff);
  case PrimType::S32: return Val::make(K::S32, sign_extend(v, 32));
  case PrimType::U32: return Val::make(K::U32, v & 0xffffffffu);
  case PrimType::S64: return Val::make(K::S64, v);
  case PrimType::U64: return Val::make(K::U64, v);
  case PrimType::F32: return Val::make(K::F32, canon_f32(v));
  case PrimType::F64: return Val::make(K::F64, canon_f64(v));
  case PrimType::Char: return make_char(v & 0xffffffffu);
  default: break;
  }
  return trap("unsupported primitive type");
}

uint32_t prim_size(PrimType p) {
  switch (p) {
  case PrimType::Bool:
  case PrimType::S8:
  case PrimType::U8: return 1;
  case PrimType::S16:
  case PrimType::U16: return 2;
  case PrimType::S64:
  case PrimType::U64:
  case PrimType::F64: return 8;
  default: return 4;
  }
}

Val::Kind variant_kind(const Type& t) {
  switch (t.kind) {
  case Type::Kind::Option: return Val::Kind::Option;
  case Type::Kind::Result: return Val::Kind::Result;
  case Type::Kind::Enum: return Val::Kind::Enum;
  default: return Val::Kind::Variant;
  }
}

Val::Kind list_kind(const Type& t) {
  return t.kind == Type::Kind::Map ? Val::Kind::Map : Val::Kind::List;
}

bool is_u8(const Type& t) {
  return t.kind == Type::Kind::Prim && t.prim == PrimType::U8;
}

Status check_kind(const Val& v, Val::Kind k, const char* what) {
  if (v.kind != k)
    return trap(std::string("value does not match its type (expected ") + what + ")");
  return ok();
}

// A list's elements, or (kind Map) a map's entries: a map<k, v> is laid out as the
// list<tuple<k, v>> its type keeps as its element (types[0]).
Result<Val> load_list_range(AbiContext& cx, const Type& elem, uint32_t ptr, uint32_t len,
                            Val::Kind kind = Val::Kind::List) {
  const uint32_t size = abi_size(elem);
  if (uint64_t{len} * size > kMaxListBytes) return trap("list is longer than 2^28 - 1 bytes");
  if (ptr % abi_alignment(elem) != 0) return trap("list pointer is not aligned");
  WASMCAP_ASSIGN(std::span<uint8_t> range, mem_range(cx, ptr, uint64_t{len} * size));
  // A byte list is packed (its bytes); other elements each become a Val.
  WASMCAP_TRY(cx.charge(is_u8(elem) ? uint64_t{len}
                                    : uint64_t{len} * std::max<uint64_t>(size, sizeof(Val))));
  if (is_u8(elem))
    return Val::bytes(std::string(reinterpret_cast<const char*>(range.data()), range.size()));
  Val v = Val::make(kind);
  v.items.reserve(len);
  for (uint32_t i = 0; i < len; ++i) {
    WASMCAP_ASSIGN(Val e, abi_load(cx, elem, ptr + i * size));
    v.items.push_back(std::move(e));
  }
  return v;
}

Result<std::pair<uint32_t, uint32_t>>
store_list_range(AbiContext& cx, const Type& elem, const Val& v, Val::Kind kind = Val::Kind::List) {
  WASMCAP_TRY(check_kind(v, kind, kind == Val::Kind::Map ? "a map" : "a list"));
  const uint32_t size = abi_size(elem);
  const auto len = static_cast<uint32_t>(v.list_size());
  const uint64_t bytes = uint64_t{len} * size;
  if (bytes > kMaxListBytes) return trap("list is longer than 2^28 - 1 bytes");
  const uint32_t align = abi_alignment(elem);
  WASMCAP_ASSIGN(const uint32_t ptr, cx.realloc(0, 0, align, static_cast<uint32_t>(bytes)));
  if (ptr % align != 0) return trap("realloc returned a misaligned pointer");
  WASMCAP_ASSIGN(std::span<uint8_t> dst, mem_range(cx, ptr, bytes));
  if (v.packed_bytes) {
    if (!is_u8(elem)) return trap("value does not match its type (a byte list)");
    if (len != 0) std::memcpy(dst.data(), v.str.data(), len); // an empty memory has no data
    return std::pair(ptr, len);
  }
  for (uint32_t i = 0; i < len; ++i)
    WASMCAP_TRY(abi_store(cx, elem, v.items[i], ptr + i * size));
  return std::pair(ptr, len);
}

// The fields of a record or the members of a tuple, as types in order.
std::vector<const Type*> members(const Type& t) {
  std::vector<const Type*> out;
  if (t.kind == Type::Kind::Record) {
    for (const auto& [label, f] : t.fields)
      out.push_back(f.get());
  } else {
    for (const TypePtr& m : t.types)
      out.push_back(m.get());
  }
  return out;
}

Result<Val> load_members(AbiContext& cx, const std::vector<const Type*>& ms, uint32_t ptr,
                         Val::Kind kind) {
  Val v = Val::make(kind);
  for (const Type* m : ms) {
    ptr = abi_align_to(ptr, abi_alignment(*m));
    WASMCAP_ASSIGN(Val e, abi_load(cx, *m, ptr));
    v.items.push_back(std::move(e));
    ptr += abi_size(*m);
  }
  return v;
}

Status store_members(AbiContext& cx, const std::vector<const Type*>& ms, const Val& v,
                     uint32_t ptr) {
  if (v.items.size() != ms.size()) return trap("value does not match its type (member count)");
  for (size_t i = 0; i < ms.size(); ++i) {
    ptr = abi_align_to(ptr, abi_alignment(*ms[i]));
    WASMCAP_TRY(abi_store(cx, *ms[i], v.items[i], ptr));
    ptr += abi_size(*ms[i]);
  }
  return ok();
}

} // namespace

Result<Val> abi_load(AbiContext& cx, const Type& t, uint32_t ptr) {
  using K = Type::Kind;
  switch (t.kind) {
  case K::Prim: {
    if (t.prim == PrimType::String) {
      WASMCAP_ASSIGN(std::span<uint8_t> p, mem_range(cx, ptr, 8));
      const auto begin = static_cast<uint32_t>(load_int(p, 4));
      const auto units = static_cast<uint32_t>(load_int(p.subspan(4), 4));
      return load_string_range(cx, begin, units);
    }
    if (t.prim == PrimType::ErrorContext) return trap("error-context values are not supported");
    const uint32_t size = prim_size(t.prim);
    WASMCAP_ASSIGN(std::span<uint8_t> p, mem_range(cx, ptr, size));
    return prim_from_bits(t.prim, load_int(p, size));
  }
  case K::List:
  case K::Map: {
    WASMCAP_ASSIGN(std::span<uint8_t> p, mem_range(cx, ptr, 8));
    return load_list_range(cx, *t.types[0], static_cast<uint32_t>(load_int(p, 4)),
                           static_cast<uint32_t>(load_int(p.subspan(4), 4)), list_kind(t));
  }
  case K::FixedList: {
    Val v = Val::make(Val::Kind::List);
    const uint32_t size = abi_size(*t.types[0]);
    for (uint32_t i = 0; i < t.length; ++i) {
      WASMCAP_ASSIGN(Val e, abi_load(cx, *t.types[0], ptr + i * size));
      v.items.push_back(std::move(e));
    }
    return v;
  }
  case K::Record: return load_members(cx, members(t), ptr, Val::Kind::Record);
  case K::Tuple: return load_members(cx, members(t), ptr, Val::Kind::Tuple);
  case K::Variant:
  case K::Option:
  case K::Result:
  case K::Enum: {
    const auto cases = abi_cases(t);
    const uint32_t dsize = abi_discriminant_size(cases.size());
    WASMCAP_ASSIGN(std::span<uint8_t> p, mem_range(cx, ptr, dsize));
    const uint64_t index = load_int(p, dsize);
    if (index >= cases.size()) return trap("invalid variant discriminant " + std::to_string(index));
    Val v = Val::make(variant_kind(t), index);
    if (const Type* c = cases[index]) {
      WASMCAP_ASSIGN(Val payload, abi_load(cx, *c, ptr + abi_payload_offset(t)));
      v.items.push_back(std::move(payload));
    }
    return v;
  }
  case K::Flags: {
    const uint32_t size = abi_flags_size(t.labels.size());
    WASMCAP_ASSIGN(std::span<uint8_t> p, mem_range(cx, ptr, size));
    const uint64_t mask = t.labels.size() >= 64 ? ~0ull : (1ull << t.labels.size()) - 1;
    return Val::make(Val::Kind::Flags, load_int(p, size) & mask);
  }
  case K::Own:
  case K::Borrow: {
    WASMCAP_ASSIGN(std::span<uint8_t> p, mem_range(cx, ptr, 4));
    const auto index = static_cast<uint32_t>(load_int(p, 4));
    return t.kind == K::Own ? cx.lift_own(index, t) : cx.lift_borrow(index, t);
  }
  default: break;
  }
  return trap("unsupported type in the Canonical ABI");
}

Status abi_store(AbiContext& cx, const Type& t, const Val& v, uint32_t ptr) {
  using K = Type::Kind;
  switch (t.kind) {
  case K::Prim: {
    if (t.prim == PrimType::String) {
      WASMCAP_TRY(check_kind(v, Val::Kind::String, "a string"));
      WASMCAP_ASSIGN(auto range, store_string_range(cx, v));
      WASMCAP_ASSIGN(std::span<uint8_t> p, mem_range(cx, ptr, 8));
      store_int(p, range.first, 4);
      store_int(p.subspan(4), range.second, 4);
      return ok();
    }
    const uint32_t size = prim_size(t.prim);
    WASMCAP_ASSIGN(std::span<uint8_t> p, mem_range(cx, ptr, size));
    store_int(p, v.bits, size);
    return ok();
  }
  case K::List:
  case K::Map: {
    WASMCAP_ASSIGN(auto range, store_list_range(cx, *t.types[0], v, list_kind(t)));
    WASMCAP_ASSIGN(std::span<uint8_t> p, mem_range(cx, ptr, 8));
    store_int(p, range.first, 4);
    store_int(p.subspan(4), range.second, 4);
    return ok();
  }
  case K::FixedList: {
    if (v.list_size() != t.length) return trap("value does not match its type (list length)");
    const uint32_t size = abi_size(*t.types[0]);
    for (uint32_t i = 0; i < t.length; ++i) {
      Val e =
          v.packed_bytes ? Val::make(Val::Kind::U8, static_cast<uint8_t>(v.str[i])) : v.items[i];
      WASMCAP_TRY(abi_store(cx, *t.types[0], e, ptr + i * size));
    }
    return ok();
  }
  case K::Record:
  case K::Tuple: return store_members(cx, members(t), v, ptr);
  case K::Variant:
  case K::Option:
  case K::Result:
  case K::Enum: {
    const auto cases = abi_cases(t);
    if (v.bits >= cases.size()) return trap("value does not match its type (variant case)");
    const uint32_t dsize = abi_discriminant_size(cases.size());
    WASMCAP_ASSIGN(std::span<uint8_t> p, mem_range(cx, ptr, dsize));
    store_int(p, v.bits, dsize);
    if (const Type* c = cases[v.bits]) {
      if (v.items.empty()) return trap("value does not match its type (missing payload)");
      WASMCAP_TRY(abi_store(cx, *c, v.items[0], ptr + abi_payload_offset(t)));
    }
    return ok();
  }
  case K::Flags: {
    const uint32_t size = abi_flags_size(t.labels.size());
    WASMCAP_ASSIGN(std::span<uint8_t> p, mem_range(cx, ptr, size));
    store_int(p, v.bits, size);
    return ok();
  }
  case K::Own:
  case K::Borrow: {
    WASMCAP_ASSIGN(const uint32_t index,
                   t.kind == K::Own ? cx.lower_own(v, t) : cx.lower_borrow(v, t));
    WASMCAP_ASSIGN(std::span<uint8_t> p, mem_range(cx, ptr, 4));
    store_int(p, index, 4);
    return ok();
  }
  default: break;
  }
  return trap("unsupported type in the Canonical ABI");
}

Result<Val> abi_lift_flat(AbiContext& cx, const Type& t, std::span<const uint64_t> flat,
                          size_t& pos) {
  using K = Type::Kind;
  auto next = [&]() -> Result<uint64_t> {
    if (pos >= flat.size()) return trap("too few flat values");
    return flat[pos++];
  };
  switch (t.kind) {
  case K::Prim: {
    if (t.prim == PrimType::String) {
      WASMCAP_ASSIGN(const uint64_t ptr, next());
      WASMCAP_ASSIGN(const uint64_t units, next());
      return load_string_range(cx, static_cast<uint32_t>(ptr), static_cast<uint32_t>(units));
    }
    WASMCAP_ASSIGN(const uint64_t v, next());
    return prim_from_bits(t.prim, v);
  }
  case K::List:
  case K::Map: {
    WASMCAP_ASSIGN(const uint64_t ptr, next());
    WASMCAP_ASSIGN(const uint64_t len, next());
    return load_list_range(cx, *t.types[0], static_cast<uint32_t>(ptr), static_cast<uint32_t>(len),
                           list_kind(t));
  }
  case K::FixedList: {
    Val v = Val::make(Val::Kind::List);
    for (uint32_t i = 0; i < t.length; ++i) {
      WASMCAP_ASSIGN(Val e, abi_lift_flat(cx, *t.types[0], flat, pos));
      v.items.push_back(std::move(e));
    }
    return v;
  }
  case K::Record:
  case K::Tuple: {
    Val v = Val::make(t.kind == K::Record ? Val::Kind::Record : Val::Kind::Tuple);
    for (const Type* m : members(t)) {
      WASMCAP_ASSIGN(Val e, abi_lift_flat(cx, *m, flat, pos));
      v.items.push_back(std::move(e));
    }
    return v;
  }
  case K::Variant:
  case K::Option:
  case K::Result:
  case K::Enum: {
    const size_t width = flat_width(t);
    // Past kFlatCap the flattening is cut short (flatten.h), so its width means nothing; such a
    // type never travels flat (validation passes at most kMaxFlatParams values).
    if (width > kFlatCap) return trap("a value too large to pass as flat values");
    const size_t start = pos;
    const size_t end = start + width;
    if (end > flat.size()) return trap("too few flat values");
    WASMCAP_ASSIGN(const uint64_t index, next());
    const auto cases = abi_cases(t);
    if ((index & 0xffffffffu) >= cases.size())
      return trap("invalid variant discriminant " + std::to_string(index));
    Val v = Val::make(variant_kind(t), index & 0xffffffffu);
    if (const Type* c = cases[v.bits]) {
      WASMCAP_ASSIGN(Val payload, abi_lift_flat(cx, *c, flat, pos));
      v.items.push_back(std::move(payload));
    }
    pos = end; // the rest of the joined payload positions are padding
    return v;
  }
  case K::Flags: {
    WASMCAP_ASSIGN(const uint64_t bits, next());
    const uint64_t mask = t.labels.size() >= 32 ? 0xffffffffu : (1ull << t.labels.size()) - 1;
    return Val::make(Val::Kind::Flags, bits & mask);
  }
  case K::Own:
  case K::Borrow: {
    WASMCAP_ASSIGN(const uint64_t index, next());
    return t.kind == K::Own ? cx.lift_own(static_cast<uint32_t>(index), t)
                            : cx.lift_borrow(static_cast<uint32_t>(index), t);
  }
  default: break;
  }
  return trap("unsupported type in the Canonical ABI");
}

Status abi_lower_flat(AbiContext& cx, const Type& t, const Val& v, std::vector<uint64_t>& out) {
  using K = Type::Kind;
  switch (t.kind) {
  case K::Prim:
    if (t.prim == PrimType::String) {
      WASMCAP_TRY(check_kind(v, Val::Kind::String, "a string"));
      WASMCAP_ASSIGN(auto range, store_string_range(cx, v));
      out.push_back(range.first);
      out.push_back(range.second);
      return ok();
    }
    switch (t.prim) {
    case PrimType::S64:
    case PrimType::U64:
    case PrimType::F64: out.push_back(v.bits); break;
    case PrimType::Bool: out.push_back(v.bits != 0 ? 1 : 0); break;
    default: out.push_back(v.bits & 0xffffffffu); break;
    }
    return ok();
  case K::List:
  case K::Map: {
    WASMCAP_ASSIGN(auto range, store_list_range(cx, *t.types[0], v, list_kind(t)));
    out.push_back(range.first);
    out.push_back(range.second);
    return ok();
  }
  case K::FixedList:
    for (uint32_t i = 0; i < t.length; ++i) {
      if (i >= v.list_size()) return trap("value does not match its type (list length)");
      Val e =
          v.packed_bytes ? Val::make(Val::Kind::U8, static_cast<uint8_t>(v.str[i])) : v.items[i];
      WASMCAP_TRY(abi_lower_flat(cx, *t.types[0], e, out));
    }
    return ok();
  case K::Record:
  case K::Tuple: {
    const auto ms = members(t);
    if (v.items.size() != ms.size()) return trap("value does not match its type (member count)");
    for (size_t i = 0; i < ms.size(); ++i)
      WASMCAP_TRY(abi_lower_flat(cx, *ms[i], v.items[i], out));
    return ok();
  }
  case K::Variant:
  case K::Option:
  case K::Result:
  case K::Enum: {
    const size_t width = flat_width(t);
    if (width > kFlatCap) return trap("a value too large to pass as flat values");
    const size_t start = out.size();
    const auto cases = abi_cases(t);
    if (v.bits >= cases.size()) return trap("value does not match its type (variant case)");
    out.push_back(v.bits);
    if (const Type* c = cases[v.bits]) {
      if (v.items.empty()) return trap("value does not match its type (missing payload)");
      WASMCAP_TRY(abi_lower_flat(cx, *c, v.items[0], out));
    }
    out.resize(start + width, 0); // padding: zeros in the positions this case leaves
    return ok();
  }
  case K::Flags: out.push_back(v.bits & 0xffffffffu); return ok();
  case K::Own:
  case K::Borrow: {
    WASMCAP_ASSIGN(const uint32_t index,
                   t.kind == K::Own ? cx.lower_own(v, t) : cx.lower_borrow(v, t));
    out.push_back(index);
    return ok();
  }
  default: break;
  }
  return trap("unsupported type in the Canonical ABI");
}

namespace {

std::vector<const Type*> param_types(const Type& func) {
  std::vector<const Type*> out;
  out.reserve(func.fields.size());
  for (const auto& [name, p] : func.fields)
    out.push_back(p.get());
  return out;
}

// The layout of the parameters as a tuple in memory.
std::pair<uint32_t, uint32_t> tuple_layout(const std::vector<const Type*>& ms) {
  uint32_t align = 1, size = 0;
  for (const Type* m : ms) {
    align = std::max(align, abi_alignment(*m));
    size = abi_align_to(size, abi_alignment(*m)) + abi_size(*m);
  }
  return {align, abi_align_to(size, align)};
}

size_t flat_count(const Type& t) {
  return flat_width(t);
}

} // namespace

Result<std::vector<Val>> lift_call_args(AbiContext& cx, const Type& func,
                                        std::span<const uint64_t> core_args) {
  const auto ps = param_types(func);
  size_t flat = 0;
  for (const Type* p : ps)
    flat += flat_count(*p);
  std::vector<Val> out;
  if (flat > kMaxFlatParams) {
    if (core_args.empty()) return trap("missing parameter pointer");
    const auto ptr = static_cast<uint32_t>(core_args[0]);
    const auto [align, size] = tuple_layout(ps);
    if (ptr % align != 0) return trap("parameter pointer is not aligned");
    WASMCAP_TRY(mem_range(cx, ptr, size));
    WASMCAP_ASSIGN(Val tuple, load_members(cx, ps, ptr, Val::Kind::Tuple));
    return std::move(tuple.items);
  }
  size_t pos = 0;
  out.reserve(ps.size());
  for (const Type* p : ps) {
    WASMCAP_ASSIGN(Val v, abi_lift_flat(cx, *p, core_args, pos));
    out.push_back(std::move(v));
  }
  return out;
}

Status lower_call_result(AbiContext& cx, const Type& func, const std::optional<Val>& r,
                         std::span<const uint64_t> core_args, std::vector<uint64_t>& core_results) {
  if (!func.result) return ok();
  if (!r) return trap("the host function returned no value");
  if (flat_count(*func.result) > kMaxFlatResults) {
    if (core_args.empty()) return trap("missing result pointer");
    const auto ptr = static_cast<uint32_t>(core_args.back());
    if (ptr % abi_alignment(*func.result) != 0) return trap("result pointer is not aligned");
    WASMCAP_TRY(mem_range(cx, ptr, abi_size(*func.result)));
    return abi_store(cx, *func.result, *r, ptr);
  }
  return abi_lower_flat(cx, *func.result, *r, core_results);
}

Result<std::vector<uint64_t>> lower_export_args(AbiContext& cx, const Type& func,
                                                std::span<const Val> args) {
  const auto ps = param_types(func);
  if (args.size() != ps.size()) {
    return make_error(ErrorKind::Usage, "expected " + std::to_string(ps.size()) +
                                            " arguments, got " + std::to_string(args.size()));
  }
  size_t flat = 0;
  for (const Type* p : ps)
    flat += flat_count(*p);
  std::vector<uint64_t> out;
  if (flat > kMaxFlatParams) {
    const auto [align, size] = tuple_layout(ps);
    WASMCAP_ASSIGN(const uint32_t ptr, cx.realloc(0, 0, align, size));
    if (ptr % align != 0) return trap("realloc returned a misaligned pointer");
    WASMCAP_TRY(mem_range(cx, ptr, size));
    Val tuple = Val::make(Val::Kind::Tuple);
    tuple.items.assign(args.begin(), args.end());
    WASMCAP_TRY(store_members(cx, ps, tuple, ptr));
    out.push_back(ptr);
    return out;
  }
  for (size_t i = 0; i < ps.size(); ++i)
    WASMCAP_TRY(abi_lower_flat(cx, *ps[i], args[i], out));
  return out;
}

Result<std::optional<Val>> lift_export_result(AbiContext& cx, const Type& func,
                                              std::span<const uint64_t> core_results) {
  if (!func.result) return std::optional<Val>();
  if (flat_count(*func.result) > kMaxFlatResults) {
    if (core_results.empty()) return trap("missing result pointer");
    const auto ptr = static_cast<uint32_t>(core_results[0]);
    if (ptr % abi_alignment(*func.result) != 0) return trap("result pointer is not aligned");
    WASMCAP_TRY(mem_range(cx, ptr, abi_size(*func.result)));
    WASMCAP_ASSIGN(Val v, abi_load(cx, *func.result, ptr));
    return std::optional<Val>(std::move(v));
  }
  size_t pos = 0;
  WASMCAP_ASSIGN(Val v, abi_lift_flat(cx, *func.result, core_results, pos));
  return std::optional<Val>(std::move(v));
}

} // namespace wasmcap::component

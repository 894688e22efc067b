// The Canonical ABI's memory layout of component types (CanonicalABI.md, "Alignment" and
// "Element Size"): alignment and size of every value type in linear memory.
#include <algorithm>

#include "component/abi.h"
#include "component/abi_detail.h"

namespace wasmcap::component {

namespace {

uint32_t align_to(uint32_t x, uint32_t a) {
  return (x + a - 1) / a * a;
}

uint32_t discriminant_size(size_t cases) {
  return cases <= 256 ? 1 : cases <= 65536 ? 2 : 4;
}

uint32_t flags_size(size_t n) {
  return n <= 8 ? 1 : n <= 16 ? 2 : 4 * static_cast<uint32_t>((n + 31) / 32);
}

using detail::CaseView;
CaseView cases_of(const Type& t) {
  return CaseView(t);
}

uint32_t max_case_alignment(const CaseView& cases) {
  uint32_t a = 1;
  for (size_t i = 0; i < cases.size(); ++i) {
    if (const Type* c = cases[i]) a = std::max(a, abi_alignment(*c));
  }
  return a;
}

// The layout of `t` from its memo (composite types), computed and stored on first use.
// Racing threads compute the same value, so a relaxed store is enough.
constexpr uint64_t kKnown = uint64_t{1} << 63;
bool composite(const Type& t) {
  using K = Type::Kind;
  switch (t.kind) {
  case K::Record:
  case K::Tuple:
  case K::Variant:
  case K::Option:
  case K::Result:
  case K::Enum:
  case K::FixedList: return true;
  default: return false;
  }
}
uint32_t compute_alignment(const Type& t);
uint32_t compute_size(const Type& t);
uint64_t layout_of(const Type& t) {
  uint64_t packed = t.layout_memo.packed.load(std::memory_order_relaxed);
  if (packed & kKnown) return packed;
  packed = kKnown | (uint64_t{compute_alignment(t)} << 32) | compute_size(t);
  t.layout_memo.packed.store(packed, std::memory_order_relaxed);
  return packed;
}

} // namespace

uint32_t abi_alignment(const Type& t) {
  if (composite(t)) return static_cast<uint32_t>(layout_of(t) >> 32) & 0xffff;
  return compute_alignment(t);
}

uint32_t abi_size(const Type& t) {
  if (composite(t)) return static_cast<uint32_t>(layout_of(t));
  return compute_size(t);
}

namespace {

uint32_t compute_alignment(const Type& t) {
  using K = Type::Kind;
  switch (t.kind) {
  case K::Prim:
    switch (t.prim) {
    case PrimType::Bool:
    case PrimType::S8:
    case PrimType::U8: return 1;
    case PrimType::S16:
    case PrimType::U16: return 2;
    case PrimType::S64:
    case PrimType::U64:
    case PrimType::F64: return 8;
    default: return 4; // s32, u32, f32, char, string (pointer + length), error-context
    }
  case K::List:
  case K::Map:
  case K::Own:
  case K::Borrow:
  case K::Stream:
  case K::Future: return 4;
  case K::FixedList: return abi_alignment(*t.types[0]);
  case K::Record: {
    uint32_t a = 1;
    for (const auto& [label, f] : t.fields)
      a = std::max(a, abi_alignment(*f));
    return a;
  }
  case K::Tuple: {
    uint32_t a = 1;
    for (const TypePtr& m : t.types)
      a = std::max(a, abi_alignment(*m));
    return a;
  }
  case K::Variant:
  case K::Option:
  case K::Result:
  case K::Enum: {
    const auto cases = cases_of(t);
    return std::max(discriminant_size(cases.size()), max_case_alignment(cases));
  }
  case K::Flags: return std::min<uint32_t>(flags_size(t.labels.size()), 4);
  default: return 1;
  }
}

uint32_t compute_size(const Type& t) {
  using K = Type::Kind;
  switch (t.kind) {
  case K::Prim:
    switch (t.prim) {
    case PrimType::Bool:
    case PrimType::S8:
    case PrimType::U8: return 1;
    case PrimType::S16:
    case PrimType::U16: return 2;
    case PrimType::S64:
    case PrimType::U64:
    case PrimType::F64:
    case PrimType::String: return 8;
    default: return 4;
    }
  case K::List:
  case K::Map: return 8;
  case K::Own:
  case K::Borrow:
  case K::Stream:
  case K::Future: return 4;
  case K::FixedList: return abi_size(*t.types[0]) * t.length;
  case K::Record:
  case K::Tuple: {
    uint32_t s = 0;
    auto add = [&](const Type& f) {
      s = align_to(s, abi_alignment(f));
      s += abi_size(f);
    };
    if (t.kind == K::Record) {
      for (const auto& [label, f] : t.fields)
        add(*f);
    } else {
      for (const TypePtr& m : t.types)
        add(*m);
    }
    return align_to(s, compute_alignment(t));
  }
  case K::Variant:
  case K::Option:
  case K::Result:
  case K::Enum: {
    const auto cases = cases_of(t);
    uint32_t s = discriminant_size(cases.size());
    s = align_to(s, max_case_alignment(cases));
    uint32_t cs = 0;
    for (size_t i = 0; i < cases.size(); ++i) {
      if (const Type* c = cases[i]) cs = std::max(cs, abi_size(*c));
    }
    return align_to(s + cs, compute_alignment(t));
  }
  case K::Flags: return flags_size(t.labels.size());
  default: return 0;
  }
}

} // namespace

namespace detail {

uint32_t abi_discriminant_size(size_t cases) {
  return discriminant_size(cases);
}
uint32_t abi_payload_offset(const Type& t) {
  const auto cases = cases_of(t);
  return align_to(discriminant_size(cases.size()), max_case_alignment(cases));
}
uint32_t abi_align_to(uint32_t x, uint32_t a) {
  return align_to(x, a);
}
uint32_t abi_flags_size(size_t n) {
  return flags_size(n);
}

} // namespace detail

} // namespace wasmcap::component

// Flattening of component types into core value types (flatten.h), per CanonicalABI.md.
#include "component/flatten.h"

#include <algorithm>
#include <memory>

namespace wasmcap::component {

namespace {

using ir::ValType;

ValType join(ValType a, ValType b) {
  if (a == b) return a;
  if ((a == ValType::I32 && b == ValType::F32) || (a == ValType::F32 && b == ValType::I32)) {
    return ValType::I32;
  }
  return ValType::I64;
}

// A variant: the discriminant, then each position the join of what the cases put there.
void flatten_cases(const std::vector<const Type*>& cases, std::vector<ValType>& out) {
  out.push_back(ValType::I32);
  std::vector<ValType> joined;
  for (const Type* c : cases) {
    if (!c) continue;
    std::vector<ValType> flat;
    flatten_type(*c, flat);
    for (size_t i = 0; i < flat.size(); ++i) {
      if (i < joined.size()) {
        joined[i] = join(joined[i], flat[i]);
      } else {
        joined.push_back(flat[i]);
      }
    }
  }
  out.insert(out.end(), joined.begin(), joined.end());
}

} // namespace

namespace {

void flatten_uncached(const Type& t, std::vector<ValType>& out);

// The memoised flattening of a composite type (computed on first use, from any thread), or null
// for the kinds that flatten to a value or two without walking anything.
const std::vector<ValType>* memo_of(const Type& t) {
  using K = Type::Kind;
  switch (t.kind) {
  case K::FixedList:
  case K::Record:
  case K::Tuple:
  case K::Variant:
  case K::Option:
  case K::Result: break;
  default: return nullptr;
  }
  const std::vector<ValType>* memo = t.flat_memo.flat.load(std::memory_order_acquire);
  if (memo) return memo;
  auto fresh = std::make_unique<std::vector<ValType>>();
  flatten_uncached(t, *fresh);
  const std::vector<ValType>* expected = nullptr;
  if (t.flat_memo.flat.compare_exchange_strong(expected, fresh.get(), std::memory_order_acq_rel))
    return fresh.release();
  return expected; // another thread got there first: the same result
}

} // namespace

void flatten_type(const Type& t, std::vector<ValType>& out) {
  if (out.size() > kFlatCap) return;
  if (const std::vector<ValType>* memo = memo_of(t)) {
    out.insert(out.end(), memo->begin(), memo->end());
    if (out.size() > kFlatCap + 1) out.resize(kFlatCap + 1);
    return;
  }
  flatten_uncached(t, out);
}

size_t flat_width(const Type& t) {
  using K = Type::Kind;
  if (const std::vector<ValType>* memo = memo_of(t)) return std::min(memo->size(), kFlatCap + 1);
  switch (t.kind) {
  case K::Prim: return t.prim == PrimType::String ? 2 : 1;
  case K::List:
  case K::Map: return 2;
  case K::Flags: return t.labels.empty() ? 0 : 1;
  case K::Enum:
  case K::Own:
  case K::Borrow:
  case K::Stream:
  case K::Future: return 1;
  default: return 0; // as flatten_uncached
  }
}

namespace {

void flatten_uncached(const Type& t, std::vector<ValType>& out) {
  using K = Type::Kind;
  switch (t.kind) {
  case K::Prim:
    switch (t.prim) {
    case PrimType::S64:
    case PrimType::U64: out.push_back(ValType::I64); return;
    case PrimType::F32: out.push_back(ValType::F32); return;
    case PrimType::F64: out.push_back(ValType::F64); return;
    case PrimType::String:
      out.push_back(ValType::I32);
      out.push_back(ValType::I32);
      return;
    default: out.push_back(ValType::I32); return;
    }
  case K::List:
  case K::Map:
    out.push_back(ValType::I32);
    out.push_back(ValType::I32);
    return;
  case K::FixedList:
    for (uint32_t i = 0; i < t.length && out.size() <= kFlatCap; ++i)
      flatten_type(*t.types[0], out);
    return;
  case K::Record:
    for (const auto& [name, f] : t.fields)
      flatten_type(*f, out);
    return;
  case K::Tuple:
    for (const TypePtr& m : t.types)
      flatten_type(*m, out);
    return;
  case K::Variant: {
    std::vector<const Type*> cases;
    for (const auto& [name, c] : t.fields)
      cases.push_back(c.get());
    flatten_cases(cases, out);
    return;
  }
  case K::Option: flatten_cases({nullptr, t.types[0].get()}, out); return;
  case K::Result: flatten_cases({t.ok.get(), t.err.get()}, out); return;
  case K::Flags:
    if (!t.labels.empty()) out.push_back(ValType::I32);
    return;
  case K::Enum:
  case K::Own:
  case K::Borrow:
  case K::Stream:
  case K::Future: out.push_back(ValType::I32); return;
  default: return; // not a value type: validation refuses it before flattening
  }
}

} // namespace

ir::FuncType flatten_functype(const Type& ft, bool lift) {
  ir::FuncType core;
  for (const auto& [name, p] : ft.fields)
    flatten_type(*p, core.params);
  if (core.params.size() > kMaxFlatParams) core.params = {ValType::I32};
  if (ft.result) flatten_type(*ft.result, core.results);
  if (core.results.size() > kMaxFlatResults) {
    core.results.clear();
    if (lift) {
      core.results.push_back(ValType::I32);
    } else {
      core.params.push_back(ValType::I32);
    }
  }
  return core;
}

} // namespace wasmcap::component

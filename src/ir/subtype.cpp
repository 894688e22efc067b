// Subtyping of value types: the abstract heap types form four hierarchies (any > eq > i31,
// struct, array > none; func > $functype > nofunc; extern > noextern; exn > noexn).
#include "ir/subtype.h"

#include "ir/type_registry.h"

namespace wasmcap::ir {

namespace {

// The hierarchy an abstract heap type belongs to (its top).
HeapKind top_of(HeapKind h) {
  switch (h) {
  case HeapKind::Any:
  case HeapKind::Eq:
  case HeapKind::I31:
  case HeapKind::Struct:
  case HeapKind::Array:
  case HeapKind::None: return HeapKind::Any;
  case HeapKind::Func:
  case HeapKind::NoFunc:
  case HeapKind::Concrete: return HeapKind::Func;
  case HeapKind::Extern:
  case HeapKind::NoExtern: return HeapKind::Extern;
  case HeapKind::Exn:
  case HeapKind::NoExn: return HeapKind::Exn;
  }
  return HeapKind::Any;
}

bool is_bottom(HeapKind h) {
  return h == HeapKind::None || h == HeapKind::NoFunc || h == HeapKind::NoExtern ||
         h == HeapKind::NoExn;
}

// `ha <: hb` for two abstract heap types of one hierarchy, neither a bottom.
bool abstract_subtype(HeapKind ha, HeapKind hb) {
  if (ha == hb || hb == top_of(ha)) return true;
  return hb == HeapKind::Eq &&
         (ha == HeapKind::I31 || ha == HeapKind::Struct || ha == HeapKind::Array);
}

uint32_t canonical_of(const Module& m, uint32_t index) {
  return index < m.canonical.size() ? m.canonical[index] : ValType::kMaxIndex;
}

HeapKind kind_heap(TypeKind k) {
  switch (k) {
  case TypeKind::Func: return HeapKind::Func;
  case TypeKind::Struct: return HeapKind::Struct;
  case TypeKind::Array: return HeapKind::Array;
  }
  return HeapKind::Func;
}

// How a check reads a concrete type's index: as a type index of module `m`, or (m null) as a
// canonical id.
struct Indices {
  const Module* m = nullptr;
  HeapKind kind(ValType t) const {
    if (m != nullptr) return abstract_heap(*m, t);
    if (!t.is_concrete()) return t.heap();
    return is_canonical_id(t.index()) ? kind_heap(canonical_type(t.index()).def.kind)
                                      : HeapKind::Func;
  }
  uint32_t canonical(uint32_t index) const {
    return m != nullptr ? canonical_of(*m, index) : index;
  }
};

bool heap_subtype(const Indices& ix, ValType a, ValType b) {
  const HeapKind ha = a.heap(), hb = b.heap();
  const HeapKind ka = ix.kind(a), kb = ix.kind(b);
  if (top_of(ka) != top_of(kb)) return false;
  if (is_bottom(ha)) return true;
  if (ha == HeapKind::Concrete && hb == HeapKind::Concrete) {
    // Canonical ids: equal shapes of recursion groups are one type (iso-recursive), and a
    // declared supertype chain gives the rest.
    if (a.index() == b.index()) return true;
    return canonical_subtype(ix.canonical(a.index()), ix.canonical(b.index()));
  }
  if (ha == HeapKind::Concrete) return !is_bottom(hb) && abstract_subtype(ka, hb);
  if (hb == HeapKind::Concrete || is_bottom(hb)) return false;
  return abstract_subtype(ha, hb);
}

bool value_subtype(const Indices& ix, ValType a, ValType b) {
  if (a == b) return true;
  if (!a.is_ref() || !b.is_ref()) return false;
  if (a.nullable() && !b.nullable()) return false;
  return heap_subtype(ix, a, b);
}

} // namespace

HeapKind heap_top(ValType t) {
  return top_of(t.heap());
}

HeapKind abstract_heap(const Module& m, ValType t) {
  if (!t.is_concrete()) return t.heap();
  if (t.index() >= m.subtypes.size()) return HeapKind::Func;
  switch (m.subtypes[t.index()].kind) {
  case TypeKind::Func: return HeapKind::Func;
  case TypeKind::Struct: return HeapKind::Struct;
  case TypeKind::Array: return HeapKind::Array;
  }
  return HeapKind::Func;
}

HeapKind heap_top(const Module& m, ValType t) {
  return top_of(abstract_heap(m, t));
}

bool same_type(const Module& m, ValType a, ValType b) {
  if (a == b) return true;
  if (!a.is_concrete() || !b.is_concrete() || a.nullable() != b.nullable()) return false;
  return canonical_of(m, a.index()) == canonical_of(m, b.index()) &&
         canonical_of(m, a.index()) != ValType::kMaxIndex;
}

bool is_subtype(const Module& m, ValType a, ValType b) {
  return value_subtype(Indices{&m}, a, b);
}

bool is_canonical_subtype(ValType a, ValType b) {
  return value_subtype(Indices{}, a, b);
}

bool type_index_ok(const Module& m, ValType t) {
  return !t.is_concrete() || t.index() < m.types.size();
}

} // namespace wasmcap::ir

// Subtyping of value types: the abstract heap types form four hierarchies (any > eq > i31,
// struct, array > none; func > $functype > nofunc; extern > noextern; exn > noexn).
#include "ir/subtype.h"

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

bool heap_subtype(const Module& m, ValType a, ValType b) {
  const HeapKind ha = a.heap(), hb = b.heap();
  if (top_of(ha) != top_of(hb)) return false;
  if (is_bottom(ha)) return true;
  if (ha == HeapKind::Concrete && hb == HeapKind::Concrete) {
    if (a.index() == b.index()) return true;
    // Each function type is its own recursion group for now: equal definitions are the same
    // type under the spec's iso-recursive equivalence.
    return a.index() < m.types.size() && b.index() < m.types.size() &&
           m.types[a.index()] == m.types[b.index()];
  }
  if (ha == HeapKind::Concrete) return hb == HeapKind::Func; // function types only, yet
  if (hb == HeapKind::Concrete || is_bottom(hb)) return false;
  if (ha == hb || hb == HeapKind::Any) return true;
  return hb == HeapKind::Eq &&
         (ha == HeapKind::I31 || ha == HeapKind::Struct || ha == HeapKind::Array);
}

} // namespace

HeapKind heap_top(ValType t) {
  return top_of(t.heap());
}

bool is_subtype(const Module& m, ValType a, ValType b) {
  if (a == b) return true;
  if (!a.is_ref() || !b.is_ref()) return false;
  if (a.nullable() && !b.nullable()) return false;
  return heap_subtype(m, a, b);
}

bool type_index_ok(const Module& m, ValType t) {
  return !t.is_concrete() || t.index() < m.types.size();
}

} // namespace wasmcap::ir

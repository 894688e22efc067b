// Whether a module's compiled code keeps GC roots on the shadow stack (docs/llvm.md, "GC roots"):
// asked by the plugin, whose functions then take the stack's first free slot as a parameter
// (translate_gc_roots.cpp), and by the host, which then reserves the store's shadow stack before
// entering the code (helpers.cpp), so every frame finds it ready.
#pragma once

#include <span>

#include "ir/module.h"
#include "ir/subtype.h"

namespace wasmcap::llvm_tier {

// A value the collector traces: a reference of the any or extern hierarchy (concrete struct and
// array types among them); function and exception references point outside the heap.
inline bool gc_traced_in(const ir::Module& m, ir::ValType t) {
  if (!t.is_ref()) return false;
  const ir::HeapKind top = ir::heap_top(m, t);
  return top == ir::HeapKind::Any || top == ir::HeapKind::Extern;
}

// A traced type in the module's types, tables, globals or locals. A traced value has to come from
// a place the module declares one; one made out of nothing (a `ref.null extern` on the stack
// across a call and no externref anywhere) is refused by the plugin at that call, and the module
// runs on the interpreter.
inline bool module_may_hold_gc_refs(const ir::Module& m) {
  auto any = [&](std::span<const ir::ValType> ts) {
    for (ir::ValType t : ts)
      if (gc_traced_in(m, t)) return true;
    return false;
  };
  for (const ir::SubType& s : m.subtypes)
    if (s.kind != ir::TypeKind::Func) return true;
  for (const ir::FuncType& t : m.types)
    if (any(t.params) || any(t.results)) return true;
  for (const ir::TableType& t : m.all_tables)
    if (gc_traced_in(m, t.elem)) return true;
  for (const ir::GlobalType& g : m.all_globals)
    if (gc_traced_in(m, g.type)) return true;
  for (const ir::Function& f : m.functions)
    if (any(f.locals)) return true;
  return false;
}

} // namespace wasmcap::llvm_tier

// Struct layouts (gc_layout.h): fields in declaration order, each at its natural alignment (at
// most 8: a v128 field is copied with memcpy, never loaded as a vector).
#include "runtime/gc_layout.h"

#include "ir/subtype.h"

namespace wasmcap::runtime {

bool gc_traced(const ir::FieldType& f) {
  if (f.packed != ir::Packed::None || !f.type.is_ref()) return false;
  // A concrete type may be a struct or array type (its index means different things in a module
  // and in the registry): traced. A function reference among them costs one failed check.
  if (f.type.is_concrete()) return true;
  const ir::HeapKind top = ir::heap_top(f.type);
  return top == ir::HeapKind::Any || top == ir::HeapKind::Extern;
}

GcStructLayout gc_struct_layout(std::span<const ir::FieldType> fields) {
  GcStructLayout out;
  uint32_t at = kGcHeaderBytes;
  for (const ir::FieldType& f : fields) {
    const uint32_t size = gc_field_size(f);
    const uint32_t align = size > 8 ? 8 : size;
    at = (at + align - 1) & ~(align - 1);
    out.offsets.push_back(at);
    if (gc_traced(f)) out.traced.push_back(at);
    at += size;
  }
  out.size = (at + 7) & ~7u;
  return out;
}

} // namespace wasmcap::runtime

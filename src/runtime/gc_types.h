// What compiled code's `gc` helper needs about a struct or array type of an instance's module,
// computed once per type and instance (the interpreter's lowering bakes the same into its code):
// the header word with the store's canonical id, and the layout (gc_layout.h).
#pragma once

#include <cstdint>
#include <vector>

namespace wasmcap::runtime {

class ModuleInstance;

struct GcType {
  uint32_t word0 = 0;           // the header's first word (gc_struct_word0, gc_array_word0)
  uint32_t size = 0;            // a struct's size in bytes
  uint32_t access = 0;          // an array's element access code (gc_access)
  std::vector<uint32_t> fields; // a struct's fields as (offset << 4) | access, in order
};

// Type `index` of the instance's module, which must be a struct or array type.
const GcType& gc_type(ModuleInstance& inst, uint32_t index);

} // namespace wasmcap::runtime

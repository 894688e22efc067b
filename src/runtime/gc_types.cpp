// The per-instance cache of GcType (gc_types.h), filled on first use.
#include "runtime/gc_types.h"

#include "runtime/gc_layout.h"
#include "runtime/module_instance.h"

namespace wasmcap::runtime {

const GcType& gc_type(ModuleInstance& inst, uint32_t index) {
  if (inst.gc_types.size() <= index) inst.gc_types.resize(inst.module().subtypes.size());
  std::unique_ptr<GcType>& slot = inst.gc_types.at(index);
  if (slot) return *slot;
  slot = std::make_unique<GcType>();
  const ir::SubType& t = inst.module().subtypes[index];
  const uint32_t canonical = inst.type_ids[index];
  if (t.kind == ir::TypeKind::Array) {
    slot->word0 = gc_array_word0(canonical, t.fields.at(0));
    slot->access = gc_access(t.fields[0], false);
  } else {
    const GcStructLayout layout = gc_struct_layout(t.fields);
    slot->word0 = gc_struct_word0(canonical, layout);
    slot->size = layout.size;
    for (size_t i = 0; i < t.fields.size(); ++i)
      slot->fields.push_back(layout.offsets[i] << 4 | gc_access(t.fields[i], false));
  }
  return *slot;
}

} // namespace wasmcap::runtime

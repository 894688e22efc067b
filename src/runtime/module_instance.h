// ModuleInstance: one instantiated module: its index spaces (imports first), element and data
// segment instances, and exports by name. Fields are public for the tiers' fast paths; the
// embedder normally uses find_export() and the accessors.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/exception.h"
#include "runtime/extern.h"
#include "runtime/func.h"
#include "runtime/gc_types.h"
#include "runtime/global.h"
#include "runtime/memory.h"
#include "runtime/table.h"
#include "runtime/tier.h"

namespace wasmcap::runtime {

// An element segment's references; cleared by elem.drop (and for active/declarative segments
// after instantiation).
struct ElemInstance {
  ir::ValType type = ir::ValType::FuncRef;
  std::vector<void*> refs;
};

// A data segment's bytes (a view into the module's bytes); emptied by data.drop.
struct DataInstance {
  std::span<const uint8_t> bytes;
};

// What a tier keeps per instance beside its shared code: the LLVM tier's table of native entries
// under per-function tier-up (llvm/native_table.h). Opaque to the runtime, which only owns it.
class InstanceCodeState {
public:
  virtual ~InstanceCodeState() = default;
};

class ModuleInstance {
public:
  const ir::Module& module() const { return code->module(); }

  // nullopt when there is no export with that name.
  std::optional<Extern> find_export(std::string_view name) const;
  FuncInstance* exported_func(std::string_view name) const;
  Memory* exported_memory(std::string_view name) const;
  Table* exported_table(std::string_view name) const;
  Global* exported_global(std::string_view name) const;

  // Tiering: every function defined here runs `other` from now on (the same module compiled by
  // another tier). Frames of the old code may still be running: `other` must keep it alive.
  void switch_code(std::shared_ptr<const ModuleCode> other);

  std::shared_ptr<const ModuleCode> code;
  // The canonical id of each module type (ir/type_registry.h): a view of module().canonical,
  // which lives as long as `code` (nothing is copied per instance).
  std::span<const uint32_t> type_ids;
  std::vector<FuncInstance*> funcs;
  std::vector<Table*> tables;
  std::vector<Memory*> memories;
  std::vector<Global*> globals;
  std::vector<Tag*> tags; // imported tags are the exporter's objects: identity is the pointer
  std::vector<ElemInstance> elems;
  std::vector<DataInstance> datas;
  // In the order of module().exports, whose names they go by: no string is copied per
  // instance (export names are looked up rarely; instances are made per request).
  std::vector<Extern> exports;
  // Struct and array types as compiled code's GC helper uses them (gc_types.h), by type index.
  std::vector<std::unique_ptr<GcType>> gc_types;
  // Set by tiering when it switches the instance function by function (docs/tiering.md); null
  // otherwise. Only touched on the store's thread.
  std::shared_ptr<InstanceCodeState> code_state;
};

} // namespace wasmcap::runtime

// Instantiation: import matching, allocation of the instance's objects, segment initialisation
// and the start function, in the order the spec's instantiate algorithm prescribes.
#include "runtime/instantiate.h"

#include <string>

#include "ir/subtype.h"
#include "runtime/const_expr.h"
#include "runtime/invoke.h"
#include "runtime/memory_image.h"
#include "runtime/trap.h"

namespace wasmcap::runtime {
namespace {

using support::ErrorKind;

std::string limits_to_string(const ir::Limits& l) {
  std::string s = std::to_string(l.min);
  if (l.max) s += ".." + std::to_string(*l.max);
  return s;
}

// Limits subtyping: `actual` matches `expected` if it is at least as large and at least as
// constrained in its maximum.
bool limits_match(const ir::Limits& actual, const ir::Limits& expected) {
  if (actual.min < expected.min) return false;
  if (!expected.max) return true;
  return actual.max && *actual.max <= *expected.max;
}

std::string import_type_string(const ir::Module& module, const ir::Import& imp) {
  switch (imp.kind) {
  case ir::ExternKind::Func: return "func " + ir::functype_to_string(module.types[imp.func_type]);
  case ir::ExternKind::Table:
    return std::string("table ") + (imp.table.address64 ? "i64 " : "") +
           limits_to_string(imp.table.limits) + " " + ir::valtype_name(imp.table.elem);
  case ir::ExternKind::Memory:
    return std::string("memory ") + (imp.memory.address64 ? "i64 " : "") +
           limits_to_string(imp.memory.limits) + (imp.memory.shared ? " shared" : "");
  case ir::ExternKind::Global:
    return std::string("global ") + (imp.global.is_mutable ? "mut " : "") +
           ir::valtype_name(imp.global.type);
  case ir::ExternKind::Tag: return "tag " + ir::functype_to_string(module.types[imp.tag_type]);
  }
  return "?";
}

std::string extern_type_string(const Extern& e) {
  switch (e.kind) {
  case ir::ExternKind::Func: return "func " + ir::functype_to_string(*e.func()->type);
  case ir::ExternKind::Table:
    return std::string("table ") + (e.table()->type().address64 ? "i64 " : "") +
           limits_to_string(e.table()->type().limits) + " " +
           ir::valtype_name(e.table()->elem_type());
  case ir::ExternKind::Memory:
    return std::string("memory ") + (e.memory()->type().address64 ? "i64 " : "") +
           limits_to_string(e.memory()->type().limits);
  case ir::ExternKind::Global:
    return std::string("global ") + (e.global()->type.is_mutable ? "mut " : "") +
           ir::valtype_name(e.global()->type.type);
  case ir::ExternKind::Tag: return "tag " + ir::functype_to_string(e.tag()->type);
  }
  return "?";
}

// Import matching compares types by canonical id (ir/type_registry.h): the types of tables and
// globals an instance holds are canonical, and the importing module's are made so here, so a
// type index of one module is compared with another module's by what it denotes.
bool import_matches(const ir::Module& module, const ir::Import& imp, const Extern& e) {
  if (e.kind != imp.kind || e.object == nullptr) return false;
  switch (imp.kind) {
  case ir::ExternKind::Func:
    // A function of a subtype matches (3.0: declared subtyping of function types).
    return runtime::has_type(e.func(), module.canonical[imp.func_type]);
  case ir::ExternKind::Table:
    return e.table()->elem_type() == ir::to_canonical(module, imp.table.elem) &&
           e.table()->type().address64 == imp.table.address64 &&
           limits_match(e.table()->type().limits, imp.table.limits);
  case ir::ExternKind::Memory:
    return e.memory()->type().address64 == imp.memory.address64 &&
           e.memory()->type().shared == imp.memory.shared &&
           limits_match(e.memory()->type().limits, imp.memory.limits);
  case ir::ExternKind::Global: {
    // An immutable global may be of a subtype (`(ref func)` where `funcref` is imported).
    const ir::GlobalType& have = e.global()->type;
    const ir::ValType want = ir::to_canonical(module, imp.global.type);
    if (have.is_mutable != imp.global.is_mutable) return false;
    return have.is_mutable ? have.type == want : ir::is_canonical_subtype(have.type, want);
  }
  case ir::ExternKind::Tag: return e.tag()->type_id == module.canonical[imp.tag_type];
  }
  return false;
}

support::Status link_imports(const ir::Module& module, std::span<const Extern> imports,
                             ModuleInstance& inst) {
  if (imports.size() != module.imports.size()) {
    return support::make_error(ErrorKind::Unlinkable,
                               "unknown import: expected " + std::to_string(module.imports.size()) +
                                   " imports, got " + std::to_string(imports.size()));
  }
  for (size_t i = 0; i < imports.size(); ++i) {
    const ir::Import& imp = module.imports[i];
    const Extern& e = imports[i];
    if (!import_matches(module, imp, e)) {
      std::string actual = e.object == nullptr ? "nothing" : extern_type_string(e);
      return support::make_error(ErrorKind::Unlinkable,
                                 "incompatible import type for \"" + imp.module + "\".\"" +
                                     imp.name + "\": expected " + import_type_string(module, imp) +
                                     ", got " + actual);
    }
    switch (imp.kind) {
    case ir::ExternKind::Func: inst.funcs.push_back(e.func()); break;
    case ir::ExternKind::Table: inst.tables.push_back(e.table()); break;
    case ir::ExternKind::Memory: inst.memories.push_back(e.memory()); break;
    case ir::ExternKind::Global: inst.globals.push_back(e.global()); break;
    case ir::ExternKind::Tag: inst.tags.push_back(e.tag()); break;
    }
  }
  return support::ok();
}

// Allocates functions, tables, memories and globals defined by the module, and the exports.
support::Status allocate(Store& store, ModuleInstance& inst) {
  const ir::Module& module = inst.module();
  inst.type_ids = module.canonical; // a view: the module outlives the instance
  // Memories first: which code the functions get may depend on their layout (guard pages).
  // A memory starts from its module's image when it has one: mapped, not copied. Only memory 0
  // gets the 8 GiB guard reservation: compiled code checks the others explicitly (docs/llvm.md,
  // "Multiple memories"), so reserving for them would only spend address space.
  for (uint32_t i = 0; i < module.memories.size(); ++i) {
    const bool memory0 = module.num_imported_memories == 0 && i == 0;
    WASMCAP_ASSIGN(Memory * m, store.create_memory(module.memories[i],
                                                   memory0 && inst.code->wants_guard_pages(),
                                                   inst.code->memory_images().get(module, i)));
    inst.memories.push_back(m);
  }
  WASMCAP_ASSIGN(std::shared_ptr<const ModuleCode> variant, inst.code->code_for(inst));
  if (variant) inst.code = std::move(variant);
  for (size_t i = 0; i < module.functions.size(); ++i) {
    FuncInstance* f = store.new_func();
    f->kind = FuncInstance::Kind::Wasm;
    f->instance = &inst;
    f->func_index = static_cast<uint32_t>(inst.funcs.size());
    f->type = &module.types[module.functions[i].type_index];
    f->type_id = inst.type_ids[module.functions[i].type_index];
    f->code = inst.code->function_code(static_cast<uint32_t>(i));
    inst.funcs.push_back(f);
  }
  for (const ir::TableType& t : module.tables) {
    // A table is allocated whole: a minimum past the host limit (a table64 may declare up to
    // 2^64-1 elements) is refused here rather than attempted.
    if (t.limits.min > store.limits().max_table_elems) {
      return support::make_error(ErrorKind::Exhaustion,
                                 "table minimum of " + std::to_string(t.limits.min) +
                                     " elements exceeds the host limit of " +
                                     std::to_string(store.limits().max_table_elems));
    }
    ir::TableType canonical = t;
    canonical.elem = ir::to_canonical(module, t.elem);
    inst.tables.push_back(store.create_table(canonical));
  }
  for (uint32_t t : module.tags) {
    Tag* tag = store.create_tag(module.types[t]);
    tag->type_id = module.canonical[t]; // a payload may name the module's types
    inst.tags.push_back(tag);
  }
  for (const ir::Global& g : module.globals) {
    WASMCAP_ASSIGN(Value v, eval_const_expr(store, module, g.init, g.type.type, inst));
    ir::GlobalType canonical = g.type;
    canonical.type = ir::to_canonical(module, g.type.type);
    inst.globals.push_back(store.create_global(canonical, v));
  }
  // Tables with an initial element: filled once the globals it may read exist.
  for (size_t i = 0; i < module.table_inits.size(); ++i) {
    if (!module.table_inits[i]) continue;
    WASMCAP_ASSIGN(Value v, eval_const_expr(store, module, *module.table_inits[i],
                                            module.tables[i].elem, inst));
    Table* t = inst.tables[module.num_imported_tables + i];
    t->fill(0, t->size(), v.ref);
  }
  inst.exports.reserve(module.exports.size());
  for (const ir::Export& e : module.exports) {
    Extern x;
    x.kind = e.kind;
    switch (e.kind) {
    case ir::ExternKind::Func: x.object = inst.funcs[e.index]; break;
    case ir::ExternKind::Table: x.object = inst.tables[e.index]; break;
    case ir::ExternKind::Memory: x.object = inst.memories[e.index]; break;
    case ir::ExternKind::Global: x.object = inst.globals[e.index]; break;
    case ir::ExternKind::Tag: x.object = inst.tags[e.index]; break;
    }
    inst.exports.push_back(x);
  }
  return support::ok();
}

support::Status init_segments(Store& store, ModuleInstance& inst) {
  const ir::Module& module = inst.module();
  for (const ir::ElementSegment& seg : module.elements) {
    ElemInstance& ei = inst.elems.emplace_back();
    ei.type = seg.type;
    if (seg.uses_exprs) {
      for (ir::ConstExpr e : seg.exprs) {
        WASMCAP_ASSIGN(Value v, eval_const_expr(store, module, e, seg.type, inst));
        ei.refs.push_back(v.ref);
      }
    } else {
      for (uint32_t f : seg.func_indices)
        ei.refs.push_back(inst.funcs[f]);
    }
  }
  for (const ir::DataSegment& seg : module.datas) {
    inst.datas.push_back(DataInstance{module.range_bytes(seg.init)});
  }
  for (size_t i = 0; i < module.elements.size(); ++i) {
    const ir::ElementSegment& seg = module.elements[i];
    ElemInstance& ei = inst.elems[i];
    if (seg.mode == ir::SegmentMode::Active) {
      // A table64's offset is an i64: past 2^32 it is out of bounds of any table we allocate.
      const bool wide = module.all_tables[seg.table_index].address64;
      WASMCAP_ASSIGN(Value off, eval_const_expr(store, module, seg.offset,
                                                wide ? ir::ValType::I64 : ir::ValType::I32, inst));
      const uint64_t at = wide ? off.i64 : off.i32;
      uint32_t n = static_cast<uint32_t>(ei.refs.size());
      if (at > UINT32_MAX ||
          !inst.tables[seg.table_index]->init(static_cast<uint32_t>(at), ei.refs, 0, n)) {
        return make_trap(trap_text::kTableOutOfBounds);
      }
    }
    if (seg.mode != ir::SegmentMode::Passive) ei.refs.clear();
  }
  for (size_t i = 0; i < module.datas.size(); ++i) {
    const ir::DataSegment& seg = module.datas[i];
    if (seg.mode != ir::SegmentMode::Active) continue;
    // Already in the memory's image (an active segment is dropped after it is applied).
    if (const MemoryImage* image = inst.memories[seg.memory_index]->image();
        image != nullptr && image->covers(module, static_cast<uint32_t>(i))) {
      inst.datas[i].bytes = {};
      continue;
    }
    const bool wide = module.all_memories[seg.memory_index].address64;
    WASMCAP_ASSIGN(Value off, eval_const_expr(store, module, seg.offset,
                                              wide ? ir::ValType::I64 : ir::ValType::I32, inst));
    std::span<const uint8_t> bytes = inst.datas[i].bytes;
    if (!inst.memories[seg.memory_index]->write(wide ? off.i64 : off.i32, bytes.data(),
                                                bytes.size())) {
      return make_trap(trap_text::kMemoryOutOfBounds);
    }
    inst.datas[i].bytes = {};
  }
  return support::ok();
}

} // namespace

support::Result<ModuleInstance*> instantiate(Store& store, std::shared_ptr<const ModuleCode> code,
                                             std::span<const Extern> imports) {
  const ir::Module& module = code->module();
  ModuleInstance* inst = store.new_instance();
  inst->code = std::move(code);
  WASMCAP_TRY(link_imports(module, imports, *inst));
  {
    // Constant expressions hold the objects they make where the collector does not look.
    Store::NoCollectScope no_collection(store);
    WASMCAP_TRY(allocate(store, *inst));
    WASMCAP_TRY(init_segments(store, *inst));
  }
  if (module.start) {
    WASMCAP_TRY(invoke_into(store, *inst->funcs[*module.start], {}, {}));
  }
  return inst;
}

support::Result<std::vector<Extern>> resolve_imports(const ir::Module& module,
                                                     const ImportLookup& lookup) {
  std::vector<Extern> out;
  out.reserve(module.imports.size());
  for (const ir::Import& imp : module.imports) {
    std::optional<Extern> e = lookup(imp.module, imp.name);
    if (!e) {
      return support::make_error(ErrorKind::Unlinkable,
                                 "unknown import \"" + imp.module + "\".\"" + imp.name + "\"");
    }
    out.push_back(*e);
  }
  return out;
}

} // namespace wasmcap::runtime

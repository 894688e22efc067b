// Extern: a reference to an importable/exportable runtime object (kind + pointer).
#pragma once

#include "ir/types.h"

namespace wasmcap::runtime {

struct FuncInstance;
class Table;
class Memory;
struct Global;
struct Tag;

struct Extern {
  ir::ExternKind kind = ir::ExternKind::Func;
  void* object = nullptr;

  static Extern of(FuncInstance* f) { return {ir::ExternKind::Func, f}; }
  static Extern of(Table* t) { return {ir::ExternKind::Table, t}; }
  static Extern of(Memory* m) { return {ir::ExternKind::Memory, m}; }
  static Extern of(Global* g) { return {ir::ExternKind::Global, g}; }
  static Extern of(Tag* t) { return {ir::ExternKind::Tag, t}; }

  FuncInstance* func() const {
    return kind == ir::ExternKind::Func ? static_cast<FuncInstance*>(object) : nullptr;
  }
  Table* table() const {
    return kind == ir::ExternKind::Table ? static_cast<Table*>(object) : nullptr;
  }
  Memory* memory() const {
    return kind == ir::ExternKind::Memory ? static_cast<Memory*>(object) : nullptr;
  }
  Global* global() const {
    return kind == ir::ExternKind::Global ? static_cast<Global*>(object) : nullptr;
  }
  Tag* tag() const { return kind == ir::ExternKind::Tag ? static_cast<Tag*>(object) : nullptr; }
};

} // namespace wasmcap::runtime

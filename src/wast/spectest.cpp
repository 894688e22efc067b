// spectest: print_* functions (silent: the runner's output is verdicts), global_i32 = 666,
// global_i64 = 666, global_f32 = 666.6, global_f64 = 666.6, table 10..20 funcref, table64 (an i64
// table, memory64) 10..20 funcref, memory 1..2.
#include "wast/spectest.h"

namespace wasmcap::wast {

namespace {

void define_print(Store& store, Linker& linker, const char* name, std::vector<ValType> params) {
  FuncType type;
  type.params = std::move(params);
  linker.define("spectest", name,
                Func::create_host(store, type,
                                  [](std::span<const Value>, std::span<Value>) { return ok(); }));
}

} // namespace

Status define_spectest(Store& store, Linker& linker) {
  using V = ValType;
  define_print(store, linker, "print", {});
  define_print(store, linker, "print_i32", {V::I32});
  define_print(store, linker, "print_i64", {V::I64});
  define_print(store, linker, "print_f32", {V::F32});
  define_print(store, linker, "print_f64", {V::F64});
  define_print(store, linker, "print_i32_f32", {V::I32, V::F32});
  define_print(store, linker, "print_f64_f64", {V::F64, V::F64});

  struct GlobalDef {
    const char* name;
    Value value;
  };
  const GlobalDef globals[] = {
      {"global_i32", Value::make_i32(666)},
      {"global_i64", Value::make_i64(666)},
      {"global_f32", Value::make_f32(666.6f)},
      {"global_f64", Value::make_f64(666.6)},
  };
  for (const GlobalDef& g : globals) {
    auto global = Global::create(store, GlobalType{g.value.type, false}, g.value);
    if (!global) return global.error();
    linker.define("spectest", g.name, *global);
  }

  auto table = Table::create(store, TableType{ValType::FuncRef, Limits{10, 20}},
                             Value::make_ref(ValType::FuncRef, nullptr));
  if (!table) return table.error();
  linker.define("spectest", "table", *table);
  TableType table64_type{ValType::FuncRef, Limits{10, 20}};
  table64_type.address64 = true;
  auto table64 = Table::create(store, table64_type, Value::make_ref(ValType::FuncRef, nullptr));
  if (!table64) return table64.error();
  linker.define("spectest", "table64", *table64);

  auto memory = Memory::create(store, MemoryType{Limits{1, 2}});
  if (!memory) return memory.error();
  linker.define("spectest", "memory", *memory);
  return ok();
}

} // namespace wasmcap::wast

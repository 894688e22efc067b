// Fuzz target: bytes -> Module -> Instance (every import satisfied by a dummy of the right type)
// -> every exported function called with zero arguments, under fuel and small memory limits.
// Traps and errors are fine; crashes, hangs, leaks and UB are bugs.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "wasmcap/wasmcap.hpp"

using namespace wasmcap;

namespace {

Engine& fuzz_engine() {
  static Engine engine([] {
    Config c;
    c.fuel = 100'000;             // bounded work per input, deterministic
    c.max_wasm_stack = 256 << 10; // deep recursion ends quickly
    c.max_memory_pages = 256;     // 16 MiB per memory
    c.max_table_elements = 100'000;
    return c;
  }());
  return engine;
}

std::optional<Extern> dummy_import(Store& store, const ExternType& t) {
  switch (t.kind) {
  case ExternKind::Func:
    return Extern(
        Func::create_host(store, t.func, [](std::span<const Value>, std::span<Value> results) {
          for (Value& r : results)
            r = Value::zero(r.type);
          return ok();
        }));
  case ExternKind::Memory: {
    auto m = Memory::create(store, t.memory);
    if (!m) return std::nullopt;
    return Extern(*m);
  }
  case ExternKind::Table: {
    auto tb = Table::create(store, t.table, Value::make_ref(t.table.elem, nullptr));
    if (!tb) return std::nullopt;
    return Extern(*tb);
  }
  case ExternKind::Global: {
    auto g = Global::create(store, t.global, Value::zero(t.global.type));
    if (!g) return std::nullopt;
    return Extern(*g);
  }
  case ExternKind::Tag: {
    auto tag = Tag::create(store, t.func);
    if (!tag) return std::nullopt;
    return Extern(*tag);
  }
  }
  return std::nullopt;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Engine& engine = fuzz_engine();
  auto module = Module::from_binary(engine, std::span<const uint8_t>(data, size));
  if (!module) return 0;
  Store store(engine);
  std::vector<Extern> imports;
  for (const ImportType& imp : module->imports()) {
    auto e = dummy_import(store, imp.type);
    if (!e) return 0;
    imports.push_back(*e);
  }
  auto instance = Instance::create(store, *module, imports);
  if (!instance) return 0;
  for (auto& [name, ext] : instance->exports()) {
    const Func* f = ext.func();
    if (f == nullptr) continue;
    FuncType type = f->type();
    std::vector<Value> args;
    for (ValType p : type.params)
      args.push_back(Value::zero(p));
    (void)f->call(args);
  }
  return 0;
}

// Differential runner, wasmcap side: instantiates a module with every function import answered
// by a logger that returns zeros (and every global, tag, memory or table import, which binaryen
// 132's modules have, by a fresh one holding zeros or nulls), calls every exported function
// with zero arguments and prints one canonical line per event (the same text
// fuzz/differential/run.mjs prints for V8):
//   import NAME ARGS... | export NAME -> RESULTS... | export NAME trap KIND | instantiate ...
// Values: i32:/i64: unsigned decimal, f32:/f64: bit patterns in hex (any NaN is "nan"); v128:
// its two 64-bit lanes in hex, an f64 NaN lane as "nan", else 32-bit halves that are f32 NaNs as
// "nan" (NaN payloads are not canonicalized, so the tiers may differ in them).
// `--tier jit` runs the module on the LLVM tier (no fuel by default: ttf modules carry their own
// hang limits); tests/differential compares it with the interpreter. `--fuel N` runs either tier
// with N fuel and prints `fuel-left N` after every export and `out-of-fuel` when it runs out, so
// the tiers' run-out points are compared too (they must be the same instruction).
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "wasmcap/wasmcap.hpp"

using namespace wasmcap;

namespace {

std::string fmt(const Value& v) {
  char buf[64];
  switch (v.type) {
  case ValType::I32: std::snprintf(buf, sizeof buf, "i32:%" PRIu32, v.i32); break;
  case ValType::I64: std::snprintf(buf, sizeof buf, "i64:%" PRIu64, v.i64); break;
  case ValType::F32:
    if ((v.f32_bits & 0x7f800000u) == 0x7f800000u && (v.f32_bits & 0x7fffffu) != 0)
      return "f32:nan";
    std::snprintf(buf, sizeof buf, "f32:0x%08" PRIx32, v.f32_bits);
    break;
  case ValType::F64:
    if ((v.f64_bits & 0x7ff0000000000000u) == 0x7ff0000000000000u &&
        (v.f64_bits & 0xfffffffffffffu) != 0)
      return "f64:nan";
    std::snprintf(buf, sizeof buf, "f64:0x%016" PRIx64, v.f64_bits);
    break;
  case ValType::V128: {
    std::string s = "v128:";
    for (int lane = 0; lane < 2; ++lane) {
      uint64_t bits;
      std::memcpy(&bits, v.v128.bytes.data() + 8 * lane, 8);
      s += lane == 0 ? "" : ",";
      if ((bits & 0x7ff0000000000000u) == 0x7ff0000000000000u && (bits & 0xfffffffffffffu) != 0) {
        s += "nan";
        continue;
      }
      for (int half = 1; half >= 0; --half) {
        const auto h = static_cast<uint32_t>(bits >> (32 * half));
        if ((h & 0x7f800000u) == 0x7f800000u && (h & 0x7fffffu) != 0) {
          s += "nan";
        } else {
          std::snprintf(buf, sizeof buf, "%08" PRIx32, h);
          s += buf;
        }
        s += half == 1 ? ":" : "";
      }
    }
    return s;
  }
  default: return std::string(valtype_name(v.type)) + (v.is_null_ref() ? ":null" : ":nonnull");
  }
  return buf;
}

// wasmcap's trap texts -> the canonical kinds shared with run.mjs.
std::string kind_of(const Error& e) {
  if (e.kind == ErrorKind::Exhaustion && e.message == "all fuel consumed") return "out-of-fuel";
  if (e.kind == ErrorKind::Exhaustion) return "exhausted";
  if (e.kind != ErrorKind::Trap) return std::string("error ") + e.to_string();
  const std::string& m = e.message;
  if (m == "unreachable") return "trap unreachable";
  if (m == "out of bounds memory access") return "trap memory-oob";
  if (m == "integer divide by zero") return "trap div-zero";
  // V8 reports both truncation traps with one message (see run.mjs): one kind for all three.
  if (m == "integer overflow" || m == "invalid conversion to integer") return "trap overflow";
  if (m == "out of bounds table access" || m == "undefined element") return "trap table-oob";
  if (m == "uninitialized element" || m == "indirect call type mismatch") return "trap indirect";
  return "trap other: " + m;
}

int unsupported(const ImportType& imp, const Error& e) {
  std::printf("unsupported import %s.%s\n", imp.module.c_str(), imp.name.c_str());
  std::fprintf(stderr, "%s\n", e.to_string().c_str());
  return 0;
}

} // namespace

int main(int argc, char** argv) {
  std::string tier = "interp", path;
  std::optional<uint64_t> fuel;
  bool usage = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--tier" && i + 1 < argc) {
      tier = argv[++i];
    } else if (a == "--fuel" && i + 1 < argc) {
      fuel = std::strtoull(argv[++i], nullptr, 10);
    } else if (path.empty() && !a.starts_with("--")) {
      path = a;
    } else {
      usage = true;
    }
  }
  const bool jit = tier == "jit";
  if (usage || path.empty() || (tier != "jit" && tier != "interp")) {
    std::fprintf(stderr, "usage: wasmcap_diff [--tier interp|jit] [--fuel N] MODULE.wasm\n");
    return 2;
  }
  if (jit) {
    if (auto why = Engine::jit_unavailable_reason()) {
      std::fprintf(stderr, "wasmcap_diff: the LLVM tier is not available: %s\n", why->c_str());
      return 3;
    }
  }
  std::ifstream in(path, std::ios::binary);
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), {});
  Config config;
  if (jit) config.tier = Tier::Jit;
  if (fuel) {
    config.fuel = *fuel;
  } else if (!jit) {
    config.fuel = 2'000'000'000; // ttf modules carry their own hang limits; this is a backstop
  }
  Engine engine(config);
  auto module = Module::from_binary(engine, bytes);
  if (!module) {
    std::printf("module rejected\n");
    std::fprintf(stderr, "%s\n", module.error().to_string().c_str());
    return 0;
  }
  if (jit && !module->jit_fallback_reason().empty()) {
    // A comparison of the interpreter with itself would prove nothing.
    std::fprintf(stderr, "wasmcap_diff: the LLVM tier did not compile the module: %s\n",
                 module->jit_fallback_reason().c_str());
    return 4;
  }
  Store store(engine);
  std::vector<Extern> imports;
  for (const ImportType& imp : module->imports()) {
    // binaryen 132's modules also import globals (an externref) and tags: zero values and fresh
    // tags, the same on both tiers. Memories and tables get their minimum size.
    switch (imp.type.kind) {
    case ExternKind::Func: break;
    case ExternKind::Global: {
      auto g = Global::create(store, imp.type.global, Value::zero(imp.type.global.type));
      if (!g) return unsupported(imp, g.error());
      imports.push_back(*g);
      continue;
    }
    case ExternKind::Tag: {
      auto t = Tag::create(store, imp.type.func);
      if (!t) return unsupported(imp, t.error());
      imports.push_back(*t);
      continue;
    }
    case ExternKind::Memory: {
      auto m = Memory::create(store, imp.type.memory);
      if (!m) return unsupported(imp, m.error());
      imports.push_back(*m);
      continue;
    }
    case ExternKind::Table: {
      auto t = Table::create(store, imp.type.table, Value::zero(imp.type.table.elem));
      if (!t) return unsupported(imp, t.error());
      imports.push_back(*t);
      continue;
    }
    }
    std::string name = imp.name;
    imports.push_back(Func::create_host(
        store, imp.type.func, [name](std::span<const Value> args, std::span<Value> results) {
          std::string line = "import " + name;
          for (const Value& a : args)
            line += " " + fmt(a);
          std::printf("%s\n", line.c_str());
          for (Value& r : results)
            r = Value::zero(r.type);
          return ok();
        }));
  }
  auto instance = Instance::create(store, *module, imports);
  if (!instance) {
    std::printf("instantiate %s\n", kind_of(instance.error()).c_str());
    return 0;
  }
  for (auto& [name, ext] : instance->exports()) {
    const Func* f = ext.func();
    if (f == nullptr) continue;
    std::vector<Value> args;
    for (ValType p : f->type().params)
      args.push_back(Value::zero(p));
    auto r = f->call(args);
    if (!r) {
      std::string k = kind_of(r.error());
      std::printf("export %s %s\n", name.c_str(), k.c_str());
      if (k == "exhausted") break; // the two engines' stack depths differ: stop comparing
      if (fuel) std::printf("fuel-left %" PRIu64 "\n", store.fuel().value_or(0));
      continue;
    }
    std::string line = "export " + name + " ->";
    for (const Value& v : *r)
      line += " " + fmt(v);
    std::printf("%s\n", line.c_str());
    if (fuel) std::printf("fuel-left %" PRIu64 "\n", store.fuel().value_or(0));
  }
  return 0;
}

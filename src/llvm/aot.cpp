// precompile() and load_precompiled() (aot.h): the .cwasm header's compatibility checks, the
// table of host symbols compiled code may refer to by name, and wrapping the loaded object in a
// JitModule exactly as the JIT's code is (same descriptors, same helpers, same calls).
#include "llvm/aot.h"

#include <cmath>
#include <cstring>

#include "binary/decoder.h"
#include "llvm/compile.h"
#include "llvm/cpu_features.h"
#include "llvm/cwasm_format.h"
#include "llvm/jit_module.h"
#include "llvm/object_loader.h"
#include "llvm/tier_loader.h"

namespace wasmcap::llvm_tier {

namespace {

#ifndef WASMCAP_VERSION
#error "WASMCAP_VERSION is set by src/llvm/CMakeLists.txt"
#endif

support::Error refuse(const std::string& why) {
  return support::make_error(support::ErrorKind::Malformed, why);
}

uint64_t layout_fingerprint() {
  const HostLayout& l = host_layout();
  return support::hash128(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(&l), sizeof l))
      .lo;
}

// What the plugin's write_object callback fills.
struct ObjectSink {
  support::Error error;
  std::string object, triple, cpu, cpu_features;
};

void sink_error(void* sink, const PluginError* e) noexcept {
  static_cast<ObjectSink*>(sink)->error = error_from_plugin(*e);
}

void sink_object(void* sink, const uint8_t* object, uint64_t size, const char* triple,
                 const char* cpu, const char* cpu_features) noexcept {
  auto* s = static_cast<ObjectSink*>(sink);
  s->object.assign(reinterpret_cast<const char*>(object), size);
  s->triple = triple;
  s->cpu = cpu;
  s->cpu_features = cpu_features;
}

// Host symbols compiled code refers to by name: the helpers, and what LLVM lowers to library
// calls (loop idioms become memset/memcpy; rounding without SSE4.1 becomes libm calls).
void* host_symbol(std::string_view name) {
  const HostHelpers& h = host_helpers();
  struct Entry {
    const char* name;
    void* address;
  };
  using F1 = double (*)(double);
  using F1f = float (*)(float);
  using F2 = double (*)(double, double);
  using F2f = float (*)(float, float);
  const Entry table[] = {
      {"wasmcap_jit_trap", h.trap},
      {"wasmcap_jit_call", h.call},
      {"wasmcap_jit_indirect", h.indirect},
      {"wasmcap_jit_memory_grow", h.memory_grow},
      {"wasmcap_jit_memory_init", h.memory_init},
      {"wasmcap_jit_memory_copy", h.memory_copy},
      {"wasmcap_jit_memory_fill", h.memory_fill},
      {"wasmcap_jit_data_drop", h.data_drop},
      {"wasmcap_jit_table_get", h.table_get},
      {"wasmcap_jit_table_set", h.table_set},
      {"wasmcap_jit_table_size", h.table_size},
      {"wasmcap_jit_table_grow", h.table_grow},
      {"wasmcap_jit_table_fill", h.table_fill},
      {"wasmcap_jit_table_copy", h.table_copy},
      {"wasmcap_jit_table_init", h.table_init},
      {"wasmcap_jit_elem_drop", h.elem_drop},
      {"wasmcap_jit_interrupt", h.interrupt},
      {"wasmcap_jit_refuel", h.refuel},
      {"wasmcap_jit_entry_check", h.entry_check},
      {"wasmcap_jit_throw", h.throw_exception},
      {"wasmcap_jit_throw_ref", h.throw_ref},
      {"wasmcap_jit_catch", h.catch_exception},
      {"wasmcap_jit_personality", h.personality},
      {"_Unwind_Resume", h.unwind_resume},
      {"wasmcap_jit_ref_test", h.ref_test},
      {"wasmcap_jit_gc", h.gc},
      {"memcpy", reinterpret_cast<void*>(&::memcpy)},
      {"memmove", reinterpret_cast<void*>(&::memmove)},
      {"memset", reinterpret_cast<void*>(&::memset)},
      {"ceil", reinterpret_cast<void*>(static_cast<F1>(&::ceil))},
      {"ceilf", reinterpret_cast<void*>(static_cast<F1f>(&::ceilf))},
      {"floor", reinterpret_cast<void*>(static_cast<F1>(&::floor))},
      {"floorf", reinterpret_cast<void*>(static_cast<F1f>(&::floorf))},
      {"trunc", reinterpret_cast<void*>(static_cast<F1>(&::trunc))},
      {"truncf", reinterpret_cast<void*>(static_cast<F1f>(&::truncf))},
      {"rint", reinterpret_cast<void*>(static_cast<F1>(&::rint))},
      {"rintf", reinterpret_cast<void*>(static_cast<F1f>(&::rintf))},
      {"nearbyint", reinterpret_cast<void*>(static_cast<F1>(&::nearbyint))},
      {"nearbyintf", reinterpret_cast<void*>(static_cast<F1f>(&::nearbyintf))},
      {"roundeven", reinterpret_cast<void*>(static_cast<F1>(&::roundeven))},
      {"roundevenf", reinterpret_cast<void*>(static_cast<F1f>(&::roundevenf))},
      {"sqrt", reinterpret_cast<void*>(static_cast<F1>(&::sqrt))},
      {"sqrtf", reinterpret_cast<void*>(static_cast<F1f>(&::sqrtf))},
      {"fmin", reinterpret_cast<void*>(static_cast<F2>(&::fmin))},
      {"fminf", reinterpret_cast<void*>(static_cast<F2f>(&::fminf))},
      {"fmax", reinterpret_cast<void*>(static_cast<F2>(&::fmax))},
      {"fmaxf", reinterpret_cast<void*>(static_cast<F2f>(&::fmaxf))},
      {"copysign", reinterpret_cast<void*>(static_cast<F2>(&::copysign))},
      {"copysignf", reinterpret_cast<void*>(static_cast<F2f>(&::copysignf))},
      // relaxed_madd/nmadd on a CPU without FMA (llvm.fma's expansion).
      {"fma", reinterpret_cast<void*>(static_cast<double (*)(double, double, double)>(&::fma))},
      {"fmaf", reinterpret_cast<void*>(static_cast<float (*)(float, float, float)>(&::fmaf))},
  };
  for (const Entry& e : table)
    if (name == e.name) return e.address;
  return nullptr;
}

support::Status check_compatible(const CwasmFile& f, const validate::Features& features) {
  if (f.wasmcap_version != WASMCAP_VERSION) {
    return refuse("precompiled by wasmcap " + f.wasmcap_version + ", this is wasmcap " +
                  WASMCAP_VERSION + " (recompile it)");
  }
  if (f.llvm_version != WASMCAP_LLVM_VERSION) {
    return refuse("precompiled with LLVM " + f.llvm_version + ", this wasmcap uses LLVM " +
                  WASMCAP_LLVM_VERSION + " (recompile it)");
  }
  if (f.layout_fingerprint != layout_fingerprint()) {
    return refuse("precompiled by a wasmcap build with another runtime layout (recompile it)");
  }
  if (f.triple.rfind("x86_64", 0) != 0) {
    return refuse("precompiled for " + f.triple + ", this host is x86_64");
  }
  if (auto missing = missing_cpu_feature(f.cpu_features)) {
    return refuse("precompiled for a CPU with " + *missing + " (" + f.cpu + "), this CPU lacks it");
  }
  // Code validated under fewer features is valid under more; the other way round it is not.
  if ((f.feature_bits & ~feature_bits(features)) != 0) {
    return refuse("precompiled with wasm features this engine does not enable (e.g. SIMD)");
  }
  if (support::hash128(f.wasm) != f.wasm_hash) {
    return refuse("precompiled module's wasm bytes do not match their recorded hash");
  }
  return support::ok();
}

} // namespace

bool is_precompiled(std::span<const uint8_t> bytes) {
  return has_cwasm_magic(bytes);
}

bool checks_cover(uint32_t have, uint32_t need) {
  if ((need & kCheckFuel) != 0) return (have & kCheckFuel) != 0;
  if ((need & kCheckInterrupt) != 0) return (have & (kCheckFuel | kCheckInterrupt)) != 0;
  return true;
}

std::string code_identity(const validate::Features& features, bool guard_pages, uint32_t checks) {
  return std::string("wasmcap ") + WASMCAP_VERSION + "; llvm " + WASMCAP_LLVM_VERSION +
         "; layout " + std::to_string(layout_fingerprint()) + "; cpu " + cpu_identity() +
         "; features " + std::to_string(feature_bits(features)) + "; cwasm " +
         std::to_string(kCwasmFormatVersion) + "; guard pages " + (guard_pages ? "1" : "0") +
         "; checks " + std::to_string(checks);
}

namespace {

// The plugin's object for `module` (all of it, or the batch `functions` marks).
support::Result<ObjectSink> compile_object(const ir::Module& module,
                                           const validate::Features& features, bool guard_pages,
                                           uint32_t checks, std::span<const uint32_t> osr_functions,
                                           std::span<const uint8_t> functions) {
  if (const std::string* why = unavailable_reason()) {
    return support::make_error(support::ErrorKind::Usage,
                               "the llvm tier is not available: " + *why);
  }
  const TierV1* tier = load_tier().tier;
  ObjectSink sink;
  ObjectRequest request{};
  request.wasm = module.bytes.data();
  request.wasm_size = module.bytes.size();
  request.features = feature_bits(features);
  request.layout = &host_layout();
  request.function_count = module.functions.size();
  request.sink = &sink;
  request.report_error = &sink_error;
  request.write_object = &sink_object;
  request.guard_pages = guard_pages ? 1 : 0;
  request.checks = checks;
  std::vector<uint8_t> osr(module.functions.size());
  for (uint32_t f : osr_functions) {
    if (f < osr.size()) osr[f] = 1;
  }
  request.osr_functions = osr_functions.empty() ? nullptr : osr.data();
  request.functions = functions.empty() ? nullptr : functions.data();
  fill_progress(request.progress, request.progress_sink);
  if (tier->compile_object(&request) == 0) return sink.error;
  return sink;
}

// Maps an object's code and wraps it in a JitModule. Function i's code is "w<i>", its entry
// wrapper "e<i>", and when it has on-stack replacement entries, their wrapper "o<i>" and body
// "q<i>" (tier_abi.h's ObjectRequest). `batch`: only the marked functions must be there (the
// others keep null descriptors, which no FuncInstance ever points at).
support::Result<std::shared_ptr<JitModule>> map_object(std::span<const uint8_t> object_bytes,
                                                       std::shared_ptr<const ir::Module> module,
                                                       const validate::Features& features,
                                                       bool guarded, uint32_t checks,
                                                       std::span<const uint8_t> batch) {
  const uint32_t first = module->num_imported_funcs;
  const size_t count = module->functions.size();
  std::vector<void*> natives(count), entries(count), osrs(count), osr_bodies(count), stubs(count);
  auto defined = [&](std::string_view name, void* address) {
    if (name.size() < 2) return;
    std::vector<void*>* table = name[0] == 'w'   ? &natives
                                : name[0] == 'e' ? &entries
                                : name[0] == 'o' ? &osrs
                                : name[0] == 'q' ? &osr_bodies
                                : name[0] == 'y' ? &stubs
                                                 : nullptr;
    if (table == nullptr) return;
    uint64_t index = 0;
    for (char c : name.substr(1)) {
      if (c < '0' || c > '9' || index > (uint64_t{1} << 32)) return;
      index = index * 10 + static_cast<uint64_t>(c - '0');
    }
    if (index < first || index - first >= count) return;
    (*table)[index - first] = address;
  };
  auto object = LoadedObject::load(object_bytes, &host_symbol, defined);
  if (!object) return object.error();

  auto compiled = std::make_shared<JitModule>(module, features, guarded, checks);
  compiled->functions().resize(count);
  for (uint32_t i = 0; i < count; ++i) {
    JitFunction& fn = compiled->functions()[i];
    fn.func_index = first + i;
    if (!batch.empty() && batch[i] == 0) {
      fn.call_stub = stubs[i]; // the batch's runtime path to this function, if it calls it
      continue;
    }
    fn.native = natives[i];
    if (natives[i] == nullptr || entries[i] == nullptr) {
      return refuse("bad object code: no code for function " + std::to_string(fn.func_index));
    }
    fn.entry = reinterpret_cast<void (*)(JitContext*, uint64_t*)>(entries[i]);
    if (osrs[i] != nullptr && osr_bodies[i] != nullptr) {
      fn.osr = reinterpret_cast<uint32_t (*)(JitContext*, uint64_t*, uint64_t)>(osrs[i]);
      fn.osr_body = osr_bodies[i];
    }
  }
  // The text mapping's range, so the fault handler claims (guarded code's) faults in it and
  // names the function.
  const auto [text_begin, text_end] = (*object)->code_range();
  const uint8_t* unwind_info = (*object)->unwind_info();
  compiled->set_code(
      object->release(), [](void* code) { delete static_cast<LoadedObject*>(code); }, text_begin,
      text_end, unwind_info);
  compiled->index_code();
  return compiled;
}

} // namespace

support::Result<std::vector<uint8_t>> precompile(const ir::Module& module,
                                                 const validate::Features& features,
                                                 bool guard_pages, uint32_t checks,
                                                 std::span<const uint32_t> osr_functions) {
  // An i64 memory never has guard pages: its code and the file's flag say explicit checks.
  if (memory0_address64(module)) guard_pages = false;
  auto sink = compile_object(module, features, guard_pages, checks, osr_functions, {});
  if (!sink) return sink.error();

  CwasmFile f;
  f.wasmcap_version = WASMCAP_VERSION;
  f.llvm_version = WASMCAP_LLVM_VERSION;
  f.triple = sink->triple;
  f.cpu = sink->cpu;
  f.cpu_features = sink->cpu_features;
  f.layout_fingerprint = layout_fingerprint();
  f.feature_bits = feature_bits(features);
  f.flags = (guard_pages ? kCwasmGuardPages : 0) | (checks << kCwasmChecksShift);
  f.wasm = module.bytes;
  f.wasm_hash = support::hash128(f.wasm);
  f.object = std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(sink->object.data()),
                                      sink->object.size());
  return write_cwasm(f);
}

support::Result<std::shared_ptr<const runtime::ModuleCode>>
compile_batch(std::shared_ptr<const ir::Module> module, const validate::Features& features,
              bool guard_pages, uint32_t checks, std::span<const uint32_t> osr_functions,
              std::span<const uint32_t> functions) {
  if (memory0_address64(*module)) guard_pages = false;
  std::vector<uint8_t> batch(module->functions.size());
  for (uint32_t f : functions) {
    if (f < batch.size()) batch[f] = 1;
  }
  auto sink = compile_object(*module, features, guard_pages, checks, osr_functions, batch);
  if (!sink) return sink.error();
  auto mapped =
      map_object(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(sink->object.data()),
                                          sink->object.size()),
                 module, features, guard_pages, checks, batch);
  if (!mapped) return mapped.error();
  (*mapped)->set_precompiled(true);
  return std::shared_ptr<const runtime::ModuleCode>(std::move(mapped).value());
}

support::Result<Precompiled> load_precompiled(std::span<const uint8_t> bytes,
                                              const validate::Features& features,
                                              bool guard_pages_allowed, uint32_t checks,
                                              std::shared_ptr<const ir::Module> module) {
  auto file = parse_cwasm(bytes);
  if (!file) return file.error();
  WASMCAP_TRY(check_compatible(*file, features));
  const uint32_t file_checks = (file->flags >> kCwasmChecksShift) & kKnownChecks;
  if (!checks_cover(file_checks, checks)) {
    const bool fuel = (checks & kCheckFuel) != 0;
    return support::make_error(
        support::ErrorKind::Usage,
        std::string("precompiled without ") + (fuel ? "fuel" : "interruption") +
            " checks, which this engine needs (" + (fuel ? "fuel" : "a timeout or interruption") +
            "): recompile it with `wasmcap compile --checks " + (fuel ? "fuel" : "interrupt") +
            "`");
  }
  // Not validated again, and bodies not even scanned: the checksum and hash show these are the
  // bytes the plugin decoded and validated before it compiled them (a forged file could hold
  // any machine code anyway: a .cwasm is trusted like a native executable, see docs/llvm.md).
  if (module == nullptr) {
    auto decoded = binary::decode_module(file->wasm, binary::DecodeOptions{.trust_bodies = true});
    if (!decoded) return decoded.error();
    module = std::make_shared<const ir::Module>(std::move(decoded).value());
  }
  const bool guarded = (file->flags & kCwasmGuardPages) != 0;
  auto compiled = map_object(file->object, module, features, guarded, file_checks, {});
  if (!compiled) return compiled.error();
  (*compiled)->set_precompiled(guard_pages_allowed);
  return Precompiled{std::move(module), std::move(compiled).value()};
}

} // namespace wasmcap::llvm_tier

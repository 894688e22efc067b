// compile() in the host: loads the plugin on first use, hands it the module's bytes with the
// host's layout and helper addresses, and wraps the machine code it returns in a JitModule. The
// plugin reports errors through a callback, so they are rebuilt here as the host's own values.
#include "llvm/compile.h"
#include "llvm/gc_roots.h"

#include <algorithm>
#include <cstdlib>
#include <string>

#include "binary/exception_use.h"
#include "llvm/aot.h"
#include "llvm/jit_module.h"
#include "llvm/jitdump.h"
#include "llvm/perf_map.h"
#include "llvm/tier_loader.h"

namespace wasmcap::llvm_tier {

namespace {

thread_local const CompileProgressFn* t_progress = nullptr;

void forward_progress(void* sink, uint64_t done, uint64_t total) {
  (*static_cast<const CompileProgressFn*>(sink))(done, total);
}

constexpr const char* kUnavailablePrefix = "the llvm tier is not available: ";

void report_error(void* sink, const PluginError* e) noexcept {
  *static_cast<support::Error*>(sink) = error_from_plugin(*e);
}

} // namespace

support::Error error_from_plugin(const PluginError& e) {
  support::Error error = support::make_error(static_cast<support::ErrorKind>(e.kind),
                                             e.message ? e.message : "", e.offset);
  error.where.function = e.function;
  if (e.section != nullptr) error.where.section = e.section;
  return error;
}

bool is_unsupported(const support::Error& error) {
  return error.kind == support::ErrorKind::Usage &&
         (error.message.starts_with(kUnsupportedPrefix) ||
          error.message.starts_with(kUnavailablePrefix));
}

const std::string* unavailable_reason() {
  const LoadedTier& loaded = load_tier();
  return loaded.tier ? nullptr : &loaded.failure;
}

support::Result<std::shared_ptr<const runtime::ModuleCode>>
compile(std::shared_ptr<const ir::Module> module, const validate::Features& features,
        bool guard_pages, uint32_t checks) {
  WASMCAP_ASSIGN(std::shared_ptr<const JitModule> m,
                 compile_jit_module(std::move(module), features, guard_pages, checks));
  return std::shared_ptr<const runtime::ModuleCode>(std::move(m));
}

support::Result<std::shared_ptr<const JitModule>>
compile_jit_module(std::shared_ptr<const ir::Module> module, const validate::Features& features,
                   bool guard_pages, uint32_t checks) {
  const LoadedTier& loaded = load_tier();
  if (loaded.tier == nullptr) {
    return support::make_error(support::ErrorKind::Usage, kUnavailablePrefix + loaded.failure);
  }
  // A test hook (docs/llvm.md): every JIT compile goes through a .cwasm image and the object
  // loader instead of ORC, so the spec suite can run on the AOT path (ctest's spec/aot/), with
  // guard pages or explicit checks as asked (code_for's explicit variant comes here too).
  static const bool via_object = std::getenv("WASMCAP_JIT_VIA_OBJECT") != nullptr;
  if (via_object) {
    auto image = precompile(*module, features, guard_pages, checks);
    if (!image) return image.error();
    auto loaded_image = load_precompiled(*image, features, guard_pages, checks, module);
    if (!loaded_image) return loaded_image.error();
    return std::static_pointer_cast<const JitModule>(std::move(loaded_image->code));
  }
  auto compiled = std::make_shared<JitModule>(module, features, guard_pages, checks);
  const ir::Module& mod = *module;
  std::vector<PluginFunction> functions(mod.functions.size());
  support::Error error;
  CompileRequest request{};
  request.wasm = mod.bytes.data();
  request.wasm_size = mod.bytes.size();
  request.features = feature_bits(features);
  request.layout = &host_layout();
  request.helpers = &host_helpers();
  request.functions = functions.data();
  request.function_count = functions.size();
  request.error_sink = &error;
  request.report_error = &report_error;
  request.guard_pages = compiled->guard_pages() ? 1 : 0; // never for an i64 memory
  request.checks = checks;
  fill_progress(request.progress, request.progress_sink);
  void* code = loaded.tier->compile(&request);
  if (code == nullptr) return error;
  compiled->set_code(code, loaded.tier->release, request.code_begin, request.code_end,
                     reinterpret_cast<const void*>(request.eh_frame));
  compiled->functions().resize(functions.size());
  for (uint32_t i = 0; i < functions.size(); ++i) {
    JitFunction& f = compiled->functions()[i];
    f.func_index = mod.num_imported_funcs + i;
    f.native = functions[i].native;
    f.entry = reinterpret_cast<void (*)(JitContext*, uint64_t*)>(functions[i].entry);
  }
  compiled->index_code();
  return std::shared_ptr<const JitModule>(std::move(compiled));
}

JitModule::JitModule(std::shared_ptr<const ir::Module> module, const validate::Features& features,
                     bool guard_pages, uint32_t checks)
    : module_(std::move(module)), features_(features),
      guard_pages_(guard_pages && !memory0_address64(*module_)), checks_(checks),
      exceptions_(binary::uses_exception_handling(*module_)),
      gc_roots_(module_may_hold_gc_refs(*module_)) {}

std::string describe_checks(uint32_t checks) {
  if ((checks & kCheckFuel) != 0) {
    return "fuel (charged at calls and loop headers; it serves interruption and timeouts too)";
  }
  if ((checks & kCheckInterrupt) != 0 && (checks & kCheckEveryLoop) != 0) {
    return "interruption (the store's interrupt word at function entries and every loop header, "
           "for a profiler)";
  }
  if ((checks & kCheckInterrupt) != 0) {
    return "interruption (the store's interrupt word at function entries and loop headers)";
  }
  return "none";
}

std::string JitModule::checks() const {
  return describe_checks(checks_);
}

void JitModule::index_code() {
  code_starts_.clear();
  for (const JitFunction& f : functions_) {
    if (f.call_stub != nullptr) {
      code_starts_.push_back({reinterpret_cast<uintptr_t>(f.call_stub), f.func_index, true});
    }
    if (f.native == nullptr) continue; // outside this batch (tiering)
    code_starts_.push_back({reinterpret_cast<uintptr_t>(f.native), f.func_index, false});
    code_starts_.push_back({reinterpret_cast<uintptr_t>(f.entry), f.func_index, true});
    if (f.osr != nullptr) { // on-stack replacement: its body is a frame of the function too
      code_starts_.push_back({reinterpret_cast<uintptr_t>(f.osr_body), f.func_index, false});
      code_starts_.push_back({reinterpret_cast<uintptr_t>(f.osr), f.func_index, true});
    }
  }
  std::sort(code_starts_.begin(), code_starts_.end());
  if (perf_map_enabled() || jitdump_enabled()) {
    const std::vector<PerfMapEntry> entries = perf_map_entries();
    if (perf_map_enabled()) write_perf_map(entries);
    if (jitdump_enabled()) write_jitdump(entries);
  }
}

// Each function's code runs to the next one's start (or the end of the module's code): the
// sizes perf needs, from the same sorted table the backtraces use.
std::vector<PerfMapEntry> JitModule::perf_map_entries() const {
  std::vector<PerfMapEntry> out;
  for (size_t i = 0; i < code_starts_.size(); ++i) {
    const CodeStart& s = code_starts_[i];
    const uintptr_t end = i + 1 < code_starts_.size() ? code_starts_[i + 1].address : code_end_;
    if (end <= s.address) continue;
    std::string name(module_->func_name(s.func_index));
    if (name.empty()) name = "wasm-function[" + std::to_string(s.func_index) + "]";
    out.push_back({s.address, end - s.address, s.wrapper ? "wasm-entry[" + name + "]" : name});
  }
  return out;
}

bool JitModule::contains_pc(uintptr_t pc) const {
  return pc >= code_begin_ && pc < code_end_;
}

// The function whose code starts last at or before `pc` (inlined callees count as their caller).
std::optional<uint32_t> JitModule::function_at_pc(uintptr_t pc) const {
  auto it = std::upper_bound(code_starts_.begin(), code_starts_.end(), pc,
                             [](uintptr_t at, const CodeStart& s) { return at < s.address; });
  if (it == code_starts_.begin() || std::prev(it)->wrapper) return std::nullopt;
  return std::prev(it)->func_index;
}

bool JitModule::wants_guard_pages() const {
  return guard_pages_ && reserve_guard_pages_;
}

support::Result<std::shared_ptr<const runtime::ModuleCode>>
JitModule::code_for(const runtime::ModuleInstance& instance) const {
  if (!guard_pages_ || instance.memories.empty() || instance.memories[0]->guarded()) {
    return std::shared_ptr<const runtime::ModuleCode>();
  }
  // Code without bounds compares must never run on a memory without guard pages: compile the
  // explicit-check variant once (rare: an imported memory made elsewhere, or a failed 8 GiB
  // reservation) and share it between such instances.
  std::lock_guard<std::mutex> lock(explicit_mutex_);
  if (!explicit_variant_) {
    auto variant = compile_jit_module(module_, features_, false, checks_);
    if (!variant) {
      support::Error e = variant.error();
      // Only precompiled code gets here without the plugin loaded: say why it was needed.
      if (precompiled_) {
        e.message = "this module was precompiled for memories with guard pages and memory 0 of "
                    "this instance has none, so it needs its explicit-check variant: " +
                    e.message + " (recompile it with WASMCAP_GUARD_PAGES=0)";
      }
      return e;
    }
    explicit_variant_ = std::move(variant).value();
  }
  return std::shared_ptr<const runtime::ModuleCode>(explicit_variant_);
}

std::string JitModule::memory_strategy(const runtime::ModuleInstance& instance) const {
  if (instance.memories.empty()) return "no memory";
  const runtime::Memory& m = *instance.memories[0];
  if (guard_pages_ && m.guarded()) return "guard pages (8 GiB reserved)";
  if (memory0_address64(*module_)) return "explicit bounds checks (64-bit memory: no guard pages)";
  if (m.guard() == runtime::Memory::Guard::ReserveFailed) {
    return "explicit bounds checks (the 8 GiB reservation failed)";
  }
  // A .cwasm compiled without guard pages run where they are allowed (else: "disabled" below).
  if (precompiled_ && !guard_pages_ && reserve_guard_pages_) {
    return "explicit bounds checks (precompiled without guard pages)";
  }
  if (m.guarded()) return "explicit bounds checks (guard pages disabled for this module)";
  const bool own = instance.module().num_imported_memories == 0;
  if (!own) return "explicit bounds checks (imported memory without guard pages)";
  return "explicit bounds checks (guard pages disabled)";
}

// Memories other than 0 never get guard pages (docs/llvm.md, "Multiple memories").
std::string JitModule::memory_strategy_at(const runtime::ModuleInstance& instance,
                                          uint32_t index) const {
  if (index == 0) return memory_strategy(instance);
  if (module_->all_memories[index].address64) {
    return "explicit bounds checks (64-bit memory: no guard pages)";
  }
  return "explicit bounds checks (guard pages are for memory 0 only)";
}

JitModule::~JitModule() {
  unwind_.reset(); // the unwinder must not see the tables once their mapping is gone
  if (release_ != nullptr) release_(code_);
}

CompileProgressScope::CompileProgressScope(const CompileProgressFn* report) : saved_(t_progress) {
  t_progress = report != nullptr && *report ? report : nullptr;
}

CompileProgressScope::~CompileProgressScope() {
  t_progress = saved_;
}

void fill_progress(ProgressCallback& callback, void*& sink) {
  callback = t_progress != nullptr ? &forward_progress : nullptr;
  sink = const_cast<CompileProgressFn*>(t_progress);
}

} // namespace wasmcap::llvm_tier

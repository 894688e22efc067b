// compile_with_jit(): the LLVM tier for Tier::Jit when it is built (WASMCAP_HAVE_LLVM_TIER) and its
// plugin loads (src/llvm/tier_loader.h), and nullopt (the interpreter) for everything it cannot
// run yet; whether that code and its memories use guard pages; and
// Engine::jit_unavailable_reason(), the public word on whether that plugin loads.
#include "api/tier_choice.h"
#include "api/tier_up.h"

#include <cstdlib>
#include <string_view>

#include "wasmcap/engine.h"

#ifdef WASMCAP_HAVE_LLVM_TIER
#include "llvm/compile.h"
#include "llvm/jitdump.h"
#include "llvm/perf_map.h"
#endif

namespace wasmcap::detail {

std::optional<CodeResult> compile_with_jit(const Config& config,
                                           const std::shared_ptr<const ir::Module>& module,
                                           const validate::Features& features,
                                           std::string& fallback) {
  if (config.tier != Tier::Jit) return std::nullopt;
#ifdef WASMCAP_HAVE_LLVM_TIER
  ProgressReporting progress(config, module->functions.size());
  CodeResult code =
      llvm_tier::compile(module, features, guard_pages_enabled(config), checks_for(config));
  if (!code && llvm_tier::is_unsupported(code.error())) {
    fallback = code.error().message;
    return std::nullopt;
  }
  return code;
#else
  (void)module;
  (void)features;
  fallback = "this wasmcap was built without the LLVM tier (WASMCAP_LLVM=OFF)";
  return std::nullopt;
#endif
}

#ifdef WASMCAP_HAVE_LLVM_TIER
struct ProgressReporting::Scope {
  llvm_tier::CompileProgressFn report;
  std::optional<llvm_tier::CompileProgressScope> scope;
};
#else
struct ProgressReporting::Scope {};
#endif

ProgressReporting::ProgressReporting(const Config& config, uint64_t functions) {
#ifdef WASMCAP_HAVE_LLVM_TIER
  if (!config.compile_progress) return;
  scope_ = std::make_unique<Scope>();
  scope_->report = [&config, functions](uint64_t done, uint64_t total) {
    config.compile_progress(total == 0 ? 1.0 : static_cast<double>(done) / total, functions);
  };
  scope_->scope.emplace(&scope_->report);
#else
  (void)config;
  (void)functions;
#endif
}

ProgressReporting::~ProgressReporting() = default;

uint32_t checks_for(const Config& config) {
#ifdef WASMCAP_HAVE_LLVM_TIER
  if (config.fuel) return llvm_tier::kCheckFuel;
  if (config.profiling) return llvm_tier::kCheckInterrupt | llvm_tier::kCheckEveryLoop;
  if (config.timeout_ms || (config.interruptible && !config.interrupt_by_signal)) {
    return llvm_tier::kCheckInterrupt;
  }
#else
  (void)config;
#endif
  return 0;
}

binary::DecodeOptions decode_options_for(const Config& config) {
  binary::DecodeOptions o;
  o.exceptions = config.exceptions;
  o.memory64 = config.memory64;
  return o;
}

validate::Features features_for(const Config& config) {
  validate::Features f;
  f.simd = config.simd;
  f.tail_call = config.tail_call;
  f.extended_const = config.extended_const;
  f.multi_memory = config.multi_memory;
  f.exceptions = config.exceptions;
  f.relaxed_simd = config.relaxed_simd;
  f.memory64 = config.memory64;
  f.gc = config.gc;
  return f;
}

bool guard_pages_enabled(const Config& config) {
  return (config.tier == Tier::Jit || tiers_up(config)) && guard_pages_allowed(config);
}

bool tiers_up(const Config& config) {
#ifdef WASMCAP_HAVE_LLVM_TIER
  return config.tier == Tier::Auto;
#else
  (void)config;
  return false;
#endif
}

bool guard_pages_allowed(const Config& config) {
#ifdef WASMCAP_HAVE_LLVM_TIER
  if (!config.guard_pages) return false;
  const char* env = std::getenv("WASMCAP_GUARD_PAGES");
  return env == nullptr || std::string_view(env) != "0";
#else
  (void)config;
  return false;
#endif
}

} // namespace wasmcap::detail

namespace wasmcap {

int Engine::compiles_in_background() {
  return detail::TierUp::compiles_in_progress();
}

// The library itself never prints: hosts (the CLI's --tier) decide how to show this.
bool Engine::enable_perf_map() {
#ifdef WASMCAP_HAVE_LLVM_TIER
  llvm_tier::enable_perf_map();
  return true;
#else
  return false;
#endif
}

std::optional<std::string> Engine::enable_jitdump() {
#ifdef WASMCAP_HAVE_LLVM_TIER
  std::string why;
  if (llvm_tier::enable_jitdump(why)) return std::nullopt;
  return why;
#else
  return std::string("this wasmcap has no LLVM tier, so no machine code to describe");
#endif
}

std::optional<std::string> Engine::jit_unavailable_reason() {
#ifdef WASMCAP_HAVE_LLVM_TIER
  if (const std::string* why = llvm_tier::unavailable_reason()) return *why;
  return std::nullopt;
#else
  return "this wasmcap was built without the LLVM tier (WASMCAP_LLVM=OFF)";
#endif
}

} // namespace wasmcap

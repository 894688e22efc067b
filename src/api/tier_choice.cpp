// compile_with_jit(): the LLVM tier for Tier::Jit when it is built (WASMCAP_HAVE_LLVM_TIER) and its
// plugin loads (src/llvm/tier_loader.h), and nullopt (the interpreter) for everything it cannot
// run yet; and Engine::jit_unavailable_reason(), the public word on whether that plugin loads.
#include "api/tier_choice.h"
#include "wasmcap/engine.h"

#ifdef WASMCAP_HAVE_LLVM_TIER
#include "llvm/compile.h"
#endif

namespace wasmcap::detail {

std::optional<CodeResult> compile_with_jit(const Config& config,
                                           const std::shared_ptr<const ir::Module>& module,
                                           const validate::Features& features) {
  if (config.tier != Tier::Jit) return std::nullopt;
  // The LLVM tier neither charges fuel nor polls for interruption yet (docs/llvm.md).
  if (config.fuel || config.timeout_ms || config.interruptible) return std::nullopt;
#ifdef WASMCAP_HAVE_LLVM_TIER
  CodeResult code = llvm_tier::compile(module, features);
  if (!code && llvm_tier::is_unsupported(code.error())) return std::nullopt;
  return code;
#else
  (void)module;
  (void)features;
  return std::nullopt;
#endif
}

} // namespace wasmcap::detail

namespace wasmcap {

// The library itself never prints: hosts (the CLI's --tier) decide how to show this.
std::optional<std::string> Engine::jit_unavailable_reason() {
#ifdef WASMCAP_HAVE_LLVM_TIER
  if (const std::string* why = llvm_tier::unavailable_reason()) return *why;
  return std::nullopt;
#else
  return "this wasmcap was built without the LLVM tier (WASMCAP_LLVM=OFF)";
#endif
}

} // namespace wasmcap

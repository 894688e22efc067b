// compile_with_jit(): the LLVM tier for Tier::Jit when it is built (WASMCAP_HAVE_LLVM_TIER), and
// nullopt (the interpreter) for everything it cannot run yet.
#include "api/tier_choice.h"

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

// The tier choice: whether the LLVM tier compiles a module for an engine's Config. Kept apart
// from module.cpp so the pipeline there stays one call per tier.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "binary/decoder.h"
#include "ir/module.h"
#include "runtime/tier.h"
#include "support/result.h"
#include "validate/features.h"
#include "wasmcap/config.h"

namespace wasmcap::detail {

using CodeResult = support::Result<std::shared_ptr<const runtime::ModuleCode>>;

// Whether the config needs code that meters fuel or polls for interruption (fuel, timeout_ms,
// interruptible, profiling): the interpreter's metered code, or compiled code with
// checks_for(config).
inline bool needs_metering(const Config& config) {
  return config.fuel || config.timeout_ms || config.interruptible || config.profiling;
}

// The checks the LLVM tier compiles in for this config (llvm_tier::kCheck* bits): fuel when
// Config::fuel is set (fuel code serves interruption too), else interruption when a timeout or
// Config::interruptible asks for it (without interrupt_by_signal), else none: code without
// limits carries no check at all.
uint32_t checks_for(const Config& config);

// The proposals a Config turns on, as the validator and the tiers take them.
validate::Features features_for(const Config& config);
// And as the decoder takes them (the encodings 2.0 called malformed: tags, 64-bit limits).
binary::DecodeOptions decode_options_for(const Config& config);

// For Tier::Jit, when the LLVM tier is built and supports what the module and config need: its
// result (code, or a validation error). nullopt: compile with the interpreter; under Tier::Jit
// `fallback` then says why (Module::jit_fallback_reason()).
std::optional<CodeResult> compile_with_jit(const Config& config,
                                           const std::shared_ptr<const ir::Module>& module,
                                           const validate::Features& features,
                                           std::string& fallback);

// Whether code compiled for this config drops bounds checks and its memories reserve guard
// pages: Tier::Jit (or tiers_up) with the LLVM tier built, Config::guard_pages, and
// WASMCAP_GUARD_PAGES not 0.
bool guard_pages_enabled(const Config& config);
// The same without the tier: precompiled code (Module::precompile/deserialize, the code cache)
// is compiled code whichever tier the engine names.
bool guard_pages_allowed(const Config& config);

// While it lives, the LLVM compiles this thread makes for `config` report to
// Config::compile_progress (nothing without one, or without the LLVM tier).
class ProgressReporting {
public:
  ProgressReporting(const Config& config, uint64_t functions);
  ~ProgressReporting();
  ProgressReporting(const ProgressReporting&) = delete;
  ProgressReporting& operator=(const ProgressReporting&) = delete;

private:
  struct Scope;
  std::unique_ptr<Scope> scope_;
};

// Whether modules start on the interpreter and move to the LLVM tier later (Tier::Auto with the
// tier built).
bool tiers_up(const Config& config);

} // namespace wasmcap::detail

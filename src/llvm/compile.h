// The LLVM tier's entry point in the host: compiles every function of a module to native code
// with the plugin libwasmcap-llvm.so (loaded on the first call; O2, ORC LLJIT). The result is a
// runtime::ModuleCode that runtime::instantiate() accepts. No LLVM headers here or below.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "ir/module.h"
#include "runtime/tier.h"
#include "support/result.h"
#include "validate/features.h"
#include "llvm/tier_abi.h"

namespace wasmcap::llvm_tier {

// Errors are the validator's (Invalid / Malformed), or one for which is_unsupported() is true
// when the module uses something this tier cannot compile (nothing in WebAssembly 2.0; the
// testing hook WASMCAP_LLVM_REFUSE=v128 stands in) or the plugin cannot be loaded: the caller
// then runs the module on the interpreter.
// `checks`: the kCheck* bits (tier_abi.h) to compile in: interruption, fuel, or none.
// `guard_pages`: compile loads and stores without bounds compares, for memories with guard pages;
// an instance whose memory 0 has none gets a variant with explicit checks (JitModule::code_for).
support::Result<std::shared_ptr<const runtime::ModuleCode>>
compile(std::shared_ptr<const ir::Module> module, const validate::Features& features,
        bool guard_pages = false, uint32_t checks = 0);

// Progress of the compiles this thread makes while a scope lives (compile(), precompile(), not
// tier-up's background thread): `report(done, total)` in the plugin's units (tier_abi.h's
// ProgressCallback), from inside the compile. Scopes nest; the innermost reports.
using CompileProgressFn = std::function<void(uint64_t done, uint64_t total)>;
class CompileProgressScope {
public:
  explicit CompileProgressScope(const CompileProgressFn* report);
  ~CompileProgressScope();
  CompileProgressScope(const CompileProgressScope&) = delete;
  CompileProgressScope& operator=(const CompileProgressScope&) = delete;

private:
  const CompileProgressFn* saved_;
};
// The request fields for this thread's scope (both null without one).
void fill_progress(ProgressCallback& callback, void*& sink);

// What a .cwasm's or compiled code's `checks` (kCheck* bits) say, for `wasmcap run -v`.
std::string describe_checks(uint32_t checks);

bool is_unsupported(const support::Error& error);

// The host's error for one the plugin reported (tier_abi.h: its strings live only during the
// report), for every request that carries a report_error callback.
support::Error error_from_plugin(const PluginError& e);

// Loads the plugin if that was not tried yet; null when it is available, else why not (one line
// naming every path tried, for the CLI's warning).
const std::string* unavailable_reason();

} // namespace wasmcap::llvm_tier

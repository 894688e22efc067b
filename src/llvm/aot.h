// Ahead-of-time compilation in the host: precompile() has the plugin emit a module's code as an
// ELF object and wraps it in a .cwasm file (cwasm_format.h); load_precompiled() checks that such
// a file fits this host and maps its code with object_loader, with no LLVM: a process that only
// loads precompiled modules never loads the plugin or libLLVM.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "ir/module.h"
#include "runtime/tier.h"
#include "support/result.h"
#include "validate/features.h"

namespace wasmcap::llvm_tier {

// The .cwasm bytes for a decoded module. Errors as compile()'s: is_unsupported() when the tier
// cannot compile the module (SIMD) or the plugin cannot be loaded. `guard_pages`: as compile()'s
// (no bounds compares; recorded in the file, whose loader then reserves guard pages).
// `osr_functions` (defined function indices, 0 = first non-imported): also compile their
// on-stack replacement entries (tiering's background compile, docs/tiering.md), for an
// interpreter frame running one of their loops to continue in.
support::Result<std::vector<uint8_t>> precompile(const ir::Module& module,
                                                 const validate::Features& features,
                                                 bool guard_pages, uint32_t checks = 0,
                                                 std::span<const uint32_t> osr_functions = {});

// Tiering's per-function tier-up (docs/tiering.md): the defined functions `functions` of
// `module` compiled as one batch, mapped at once (no .cwasm, never cached). Every other function
// of the module is called through the runtime, and its descriptor stays empty: only the batch's
// may be given to a FuncInstance. `osr_functions` as precompile()'s.
support::Result<std::shared_ptr<const runtime::ModuleCode>>
compile_batch(std::shared_ptr<const ir::Module> module, const validate::Features& features,
              bool guard_pages, uint32_t checks, std::span<const uint32_t> osr_functions,
              std::span<const uint32_t> functions);

struct Precompiled {
  std::shared_ptr<const ir::Module> module; // decoded from the embedded wasm bytes
  std::shared_ptr<const runtime::ModuleCode> code;
};

// Refuses (Malformed) a file that is not a .cwasm, is truncated or corrupted, or was made by
// another wasmcap/LLVM version, for another target, a CPU with features this one lacks, or other
// wasm features than `features`; every message says which.
// Code precompiled for guard pages reserves them for the module's memories when
// `guard_pages_allowed`; otherwise (WASMCAP_GUARD_PAGES=0, Config::guard_pages off) its memories
// get none, and instantiation compiles the explicit-check variant with the plugin
// (JitModule::code_for), which fails clearly when the plugin cannot be loaded.
// `checks`: the kCheck* bits the engine needs (fuel, timeouts, interruption); a file without them
// is refused (Usage), saying which are missing. A file with more checks than needed runs.
// `module`: the module the file was compiled from, when the caller has it: the code then shares
// it instead of a copy decoded again (an instance's explicit-check variant must: instantiation
// keeps references into the module its first code had).
support::Result<Precompiled> load_precompiled(std::span<const uint8_t> bytes,
                                              const validate::Features& features,
                                              bool guard_pages_allowed, uint32_t checks = 0,
                                              std::shared_ptr<const ir::Module> module = nullptr);

// Whether code compiled with `have` serves an engine that needs `need` (fuel code also polls
// for interruption; code with checks runs where none are needed).
bool checks_cover(uint32_t have, uint32_t need);

bool is_precompiled(std::span<const uint8_t> bytes);

// Everything besides the wasm bytes that decides whether precompiled code fits this process
// (wasmcap and LLVM versions, the host layout, this CPU's identity, the wasm features, guard
// pages or explicit checks), for the code cache's key.
std::string code_identity(const validate::Features& features, bool guard_pages,
                          uint32_t checks = 0);

} // namespace wasmcap::llvm_tier

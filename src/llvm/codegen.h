// generate(): the plugin's compiler: validates a decoded module, translates every body to LLVM IR
// in the validator's pass, runs O2 and compiles the whole module with ORC LLJIT, binding the
// helper calls to the host's addresses; generate_object() (emit_object.cpp) the same to a
// relocatable object for AOT. Plugin-only (linked into libwasmcap-llvm.so).
#pragma once

#include <memory>
#include <span>

#include "ir/module.h"
#include "support/result.h"
#include "validate/features.h"
#include "llvm/tier_abi.h"

#include <llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>
#include <llvm/Support/Error.h>

namespace llvm::orc {
class LLJIT;
}

namespace wasmcap::llvm_tier {

// What generate() is asked for and what it returns besides the JIT.
struct GenerateOptions {
  bool guard_pages = false; // memory 0 has guard pages: no bounds compares
  uint32_t checks = 0;      // kCheck* (tier_abi.h)
};
struct GenerateOutput {
  std::span<PluginFunction> functions; // one per defined function
  uint64_t code_begin = 0;             // the machine code's address range
  uint64_t code_end = 0;
  uint64_t eh_frame = 0; // the linked, null-terminated unwind tables (0: none)
  uint64_t eh_frame_size = 0;
};

// The shared front half: validation and translation of every body to (unoptimized) LLVM IR,
// with (guard_pages) or without bounds compares on memory 0, and the on-stack replacement
// entries of the defined functions marked in `osr_functions` (translate_osr.cpp). `functions`:
// empty, or a batch (one byte per defined function, tier_abi.h's ObjectRequest::functions).
struct TranslatedModule {
  std::unique_ptr<llvm::LLVMContext> context;
  std::unique_ptr<llvm::Module> module;
};
support::Result<TranslatedModule>
translate_module(const ir::Module& module, const validate::Features& features,
                 const HostLayout& layout, uint64_t function_count, bool guard_pages,
                 uint32_t checks, std::span<const uint8_t> osr_functions = {},
                 std::span<const uint8_t> functions = {});
void initialize_llvm();
// The host CPU's name and every feature it has.
llvm::Expected<llvm::orc::JITTargetMachineBuilder> host_target();
// The new pass manager's O2 pipeline for `tm`, SignSelectPass at its end (sign_select.h), then
// the IR dump of WASMCAP_LLVM_DUMP_IR. `checks` (kCheck*) decides whether counted loops lose their
// interruption checks (loop_checks.h).
void optimize(llvm::Module& module, llvm::TargetMachine& tm, uint32_t checks);
support::Error llvm_error(const std::string& what, llvm::Error e);

// On success `out.functions` holds the entry points, which live as long as the returned JIT.
support::Result<std::unique_ptr<llvm::orc::LLJIT>>
generate(const ir::Module& module, const validate::Features& features, const HostLayout& layout,
         const HostHelpers& helpers, const GenerateOptions& options, GenerateOutput& out);

} // namespace wasmcap::llvm_tier

namespace wasmcap::llvm_tier {

// What generate_object() produced: a relocatable ELF object (tier_abi.h's ObjectRequest) and the
// target it was generated for.
struct ObjectCode {
  std::string object;
  std::string triple;
  std::string cpu;
  std::string cpu_features;
};
support::Result<ObjectCode> generate_object(const ir::Module& module,
                                            const validate::Features& features,
                                            const HostLayout& layout, uint64_t function_count,
                                            bool guard_pages, uint32_t checks,
                                            std::span<const uint8_t> osr_functions = {},
                                            std::span<const uint8_t> functions = {});

} // namespace wasmcap::llvm_tier

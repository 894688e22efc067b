// generate(): module validation, translation of every body to LLVM IR in the validator's pass,
// the O2 pipeline (and SignSelectPass at its end), then ORC LLJIT code generation of the whole
// module at once (plugin side).
#include "llvm/codegen.h"

#include <algorithm>
#include <cstdlib>
#include <mutex>
#include <string_view>

#include <llvm/ExecutionEngine/Orc/CompileUtils.h>
#include <llvm/ExecutionEngine/Orc/ExecutionUtils.h>
#include <llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h>
#include <llvm/ExecutionEngine/Orc/LLJIT.h>
#include <llvm/IR/LegacyPassManager.h>
#include <llvm/IR/Verifier.h>
#include <llvm/Passes/PassBuilder.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/SmallVectorMemoryBuffer.h>
#include <llvm/Support/TargetSelect.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/TargetParser/Host.h>
#include <llvm/TargetParser/Triple.h>

#include "binary/code_reader.h"
#include "binary/exception_use.h"
#include "binary/tail_call_use.h"
#include "validate/module_context.h"
#include "validate/module_validator.h"
#include "validate/validate_function.h"
#include "llvm/code_range.h"
#include "llvm/gc_roots.h"
#include "llvm/host_env.h"
#include "llvm/loop_checks.h"
#include "llvm/progress.h"
#include "llvm/sign_select.h"
#include "llvm/translator.h"

namespace wasmcap::llvm_tier {

namespace {

// Compiled code calls the host's helpers by name; their addresses come from the host.
support::Status define_helpers(llvm::orc::LLJIT& jit, const HostHelpers& h) {
  llvm::orc::SymbolMap symbols;
  auto add = [&](const char* name, void* fn) {
    symbols[jit.mangleAndIntern(name)] = {llvm::orc::ExecutorAddr::fromPtr(fn),
                                          llvm::JITSymbolFlags::Exported |
                                              llvm::JITSymbolFlags::Callable};
  };
  add("wasmcap_jit_trap", h.trap);
  add("wasmcap_jit_call", h.call);
  add("wasmcap_jit_indirect", h.indirect);
  add("wasmcap_jit_memory_grow", h.memory_grow);
  add("wasmcap_jit_memory_init", h.memory_init);
  add("wasmcap_jit_memory_copy", h.memory_copy);
  add("wasmcap_jit_memory_fill", h.memory_fill);
  add("wasmcap_jit_data_drop", h.data_drop);
  add("wasmcap_jit_table_get", h.table_get);
  add("wasmcap_jit_table_set", h.table_set);
  add("wasmcap_jit_table_size", h.table_size);
  add("wasmcap_jit_table_grow", h.table_grow);
  add("wasmcap_jit_table_fill", h.table_fill);
  add("wasmcap_jit_table_copy", h.table_copy);
  add("wasmcap_jit_table_init", h.table_init);
  add("wasmcap_jit_elem_drop", h.elem_drop);
  add("wasmcap_jit_interrupt", h.interrupt);
  add("wasmcap_jit_refuel", h.refuel);
  add("wasmcap_jit_entry_check", h.entry_check);
  add("wasmcap_jit_throw", h.throw_exception);
  add("wasmcap_jit_throw_ref", h.throw_ref);
  add("wasmcap_jit_catch", h.catch_exception);
  add("wasmcap_jit_personality", h.personality);
  add("_Unwind_Resume", h.unwind_resume);
  add("wasmcap_jit_ref_test", h.ref_test);
  add("wasmcap_jit_gc", h.gc);
  llvm::orc::JITDylib& jd = jit.getMainJITDylib();
  if (llvm::Error e = jd.define(llvm::orc::absoluteSymbols(std::move(symbols)))) {
    return llvm_error("defining helpers", std::move(e));
  }
  // libm/libc for what LLVM lowers to library calls (memcpy, memset, and on old CPUs ceil/floor).
  auto process = llvm::orc::DynamicLibrarySearchGenerator::GetForCurrentProcess(
      jit.getDataLayout().getGlobalPrefix());
  if (!process) return llvm_error("process symbols", process.takeError());
  jd.addGenerator(std::move(*process));
  return support::ok();
}

// A testing hook: with WASMCAP_LLVM_REFUSE=v128 the tier refuses a module whose signatures or
// locals use v128, as it did before it compiled SIMD, so tests can still make a module that runs
// on the interpreter under Tier::Jit (tests/unit/api/mixed_tiers_test.cpp, tier_up_test.cpp).
bool refused_for_tests(const ir::Module& mod) {
  const char* env = host_getenv("WASMCAP_LLVM_REFUSE");
  if (env == nullptr || std::string_view(env) != "v128") return false;
  auto has_v128 = [](std::span<const ir::ValType> types) {
    for (ir::ValType t : types)
      if (t == ir::ValType::V128) return true;
    return false;
  };
  for (uint32_t i = 0; i < mod.functions.size(); ++i) {
    const ir::FuncType& t = mod.func_type(mod.num_imported_funcs + i);
    if (has_v128(t.params) || has_v128(t.results) || has_v128(mod.functions[i].locals)) return true;
  }
  return false;
}

// i8x16.swizzle's one-instruction form (translate_simd.cpp); the code is generated for this host
// (host_target()), JIT and AOT alike.
bool host_has_pshufb() {
  if (llvm::Triple(llvm::sys::getProcessTriple()).getArch() != llvm::Triple::x86_64) return false;
  llvm::StringMap<bool> features = llvm::sys::getHostCPUFeatures();
  auto it = features.find("ssse3");
  return it != features.end() && it->second;
}

} // namespace

void initialize_llvm() {
  static std::once_flag once;
  std::call_once(once, [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
  });
}

support::Result<TranslatedModule>
translate_module(const ir::Module& mod, const validate::Features& features,
                 const HostLayout& layout, uint64_t count, bool guard_pages, uint32_t checks,
                 std::span<const uint8_t> osr_functions, std::span<const uint8_t> functions) {
  if (count != mod.functions.size()) {
    return support::make_error(support::ErrorKind::Usage,
                               "llvm tier: the host and the plugin disagree on the module");
  }
  WASMCAP_TRY(validate::validate_module_without_bodies(mod, features));
  if (refused_for_tests(mod)) return unsupported("v128 values (WASMCAP_LLVM_REFUSE=v128)");
  // The check must come before any function is declared: it picks their calling convention.
  initialize_llvm();
  TranslatedModule out;
  out.context = std::make_unique<llvm::LLVMContext>();
  out.module = std::make_unique<llvm::Module>("wasm", *out.context);
  llvm::Module& llmod = *out.module;
  ModuleEnv env(*out.context, llmod, mod, layout);
  // An i64 memory never has guard pages (docs/llvm.md, "64-bit memories and tables"): its
  // accesses always carry an explicit 64-bit check, whatever the request says. Guard pages are
  // memory 0's only: the other memories are always checked explicitly (translate_memories.cpp).
  env.memory64 = !mod.all_memories.empty() && mod.all_memories[0].address64;
  env.guard_pages = guard_pages && !env.memory64;
  env.checks = checks;
  env.pshufb = host_has_pshufb();
  // Tail calls: every wasm function is `tailcc` (docs/llvm.md, "Tail calls"); other modules
  // keep the C convention.
  if (binary::uses_tail_calls(mod)) env.func_cc = llvm::CallingConv::Tail;
  // Only a module with exception handling has functions that may unwind (docs/llvm.md,
  // "Exception handling"); every other module's code stays `nounwind`, as before.
  if (binary::uses_exception_handling(mod)) env.enable_exceptions();
  // GC roots (translate_gc_roots.cpp): only where a value may be a GC reference do functions
  // take the shadow stack's first free slot; other modules' code is unchanged.
  if (module_may_hold_gc_refs(mod)) env.enable_gc_roots();
  // A batch: only its functions are declared and translated (the host validated the others'
  // bodies when it loaded the module; they run on whatever code the runtime gives them).
  if (!functions.empty()) env.batch.assign(functions.begin(), functions.end());
  for (uint32_t i = 0; i < mod.functions.size(); ++i) {
    if (env.compiled_here(mod.num_imported_funcs + i))
      declare_function(env, mod.num_imported_funcs + i);
  }
  validate::ModuleContext vctx = validate::compute_module_context(mod);
  for (uint32_t i = 0; i < mod.functions.size(); ++i) {
    uint32_t func_index = mod.num_imported_funcs + i;
    if (!env.compiled_here(func_index)) {
      note_translated();
      continue;
    }
    FunctionTranslator translator(env, func_index);
    WASMCAP_TRY(validate::validate_function(mod, func_index, features, vctx, translator));
    if (i < osr_functions.size() && osr_functions[i] != 0) {
      WASMCAP_TRY(translate_osr_entries(env, func_index, features, vctx));
    }
    note_translated();
  }
  patch_entry_charges(env);
  std::string broken;
  llvm::raw_string_ostream os(broken);
  if (llvm::verifyModule(llmod, &os)) {
    return support::make_error(support::ErrorKind::Usage, "llvm tier: invalid IR: " + broken);
  }
  return out;
}

namespace {

// ORC's code generation step for the JIT, as its default (the target's passes into an in-memory
// object), with the progress pass after the AsmPrinter, so a JIT compile reports code generation
// per function as the AOT one does (progress.h).
class ProgressCompiler : public llvm::orc::IRCompileLayer::IRCompiler {
public:
  explicit ProgressCompiler(std::unique_ptr<llvm::TargetMachine> machine)
      : IRCompiler(llvm::orc::irManglingOptionsFromTargetOptions(machine->Options)),
        machine_(std::move(machine)) {}
  llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> operator()(llvm::Module& module) override {
    llvm::SmallVector<char, 0> buffer;
    llvm::raw_svector_ostream os(buffer);
    llvm::legacy::PassManager pm;
    llvm::MCContext* context = nullptr;
    if (machine_->addPassesToEmitMC(pm, context, os)) {
      return llvm::make_error<llvm::StringError>("this target cannot emit machine code",
                                                 llvm::inconvertibleErrorCode());
    }
    pm.add(create_generated_pass());
    pm.run(module);
    return std::make_unique<llvm::SmallVectorMemoryBuffer>(
        std::move(buffer), module.getModuleIdentifier() + "-jitted-objectbuffer",
        /*RequiresNullTerminator=*/false);
  }

private:
  std::unique_ptr<llvm::TargetMachine> machine_;
};

} // namespace

support::Error llvm_error(const std::string& what, llvm::Error e) {
  return support::make_error(support::ErrorKind::Usage,
                             "llvm tier: " + what + ": " + llvm::toString(std::move(e)));
}

// The host CPU with all its features: JIT code never leaves this process, and AOT code records
// them so a loader on another CPU can refuse it.
llvm::Expected<llvm::orc::JITTargetMachineBuilder> host_target() {
  auto jtmb = llvm::orc::JITTargetMachineBuilder::detectHost();
  if (!jtmb) return jtmb.takeError();
  jtmb->setCPU(llvm::sys::getHostCPUName().str());
  llvm::SubtargetFeatures features;
  for (const auto& [name, enabled] : llvm::sys::getHostCPUFeatures())
    features.AddFeature(name, enabled);
  jtmb->addFeatures(features.getFeatures());
  jtmb->setCodeGenOptLevel(llvm::CodeGenOptLevel::Default);
  return jtmb;
}

void optimize(llvm::Module& module, llvm::TargetMachine& tm, uint32_t checks) {
  llvm::LoopAnalysisManager lam;
  llvm::FunctionAnalysisManager fam;
  llvm::CGSCCAnalysisManager cgam;
  llvm::ModuleAnalysisManager mam;
  llvm::PassBuilder pb(&tm);
  pb.registerModuleAnalyses(mam);
  pb.registerCGSCCAnalyses(cgam);
  pb.registerFunctionAnalyses(fam);
  pb.registerLoopAnalyses(lam);
  pb.crossRegisterProxies(lam, fam, cgam, mam);
  // Before the loops are vectorized and unrolled (loop_checks.h).
  // Not for a profiler's code (kCheckEveryLoop): its samples belong inside the counted loops.
  if ((checks & kCheckEveryLoop) == 0) {
    pb.registerVectorizerStartEPCallback(
        [](llvm::FunctionPassManager& fpm, llvm::OptimizationLevel) {
          fpm.addPass(CountedLoopPass());
        });
  }
  // Last, after every InstCombine (which would turn its xor back into a select).
  pb.registerOptimizerLastEPCallback([](llvm::ModulePassManager& mpm, llvm::OptimizationLevel) {
    mpm.addPass(llvm::createModuleToFunctionPassAdaptor(SignSelectPass()));
    mpm.addPass(llvm::createModuleToFunctionPassAdaptor(LoopCheckPass()));
  });
  uint64_t bodies = 0;
  for (const llvm::Function& f : module)
    bodies += f.isDeclaration() ? 0 : 1;
  note_ir_functions(bodies);
  register_progress_passes(pb);
  pb.buildPerModuleDefaultPipeline(llvm::OptimizationLevel::O2).run(module, mam);
  // For looking at what O2 made of a module (docs/llvm.md): the optimized IR, appended.
  if (const char* path = host_getenv("WASMCAP_LLVM_DUMP_IR"); path != nullptr && *path != '\0') {
    std::error_code ec;
    llvm::raw_fd_ostream dump(path, ec, llvm::sys::fs::OF_Append);
    if (!ec) module.print(dump, nullptr);
  }
}

support::Result<std::unique_ptr<llvm::orc::LLJIT>>
generate(const ir::Module& mod, const validate::Features& features, const HostLayout& layout,
         const HostHelpers& helpers, const GenerateOptions& options, GenerateOutput& result) {
  std::span<PluginFunction> out = result.functions;
  auto translated =
      translate_module(mod, features, layout, out.size(), options.guard_pages, options.checks);
  if (!translated) return translated.error();
  std::unique_ptr<llvm::LLVMContext> context = std::move(translated->context);
  std::unique_ptr<llvm::Module> llmod = std::move(translated->module);

  auto jtmb = host_target();
  if (!jtmb) return llvm_error("host target", jtmb.takeError());
  auto tm = jtmb->createTargetMachine();
  if (!tm) return llvm_error("target machine", tm.takeError());
  llmod->setDataLayout((*tm)->createDataLayout());
  llmod->setTargetTriple((*tm)->getTargetTriple().str());
  optimize(*llmod, **tm, options.checks);

  // JITLink (LLJIT's default linker on x86-64 ELF), made here so the code range is recorded.
  auto range = std::make_shared<CodeRange>();
  auto jit = llvm::orc::LLJITBuilder()
                 .setJITTargetMachineBuilder(std::move(*jtmb))
                 .setCompileFunctionCreator(
                     [](llvm::orc::JITTargetMachineBuilder builder)
                         -> llvm::Expected<std::unique_ptr<llvm::orc::IRCompileLayer::IRCompiler>> {
                       auto machine = builder.createTargetMachine();
                       if (!machine) return machine.takeError();
                       return std::make_unique<ProgressCompiler>(std::move(*machine));
                     })
                 .setObjectLinkingLayerCreator(
                     [range](llvm::orc::ExecutionSession& es, const llvm::Triple&)
                         -> llvm::Expected<std::unique_ptr<llvm::orc::ObjectLayer>> {
                       auto layer = std::make_unique<llvm::orc::ObjectLinkingLayer>(es);
                       layer->addPlugin(std::make_shared<CodeRangePlugin>(range));
                       return layer;
                     })
                 .create();
  if (!jit) return llvm_error("creating the JIT", jit.takeError());
  WASMCAP_TRY(define_helpers(**jit, helpers));
  if (llvm::Error e =
          (*jit)->addIRModule(llvm::orc::ThreadSafeModule(std::move(llmod), std::move(context)))) {
    return llvm_error("adding the module", std::move(e));
  }
  for (uint32_t i = 0; i < mod.functions.size(); ++i) {
    uint32_t func_index = mod.num_imported_funcs + i;
    auto native = (*jit)->lookup(function_symbol(func_index));
    if (!native) return llvm_error("code generation", native.takeError());
    auto entry = (*jit)->lookup(entry_symbol(func_index));
    if (!entry) return llvm_error("code generation", entry.takeError());
    out[i].native = native->toPtr<void*>();
    out[i].entry = entry->toPtr<void*>();
  }
  if (range->begin < range->end) {
    result.code_begin = range->begin;
    result.code_end = range->end;
  }
  result.eh_frame = range->eh_frame;
  result.eh_frame_size = range->eh_frame_size;
  return std::move(*jit);
}

} // namespace wasmcap::llvm_tier

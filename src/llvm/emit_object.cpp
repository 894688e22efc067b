// generate_object(): the AOT half of the plugin: the module translated as for the JIT, optimized
// for this host's CPU, then emitted as one relocatable ELF object (position-independent, small
// code model) that the host's object_loader maps later without LLVM.
#include <llvm/ADT/SmallVector.h>
#include <llvm/IR/LegacyPassManager.h>
#include <llvm/MC/TargetRegistry.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/Target/TargetMachine.h>

#include "llvm/codegen.h"
#include "llvm/progress.h"

namespace wasmcap::llvm_tier {

support::Result<ObjectCode>
generate_object(const ir::Module& mod, const validate::Features& features, const HostLayout& layout,
                uint64_t function_count, bool guard_pages, uint32_t checks,
                std::span<const uint8_t> osr_functions, std::span<const uint8_t> functions) {
  auto translated = translate_module(mod, features, layout, function_count, guard_pages, checks,
                                     osr_functions, functions);
  if (!translated) return translated.error();
  llvm::Module& llmod = *translated->module;

  auto jtmb = host_target();
  if (!jtmb) return llvm_error("host target", jtmb.takeError());
  // PIC: the loader maps the code anywhere; the small code model keeps every reference inside
  // the object 32-bit PC-relative, and calls to the host's helpers go through PLT stubs (or GOT
  // entries) the loader builds next to the code.
  jtmb->setRelocationModel(llvm::Reloc::PIC_);
  jtmb->setCodeModel(llvm::CodeModel::Small);
  auto tm = jtmb->createTargetMachine();
  if (!tm) return llvm_error("target machine", tm.takeError());
  llmod.setDataLayout((*tm)->createDataLayout());
  llmod.setTargetTriple((*tm)->getTargetTriple().str());
  optimize(llmod, **tm, checks);

  ObjectCode out;
  llvm::SmallVector<char, 0> buffer;
  llvm::raw_svector_ostream os(buffer);
  llvm::legacy::PassManager pm;
  if ((*tm)->addPassesToEmitFile(pm, os, nullptr, llvm::CodeGenFileType::ObjectFile)) {
    return support::make_error(support::ErrorKind::Usage,
                               "llvm tier: this target cannot emit object files");
  }
  pm.add(create_generated_pass());
  pm.run(llmod);
  out.object.assign(buffer.begin(), buffer.end());
  out.triple = (*tm)->getTargetTriple().str();
  out.cpu = (*tm)->getTargetCPU().str();
  out.cpu_features = (*tm)->getTargetFeatureString().str();
  return out;
}

} // namespace wasmcap::llvm_tier

// On-stack replacement entries (docs/tiering.md, "On-stack replacement"): for tiering's
// background compile, each function with a loop whose header has an empty operand stack gets a
// second translation of its body, `q<i>`, entered from an interpreter frame that is running that
// loop, and the wrapper `o<i>` the runtime calls with the frame's slots.
#include "validate/validate_function.h"
#include "llvm/translator.h"

namespace wasmcap::llvm_tier {

namespace {

std::string osr_symbol(uint32_t func_index) {
  return "o" + std::to_string(func_index);
}
std::string osr_body_symbol(uint32_t func_index) {
  return "q" + std::to_string(func_index);
}

} // namespace

support::Status translate_osr_entries(ModuleEnv& env, uint32_t func_index,
                                      const validate::Features& features,
                                      const validate::ModuleContext& context) {
  const ir::FuncType& t = env.wasm.func_type(func_index);
  // The body: w<i>'s results and calling convention (so its tail calls are w<i>'s too), with the
  // frame's slots and the loop's offset for parameters.
  // With GC roots, the shadow stack's first free slot comes last (translate_gc_roots.cpp).
  std::vector<llvm::Type*> body_params{env.ptr, env.ptr, env.i64};
  if (env.gc_roots) body_params.push_back(env.ptr);
  auto* body_type = llvm::FunctionType::get(env.result_type(t), body_params, false);
  auto* body = llvm::Function::Create(body_type, llvm::Function::ExternalLinkage,
                                      osr_body_symbol(func_index), env.module);
  if (!env.exceptions) body->addFnAttr(llvm::Attribute::NoUnwind);
  body->setUWTableKind(llvm::UWTableKind::Async); // a wasm frame, walked by backtraces
  body->addFnAttr(llvm::Attribute::NoInline);
  body->setCallingConv(env.func_cc);
  std::vector<uint64_t> loops;
  {
    FunctionTranslator translator(env, func_index, body);
    WASMCAP_TRY(validate::validate_function(env.wasm, func_index, features, context, translator));
    loops = translator.osr_loops();
    // A function with a try gets no entries: an interpreter frame taken over inside a try body
    // would need its landing pads entered mid-body too (docs/llvm.md, "Exception handling").
    if (translator.has_try()) loops.clear();
  }
  if (loops.empty()) {
    body->eraseFromParent();
    return support::ok();
  }

  // The wrapper checks the loop is one of the body's entries (the interpreter asks for the
  // loops it lowered as replacement points, by the same rule), so a mismatch runs nothing.
  auto* wrapper_type = llvm::FunctionType::get(env.i32, {env.ptr, env.ptr, env.i64}, false);
  auto* wrapper = llvm::Function::Create(wrapper_type, llvm::Function::ExternalLinkage,
                                         osr_symbol(func_index), env.module);
  if (!env.exceptions) wrapper->addFnAttr(llvm::Attribute::NoUnwind);
  wrapper->setUWTableKind(llvm::UWTableKind::Async);
  llvm::IRBuilder<> b(llvm::BasicBlock::Create(env.context, "", wrapper));
  auto* run = llvm::BasicBlock::Create(env.context, "run", wrapper);
  auto* none = llvm::BasicBlock::Create(env.context, "none", wrapper);
  llvm::SwitchInst* known =
      b.CreateSwitch(wrapper->getArg(2), none, static_cast<unsigned>(loops.size()));
  for (uint64_t loop : loops)
    known->addCase(llvm::ConstantInt::get(llvm::cast<llvm::IntegerType>(env.i64), loop), run);
  b.SetInsertPoint(none);
  b.CreateRet(llvm::ConstantInt::get(env.i32, 0));
  b.SetInsertPoint(run);
  std::vector<llvm::Value*> args{wrapper->getArg(0), wrapper->getArg(1), wrapper->getArg(2)};
  if (env.gc_roots) args.push_back(shadow_top(env, b, wrapper->getArg(0)));
  llvm::CallInst* ret = b.CreateCall(body_type, body, args);
  ret->setCallingConv(env.func_cc);
  ret->addFnAttr(llvm::Attribute::NoInline); // as e<i>: the wrapper is no wasm frame
  store_results(env, b, ret, t, wrapper->getArg(1));
  b.CreateRet(llvm::ConstantInt::get(env.i32, 1));
  return support::ok();
}

} // namespace wasmcap::llvm_tier

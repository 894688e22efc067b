// FunctionTranslator set-up (signature, locals, stack check), the per-instruction dispatch, and
// the variable and call instructions. Control flow, numeric and memory families live in the
// translate_*.cpp files.
#include "llvm/translator.h"

#include <llvm/IR/Intrinsics.h>

#include "llvm/loop_checks.h"

namespace wasmcap::llvm_tier {

using ir::Op;
using ir::ValType;

ModuleEnv::ModuleEnv(llvm::LLVMContext& ctx, llvm::Module& mod, const ir::Module& w,
                     const HostLayout& l)
    : context(ctx), module(mod), wasm(w), layout(l) {
  ptr = llvm::PointerType::get(ctx, 0);
  i8 = llvm::Type::getInt8Ty(ctx);
  i32 = llvm::Type::getInt32Ty(ctx);
  i64 = llvm::Type::getInt64Ty(ctx);
  f32 = llvm::Type::getFloatTy(ctx);
  f64 = llvm::Type::getDoubleTy(ctx);
  void_type = llvm::Type::getVoidTy(ctx);
  v128 = llvm::FixedVectorType::get(i64, 2);
  for (const ir::FuncType& t : wasm.types) {
    std::vector<llvm::Type*> params{ptr};
    for (ValType p : t.params)
      params.push_back(type(p));
    func_types.push_back(llvm::FunctionType::get(result_type(t), params, false));
  }
  funcs.assign(wasm.func_type_indices.size(), nullptr);

  auto declare = [&](const char* name, llvm::Type* ret, std::vector<llvm::Type*> params) {
    llvm::FunctionCallee c =
        module.getOrInsertFunction(name, llvm::FunctionType::get(ret, params, false));
    auto* f = llvm::cast<llvm::Function>(c.getCallee());
    f->addFnAttr(llvm::Attribute::NoUnwind); // helpers longjmp; they never unwind
    return c;
  };
  trap = declare("wasmcap_jit_trap", void_type, {ptr, i32, i64});
  auto* trap_fn = llvm::cast<llvm::Function>(trap.getCallee());
  trap_fn->addFnAttr(llvm::Attribute::NoReturn);
  trap_fn->addFnAttr(llvm::Attribute::Cold);
  call = declare("wasmcap_jit_call", void_type, {ptr, ptr, ptr, i64});
  // Indices, addresses and lengths cross as u64 (i32 operands zero-extended), so one helper
  // serves 32- and 64-bit memories and tables (memory64); sizes and grow results come back as
  // u64 / i64 (-1: failure) and are truncated for 32-bit ones.
  indirect = declare("wasmcap_jit_indirect", ptr, {ptr, i32, i64, i32, i64});
  // The memory helpers take the memory index (memory_copy: destination, then source) first.
  memory_grow = declare("wasmcap_jit_memory_grow", i64, {ptr, i32, i64});
  memory_init = declare("wasmcap_jit_memory_init", void_type, {ptr, i32, i32, i64, i64, i64, i64});
  memory_copy = declare("wasmcap_jit_memory_copy", void_type, {ptr, i32, i32, i64, i64, i64, i64});
  memory_fill = declare("wasmcap_jit_memory_fill", void_type, {ptr, i32, i64, i32, i64, i64});
  data_drop = declare("wasmcap_jit_data_drop", void_type, {ptr, i32});
  table_get = declare("wasmcap_jit_table_get", ptr, {ptr, i32, i64, i64});
  table_set = declare("wasmcap_jit_table_set", void_type, {ptr, i32, i64, ptr, i64});
  table_size = declare("wasmcap_jit_table_size", i64, {ptr, i32});
  table_grow = declare("wasmcap_jit_table_grow", i64, {ptr, i32, ptr, i64});
  table_fill = declare("wasmcap_jit_table_fill", void_type, {ptr, i32, i64, ptr, i64, i64});
  table_copy = declare("wasmcap_jit_table_copy", void_type, {ptr, i32, i32, i64, i64, i64, i64});
  table_init = declare("wasmcap_jit_table_init", void_type, {ptr, i32, i32, i64, i64, i64, i64});
  elem_drop = declare("wasmcap_jit_elem_drop", void_type, {ptr, i32});
  interrupt = declare("wasmcap_jit_interrupt", void_type, {ptr, i64});
  refuel = declare("wasmcap_jit_refuel", void_type, {ptr, i64});
  entry_check = declare("wasmcap_jit_entry_check", void_type, {ptr, i64, i64});
  ref_test = declare("wasmcap_jit_ref_test", i32, {ptr, ptr, i32});
  gc = declare("wasmcap_jit_gc", void_type, {ptr, i32, i32, i32, ptr, i64});
  // The host defines these preserve_most (jit_context.h): the hot path keeps its registers.
  for (llvm::FunctionCallee c : {interrupt, refuel, entry_check}) {
    auto* f = llvm::cast<llvm::Function>(c.getCallee());
    f->addFnAttr(llvm::Attribute::Cold);
    f->setCallingConv(llvm::CallingConv::PreserveMost);
  }
  entry_costs.assign(wasm.func_type_indices.size(), 0);
  cold_weights = llvm::MDBuilder(ctx).createBranchWeights(1, 1u << 20);
}

llvm::Type* ModuleEnv::type(ValType t) const {
  switch (t) {
  case ValType::I32: return i32;
  case ValType::I64: return i64;
  case ValType::F32: return f32;
  case ValType::F64: return f64;
  case ValType::V128: return v128; // translate_simd.cpp: why <2 x i64>
  case ValType::FuncRef:
  case ValType::ExternRef:
  case ValType::ExnRef:
  WASMCAP_CASE_OTHER_REFS:
    return ptr; // refused before translation (codegen.cpp)
  }
  return i32;
}

llvm::Type* ModuleEnv::result_type(const ir::FuncType& t) const {
  if (t.results.empty()) return void_type;
  if (t.results.size() == 1) return type(t.results[0]);
  std::vector<llvm::Type*> fields;
  for (ValType r : t.results)
    fields.push_back(type(r));
  return llvm::StructType::get(context, fields);
}

uint64_t slot_width(ValType t) {
  return t == ValType::V128 ? 2 : 1;
}

std::string function_symbol(uint32_t func_index) {
  return "w" + std::to_string(func_index);
}
std::string entry_symbol(uint32_t func_index) {
  return "e" + std::to_string(func_index);
}

namespace {
llvm::BinaryOperator* charge(ModuleEnv& env, llvm::IRBuilder<>& b, llvm::Value* ctx,
                             llvm::Value* counter, llvm::Value* cost, uint64_t offset) {
  llvm::Value* before = b.CreateLoad(env.i64, counter);
  // Built outside the builder, so no folder turns the placeholder `- 0` into nothing.
  llvm::BinaryOperator* after = llvm::BinaryOperator::CreateSub(before, cost);
  b.Insert(after);
  b.CreateStore(after, counter);
  llvm::Function* fn = b.GetInsertBlock()->getParent();
  auto* slow = llvm::BasicBlock::Create(env.context, "refuel", fn);
  auto* cont = llvm::BasicBlock::Create(env.context, "", fn);
  b.CreateCondBr(b.CreateICmpSLT(after, llvm::ConstantInt::get(env.i64, 0)), slow, cont,
                 env.cold_weights);
  b.SetInsertPoint(slow);
  b.CreateCall(env.refuel, {ctx, llvm::ConstantInt::get(env.i64, offset)})
      ->setCallingConv(llvm::CallingConv::PreserveMost);
  b.CreateBr(cont);
  b.SetInsertPoint(cont);
  return after;
}
} // namespace

llvm::BinaryOperator* emit_fuel_charge(ModuleEnv& env, llvm::IRBuilder<>& b, llvm::Value* ctx,
                                       llvm::Value* counter, uint64_t offset) {
  return charge(env, b, ctx, counter, llvm::ConstantInt::get(env.i64, 0), offset);
}

void emit_fuel_charge_of(ModuleEnv& env, llvm::IRBuilder<>& b, llvm::Value* ctx,
                         llvm::Value* counter, llvm::Value* cost, uint64_t offset) {
  charge(env, b, ctx, counter, cost, offset);
}

void patch_entry_charges(ModuleEnv& env) {
  for (auto [charge, func_index] : env.entry_charges)
    charge->setOperand(1, llvm::ConstantInt::get(env.i64, env.entry_costs[func_index]));
  if (env.entry_cost_table != nullptr) {
    std::vector<llvm::Constant*> costs;
    for (uint32_t i = env.wasm.num_imported_funcs; i < env.entry_costs.size(); ++i)
      costs.push_back(llvm::ConstantInt::get(env.i64, env.entry_costs[i]));
    env.entry_cost_table->setInitializer(llvm::ConstantArray::get(
        llvm::cast<llvm::ArrayType>(env.entry_cost_table->getValueType()), costs));
  }
}

support::Error unsupported(const std::string& what) {
  return support::make_error(support::ErrorKind::Usage, kUnsupportedPrefix + what + " yet");
}

void declare_function(ModuleEnv& env, uint32_t func_index) {
  const ir::FuncType& t = env.wasm.func_type(func_index);
  llvm::FunctionType* ft = env.func_types[env.wasm.func_type_indices[func_index]];
  auto* f = llvm::Function::Create(ft, llvm::Function::ExternalLinkage, function_symbol(func_index),
                                   env.module);
  // Unwound by exceptions only in a module that has them (docs/llvm.md, "Exception handling");
  // walked by backtraces in every module (backtrace.h): asynchronous unwind
  // tables are exact at every instruction, so a guard-page fault anywhere can be walked from.
  if (!env.exceptions) f->addFnAttr(llvm::Attribute::NoUnwind);
  f->setUWTableKind(llvm::UWTableKind::Async);
  // One machine frame per wasm frame, so a trap's backtrace lists every function of the chain
  // as the interpreter does. The producer (clang -O2) has inlined already: across the benchmarks
  // this cost nothing measurable (sort 6% slower, ackermann 9% faster, the rest within noise;
  // docs/llvm.md, "Backtraces") and compiles 9% faster.
  f->addFnAttr(llvm::Attribute::NoInline);
  f->setCallingConv(env.func_cc);
  env.funcs[func_index] = f;

  // The entry wrapper gives the runtime one C signature for every wasm type: 8-byte slots, two
  // for a v128 (the interpreter's frame layout, so it calls compiled code with no conversion).
  auto* et = llvm::FunctionType::get(env.void_type, {env.ptr, env.ptr}, false);
  auto* e = llvm::Function::Create(et, llvm::Function::ExternalLinkage, entry_symbol(func_index),
                                   env.module);
  if (!env.exceptions) e->addFnAttr(llvm::Attribute::NoUnwind);
  e->setUWTableKind(llvm::UWTableKind::Async);
  llvm::IRBuilder<> b(llvm::BasicBlock::Create(env.context, "", e));
  if ((env.checks & kCheckFuel) != 0) {
    // An entry from the runtime (the host, the interpreter, another instance) pays the callee's
    // entry cost here; calls within compiled code pay it at the call.
    llvm::Value* counter = b.CreateLoad(
        env.ptr, b.CreateConstInBoundsGEP1_64(env.i8, e->getArg(0), env.layout.ctx_fuel));
    env.entry_charges.emplace_back(emit_fuel_charge(env, b, e->getArg(0), counter, UINT64_MAX),
                                   func_index);
  }
  llvm::Value* slots = e->getArg(1);
  std::vector<llvm::Value*> args{e->getArg(0)};
  if (env.gc_roots) args.push_back(shadow_top(env, b, e->getArg(0)));
  uint64_t slot = 0;
  for (ValType p : t.params) {
    llvm::Value* at = b.CreateConstInBoundsGEP1_64(env.i64, slots, slot);
    args.push_back(b.CreateAlignedLoad(env.type(p), at, llvm::Align(8)));
    slot += slot_width(p);
  }
  llvm::CallInst* ret = b.CreateCall(ft, f, args);
  ret->setCallingConv(env.func_cc);
  // Kept a real call, so the wrapper's frame is never a wasm function's (backtraces skip it):
  // one direct call per entry from the runtime costs nothing next to the entry itself.
  ret->addFnAttr(llvm::Attribute::NoInline);
  store_results(env, b, ret, t, slots);
  b.CreateRetVoid();
}

llvm::Value* shadow_top(ModuleEnv& env, llvm::IRBuilder<>& b, llvm::Value* ctx) {
  llvm::Value* shadow =
      b.CreateLoad(env.ptr, b.CreateConstInBoundsGEP1_64(env.i8, ctx, env.layout.ctx_gc_shadow));
  return b.CreateLoad(env.ptr,
                      b.CreateConstInBoundsGEP1_64(env.i8, shadow, env.layout.gc_shadow_top));
}

void store_results(ModuleEnv& env, llvm::IRBuilder<>& b, llvm::Value* ret, const ir::FuncType& t,
                   llvm::Value* slots) {
  uint64_t slot = 0;
  for (size_t i = 0; i < t.results.size(); ++i) {
    llvm::Value* v = t.results.size() == 1 ? ret : b.CreateExtractValue(ret, {unsigned(i)});
    b.CreateAlignedStore(v, b.CreateConstInBoundsGEP1_64(env.i64, slots, slot), llvm::Align(8));
    slot += slot_width(t.results[i]);
  }
}

FunctionTranslator::FunctionTranslator(ModuleEnv& env, uint32_t func_index,
                                       llvm::Function* osr_body)
    : env_(env), wasm_(env.wasm), func_index_(func_index), type_(env.wasm.func_type(func_index)),
      fn_(osr_body != nullptr ? osr_body : env.funcs[func_index]), b_(env.context) {
  b_.SetInsertPoint(llvm::BasicBlock::Create(env_.context, "entry", fn_));
  ctx_ = fn_->getArg(0);
  // The shadow stack's first free slot (translate_gc_roots.cpp): after the context, or last for
  // an on-stack replacement body.
  const unsigned first_param = env_.gc_roots ? 2 : 1;
  if (env_.gc_roots) shadow_base_ = fn_->getArg(osr_body != nullptr ? 3 : 1);
  const ir::Function& def = wasm_.functions[func_index - wasm_.num_imported_funcs];
  local_types_ = type_.params;
  local_types_.insert(local_types_.end(), def.locals.begin(), def.locals.end());
  for (uint32_t i = 0; i < local_types_.size(); ++i) {
    if (gc_traced(local_types_[i])) traced_locals_.push_back(i);
  }
  uint64_t osr_slot = 0; // OSR: where the local is in the interpreter's frame
  for (size_t i = 0; i < local_types_.size(); ++i) {
    llvm::Type* t = env_.type(local_types_[i]);
    llvm::AllocaInst* slot = b_.CreateAlloca(t);
    locals_.push_back(slot);
    llvm::Value* init = nullptr;
    if (osr_body != nullptr) {
      init = b_.CreateAlignedLoad(
          t, b_.CreateConstInBoundsGEP1_64(env_.i64, fn_->getArg(1), osr_slot), llvm::Align(8));
      osr_slot += slot_width(local_types_[i]);
    } else if (i < type_.params.size()) {
      init = fn_->getArg(static_cast<unsigned>(i) + first_param);
    } else {
      init = llvm::Constant::getNullValue(t);
    }
    b_.CreateStore(init, slot);
  }
  if (!wasm_.all_memories.empty()) {
    // A memory's base never moves (runtime::Memory reserves its maximum up front), so it is
    // loaded once; the size only matters to explicit bounds checks (memory.size reads the
    // context), so guard-page code keeps no copy to reload after every call.
    mem_base_ = ctx_field(env_.layout.ctx_mem_base, env_.ptr);
    if (!env_.guard_pages) {
      mem_size_ = b_.CreateAlloca(env_.i64);
      reload_memory();
    }
    load_other_memories();
  }
  // Native recursion is bounded by the stack itself: the stack pointer against a limit the
  // runtime computed from this thread's stack (frames differ in size, so no depth counter). The
  // stack pointer (`llvm.stacksave`, read after the prologue made the frame), not
  // `llvm.frameaddress`: taking the frame address forces a frame pointer, and losing %rbp to it
  // made register-hungry loops spill (fft's butterfly loop: 8 stack reloads per iteration pair).
  llvm::Value* sp =
      b_.CreatePtrToInt(b_.CreateIntrinsic(llvm::Intrinsic::stacksave, {env_.ptr}, {}), env_.i64);
  // The checks' pointers never change during an activation: loaded once, like the memory base.
  if ((env_.checks & kCheckFuel) != 0) {
    fuel_counter_ = ctx_field(env_.layout.ctx_fuel, env_.ptr);
  } else if ((env_.checks & kCheckInterrupt) != 0) {
    interrupt_trigger_ = ctx_field(env_.layout.ctx_interrupt, env_.ptr);
  }
  if (interrupt_trigger_ != nullptr) {
    // Interruption costs the entry one load more than the stack check alone: the trigger is the
    // stack limit until an interrupt raises it above every stack pointer (runtime::InterruptState).
    llvm::LoadInst* limit = b_.CreateLoad(env_.i64, interrupt_trigger_);
    limit->setAtomic(llvm::AtomicOrdering::Monotonic);
    limit->setAlignment(llvm::Align(8)); // else an atomic i64 may become a libcall
    auto* slow = llvm::BasicBlock::Create(env_.context, "entry_check", fn_);
    auto* cont = llvm::BasicBlock::Create(env_.context, "", fn_);
    b_.CreateCondBr(b_.CreateICmpULT(sp, limit), slow, cont, env_.cold_weights);
    b_.SetInsertPoint(slow);
    b_.CreateCall(env_.entry_check, {ctx_, sp, u64(def.body.offset)})
        ->setCallingConv(llvm::CallingConv::PreserveMost);
    b_.CreateBr(cont);
    b_.SetInsertPoint(cont);
  } else {
    llvm::Value* limit = ctx_field(env_.layout.ctx_stack_limit, env_.i64);
    trap_if(b_.CreateICmpULT(sp, limit), TrapCode::CallStackExhausted, def.body.offset);
  }

  Control fc;
  fc.kind = Op::Call;
  fc.cont = llvm::BasicBlock::Create(env_.context, "return", fn_);
  for (ValType r : type_.results)
    fc.cont_phis.push_back(llvm::PHINode::Create(env_.type(r), 2, "", fc.cont));
  controls_.push_back(std::move(fc));
  if (osr_body != nullptr) {
    // The prologue is the function's (the stack check, memory, the checks' pointers); then a
    // switch on the loop offset to the loop headers, whose cases open_block adds. The body's
    // start follows in a block nothing reaches: O2 deletes what only it reaches.
    auto* none = llvm::BasicBlock::Create(env_.context, "osr_none", fn_);
    llvm::IRBuilder<>(none).CreateUnreachable();
    osr_switch_ = b_.CreateSwitch(fn_->getArg(2), none);
    b_.SetInsertPoint(llvm::BasicBlock::Create(env_.context, "body", fn_));
  }
}

llvm::Value* FunctionTranslator::ctx_field(uint64_t offset, llvm::Type* type) {
  return b_.CreateLoad(type, b_.CreateConstInBoundsGEP1_64(env_.i8, ctx_, offset));
}

void FunctionTranslator::reload_memory() {
  if (mem_size_ == nullptr) return;
  b_.CreateStore(ctx_field(env_.layout.ctx_mem_size, env_.i64), mem_size_);
}

void FunctionTranslator::trap(TrapCode code, uint64_t offset) {
  b_.CreateCall(env_.trap, {ctx_, u32(static_cast<uint32_t>(code)), u64(offset)});
  b_.CreateUnreachable();
}

// One shared trap block per trap code and function, the offset arriving through a phi: a block
// per check made the IR (and O2's time) several times larger.
void FunctionTranslator::trap_if(llvm::Value* cond, TrapCode code, uint64_t offset) {
  SharedTrap& shared = traps_[static_cast<uint32_t>(code)];
  if (shared.block == nullptr) {
    llvm::BasicBlock* here = b_.GetInsertBlock();
    shared.block = llvm::BasicBlock::Create(env_.context, "trap", fn_);
    b_.SetInsertPoint(shared.block);
    shared.offset = b_.CreatePHI(env_.i64, 4);
    b_.CreateCall(env_.trap, {ctx_, u32(static_cast<uint32_t>(code)), shared.offset});
    b_.CreateUnreachable();
    b_.SetInsertPoint(here);
  }
  auto* ok_bb = llvm::BasicBlock::Create(env_.context, "", fn_);
  shared.offset->addIncoming(u64(offset), b_.GetInsertBlock());
  b_.CreateCondBr(cond, shared.block, ok_bb, env_.cold_weights);
  b_.SetInsertPoint(ok_bb);
}

// A loop header's check, as a placeholder LoopCheckPass expands after O2 (loop_checks.h): a call
// of llvm.sideeffect (which also keeps an empty infinite loop from being deleted) tagged with
// the offset and the trigger's field.
llvm::CallInst* FunctionTranslator::interrupt_check(uint64_t offset) {
  llvm::CallInst* placeholder = b_.CreateIntrinsic(llvm::Intrinsic::sideeffect, {}, {});
  llvm::Metadata* ops[] = {llvm::ConstantAsMetadata::get(u64(offset)),
                           llvm::ConstantAsMetadata::get(u64(env_.layout.ctx_interrupt))};
  placeholder->setMetadata(kLoopCheckTag, llvm::MDNode::get(env_.context, ops));
  return placeholder;
}

// Tracks, for the innermost loop, whether a call to a function of this module comes before any
// control instruction of its body (see Control::calls_first).
void FunctionTranslator::note_for_interrupt_checks(const ir::Instr& instr) {
  Control& c = controls_.back();
  if (c.kind != Op::Loop || !c.straight || c.loop_check == nullptr || dead_) return;
  const ir::OpInfo& info = ir::op_info(instr.op);
  if (instr.op == Op::Call) {
    c.calls_first = env_.compiled_here(instr.index); // imports have no entry check (nor do
                                                     // calls out of a batch)
    c.straight = false;
  } else if (instr.op == Op::End) {
    // the loop's own end: nothing to learn
  } else if (info.imm == ir::Imm::BlockType || info.imm == ir::Imm::Label ||
             info.imm == ir::Imm::BrTable || instr.op == Op::Return ||
             instr.op == Op::Unreachable || instr.op == Op::CallIndirect ||
             instr.op == Op::CallRef || instr.op == Op::ReturnCallRef ||
             instr.op == Op::ReturnCall || instr.op == Op::ReturnCallIndirect) {
    c.straight = false;
  }
}

support::Status FunctionTranslator::before(const ir::Instr& instr,
                                           const validate::FunctionValidator& validator) {
  if ((env_.checks & kCheckFuel) == 0) return support::ok();
  if (fuel_loops_.empty()) {
    ++entry_cost_;
  } else {
    ++loop_costs_[fuel_loops_.back()];
  }
  switch (instr.op) {
  case Op::Block:
  case Op::If:
  case Op::TryTable:
  case Op::Try: fuel_controls_.push_back(false); break;
  case Op::Loop: {
    const bool live = !validator.unreachable();
    fuel_controls_.push_back(live);
    if (live) {
      fuel_loops_.push_back(loop_costs_.size());
      loop_costs_.push_back(0);
    }
    break;
  }
  case Op::End:
  case Op::Delegate:                   // ends a try
    if (fuel_controls_.empty()) break; // the function's own end
    if (fuel_controls_.back()) fuel_loops_.pop_back();
    fuel_controls_.pop_back();
    break;
  default: break;
  }
  return support::ok();
}

support::Status FunctionTranslator::after(const ir::Instr& instr,
                                          const validate::FunctionValidator& validator) {
  if (roots_unknown_) return unsupported("GC roots of an operand of unknown type");
  validator_ = &validator;
  const ir::OpInfo& info = ir::op_info(instr.op);
  at_ = instr.offset;
  if (interrupt_trigger_ != nullptr) note_for_interrupt_checks(instr);
  switch (instr.op) {
  case Op::Block:
  case Op::Loop:
  case Op::If:
  case Op::Else:
  case Op::End: return control(instr);
  case Op::TryTable:
  case Op::Try:
  case Op::Catch:
  case Op::CatchAll:
  case Op::Delegate: return exceptions(instr);
  default: break;
  }
  if (dead_) return support::ok();
  switch (instr.op) {
  case Op::Unreachable:
  case Op::Nop:
  case Op::Br:
  case Op::BrIf:
  case Op::BrTable:
  case Op::Return:
  case Op::Drop:
  case Op::Select:
  case Op::SelectT: return control(instr);
  case Op::LocalGet:
  case Op::LocalSet:
  case Op::LocalTee:
  case Op::GlobalGet:
  case Op::GlobalSet:
  case Op::Call:
  case Op::CallIndirect:
  case Op::RefNull:
  case Op::RefIsNull:
  case Op::RefFunc: return variable_or_call(instr);
  case Op::ReturnCall:
  case Op::ReturnCallIndirect:
  case Op::ReturnCallRef: return tail_call(instr);
  case Op::CallRef:
  case Op::RefAsNonNull:
  case Op::BrOnNull:
  case Op::BrOnNonNull: return typed_reference(instr);
  case Op::Throw:
  case Op::ThrowRef:
  case Op::Rethrow: return exceptions(instr);
  case Op::TableGet:
  case Op::TableSet:
  case Op::TableSize:
  case Op::TableGrow:
  case Op::TableFill:
  case Op::TableCopy:
  case Op::TableInit:
  case Op::ElemDrop:
  case Op::MemoryInit:
  case Op::DataDrop:
  case Op::MemoryCopy:
  case Op::MemoryFill: return table_or_bulk(instr);
  case Op::MemorySize:
  case Op::MemoryGrow: return memory(instr);
  default: break;
  }
  if (ir::is_gc_op(instr.op)) return typed_reference(instr); // translate_typed_refs.cpp
  if (info.prefix == 0xFD) return simd(instr);
  if (info.imm == ir::Imm::MemArg) return memory(instr);
  return numeric(instr);
}

llvm::Value* FunctionTranslator::global_address(uint32_t index) {
  llvm::Value* globals = ctx_field(env_.layout.ctx_globals, env_.ptr);
  llvm::Value* g = b_.CreateLoad(env_.ptr, b_.CreateConstInBoundsGEP1_64(env_.ptr, globals, index));
  const bool v128 = wasm_.all_globals[index].type == ValType::V128;
  return b_.CreateConstInBoundsGEP1_64(env_.i8, g,
                                       v128 ? env_.layout.global_v128 : env_.layout.global_value);
}

support::Status FunctionTranslator::variable_or_call(const ir::Instr& instr) {
  switch (instr.op) {
  case Op::LocalGet:
    push(b_.CreateLoad(env_.type(local_types_[instr.index]), locals_[instr.index]));
    break;
  case Op::LocalSet: b_.CreateStore(pop(), locals_[instr.index]); break;
  case Op::LocalTee: b_.CreateStore(stack_.back(), locals_[instr.index]); break;
  case Op::GlobalGet: {
    ValType t = wasm_.all_globals[instr.index].type;
    push(b_.CreateAlignedLoad(env_.type(t), global_address(instr.index), llvm::Align(8)));
    break;
  }
  case Op::GlobalSet: {
    llvm::Value* v = pop();
    b_.CreateAlignedStore(v, global_address(instr.index), llvm::Align(8));
    break;
  }
  case Op::Call: call_direct(instr.index, instr.offset); break;
  case Op::CallIndirect: call_indirect(instr); break;
  case Op::RefNull:
    push(llvm::ConstantPointerNull::get(llvm::PointerType::get(env_.context, 0)));
    break;
  case Op::RefIsNull: push(bool_to_i32(b_.CreateIsNull(pop()))); break;
  case Op::RefFunc: {
    llvm::Value* funcs = ctx_field(env_.layout.ctx_funcs, env_.ptr);
    push(b_.CreateLoad(env_.ptr, b_.CreateConstInBoundsGEP1_64(env_.ptr, funcs, instr.index)));
    break;
  }
  default: break;
  }
  return support::ok();
}

void FunctionTranslator::push_results(llvm::Value* ret, const ir::FuncType& type) {
  if (type.results.size() == 1) {
    push(ret);
  } else {
    for (unsigned i = 0; i < type.results.size(); ++i)
      push(b_.CreateExtractValue(ret, {i}));
  }
}

void FunctionTranslator::call_direct(uint32_t func_index, uint64_t offset) {
  const ir::FuncType& t = wasm_.func_type(func_index);
  root_live_values(stack_.size() - t.params.size()); // whatever the path, the callee may collect
  if (!env_.compiled_here(func_index)) {             // an import, or a function outside this batch
    if (calls_through_table(func_index)) {           // translate_batch_calls.cpp
      call_through_table(func_index, offset);
      return;
    }
    call_generic(func_instance(func_index), t, offset);
    return;
  }
  if (fuel_counter_ != nullptr) {
    // The interpreter charges a callee's entry cost at the call, so its trap is the call's.
    env_.entry_charges.emplace_back(emit_fuel_charge(env_, b_, ctx_, fuel_counter_, offset),
                                    func_index);
  }
  std::vector<llvm::Value*> args = wasm_call_args();
  const size_t first = args.size();
  args.resize(first + t.params.size());
  for (size_t i = t.params.size(); i > 0; --i)
    args[first + i - 1] = pop();
  llvm::Function* callee = env_.funcs[func_index];
  llvm::CallBase* ret = may_throw(callee->getFunctionType(), callee, args);
  ret->setCallingConv(env_.func_cc);
  // No tail-recursion elimination: it would turn runaway recursion, which must end in "call
  // stack exhausted", into a loop that never reaches the stack check.
  if (auto* call = llvm::dyn_cast<llvm::CallInst>(ret))
    call->setTailCallKind(llvm::CallInst::TCK_NoTail);
  reload_memory();
  push_results(ret, t);
}

// Imports and functions of other instances: through the runtime (runtime::invoke_into), with
// arguments and results in 8-byte slots (two for a v128), as the entry wrappers take them.
void FunctionTranslator::call_generic(llvm::Value* f, const ir::FuncType& t, uint64_t offset) {
  llvm::IRBuilder<> entry(&fn_->getEntryBlock(), fn_->getEntryBlock().begin());
  std::vector<uint64_t> param_at;
  uint64_t params = 0, results = 0;
  for (ValType p : t.params) {
    param_at.push_back(params);
    params += slot_width(p);
  }
  for (ValType r : t.results)
    results += slot_width(r);
  uint64_t n = std::max<uint64_t>({params, results, 1});
  llvm::AllocaInst* slots = entry.CreateAlloca(llvm::ArrayType::get(env_.i64, n));
  for (size_t i = t.params.size(); i > 0; --i)
    b_.CreateAlignedStore(
        pop(), b_.CreateConstInBoundsGEP2_64(slots->getAllocatedType(), slots, 0, param_at[i - 1]),
        llvm::Align(8));
  may_throw(env_.call, {ctx_, f, slots, u64(offset)});
  reload_memory();
  uint64_t at = 0;
  for (ValType r : t.results) {
    llvm::Value* p = b_.CreateConstInBoundsGEP2_64(slots->getAllocatedType(), slots, 0, at);
    push(b_.CreateAlignedLoad(env_.type(r), p, llvm::Align(8)));
    at += slot_width(r);
  }
}

// The helper checks the table index, null and the type; a callee of this same instance is then
// called directly through its native entry, any other through the runtime.
// In a batch (ModuleEnv::batch) the callee must also be compiled in this very object: a function
// of this instance may still run on the interpreter, or in another batch's code.
void FunctionTranslator::branch_on_own_instance(llvm::Value* f, llvm::BasicBlock* fast,
                                                llvm::BasicBlock* slow) {
  llvm::Value* inst =
      b_.CreateLoad(env_.ptr, b_.CreateConstInBoundsGEP1_64(env_.i8, f, env_.layout.func_instance));
  llvm::Value* own = b_.CreateICmpEQ(inst, ctx_field(env_.layout.ctx_instance, env_.ptr));
  if (!env_.partial()) {
    b_.CreateCondBr(own, fast, slow);
    return;
  }
  auto* check = llvm::BasicBlock::Create(env_.context, "", fn_);
  b_.CreateCondBr(own, check, slow);
  b_.SetInsertPoint(check);
  llvm::Value* code = b_.CreatePtrToInt(
      b_.CreateLoad(env_.ptr, b_.CreateConstInBoundsGEP1_64(env_.i8, f, env_.layout.func_code)),
      env_.i64);
  llvm::Value* begin =
      b_.CreatePtrToInt(ctx_field(env_.layout.ctx_functions_begin, env_.ptr), env_.i64);
  llvm::Value* end =
      b_.CreatePtrToInt(ctx_field(env_.layout.ctx_functions_end, env_.ptr), env_.i64);
  // One unsigned compare: code - begin < end - begin.
  llvm::Value* mine = b_.CreateICmpULT(b_.CreateSub(code, begin), b_.CreateSub(end, begin));
  b_.CreateCondBr(mine, fast, slow);
}

llvm::Value* FunctionTranslator::native_entry(llvm::Value* f) {
  llvm::Value* code =
      b_.CreateLoad(env_.ptr, b_.CreateConstInBoundsGEP1_64(env_.i8, f, env_.layout.func_code));
  return b_.CreateLoad(env_.ptr,
                       b_.CreateConstInBoundsGEP1_64(env_.i8, code, env_.layout.jit_native));
}

void FunctionTranslator::charge_entry_of(llvm::Value* f, uint64_t offset) {
  if (env_.entry_cost_table == nullptr) {
    const uint32_t defined = static_cast<uint32_t>(wasm_.functions.size());
    env_.entry_cost_table =
        new llvm::GlobalVariable(env_.module, llvm::ArrayType::get(env_.i64, defined), true,
                                 llvm::GlobalValue::PrivateLinkage, nullptr, "fuel_entry_costs");
  }
  llvm::Value* index =
      b_.CreateLoad(env_.i32, b_.CreateConstInBoundsGEP1_64(env_.i8, f, env_.layout.func_index));
  // A function of this instance is a defined one: its index is past the imports.
  llvm::Value* defined =
      b_.CreateZExt(b_.CreateSub(index, u32(wasm_.num_imported_funcs)), env_.i64);
  llvm::Value* cost =
      b_.CreateLoad(env_.i64, b_.CreateInBoundsGEP(env_.i64, env_.entry_cost_table, defined));
  emit_fuel_charge_of(env_, b_, ctx_, fuel_counter_, cost, offset);
}

void FunctionTranslator::call_indirect(const ir::Instr& instr) {
  llvm::Value* index = wide(pop());
  llvm::Value* f = b_.CreateCall(
      env_.indirect, {ctx_, u32(instr.index2), index, u32(instr.index), u64(instr.offset)});
  call_found(f, instr.index, instr.offset);
}

void FunctionTranslator::call_found(llvm::Value* f, uint32_t type_index, uint64_t offset) {
  const ir::FuncType& t = wasm_.types[type_index];
  root_live_values(stack_.size() - t.params.size());
  if (fuel_counter_ != nullptr) {
    // The callee's entry cost is not known here: its entry wrapper charges it, through the
    // runtime (metered runs only; unmetered code keeps the direct path below).
    call_generic(f, t, offset);
    return;
  }
  call_native_or_generic(
      type_index,
      [&](llvm::BasicBlock* fast, llvm::BasicBlock* slow) {
        branch_on_own_instance(f, fast, slow);
      },
      [&] { return native_entry(f); }, [&] { call_generic(f, wasm_.types[type_index], offset); });
}

} // namespace wasmcap::llvm_tier

namespace wasmcap::llvm_tier {

// The caller's frame ends at a tail call: `musttail call tailcc` + `ret` makes x86-64 reuse it
// (a jump), whatever the two signatures, so unbounded tail recursion runs in constant stack.
void FunctionTranslator::musttail_return(llvm::CallInst* call) {
  call->setCallingConv(env_.func_cc);
  call->setTailCallKind(llvm::CallInst::TCK_MustTail);
  if (call->getType()->isVoidTy()) {
    b_.CreateRetVoid();
  } else {
    b_.CreateRet(call);
  }
  dead_ = true;
}

// Returns the function's results from the top of the stack (as its final `end` would).
void FunctionTranslator::return_results(const ir::FuncType& type) {
  const size_t n = type.results.size();
  if (n == 0) {
    b_.CreateRetVoid();
  } else if (n == 1) {
    b_.CreateRet(pop());
  } else {
    llvm::Value* agg = llvm::UndefValue::get(fn_->getReturnType());
    const size_t base = stack_.size() - n;
    for (unsigned i = 0; i < n; ++i)
      agg = b_.CreateInsertValue(agg, stack_[base + i], {i});
    stack_.resize(base);
    b_.CreateRet(agg);
  }
  dead_ = true;
}

// A callee outside this instance (an import, a host function, another instance's or another
// tier's code) is called through the runtime and its results returned: that call returns before
// the caller's frame is gone, so only a chain of tail calls that keeps leaving the instance
// grows the stack (docs/llvm.md, "Tail calls").
support::Status FunctionTranslator::tail_call(const ir::Instr& instr) {
  // The caller's frame is gone for the callee: a try around a tail call does not catch what it
  // throws, so its call through the runtime is a plain call.
  in_tail_call_ = true;
  support::Status s = tail_call_body(instr);
  in_tail_call_ = false;
  return s;
}

support::Status FunctionTranslator::tail_call_body(const ir::Instr& instr) {
  // return_call_indirect and return_call_ref find the callee at run time.
  const bool indirect = instr.op == Op::ReturnCallIndirect || instr.op == Op::ReturnCallRef;
  const ir::FuncType& t = indirect ? wasm_.types[instr.index] : wasm_.func_type(instr.index);
  if (!indirect && env_.compiled_here(instr.index)) {
    if (fuel_counter_ != nullptr) {
      env_.entry_charges.emplace_back(emit_fuel_charge(env_, b_, ctx_, fuel_counter_, instr.offset),
                                      instr.index);
    }
    std::vector<llvm::Value*> args = wasm_call_args(true);
    const size_t first = args.size();
    args.resize(first + t.params.size());
    for (size_t i = t.params.size(); i > 0; --i)
      args[first + i - 1] = pop();
    musttail_return(b_.CreateCall(env_.funcs[instr.index], args));
    return support::ok();
  }
  if (!indirect && calls_through_table(instr.index)) { // translate_batch_calls.cpp
    tail_call_through_table(instr.index, instr.offset);
    return support::ok();
  }
  if (!indirect) {
    call_generic(func_instance(instr.index), t, instr.offset);
    return_results(t);
    return support::ok();
  }
  llvm::Value* f;
  if (instr.op == Op::ReturnCallRef) {
    f = pop();
    trap_if(b_.CreateIsNull(f), TrapCode::NullFunctionReference, instr.offset);
  } else {
    llvm::Value* index = wide(pop());
    f = b_.CreateCall(env_.indirect,
                      {ctx_, u32(instr.index2), index, u32(instr.index), u64(instr.offset)});
  }
  auto* fast = llvm::BasicBlock::Create(env_.context, "", fn_);
  auto* slow = llvm::BasicBlock::Create(env_.context, "", fn_);
  branch_on_own_instance(f, fast, slow);
  const size_t base = stack_.size() - t.params.size();
  std::vector<llvm::Value*> params(stack_.begin() + static_cast<ptrdiff_t>(base), stack_.end());

  b_.SetInsertPoint(fast);
  // With fuel, the callee's entry cost is charged here from the module's table (a direct tail
  // call charges its constant), so the call stays a tail call; the slow path's entry wrapper
  // charges it through the runtime.
  if (fuel_counter_ != nullptr) charge_entry_of(f, instr.offset);
  llvm::Value* native = native_entry(f);
  std::vector<llvm::Value*> args = wasm_call_args(true);
  args.insert(args.end(), params.begin(), params.end());
  musttail_return(b_.CreateCall(env_.func_types[instr.index], native, args));

  b_.SetInsertPoint(slow);
  call_generic(f, t, instr.offset);
  return_results(t);
  return support::ok();
}

} // namespace wasmcap::llvm_tier

// Linear memory and tables: loads and stores (memory 0 with guard pages: no bounds compare, else
// one explicit compare each; docs/llvm.md), memory.size/grow, and the bulk memory / table
// instructions, which call runtime helpers (they are rare and do their own bounds checks).
#include "llvm/translator.h"

namespace wasmcap::llvm_tier {

using ir::Op;

namespace {

struct Access {
  uint32_t size; // bytes touched
  bool sign;     // sign-extending narrow load
  bool store;
};

Access access_of(Op op) {
  switch (op) {
  case Op::I32Load:
  case Op::F32Load: return {4, false, false};
  case Op::I64Load:
  case Op::F64Load: return {8, false, false};
  case Op::I32Load8S:
  case Op::I64Load8S: return {1, true, false};
  case Op::I32Load8U:
  case Op::I64Load8U: return {1, false, false};
  case Op::I32Load16S:
  case Op::I64Load16S: return {2, true, false};
  case Op::I32Load16U:
  case Op::I64Load16U: return {2, false, false};
  case Op::I64Load32S: return {4, true, false};
  case Op::I64Load32U: return {4, false, false};
  case Op::I32Store:
  case Op::F32Store: return {4, false, true};
  case Op::I64Store:
  case Op::F64Store: return {8, false, true};
  case Op::I32Store8:
  case Op::I64Store8: return {1, false, true};
  case Op::I32Store16:
  case Op::I64Store16: return {2, false, true};
  case Op::I64Store32: return {4, false, true};
  default: return {0, false, false};
  }
}

} // namespace

// Memory 0 (the fast path; memories 1..n: translate_memories.cpp). With guard pages:
// base + zext(addr) + offset, no compare; a 64-bit sum below 2^33 always lands
// in the 8 GiB reservation, and an access past the committed size faults into the host's signal
// handler (fault_handler.cpp). Guarded accesses are volatile: LLVM takes a plain load for one
// that cannot fault, so it would delete a load whose value is unused (and its trap with it), and
// move loads above independent stores or merge stores, so that a trap could leave memory
// without a store that came before it. Volatile accesses are never deleted, merged or reordered
// among themselves, and cost no measurable time here (docs/llvm.md). Otherwise an explicit check:
// zext(addr) + offset + size <= memory size, in 64 bits (no overflow: both terms < 2^33).
llvm::Value* FunctionTranslator::effective_address(const ir::MemArg& mem, llvm::Value* addr,
                                                   uint32_t size, uint64_t at) {
  if (mem.memory != 0) return other_memory_address(mem.memory, addr, mem.offset, size, at);
  const uint64_t offset = mem.offset;
  if (env_.memory64) {
    llvm::Value* size_now = mem_size_ != nullptr ? b_.CreateLoad(env_.i64, mem_size_)
                                                 : ctx_field(env_.layout.ctx_mem_size, env_.i64);
    return checked_address64(mem_base_, size_now, addr, offset, size, at);
  }
  llvm::Value* ea = b_.CreateNUWAdd(b_.CreateZExt(addr, env_.i64), u64(offset));
  if (!env_.guard_pages) {
    llvm::Value* size_now = b_.CreateLoad(env_.i64, mem_size_);
    trap_if(b_.CreateICmpUGT(b_.CreateNUWAdd(ea, u64(size)), size_now), TrapCode::MemoryOutOfBounds,
            at);
  }
  return b_.CreateInBoundsGEP(env_.i8, mem_base_, ea);
}

support::Status FunctionTranslator::memory(const ir::Instr& instr) {
  const uint32_t index = instr.mem.memory;
  if (instr.op == Op::MemorySize) {
    push(narrow_unless(env_.address64(index), b_.CreateLShr(memory_bytes(index), u64(16))));
    return support::ok();
  }
  if (instr.op == Op::MemoryGrow) {
    llvm::Value* r = b_.CreateCall(env_.memory_grow, {ctx_, u32(index), wide(pop())});
    // Memory 0's cached size, whatever memory grew: another index may name the same Memory.
    reload_memory();
    push(narrow_unless(env_.address64(index), r)); // -1 (failure) truncates to the i32 -1
    return support::ok();
  }
  const Access acc = access_of(instr.op);
  if (acc.size == 0) return unsupported(std::string("instruction ") + ir::op_text(instr.op));
  const ir::SigTypes sig = ir::sig_types(ir::op_info(instr.op).sig);
  llvm::Type* narrow = llvm::IntegerType::get(env_.context, acc.size * 8);
  const bool is_volatile = volatile_access(index);
  if (acc.store) {
    llvm::Value* v = pop();
    llvm::Value* p = effective_address(instr.mem, pop(), acc.size, instr.offset);
    if (v->getType()->isIntegerTy() && v->getType()->getIntegerBitWidth() > acc.size * 8)
      v = b_.CreateTrunc(v, narrow);
    b_.CreateAlignedStore(v, p, llvm::Align(1), is_volatile);
    return support::ok();
  }
  llvm::Type* rt = env_.type(sig.results[0]);
  llvm::Value* p = effective_address(instr.mem, pop(), acc.size, instr.offset);
  llvm::Type* lt = rt->isIntegerTy() && rt->getIntegerBitWidth() > acc.size * 8 ? narrow : rt;
  llvm::Value* v = b_.CreateAlignedLoad(lt, p, llvm::Align(1), is_volatile);
  if (lt != rt) v = acc.sign ? b_.CreateSExt(v, rt) : b_.CreateZExt(v, rt);
  push(v);
  return support::ok();
}

support::Status FunctionTranslator::table_or_bulk(const ir::Instr& instr) {
  const uint64_t at = instr.offset;
  // Operands are i32 or i64 (memory64/table64); the helpers take every one as u64.
  auto table64 = [&](uint32_t t) { return wasm_.all_tables[t].address64; };
  switch (instr.op) {
  case Op::TableGet: {
    llvm::Value* i = wide(pop());
    push(b_.CreateCall(env_.table_get, {ctx_, u32(instr.index), i, u64(at)}));
    break;
  }
  case Op::TableSet: {
    llvm::Value* ref = pop();
    llvm::Value* i = wide(pop());
    b_.CreateCall(env_.table_set, {ctx_, u32(instr.index), i, ref, u64(at)});
    break;
  }
  case Op::TableSize:
    push(narrow_unless(table64(instr.index),
                       b_.CreateCall(env_.table_size, {ctx_, u32(instr.index)})));
    break;
  case Op::TableGrow: {
    llvm::Value* delta = wide(pop());
    llvm::Value* ref = pop();
    push(narrow_unless(table64(instr.index),
                       b_.CreateCall(env_.table_grow, {ctx_, u32(instr.index), ref, delta})));
    break;
  }
  case Op::TableFill: {
    llvm::Value* n = wide(pop());
    llvm::Value* ref = pop();
    llvm::Value* i = wide(pop());
    b_.CreateCall(env_.table_fill, {ctx_, u32(instr.index), i, ref, n, u64(at)});
    break;
  }
  case Op::TableCopy: {
    llvm::Value* n = wide(pop());
    llvm::Value* s = wide(pop());
    llvm::Value* d = wide(pop());
    b_.CreateCall(env_.table_copy, {ctx_, u32(instr.index), u32(instr.index2), d, s, n, u64(at)});
    break;
  }
  case Op::TableInit: {
    llvm::Value* n = wide(pop());
    llvm::Value* s = wide(pop());
    llvm::Value* d = wide(pop());
    b_.CreateCall(env_.table_init, {ctx_, u32(instr.index), u32(instr.index2), d, s, n, u64(at)});
    break;
  }
  case Op::ElemDrop: b_.CreateCall(env_.elem_drop, {ctx_, u32(instr.index)}); break;
  case Op::MemoryInit: {
    llvm::Value* n = wide(pop());
    llvm::Value* s = wide(pop());
    llvm::Value* d = wide(pop());
    b_.CreateCall(env_.memory_init,
                  {ctx_, u32(instr.mem.memory), u32(instr.index), d, s, n, u64(at)});
    break;
  }
  case Op::DataDrop: b_.CreateCall(env_.data_drop, {ctx_, u32(instr.index)}); break;
  case Op::MemoryCopy: {
    // Between memories of two address types, the length is the narrower type (i32): widened
    // like the rest, the helper checks each side against its own memory.
    llvm::Value* n = wide(pop());
    llvm::Value* s = wide(pop());
    llvm::Value* d = wide(pop());
    b_.CreateCall(env_.memory_copy,
                  {ctx_, u32(instr.mem.memory), u32(instr.index2), d, s, n, u64(at)});
    break;
  }
  case Op::MemoryFill: {
    llvm::Value* n = wide(pop());
    llvm::Value* v = pop();
    llvm::Value* d = wide(pop());
    b_.CreateCall(env_.memory_fill, {ctx_, u32(instr.mem.memory), d, v, n, u64(at)});
    break;
  }
  default: break;
  }
  return support::ok();
}

} // namespace wasmcap::llvm_tier

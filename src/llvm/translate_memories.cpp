// Memories other than 0 (multiple memories, docs/llvm.md "Multiple memories"). Memory 0 keeps the
// fast path of translate_memory.cpp (its base and size in the JitContext, guard pages when
// allowed). The others are reached through the instance's runtime::Memory objects: each one's
// Memory* and base are loaded once per function (a base never moves: runtime::Memory reserves
// its maximum up front), and its current size is read from the Memory at every access, so a
// grow anywhere (a callee, another instance, another index naming the same Memory) is seen with
// no refresh. They never have guard pages: every access carries an explicit check, the i32 one
// (zext(addr) + offset + size <= size, in 64 bits) or the i64 one of translate_memory64.cpp.
#include "llvm/translator.h"

namespace wasmcap::llvm_tier {

// In the prologue, for every memory but 0: O2 deletes the loads of the memories a function does
// not use, so no scan of the body is needed to know which those are.
void FunctionTranslator::load_other_memories() {
  const size_t n = wasm_.all_memories.size();
  if (n < 2) return;
  memory_objects_.assign(n, nullptr);
  memory_bases_.assign(n, nullptr);
  llvm::Value* memories = ctx_field(env_.layout.ctx_memories, env_.ptr);
  for (size_t i = 1; i < n; ++i) {
    llvm::Value* m = b_.CreateLoad(env_.ptr, b_.CreateConstInBoundsGEP1_64(env_.ptr, memories, i));
    memory_objects_[i] = m;
    memory_bases_[i] =
        b_.CreateLoad(env_.ptr, b_.CreateConstInBoundsGEP1_64(env_.i8, m, env_.layout.memory_base));
  }
}

llvm::Value* FunctionTranslator::memory_bytes(uint32_t memory) {
  if (memory == 0) {
    return mem_size_ != nullptr ? b_.CreateLoad(env_.i64, mem_size_)
                                : ctx_field(env_.layout.ctx_mem_size, env_.i64);
  }
  return b_.CreateLoad(env_.i64, b_.CreateConstInBoundsGEP1_64(env_.i8, memory_objects_[memory],
                                                               env_.layout.memory_size));
}

// Not volatile (no fault can happen: the compare comes first), so O2 may hoist the size's load
// out of a loop that only reads memory, and the compare with it.
llvm::Value* FunctionTranslator::other_memory_address(uint32_t memory, llvm::Value* addr,
                                                      uint64_t offset, uint32_t size, uint64_t at) {
  llvm::Value* base = memory_bases_[memory];
  llvm::Value* size_now = memory_bytes(memory);
  if (env_.address64(memory)) return checked_address64(base, size_now, addr, offset, size, at);
  // An i32 memory's offset is below 2^32 (validation), so the sums cannot wrap in 64 bits.
  llvm::Value* ea = b_.CreateNUWAdd(b_.CreateZExt(addr, env_.i64), u64(offset));
  trap_if(b_.CreateICmpUGT(b_.CreateNUWAdd(ea, u64(size)), size_now), TrapCode::MemoryOutOfBounds,
          at);
  return b_.CreateInBoundsGEP(env_.i8, base, ea);
}

} // namespace wasmcap::llvm_tier

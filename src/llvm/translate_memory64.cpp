// Loads and stores on a 64-bit memory (memory64, docs/llvm.md "64-bit memories and tables").
// An i64 memory never gets the 8 GiB guard reservation (runtime::Memory::create_raw): an i64
// address plus offset can be anywhere in 2^64, so every access carries an explicit check, done in
// 64 bits with the overflow of the sum counted as out of bounds. An i32 memory 0 keeps its guard
// pages (translate_memory.cpp); memory.size/grow and the bulk instructions take both address
// types through the same u64 helpers.
#include "llvm/translator.h"

#include <llvm/IR/Intrinsics.h>

namespace wasmcap::llvm_tier {

// In bounds when addr + offset + size <= memory size, the sum taken without wrapping: `end` =
// offset + size is a constant (an offset within `size` of 2^64 can never be in bounds: the access
// always traps), and the run-time sum addr + end reports its carry, which is out of bounds too.
// Memory 0 passes its cached base and size; other memories (translate_memories.cpp) their own.
llvm::Value* FunctionTranslator::checked_address64(llvm::Value* base, llvm::Value* size_now,
                                                   llvm::Value* addr, uint64_t offset,
                                                   uint32_t size, uint64_t at) {
  if (offset > UINT64_MAX - size) {
    trap_if(b_.getTrue(), TrapCode::MemoryOutOfBounds, at);
    return b_.CreateGEP(env_.i8, base, addr); // unreachable: the trap does not return
  }
  llvm::Value* sum =
      b_.CreateBinaryIntrinsic(llvm::Intrinsic::uadd_with_overflow, addr, u64(offset + size));
  llvm::Value* carry = b_.CreateExtractValue(sum, 1);
  llvm::Value* past = b_.CreateICmpUGT(b_.CreateExtractValue(sum, 0), size_now);
  trap_if(b_.CreateOr(carry, past), TrapCode::MemoryOutOfBounds, at);
  return b_.CreateInBoundsGEP(env_.i8, base, b_.CreateNUWAdd(addr, u64(offset)));
}

} // namespace wasmcap::llvm_tier

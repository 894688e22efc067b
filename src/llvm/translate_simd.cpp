// SIMD (the 0xFD prefix): every instruction of the fixed-width SIMD proposal as LLVM vector IR.
// A v128 is <2 x i64> wherever it is kept or passed (operand stack, locals, phis, calls, globals,
// slots): a vector type, so it lives in an XMM register (an i128 would travel in two general
// registers). Each instruction bitcasts its operands to its lane shape (<16 x i8> ... <2 x
// double>), computes there and bitcasts back; InstCombine folds the casts away and the backend
// selects the host CPU's instructions (docs/llvm.md, "SIMD"). Generic IR or an LLVM intrinsic where
// it has exactly wasm's semantics; a short exact sequence where none does (swizzle, q15mulr,
// narrow, pmin/pmax, the zero-filling conversions).
#include <llvm/IR/Intrinsics.h>
#include <llvm/IR/IntrinsicsX86.h>

#include "llvm/translator.h"

namespace wasmcap::llvm_tier {

using ir::Op;
using llvm::CmpInst;
using llvm::Instruction;
namespace Intr = llvm::Intrinsic;

namespace {

// A lane shape: lane count, lane width in bits, float lanes.
struct Lanes {
  unsigned count;
  unsigned bits;
  bool fp;
};
constexpr Lanes kI8{16, 8, false};
constexpr Lanes kI16{8, 16, false};
constexpr Lanes kI32{4, 32, false};
constexpr Lanes kI64{2, 64, false};
constexpr Lanes kF32{4, 32, true};
constexpr Lanes kF64{2, 64, true};

// The lane-wise comparisons: a true lane is all ones.
struct Compare {
  Op op;
  Lanes lanes;
  CmpInst::Predicate pred;
};
constexpr Compare kCompares[] = {
    {Op::I8x16Eq, kI8, CmpInst::ICMP_EQ},    {Op::I8x16Ne, kI8, CmpInst::ICMP_NE},
    {Op::I8x16LtS, kI8, CmpInst::ICMP_SLT},  {Op::I8x16LtU, kI8, CmpInst::ICMP_ULT},
    {Op::I8x16GtS, kI8, CmpInst::ICMP_SGT},  {Op::I8x16GtU, kI8, CmpInst::ICMP_UGT},
    {Op::I8x16LeS, kI8, CmpInst::ICMP_SLE},  {Op::I8x16LeU, kI8, CmpInst::ICMP_ULE},
    {Op::I8x16GeS, kI8, CmpInst::ICMP_SGE},  {Op::I8x16GeU, kI8, CmpInst::ICMP_UGE},
    {Op::I16x8Eq, kI16, CmpInst::ICMP_EQ},   {Op::I16x8Ne, kI16, CmpInst::ICMP_NE},
    {Op::I16x8LtS, kI16, CmpInst::ICMP_SLT}, {Op::I16x8LtU, kI16, CmpInst::ICMP_ULT},
    {Op::I16x8GtS, kI16, CmpInst::ICMP_SGT}, {Op::I16x8GtU, kI16, CmpInst::ICMP_UGT},
    {Op::I16x8LeS, kI16, CmpInst::ICMP_SLE}, {Op::I16x8LeU, kI16, CmpInst::ICMP_ULE},
    {Op::I16x8GeS, kI16, CmpInst::ICMP_SGE}, {Op::I16x8GeU, kI16, CmpInst::ICMP_UGE},
    {Op::I32x4Eq, kI32, CmpInst::ICMP_EQ},   {Op::I32x4Ne, kI32, CmpInst::ICMP_NE},
    {Op::I32x4LtS, kI32, CmpInst::ICMP_SLT}, {Op::I32x4LtU, kI32, CmpInst::ICMP_ULT},
    {Op::I32x4GtS, kI32, CmpInst::ICMP_SGT}, {Op::I32x4GtU, kI32, CmpInst::ICMP_UGT},
    {Op::I32x4LeS, kI32, CmpInst::ICMP_SLE}, {Op::I32x4LeU, kI32, CmpInst::ICMP_ULE},
    {Op::I32x4GeS, kI32, CmpInst::ICMP_SGE}, {Op::I32x4GeU, kI32, CmpInst::ICMP_UGE},
    {Op::I64x2Eq, kI64, CmpInst::ICMP_EQ},   {Op::I64x2Ne, kI64, CmpInst::ICMP_NE},
    {Op::I64x2LtS, kI64, CmpInst::ICMP_SLT}, {Op::I64x2GtS, kI64, CmpInst::ICMP_SGT},
    {Op::I64x2LeS, kI64, CmpInst::ICMP_SLE}, {Op::I64x2GeS, kI64, CmpInst::ICMP_SGE},
    {Op::F32x4Eq, kF32, CmpInst::FCMP_OEQ},  {Op::F32x4Ne, kF32, CmpInst::FCMP_UNE},
    {Op::F32x4Lt, kF32, CmpInst::FCMP_OLT},  {Op::F32x4Gt, kF32, CmpInst::FCMP_OGT},
    {Op::F32x4Le, kF32, CmpInst::FCMP_OLE},  {Op::F32x4Ge, kF32, CmpInst::FCMP_OGE},
    {Op::F64x2Eq, kF64, CmpInst::FCMP_OEQ},  {Op::F64x2Ne, kF64, CmpInst::FCMP_UNE},
    {Op::F64x2Lt, kF64, CmpInst::FCMP_OLT},  {Op::F64x2Gt, kF64, CmpInst::FCMP_OGT},
    {Op::F64x2Le, kF64, CmpInst::FCMP_OLE},  {Op::F64x2Ge, kF64, CmpInst::FCMP_OGE},
};

// Lane-wise binary operations that are one LLVM instruction.
struct Binary {
  Op op;
  Lanes lanes;
  Instruction::BinaryOps opcode;
};
constexpr Binary kBinaries[] = {
    {Op::I8x16Add, kI8, Instruction::Add},   {Op::I8x16Sub, kI8, Instruction::Sub},
    {Op::I16x8Add, kI16, Instruction::Add},  {Op::I16x8Sub, kI16, Instruction::Sub},
    {Op::I16x8Mul, kI16, Instruction::Mul},  {Op::I32x4Add, kI32, Instruction::Add},
    {Op::I32x4Sub, kI32, Instruction::Sub},  {Op::I32x4Mul, kI32, Instruction::Mul},
    {Op::I64x2Add, kI64, Instruction::Add},  {Op::I64x2Sub, kI64, Instruction::Sub},
    {Op::I64x2Mul, kI64, Instruction::Mul},  {Op::F32x4Add, kF32, Instruction::FAdd},
    {Op::F32x4Sub, kF32, Instruction::FSub}, {Op::F32x4Mul, kF32, Instruction::FMul},
    {Op::F32x4Div, kF32, Instruction::FDiv}, {Op::F64x2Add, kF64, Instruction::FAdd},
    {Op::F64x2Sub, kF64, Instruction::FSub}, {Op::F64x2Mul, kF64, Instruction::FMul},
    {Op::F64x2Div, kF64, Instruction::FDiv},
};

// Lane-wise operations that are an LLVM intrinsic with exactly wasm's semantics: saturating
// arithmetic, integer min/max, and llvm.minimum/maximum (NaN if either lane is NaN, -0 < +0:
// wasm's fmin/fmax, where llvm.minnum would drop the NaN). Unary ones take one operand.
struct Intrinsic {
  Op op;
  Lanes lanes;
  Intr::ID id;
};
constexpr Intrinsic kBinaryIntrinsics[] = {
    {Op::I8x16AddSatS, kI8, Intr::sadd_sat},  {Op::I8x16AddSatU, kI8, Intr::uadd_sat},
    {Op::I8x16SubSatS, kI8, Intr::ssub_sat},  {Op::I8x16SubSatU, kI8, Intr::usub_sat},
    {Op::I16x8AddSatS, kI16, Intr::sadd_sat}, {Op::I16x8AddSatU, kI16, Intr::uadd_sat},
    {Op::I16x8SubSatS, kI16, Intr::ssub_sat}, {Op::I16x8SubSatU, kI16, Intr::usub_sat},
    {Op::I8x16MinS, kI8, Intr::smin},         {Op::I8x16MinU, kI8, Intr::umin},
    {Op::I8x16MaxS, kI8, Intr::smax},         {Op::I8x16MaxU, kI8, Intr::umax},
    {Op::I16x8MinS, kI16, Intr::smin},        {Op::I16x8MinU, kI16, Intr::umin},
    {Op::I16x8MaxS, kI16, Intr::smax},        {Op::I16x8MaxU, kI16, Intr::umax},
    {Op::I32x4MinS, kI32, Intr::smin},        {Op::I32x4MinU, kI32, Intr::umin},
    {Op::I32x4MaxS, kI32, Intr::smax},        {Op::I32x4MaxU, kI32, Intr::umax},
    {Op::F32x4Min, kF32, Intr::minimum},      {Op::F32x4Max, kF32, Intr::maximum},
    {Op::F64x2Min, kF64, Intr::minimum},      {Op::F64x2Max, kF64, Intr::maximum},
};
constexpr Intrinsic kUnaryIntrinsics[] = {
    {Op::I8x16Popcnt, kI8, Intr::ctpop},       {Op::F32x4Abs, kF32, Intr::fabs},
    {Op::F64x2Abs, kF64, Intr::fabs},          {Op::F32x4Sqrt, kF32, Intr::sqrt},
    {Op::F64x2Sqrt, kF64, Intr::sqrt},         {Op::F32x4Ceil, kF32, Intr::ceil},
    {Op::F64x2Ceil, kF64, Intr::ceil},         {Op::F32x4Floor, kF32, Intr::floor},
    {Op::F64x2Floor, kF64, Intr::floor},       {Op::F32x4Trunc, kF32, Intr::trunc},
    {Op::F64x2Trunc, kF64, Intr::trunc},       {Op::F32x4Nearest, kF32, Intr::roundeven},
    {Op::F64x2Nearest, kF64, Intr::roundeven},
};

// Relaxed SIMD instructions whose chosen result is their deterministic twin's (docs/simd.md,
// "Relaxed SIMD"): lowered as that instruction, so they match the interpreter by construction.
struct Twin {
  Op op;
  Op twin;
};
constexpr Twin kRelaxedTwins[] = {
    {Op::I8x16RelaxedSwizzle, Op::I8x16Swizzle},
    {Op::I32x4RelaxedTruncF32x4S, Op::I32x4TruncSatF32x4S},
    {Op::I32x4RelaxedTruncF32x4U, Op::I32x4TruncSatF32x4U},
    {Op::I32x4RelaxedTruncF64x2SZero, Op::I32x4TruncSatF64x2SZero},
    {Op::I32x4RelaxedTruncF64x2UZero, Op::I32x4TruncSatF64x2UZero},
    {Op::I8x16RelaxedLaneselect, Op::V128Bitselect},
    {Op::I16x8RelaxedLaneselect, Op::V128Bitselect},
    {Op::I32x4RelaxedLaneselect, Op::V128Bitselect},
    {Op::I64x2RelaxedLaneselect, Op::V128Bitselect},
    {Op::F32x4RelaxedMin, Op::F32x4Min},
    {Op::F32x4RelaxedMax, Op::F32x4Max},
    {Op::F64x2RelaxedMin, Op::F64x2Min},
    {Op::F64x2RelaxedMax, Op::F64x2Max},
    {Op::I16x8RelaxedQ15mulrS, Op::I16x8Q15mulrSatS},
};

template <class T, size_t N> const T* find(const T (&table)[N], Op op) {
  for (const T& e : table)
    if (e.op == op) return &e;
  return nullptr;
}

// What a SIMD memory instruction does, and how many bytes it touches.
enum class Access { Load, Extend, Splat, Zero, LoadLane, Store, StoreLane };
struct MemoryOp {
  Op op;
  Access kind;
  uint32_t size;
  Lanes lanes; // the lanes loaded or stored (Extend: the narrow ones, widened after the load)
  bool sign;   // Extend: sign-extending
};
constexpr MemoryOp kMemoryOps[] = {
    {Op::V128Load, Access::Load, 16, kI64, false},
    {Op::V128Load8x8S, Access::Extend, 8, {8, 8, false}, true},
    {Op::V128Load8x8U, Access::Extend, 8, {8, 8, false}, false},
    {Op::V128Load16x4S, Access::Extend, 8, {4, 16, false}, true},
    {Op::V128Load16x4U, Access::Extend, 8, {4, 16, false}, false},
    {Op::V128Load32x2S, Access::Extend, 8, {2, 32, false}, true},
    {Op::V128Load32x2U, Access::Extend, 8, {2, 32, false}, false},
    {Op::V128Load8Splat, Access::Splat, 1, kI8, false},
    {Op::V128Load16Splat, Access::Splat, 2, kI16, false},
    {Op::V128Load32Splat, Access::Splat, 4, kI32, false},
    {Op::V128Load64Splat, Access::Splat, 8, kI64, false},
    {Op::V128Load32Zero, Access::Zero, 4, kI32, false},
    {Op::V128Load64Zero, Access::Zero, 8, kI64, false},
    {Op::V128Load8Lane, Access::LoadLane, 1, kI8, false},
    {Op::V128Load16Lane, Access::LoadLane, 2, kI16, false},
    {Op::V128Load32Lane, Access::LoadLane, 4, kI32, false},
    {Op::V128Load64Lane, Access::LoadLane, 8, kI64, false},
    {Op::V128Store, Access::Store, 16, kI64, false},
    {Op::V128Store8Lane, Access::StoreLane, 1, kI8, false},
    {Op::V128Store16Lane, Access::StoreLane, 2, kI16, false},
    {Op::V128Store32Lane, Access::StoreLane, 4, kI32, false},
    {Op::V128Store64Lane, Access::StoreLane, 8, kI64, false},
};

// A constant operand that lets LLVM fold a float operation to one of its operands, or its
// negation, without computing (x * 1, x - 0, x / -1, a NaN lane itself; for a unary operation any
// constant folds), which would return a signalling NaN lane as it is: one such lane is enough.
// The vector form of translate_numeric.cpp's identity_constant.
bool foldable_constant(llvm::Value* v, bool unary) {
  auto* c = llvm::dyn_cast<llvm::Constant>(v);
  if (c == nullptr) return false;
  if (unary) return true;
  auto* t = llvm::dyn_cast<llvm::FixedVectorType>(c->getType());
  if (t == nullptr) return false;
  for (unsigned i = 0; i < t->getNumElements(); ++i) {
    auto* e = llvm::dyn_cast_or_null<llvm::ConstantFP>(c->getAggregateElement(i));
    if (e == nullptr) return true; // undef or an expression: assume the worst
    const llvm::APFloat& f = e->getValueAPF();
    llvm::APFloat one(f.getSemantics(), 1);
    if (f.isNaN() || f.isZero() || f == one || f == -one) return true;
  }
  return false;
}

// Lane indexes first, first + step, ... (count of them), for shufflevector masks.
std::vector<int> lane_indexes(unsigned count, int first, int step = 1) {
  std::vector<int> mask(count);
  for (unsigned i = 0; i < count; ++i)
    mask[i] = first + static_cast<int>(i) * step;
  return mask;
}

// The IR helpers every SIMD lowering shares, over the translator's builder.
class Vectors {
public:
  Vectors(llvm::IRBuilder<>& b, llvm::LLVMContext& ctx, llvm::Type* v128)
      : b_(b), ctx_(ctx), v128_(v128) {}

  llvm::Type* element(Lanes l) const {
    if (l.fp) return l.bits == 32 ? llvm::Type::getFloatTy(ctx_) : llvm::Type::getDoubleTy(ctx_);
    return llvm::IntegerType::get(ctx_, l.bits);
  }
  llvm::FixedVectorType* type(Lanes l) const {
    return llvm::FixedVectorType::get(element(l), l.count);
  }
  // A v128 seen as lanes `l`, and back.
  llvm::Value* as(llvm::Value* v, Lanes l) { return b_.CreateBitCast(v, type(l)); }
  llvm::Value* v128(llvm::Value* v) { return b_.CreateBitCast(v, v128_); }
  llvm::Value* splat(Lanes l, llvm::Value* scalar) { return b_.CreateVectorSplat(l.count, scalar); }
  llvm::Value* splat_int(Lanes l, int64_t v) {
    return llvm::ConstantInt::getSigned(type(l), v); // a vector type: the splat constant
  }
  // The low or high half of the lanes, widened to twice the width.
  llvm::Value* extend_half(llvm::Value* v, Lanes l, bool high, bool sign) {
    llvm::Value* half = b_.CreateShuffleVector(
        as(v, l), lane_indexes(l.count / 2, high ? static_cast<int>(l.count / 2) : 0));
    llvm::Type* wide = llvm::FixedVectorType::get(element({1, l.bits * 2, false}), l.count / 2);
    return sign ? b_.CreateSExt(half, wide) : b_.CreateZExt(half, wide);
  }
  // The even or odd lanes, widened to twice the width.
  llvm::Value* extend_pairs(llvm::Value* v, Lanes l, bool odd, bool sign) {
    llvm::Value* half = b_.CreateShuffleVector(as(v, l), lane_indexes(l.count / 2, odd ? 1 : 0, 2));
    llvm::Type* wide = llvm::FixedVectorType::get(element({1, l.bits * 2, false}), l.count / 2);
    return sign ? b_.CreateSExt(half, wide) : b_.CreateZExt(half, wide);
  }
  // NaN lanes of `v` with their quiet bit set: wasm's float arithmetic never returns a signalling
  // NaN, but LLVM's folds (foldable_constant) may. A real x86 instruction quiets them anyway.
  llvm::Value* quiet(llvm::Value* v) {
    auto* t = llvm::cast<llvm::FixedVectorType>(v->getType());
    const bool f32 = t->getElementType()->isFloatTy();
    Lanes bits{t->getNumElements(), f32 ? 32u : 64u, false};
    llvm::Value* quiet_bit = llvm::ConstantInt::get(type(bits), f32 ? (1ull << 22) : (1ull << 51));
    llvm::Value* quieted =
        b_.CreateBitCast(b_.CreateOr(b_.CreateBitCast(v, type(bits)), quiet_bit), t);
    return b_.CreateSelect(b_.CreateFCmpUNO(v, v), quieted, v);
  }
  // `half` (N lanes) followed by N zero lanes.
  llvm::Value* with_zero_half(llvm::Value* half) {
    auto* t = llvm::cast<llvm::FixedVectorType>(half->getType());
    return b_.CreateShuffleVector(half, llvm::Constant::getNullValue(t),
                                  lane_indexes(t->getNumElements() * 2, 0));
  }

private:
  llvm::IRBuilder<>& b_;
  llvm::LLVMContext& ctx_;
  llvm::Type* v128_;
};

} // namespace

// i8x16.swizzle: lane i is table[indexes[i]], or 0 when that index is 16 or more. With SSSE3 one
// pshufb, after an unsigned saturating add of 0x70 that keeps 0..15's low bits and sets the top
// bit (pshufb's "zero this lane") of every index from 16 up; else lane by lane.
llvm::Value* FunctionTranslator::swizzle(llvm::Value* table, llvm::Value* indexes) {
  Vectors v(b_, env_.context, env_.v128);
  llvm::Value* t = v.as(table, kI8);
  llvm::Value* i = v.as(indexes, kI8);
  if (env_.pshufb) {
    llvm::Value* sat = b_.CreateBinaryIntrinsic(Intr::uadd_sat, i, v.splat_int(kI8, 0x70));
    return v.v128(b_.CreateIntrinsic(Intr::x86_ssse3_pshuf_b_128, {}, {t, sat}));
  }
  llvm::Value* r = llvm::Constant::getNullValue(v.type(kI8));
  for (unsigned lane = 0; lane < 16; ++lane) {
    llvm::Value* index = b_.CreateExtractElement(i, lane);
    llvm::Value* in_range = b_.CreateICmpULT(index, b_.getInt8(16));
    llvm::Value* picked = b_.CreateExtractElement(t, b_.CreateAnd(index, b_.getInt8(15)));
    r = b_.CreateInsertElement(r, b_.CreateSelect(in_range, picked, b_.getInt8(0)), lane);
  }
  return v.v128(r);
}

// Loads and stores follow the scalar ones' bounds strategy (effective_address: guard pages, or
// one explicit compare of the bytes touched) and are volatile under guard pages for the same
// reasons (translate_memory.cpp).
support::Status FunctionTranslator::simd_memory(const ir::Instr& instr) {
  const MemoryOp* m = find(kMemoryOps, instr.op);
  if (m == nullptr) return unsupported(std::string("instruction ") + ir::op_text(instr.op));
  Vectors v(b_, env_.context, env_.v128);
  const bool is_volatile = volatile_access(instr.mem.memory);
  const llvm::Align align(1);
  llvm::Type* scalar = llvm::IntegerType::get(env_.context, m->size * 8);
  switch (m->kind) {
  case Access::Store: {
    llvm::Value* value = pop();
    llvm::Value* p = effective_address(instr.mem, pop(), 16, instr.offset);
    b_.CreateAlignedStore(value, p, align, is_volatile);
    return support::ok();
  }
  case Access::StoreLane: {
    llvm::Value* value = pop();
    llvm::Value* p = effective_address(instr.mem, pop(), m->size, instr.offset);
    b_.CreateAlignedStore(b_.CreateExtractElement(v.as(value, m->lanes), instr.lane), p, align,
                          is_volatile);
    return support::ok();
  }
  case Access::LoadLane: {
    llvm::Value* into = pop();
    llvm::Value* p = effective_address(instr.mem, pop(), m->size, instr.offset);
    llvm::Value* x = b_.CreateAlignedLoad(scalar, p, align, is_volatile);
    push(v.v128(b_.CreateInsertElement(v.as(into, m->lanes), x, instr.lane)));
    return support::ok();
  }
  default: break;
  }
  llvm::Value* p = effective_address(instr.mem, pop(), m->size, instr.offset);
  switch (m->kind) {
  case Access::Load: push(b_.CreateAlignedLoad(env_.v128, p, align, is_volatile)); break;
  case Access::Extend: {
    llvm::Value* narrow = b_.CreateAlignedLoad(v.type(m->lanes), p, align, is_volatile);
    llvm::Type* wide = v.type({m->lanes.count, m->lanes.bits * 2, false});
    push(v.v128(m->sign ? b_.CreateSExt(narrow, wide) : b_.CreateZExt(narrow, wide)));
    break;
  }
  case Access::Splat:
    push(v.v128(v.splat(m->lanes, b_.CreateAlignedLoad(scalar, p, align, is_volatile))));
    break;
  case Access::Zero: {
    llvm::Value* x = b_.CreateAlignedLoad(scalar, p, align, is_volatile);
    push(v.v128(
        b_.CreateInsertElement(llvm::Constant::getNullValue(v.type(m->lanes)), x, uint64_t{0})));
    break;
  }
  default: break;
  }
  return support::ok();
}

support::Status FunctionTranslator::simd(const ir::Instr& instr) {
  const Op op = instr.op;
  const ir::OpInfo& info = ir::op_info(op);
  if (info.imm == ir::Imm::MemArg || info.imm == ir::Imm::MemArgLane) return simd_memory(instr);
  if (const Twin* t = find(kRelaxedTwins, op)) {
    ir::Instr same = instr;
    same.op = t->twin;
    return simd(same);
  }
  Vectors v(b_, env_.context, env_.v128);
  if (const Compare* c = find(kCompares, op)) {
    llvm::Value* b = v.as(pop(), c->lanes);
    llvm::Value* a = v.as(pop(), c->lanes);
    llvm::Value* r = c->lanes.fp ? b_.CreateFCmp(c->pred, a, b) : b_.CreateICmp(c->pred, a, b);
    push(v.v128(b_.CreateSExt(r, v.type({c->lanes.count, c->lanes.bits, false}))));
    return support::ok();
  }
  if (const Binary* e = find(kBinaries, op)) {
    llvm::Value* b = v.as(pop(), e->lanes);
    llvm::Value* a = v.as(pop(), e->lanes);
    llvm::Value* r = b_.CreateBinOp(e->opcode, a, b);
    if (e->lanes.fp && (foldable_constant(a, false) || foldable_constant(b, false))) r = v.quiet(r);
    push(v.v128(r));
    return support::ok();
  }
  if (const Intrinsic* e = find(kBinaryIntrinsics, op)) {
    llvm::Value* b = v.as(pop(), e->lanes);
    llvm::Value* a = v.as(pop(), e->lanes);
    llvm::Value* r = b_.CreateBinaryIntrinsic(e->id, a, b);
    // x86's expansion of llvm.minimum/maximum returns a signalling NaN operand as it is; wasm
    // wants an arithmetic (quiet) NaN, which a + b gives, as in the scalar float_min_max.
    if (e->lanes.fp) {
      r = b_.CreateSelect(b_.CreateFCmpUNO(a, b), b_.CreateFAdd(a, b), r);
      if (foldable_constant(a, false) || foldable_constant(b, false)) r = v.quiet(r);
    }
    push(v.v128(r));
    return support::ok();
  }
  if (const Intrinsic* e = find(kUnaryIntrinsics, op)) {
    llvm::Value* a = v.as(pop(), e->lanes);
    llvm::Value* r = b_.CreateUnaryIntrinsic(e->id, a);
    // fabs only clears the sign: it keeps a NaN as it is, in wasm too.
    if (e->lanes.fp && e->id != Intr::fabs && foldable_constant(a, true)) r = v.quiet(r);
    push(v.v128(r));
    return support::ok();
  }

  // Everything else, by family.
  const ir::SigTypes sig = ir::sig_types(info.sig);
  llvm::Value* c = nullptr;
  llvm::Value* b = nullptr;
  llvm::Value* a = nullptr;
  if (sig.params.size() == 3) c = pop();
  if (sig.params.size() >= 2) b = pop();
  if (!sig.params.empty()) a = pop();
  // Shift counts are taken modulo the lane width.
  auto shift = [&](Lanes l, Instruction::BinaryOps opcode) {
    llvm::Value* count = b_.CreateAnd(b, u32(l.bits - 1));
    count = b_.CreateZExtOrTrunc(count, v.element(l));
    return b_.CreateBinOp(opcode, v.as(a, l), v.splat(l, count));
  };
  // Both operands' lanes, saturated into lanes of half the width (signed or unsigned range; the
  // inputs are signed either way).
  auto narrow = [&](Lanes from, bool sign) {
    llvm::Value* both =
        b_.CreateShuffleVector(v.as(a, from), v.as(b, from), lane_indexes(from.count * 2, 0));
    const unsigned bits = from.bits / 2;
    Lanes wide{from.count * 2, from.bits, false};
    int64_t lo = sign ? -(int64_t{1} << (bits - 1)) : 0;
    int64_t hi = sign ? (int64_t{1} << (bits - 1)) - 1 : (int64_t{1} << bits) - 1;
    llvm::Value* clamped = b_.CreateBinaryIntrinsic(
        Intr::smin, b_.CreateBinaryIntrinsic(Intr::smax, both, v.splat_int(wide, lo)),
        v.splat_int(wide, hi));
    return b_.CreateTrunc(clamped, v.type({from.count * 2, bits, false}));
  };
  auto extmul = [&](Lanes l, bool high, bool sign) {
    return b_.CreateMul(v.extend_half(a, l, high, sign), v.extend_half(b, l, high, sign));
  };
  auto extadd = [&](Lanes l, bool sign) {
    return b_.CreateAdd(v.extend_pairs(a, l, false, sign), v.extend_pairs(a, l, true, sign));
  };
  // Rounding average: (a + b + 1) >> 1 in lanes twice as wide (x86's pavgb/pavgw).
  auto avgr = [&](Lanes l) {
    llvm::Type* wide = v.type({l.count, l.bits * 2, false});
    llvm::Value* sum =
        b_.CreateAdd(b_.CreateZExt(v.as(a, l), wide), b_.CreateZExt(v.as(b, l), wide));
    sum = b_.CreateAdd(sum, llvm::ConstantInt::get(wide, 1));
    return b_.CreateTrunc(b_.CreateLShr(sum, llvm::ConstantInt::get(wide, 1)), v.type(l));
  };
  auto all_true = [&](Lanes l) {
    llvm::Value* nonzero = b_.CreateICmpNE(v.as(a, l), llvm::Constant::getNullValue(v.type(l)));
    return bool_to_i32(b_.CreateAndReduce(nonzero));
  };
  // The lanes' top bits as an integer, lane 0 in bit 0.
  auto bitmask = [&](Lanes l) {
    llvm::Value* negative = b_.CreateICmpSLT(v.as(a, l), llvm::Constant::getNullValue(v.type(l)));
    return b_.CreateZExt(b_.CreateBitCast(negative, b_.getIntNTy(l.count)), env_.i32);
  };
  // pmin: b < a ? b : a; pmax: a < b ? b : a (NaNs and zeros as the compare leaves them).
  auto pminmax = [&](Lanes l, bool is_min) {
    llvm::Value* x = v.as(a, l);
    llvm::Value* y = v.as(b, l);
    return is_min ? b_.CreateSelect(b_.CreateFCmpOLT(y, x), y, x)
                  : b_.CreateSelect(b_.CreateFCmpOLT(x, y), y, x);
  };
  auto trunc_sat = [&](Lanes from, bool sign) {
    Intr::ID id = sign ? Intr::fptosi_sat : Intr::fptoui_sat;
    llvm::Type* to = v.type({from.count, 32, false});
    return b_.CreateIntrinsic(id, {to, v.type(from)}, {v.as(a, from)});
  };
  // relaxed_madd (a * b + c) and relaxed_nmadd (-a * b + c), fused: one rounding, as the
  // interpreter's std::fma; llvm.fma is vfmadd with FMA, else a call to libm's fma/fmaf.
  auto fused = [&](Lanes l, bool negate) {
    llvm::Value* x = v.as(a, l);
    if (negate) x = b_.CreateFNeg(x);
    llvm::Value* f = b_.CreateIntrinsic(Intr::fma, {v.type(l)}, {x, v.as(b, l), v.as(c, l)});
    const bool folds =
        foldable_constant(a, false) || foldable_constant(b, false) || foldable_constant(c, false);
    return folds ? v.quiet(f) : f;
  };
  // relaxed_dot_i8x16_i7x16_s: both operands' bytes signed, each pair's sum wrapping to 16 bits.
  auto dot_i8 = [&] {
    llvm::Value* even =
        b_.CreateMul(v.extend_pairs(a, kI8, false, true), v.extend_pairs(b, kI8, false, true));
    llvm::Value* odd =
        b_.CreateMul(v.extend_pairs(a, kI8, true, true), v.extend_pairs(b, kI8, true, true));
    return b_.CreateAdd(even, odd);
  };
  auto low_half = [&](Lanes l) {
    return b_.CreateShuffleVector(v.as(a, l), lane_indexes(l.count / 2, 0));
  };

  llvm::Value* r = nullptr;
  switch (op) {
  case Op::V128Const: {
    uint64_t lo = 0, hi = 0;
    for (int i = 7; i >= 0; --i) {
      lo = (lo << 8) | instr.v128[static_cast<size_t>(i)];
      hi = (hi << 8) | instr.v128[static_cast<size_t>(i) + 8];
    }
    r = llvm::ConstantVector::get({u64(lo), u64(hi)});
    break;
  }
  case Op::I8x16Shuffle: {
    std::vector<int> mask(instr.v128.begin(), instr.v128.end());
    r = b_.CreateShuffleVector(v.as(a, kI8), v.as(b, kI8), mask);
    break;
  }
  case Op::I8x16Swizzle: push(swizzle(a, b)); return support::ok();
  case Op::I8x16Splat: r = v.splat(kI8, b_.CreateTrunc(a, b_.getInt8Ty())); break;
  case Op::I16x8Splat: r = v.splat(kI16, b_.CreateTrunc(a, b_.getInt16Ty())); break;
  case Op::I32x4Splat: r = v.splat(kI32, a); break;
  case Op::I64x2Splat: r = v.splat(kI64, a); break;
  case Op::F32x4Splat: r = v.splat(kF32, a); break;
  case Op::F64x2Splat: r = v.splat(kF64, a); break;
  case Op::I8x16ExtractLaneS:
    push(b_.CreateSExt(b_.CreateExtractElement(v.as(a, kI8), instr.lane), env_.i32));
    return support::ok();
  case Op::I8x16ExtractLaneU:
    push(b_.CreateZExt(b_.CreateExtractElement(v.as(a, kI8), instr.lane), env_.i32));
    return support::ok();
  case Op::I16x8ExtractLaneS:
    push(b_.CreateSExt(b_.CreateExtractElement(v.as(a, kI16), instr.lane), env_.i32));
    return support::ok();
  case Op::I16x8ExtractLaneU:
    push(b_.CreateZExt(b_.CreateExtractElement(v.as(a, kI16), instr.lane), env_.i32));
    return support::ok();
  case Op::I32x4ExtractLane:
    push(b_.CreateExtractElement(v.as(a, kI32), instr.lane));
    return support::ok();
  case Op::I64x2ExtractLane:
    push(b_.CreateExtractElement(v.as(a, kI64), instr.lane));
    return support::ok();
  case Op::F32x4ExtractLane:
    push(b_.CreateExtractElement(v.as(a, kF32), instr.lane));
    return support::ok();
  case Op::F64x2ExtractLane:
    push(b_.CreateExtractElement(v.as(a, kF64), instr.lane));
    return support::ok();
  case Op::I8x16ReplaceLane:
    r = b_.CreateInsertElement(v.as(a, kI8), b_.CreateTrunc(b, b_.getInt8Ty()), instr.lane);
    break;
  case Op::I16x8ReplaceLane:
    r = b_.CreateInsertElement(v.as(a, kI16), b_.CreateTrunc(b, b_.getInt16Ty()), instr.lane);
    break;
  case Op::I32x4ReplaceLane: r = b_.CreateInsertElement(v.as(a, kI32), b, instr.lane); break;
  case Op::I64x2ReplaceLane: r = b_.CreateInsertElement(v.as(a, kI64), b, instr.lane); break;
  case Op::F32x4ReplaceLane: r = b_.CreateInsertElement(v.as(a, kF32), b, instr.lane); break;
  case Op::F64x2ReplaceLane: r = b_.CreateInsertElement(v.as(a, kF64), b, instr.lane); break;
  case Op::V128Not: r = b_.CreateNot(a); break;
  case Op::V128And: r = b_.CreateAnd(a, b); break;
  case Op::V128Andnot: r = b_.CreateAnd(a, b_.CreateNot(b)); break;
  case Op::V128Or: r = b_.CreateOr(a, b); break;
  case Op::V128Xor: r = b_.CreateXor(a, b); break;
  case Op::V128Bitselect:
    r = b_.CreateOr(b_.CreateAnd(a, c), b_.CreateAnd(b, b_.CreateNot(c)));
    break;
  case Op::V128AnyTrue:
    push(bool_to_i32(b_.CreateICmpNE(b_.CreateBitCast(a, b_.getInt128Ty()), b_.getIntN(128, 0))));
    return support::ok();
  case Op::I8x16AllTrue: push(all_true(kI8)); return support::ok();
  case Op::I16x8AllTrue: push(all_true(kI16)); return support::ok();
  case Op::I32x4AllTrue: push(all_true(kI32)); return support::ok();
  case Op::I64x2AllTrue: push(all_true(kI64)); return support::ok();
  case Op::I8x16Bitmask: push(bitmask(kI8)); return support::ok();
  case Op::I16x8Bitmask: push(bitmask(kI16)); return support::ok();
  case Op::I32x4Bitmask: push(bitmask(kI32)); return support::ok();
  case Op::I64x2Bitmask: push(bitmask(kI64)); return support::ok();
  // abs(INT_MIN) is INT_MIN in wasm: llvm.abs with "INT_MIN is poison" false.
  case Op::I8x16Abs: r = b_.CreateBinaryIntrinsic(Intr::abs, v.as(a, kI8), b_.getFalse()); break;
  case Op::I16x8Abs: r = b_.CreateBinaryIntrinsic(Intr::abs, v.as(a, kI16), b_.getFalse()); break;
  case Op::I32x4Abs: r = b_.CreateBinaryIntrinsic(Intr::abs, v.as(a, kI32), b_.getFalse()); break;
  case Op::I64x2Abs: r = b_.CreateBinaryIntrinsic(Intr::abs, v.as(a, kI64), b_.getFalse()); break;
  case Op::I8x16Neg: r = b_.CreateNeg(v.as(a, kI8)); break;
  case Op::I16x8Neg: r = b_.CreateNeg(v.as(a, kI16)); break;
  case Op::I32x4Neg: r = b_.CreateNeg(v.as(a, kI32)); break;
  case Op::I64x2Neg: r = b_.CreateNeg(v.as(a, kI64)); break;
  case Op::F32x4Neg: r = b_.CreateFNeg(v.as(a, kF32)); break;
  case Op::F64x2Neg: r = b_.CreateFNeg(v.as(a, kF64)); break;
  case Op::I8x16Shl: r = shift(kI8, Instruction::Shl); break;
  case Op::I8x16ShrS: r = shift(kI8, Instruction::AShr); break;
  case Op::I8x16ShrU: r = shift(kI8, Instruction::LShr); break;
  case Op::I16x8Shl: r = shift(kI16, Instruction::Shl); break;
  case Op::I16x8ShrS: r = shift(kI16, Instruction::AShr); break;
  case Op::I16x8ShrU: r = shift(kI16, Instruction::LShr); break;
  case Op::I32x4Shl: r = shift(kI32, Instruction::Shl); break;
  case Op::I32x4ShrS: r = shift(kI32, Instruction::AShr); break;
  case Op::I32x4ShrU: r = shift(kI32, Instruction::LShr); break;
  case Op::I64x2Shl: r = shift(kI64, Instruction::Shl); break;
  case Op::I64x2ShrS: r = shift(kI64, Instruction::AShr); break;
  case Op::I64x2ShrU: r = shift(kI64, Instruction::LShr); break;
  case Op::I8x16NarrowI16x8S: r = narrow(kI16, true); break;
  case Op::I8x16NarrowI16x8U: r = narrow(kI16, false); break;
  case Op::I16x8NarrowI32x4S: r = narrow(kI32, true); break;
  case Op::I16x8NarrowI32x4U: r = narrow(kI32, false); break;
  case Op::I16x8ExtendLowI8x16S: r = v.extend_half(a, kI8, false, true); break;
  case Op::I16x8ExtendHighI8x16S: r = v.extend_half(a, kI8, true, true); break;
  case Op::I16x8ExtendLowI8x16U: r = v.extend_half(a, kI8, false, false); break;
  case Op::I16x8ExtendHighI8x16U: r = v.extend_half(a, kI8, true, false); break;
  case Op::I32x4ExtendLowI16x8S: r = v.extend_half(a, kI16, false, true); break;
  case Op::I32x4ExtendHighI16x8S: r = v.extend_half(a, kI16, true, true); break;
  case Op::I32x4ExtendLowI16x8U: r = v.extend_half(a, kI16, false, false); break;
  case Op::I32x4ExtendHighI16x8U: r = v.extend_half(a, kI16, true, false); break;
  case Op::I64x2ExtendLowI32x4S: r = v.extend_half(a, kI32, false, true); break;
  case Op::I64x2ExtendHighI32x4S: r = v.extend_half(a, kI32, true, true); break;
  case Op::I64x2ExtendLowI32x4U: r = v.extend_half(a, kI32, false, false); break;
  case Op::I64x2ExtendHighI32x4U: r = v.extend_half(a, kI32, true, false); break;
  case Op::I16x8ExtmulLowI8x16S: r = extmul(kI8, false, true); break;
  case Op::I16x8ExtmulHighI8x16S: r = extmul(kI8, true, true); break;
  case Op::I16x8ExtmulLowI8x16U: r = extmul(kI8, false, false); break;
  case Op::I16x8ExtmulHighI8x16U: r = extmul(kI8, true, false); break;
  case Op::I32x4ExtmulLowI16x8S: r = extmul(kI16, false, true); break;
  case Op::I32x4ExtmulHighI16x8S: r = extmul(kI16, true, true); break;
  case Op::I32x4ExtmulLowI16x8U: r = extmul(kI16, false, false); break;
  case Op::I32x4ExtmulHighI16x8U: r = extmul(kI16, true, false); break;
  case Op::I64x2ExtmulLowI32x4S: r = extmul(kI32, false, true); break;
  case Op::I64x2ExtmulHighI32x4S: r = extmul(kI32, true, true); break;
  case Op::I64x2ExtmulLowI32x4U: r = extmul(kI32, false, false); break;
  case Op::I64x2ExtmulHighI32x4U: r = extmul(kI32, true, false); break;
  case Op::I16x8ExtaddPairwiseI8x16S: r = extadd(kI8, true); break;
  case Op::I16x8ExtaddPairwiseI8x16U: r = extadd(kI8, false); break;
  case Op::I32x4ExtaddPairwiseI16x8S: r = extadd(kI16, true); break;
  case Op::I32x4ExtaddPairwiseI16x8U: r = extadd(kI16, false); break;
  case Op::I32x4DotI16x8S: {
    // Wrapping i32 sums of the products of even and odd lanes (x86's pmaddwd).
    llvm::Value* even =
        b_.CreateMul(v.extend_pairs(a, kI16, false, true), v.extend_pairs(b, kI16, false, true));
    llvm::Value* odd =
        b_.CreateMul(v.extend_pairs(a, kI16, true, true), v.extend_pairs(b, kI16, true, true));
    r = b_.CreateAdd(even, odd);
    break;
  }
  case Op::I16x8Q15mulrSatS: {
    // (a * b + 0x4000) >> 15 in i32 lanes, saturated: only -32768 * -32768 overflows (to 32768).
    Lanes wide{8, 32, false};
    llvm::Type* wt = v.type(wide);
    llvm::Value* p =
        b_.CreateMul(b_.CreateSExt(v.as(a, kI16), wt), b_.CreateSExt(v.as(b, kI16), wt));
    p = b_.CreateAShr(b_.CreateAdd(p, v.splat_int(wide, 0x4000)), v.splat_int(wide, 15));
    p = b_.CreateBinaryIntrinsic(Intr::smin, p, v.splat_int(wide, 0x7FFF));
    r = b_.CreateTrunc(p, v.type(kI16));
    break;
  }
  case Op::I8x16AvgrU: r = avgr(kI8); break;
  case Op::I16x8AvgrU: r = avgr(kI16); break;
  case Op::F32x4Pmin: r = pminmax(kF32, true); break;
  case Op::F32x4Pmax: r = pminmax(kF32, false); break;
  case Op::F64x2Pmin: r = pminmax(kF64, true); break;
  case Op::F64x2Pmax: r = pminmax(kF64, false); break;
  // Saturating conversions: llvm.fpto[su]i.sat are wasm's (NaN -> 0, out of range -> the bound).
  case Op::I32x4TruncSatF32x4S: r = trunc_sat(kF32, true); break;
  case Op::I32x4TruncSatF32x4U: r = trunc_sat(kF32, false); break;
  case Op::I32x4TruncSatF64x2SZero: r = v.with_zero_half(trunc_sat(kF64, true)); break;
  case Op::I32x4TruncSatF64x2UZero: r = v.with_zero_half(trunc_sat(kF64, false)); break;
  case Op::F32x4ConvertI32x4S: r = b_.CreateSIToFP(v.as(a, kI32), v.type(kF32)); break;
  case Op::F32x4ConvertI32x4U: r = b_.CreateUIToFP(v.as(a, kI32), v.type(kF32)); break;
  case Op::F64x2ConvertLowI32x4S: r = b_.CreateSIToFP(low_half(kI32), v.type(kF64)); break;
  case Op::F64x2ConvertLowI32x4U: r = b_.CreateUIToFP(low_half(kI32), v.type(kF64)); break;
  // LLVM folds demote(promote(x)) to x: always quieted, as the scalar ones are.
  case Op::F32x4DemoteF64x2Zero:
    r = v.with_zero_half(v.quiet(b_.CreateFPTrunc(v.as(a, kF64), v.type({2, 32, true}))));
    break;
  case Op::F64x2PromoteLowF32x4: r = v.quiet(b_.CreateFPExt(low_half(kF32), v.type(kF64))); break;
  case Op::F32x4RelaxedMadd: r = fused(kF32, false); break;
  case Op::F32x4RelaxedNmadd: r = fused(kF32, true); break;
  case Op::F64x2RelaxedMadd: r = fused(kF64, false); break;
  case Op::F64x2RelaxedNmadd: r = fused(kF64, true); break;
  case Op::I16x8RelaxedDotI8x16I7x16S: r = dot_i8(); break;
  case Op::I32x4RelaxedDotI8x16I7x16AddS: {
    // The 16-bit dot's pairs sign-extended and added (extadd_pairwise_s), then c, wrapping.
    llvm::Value* dot = dot_i8();
    llvm::Value* pairs =
        b_.CreateAdd(v.extend_pairs(dot, kI16, false, true), v.extend_pairs(dot, kI16, true, true));
    r = b_.CreateAdd(pairs, v.as(c, kI32));
    break;
  }
  default: return unsupported(std::string("instruction ") + ir::op_text(op));
  }
  push(v.v128(r));
  return support::ok();
}

} // namespace wasmcap::llvm_tier

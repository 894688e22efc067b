// Numeric instructions: operands are popped and the result pushed as opcodes.def's signature
// says; each op maps to LLVM IR with the spec's exact semantics (division and conversion traps,
// masked shift counts, NaN-propagating min/max with -0 < +0, saturating truncations).
#include <llvm/IR/Intrinsics.h>

#include "llvm/translator.h"

namespace wasmcap::llvm_tier {

using ir::Op;
using llvm::CmpInst;
using llvm::Intrinsic::ID;

namespace {

bool is_f32_source(Op op) {
  switch (op) {
  case Op::I32TruncF32S:
  case Op::I32TruncF32U:
  case Op::I64TruncF32S:
  case Op::I64TruncF32U: return true;
  default: return false;
  }
}

// A constant operand with which LLVM may fold an operation to one of its operands, or to its
// negation, without computing: +-0 (x + 0, x - 0, -0 - x), +-1 (x * 1, x / -1) and NaN (the
// constant NaN itself). Any other constant leaves a real arithmetic instruction, whose result
// is quiet. A constant operand of a unary operation folds the whole operation, so any counts.
bool identity_constant(llvm::Value* v, bool unary) {
  auto* c = llvm::dyn_cast<llvm::ConstantFP>(v);
  if (c == nullptr) return false;
  if (unary) return true;
  const llvm::APFloat& f = c->getValueAPF();
  if (f.isNaN() || f.isZero()) return true;
  llvm::APFloat one(f.getSemantics(), 1);
  return f == one || f == -one;
}

} // namespace

// wasm min/max, as the interpreter computes them: a NaN operand gives a NaN (a + b keeps it
// quiet), equal operands combine their sign bits (so min(-0, +0) = -0), else the smaller/larger.
llvm::Value* FunctionTranslator::float_min_max(llvm::Value* a, llvm::Value* b, bool is_min) {
  llvm::Type* ft = a->getType();
  llvm::Type* it = ft->isFloatTy() ? env_.i32 : env_.i64;
  llvm::Value* either_nan = b_.CreateFCmpUNO(a, b);
  llvm::Value* nan = b_.CreateFAdd(a, b);
  llvm::Value* ab = b_.CreateBitCast(a, it);
  llvm::Value* bb = b_.CreateBitCast(b, it);
  llvm::Value* equal = b_.CreateBitCast(is_min ? b_.CreateOr(ab, bb) : b_.CreateAnd(ab, bb), ft);
  llvm::Value* pick =
      b_.CreateSelect(is_min ? b_.CreateFCmpOLT(a, b) : b_.CreateFCmpOGT(a, b), a, b);
  return b_.CreateSelect(either_nan, nan, b_.CreateSelect(b_.CreateFCmpOEQ(a, b), equal, pick));
}

// Trapping float -> int: NaN traps "invalid conversion", out of range "integer overflow". The
// bounds are open intervals in double, where every f32 and every bound is exact.
llvm::Value* FunctionTranslator::trunc_checked(Op op, llvm::Value* x) {
  bool is_signed = op == Op::I32TruncF32S || op == Op::I32TruncF64S || op == Op::I64TruncF32S ||
                   op == Op::I64TruncF64S;
  bool to64 = op == Op::I64TruncF32S || op == Op::I64TruncF32U || op == Op::I64TruncF64S ||
              op == Op::I64TruncF64U;
  trap_if(b_.CreateFCmpUNO(x, x), TrapCode::InvalidConversion, at_);
  llvm::Value* d = is_f32_source(op) ? b_.CreateFPExt(x, env_.f64) : x;
  double lo, hi;
  bool lo_inclusive = false;
  if (to64) {
    lo = is_signed ? -9223372036854775808.0 : -1.0;
    lo_inclusive = is_signed;
    hi = is_signed ? 9223372036854775808.0 : 18446744073709551616.0;
  } else {
    lo = is_signed ? -2147483649.0 : -1.0;
    hi = is_signed ? 2147483648.0 : 4294967296.0;
  }
  llvm::Value* lo_c = llvm::ConstantFP::get(env_.f64, lo);
  llvm::Value* hi_c = llvm::ConstantFP::get(env_.f64, hi);
  llvm::Value* above = lo_inclusive ? b_.CreateFCmpOGE(d, lo_c) : b_.CreateFCmpOGT(d, lo_c);
  llvm::Value* in_range = b_.CreateAnd(above, b_.CreateFCmpOLT(d, hi_c));
  trap_if(b_.CreateNot(in_range), TrapCode::IntegerOverflow, at_);
  llvm::Type* it = to64 ? env_.i64 : env_.i32;
  return is_signed ? b_.CreateFPToSI(x, it) : b_.CreateFPToUI(x, it);
}

support::Status FunctionTranslator::numeric(const ir::Instr& instr) {
  const Op op = instr.op;
  const ir::SigTypes sig = ir::sig_types(ir::op_info(op).sig);
  llvm::Value* a = nullptr;
  llvm::Value* b = nullptr;
  if (sig.params.size() == 2) b = pop();
  if (!sig.params.empty()) a = pop();
  llvm::Type* rt = sig.results.empty() ? nullptr : env_.type(sig.results[0]);
  auto intrinsic1 = [&](ID id) { return b_.CreateUnaryIntrinsic(id, a); };
  auto icmp = [&](CmpInst::Predicate p) { return bool_to_i32(b_.CreateICmp(p, a, b)); };
  auto fcmp = [&](CmpInst::Predicate p) { return bool_to_i32(b_.CreateFCmp(p, a, b)); };
  // wasm arithmetic never returns a signalling NaN, but LLVM folds x - 0.0, x * 1.0, x / -1.0,
  // demote(promote(x)), ... to x or -x, which keeps one. Where an operand is a constant that
  // allows such a fold (or for demote/promote), the result's quiet bit is set explicitly; a real
  // x86 instruction sets it anyway. (llvm.canonicalize would do it, but x86 cannot select it.)
  // Only the identity constants allow a fold to x or -x (identity_constant, above): quieting
  // after every constant operand put four instructions on the critical path of `d2 + 0.01` and
  // `dt / d` in nbody, and of `0.2 * sum` in stencil, for nothing.
  auto quiet = [&](llvm::Value* v) {
    bool foldable = op == Op::F32DemoteF64 || op == Op::F64PromoteF32 ||
                    identity_constant(a, b == nullptr) ||
                    (b != nullptr && identity_constant(b, false));
    if (!foldable) return v;
    llvm::Type* it = v->getType()->isFloatTy() ? env_.i32 : env_.i64;
    uint64_t quiet_bit = v->getType()->isFloatTy() ? (1ull << 22) : (1ull << 51);
    llvm::Value* quieted = b_.CreateBitCast(
        b_.CreateOr(b_.CreateBitCast(v, it), llvm::ConstantInt::get(it, quiet_bit)), v->getType());
    return b_.CreateSelect(b_.CreateFCmpUNO(v, v), quieted, v);
  };
  auto zero = [&]() { return llvm::ConstantInt::get(a->getType(), 0); };
  auto bits = [&]() { return a->getType()->getIntegerBitWidth(); };
  // Shift counts are taken modulo the bit width.
  auto masked = [&]() { return b_.CreateAnd(b, llvm::ConstantInt::get(b->getType(), bits() - 1)); };
  auto check_divisor = [&]() {
    trap_if(b_.CreateICmpEQ(b, zero()), TrapCode::DivideByZero, instr.offset);
  };
  auto is_min_over_minus_one = [&]() {
    llvm::Value* min = llvm::ConstantInt::get(a->getType(), llvm::APInt::getSignedMinValue(bits()));
    llvm::Value* minus_one = llvm::ConstantInt::getSigned(a->getType(), -1);
    return b_.CreateAnd(b_.CreateICmpEQ(a, min), b_.CreateICmpEQ(b, minus_one));
  };
  llvm::Value* r = nullptr;
  switch (op) {
  case Op::I32Const: r = u32(instr.bits & 0xFFFFFFFFu); break;
  case Op::I64Const: r = u64(instr.bits); break;
  case Op::F32Const:
    r = llvm::ConstantFP::get(
        env_.context,
        llvm::APFloat(llvm::APFloat::IEEEsingle(), llvm::APInt(32, instr.bits & 0xFFFFFFFFu)));
    break;
  case Op::F64Const:
    r = llvm::ConstantFP::get(
        env_.context, llvm::APFloat(llvm::APFloat::IEEEdouble(), llvm::APInt(64, instr.bits)));
    break;
  case Op::I32Eqz:
  case Op::I64Eqz: r = bool_to_i32(b_.CreateICmpEQ(a, zero())); break;
  case Op::I32Eq:
  case Op::I64Eq: r = icmp(CmpInst::ICMP_EQ); break;
  case Op::I32Ne:
  case Op::I64Ne: r = icmp(CmpInst::ICMP_NE); break;
  case Op::I32LtS:
  case Op::I64LtS: r = icmp(CmpInst::ICMP_SLT); break;
  case Op::I32LtU:
  case Op::I64LtU: r = icmp(CmpInst::ICMP_ULT); break;
  case Op::I32GtS:
  case Op::I64GtS: r = icmp(CmpInst::ICMP_SGT); break;
  case Op::I32GtU:
  case Op::I64GtU: r = icmp(CmpInst::ICMP_UGT); break;
  case Op::I32LeS:
  case Op::I64LeS: r = icmp(CmpInst::ICMP_SLE); break;
  case Op::I32LeU:
  case Op::I64LeU: r = icmp(CmpInst::ICMP_ULE); break;
  case Op::I32GeS:
  case Op::I64GeS: r = icmp(CmpInst::ICMP_SGE); break;
  case Op::I32GeU:
  case Op::I64GeU: r = icmp(CmpInst::ICMP_UGE); break;
  case Op::F32Eq:
  case Op::F64Eq: r = fcmp(CmpInst::FCMP_OEQ); break;
  case Op::F32Ne:
  case Op::F64Ne: r = fcmp(CmpInst::FCMP_UNE); break;
  case Op::F32Lt:
  case Op::F64Lt: r = fcmp(CmpInst::FCMP_OLT); break;
  case Op::F32Gt:
  case Op::F64Gt: r = fcmp(CmpInst::FCMP_OGT); break;
  case Op::F32Le:
  case Op::F64Le: r = fcmp(CmpInst::FCMP_OLE); break;
  case Op::F32Ge:
  case Op::F64Ge: r = fcmp(CmpInst::FCMP_OGE); break;
  case Op::I32Clz:
  case Op::I64Clz: r = b_.CreateBinaryIntrinsic(llvm::Intrinsic::ctlz, a, b_.getFalse()); break;
  case Op::I32Ctz:
  case Op::I64Ctz: r = b_.CreateBinaryIntrinsic(llvm::Intrinsic::cttz, a, b_.getFalse()); break;
  case Op::I32Popcnt:
  case Op::I64Popcnt: r = intrinsic1(llvm::Intrinsic::ctpop); break;
  case Op::I32Add:
  case Op::I64Add: r = b_.CreateAdd(a, b); break;
  case Op::I32Sub:
  case Op::I64Sub: r = b_.CreateSub(a, b); break;
  case Op::I32Mul:
  case Op::I64Mul: r = b_.CreateMul(a, b); break;
  case Op::I32DivS:
  case Op::I64DivS:
    check_divisor();
    trap_if(is_min_over_minus_one(), TrapCode::IntegerOverflow, instr.offset);
    r = b_.CreateSDiv(a, b);
    break;
  case Op::I32DivU:
  case Op::I64DivU:
    check_divisor();
    r = b_.CreateUDiv(a, b);
    break;
  case Op::I32RemS:
  case Op::I64RemS: {
    check_divisor();
    // MIN % -1 is 0 in wasm but undefined in LLVM: divide by 1 instead.
    llvm::Value* minus_one = b_.CreateICmpEQ(b, llvm::ConstantInt::getSigned(b->getType(), -1));
    r = b_.CreateSRem(a, b_.CreateSelect(minus_one, llvm::ConstantInt::get(b->getType(), 1), b));
    break;
  }
  case Op::I32RemU:
  case Op::I64RemU:
    check_divisor();
    r = b_.CreateURem(a, b);
    break;
  case Op::I32And:
  case Op::I64And: r = b_.CreateAnd(a, b); break;
  case Op::I32Or:
  case Op::I64Or: r = b_.CreateOr(a, b); break;
  case Op::I32Xor:
  case Op::I64Xor: r = b_.CreateXor(a, b); break;
  case Op::I32Shl:
  case Op::I64Shl: r = b_.CreateShl(a, masked()); break;
  case Op::I32ShrS:
  case Op::I64ShrS: r = b_.CreateAShr(a, masked()); break;
  case Op::I32ShrU:
  case Op::I64ShrU: r = b_.CreateLShr(a, masked()); break;
  case Op::I32Rotl:
  case Op::I64Rotl: r = b_.CreateIntrinsic(llvm::Intrinsic::fshl, {a->getType()}, {a, a, b}); break;
  case Op::I32Rotr:
  case Op::I64Rotr: r = b_.CreateIntrinsic(llvm::Intrinsic::fshr, {a->getType()}, {a, a, b}); break;
  case Op::F32Abs:
  case Op::F64Abs: r = intrinsic1(llvm::Intrinsic::fabs); break;
  case Op::F32Neg:
  case Op::F64Neg: r = b_.CreateFNeg(a); break;
  case Op::F32Ceil:
  case Op::F64Ceil: r = quiet(intrinsic1(llvm::Intrinsic::ceil)); break;
  case Op::F32Floor:
  case Op::F64Floor: r = quiet(intrinsic1(llvm::Intrinsic::floor)); break;
  case Op::F32Trunc:
  case Op::F64Trunc: r = quiet(intrinsic1(llvm::Intrinsic::trunc)); break;
  case Op::F32Nearest:
  case Op::F64Nearest: r = quiet(intrinsic1(llvm::Intrinsic::roundeven)); break;
  case Op::F32Sqrt:
  case Op::F64Sqrt: r = quiet(intrinsic1(llvm::Intrinsic::sqrt)); break;
  case Op::F32Add:
  case Op::F64Add: r = quiet(b_.CreateFAdd(a, b)); break;
  case Op::F32Sub:
  case Op::F64Sub: r = quiet(b_.CreateFSub(a, b)); break;
  case Op::F32Mul:
  case Op::F64Mul: r = quiet(b_.CreateFMul(a, b)); break;
  case Op::F32Div:
  case Op::F64Div: r = quiet(b_.CreateFDiv(a, b)); break;
  case Op::F32Min:
  case Op::F64Min: r = float_min_max(a, b, true); break;
  case Op::F32Max:
  case Op::F64Max: r = float_min_max(a, b, false); break;
  case Op::F32Copysign:
  case Op::F64Copysign: r = b_.CreateBinaryIntrinsic(llvm::Intrinsic::copysign, a, b); break;
  case Op::I32WrapI64: r = b_.CreateTrunc(a, env_.i32); break;
  case Op::I32TruncF32S:
  case Op::I32TruncF32U:
  case Op::I32TruncF64S:
  case Op::I32TruncF64U:
  case Op::I64TruncF32S:
  case Op::I64TruncF32U:
  case Op::I64TruncF64S:
  case Op::I64TruncF64U: r = trunc_checked(op, a); break;
  case Op::I64ExtendI32S: r = b_.CreateSExt(a, env_.i64); break;
  case Op::I64ExtendI32U: r = b_.CreateZExt(a, env_.i64); break;
  case Op::F32ConvertI32S:
  case Op::F32ConvertI64S:
  case Op::F64ConvertI32S:
  case Op::F64ConvertI64S: r = b_.CreateSIToFP(a, rt); break;
  case Op::F32ConvertI32U:
  case Op::F32ConvertI64U:
  case Op::F64ConvertI32U:
  case Op::F64ConvertI64U: r = b_.CreateUIToFP(a, rt); break;
  case Op::F32DemoteF64: r = quiet(b_.CreateFPTrunc(a, env_.f32)); break;
  case Op::F64PromoteF32: r = quiet(b_.CreateFPExt(a, env_.f64)); break;
  case Op::I32ReinterpretF32:
  case Op::I64ReinterpretF64:
  case Op::F32ReinterpretI32:
  case Op::F64ReinterpretI64: r = b_.CreateBitCast(a, rt); break;
  case Op::I32Extend8S: r = b_.CreateSExt(b_.CreateTrunc(a, b_.getInt8Ty()), env_.i32); break;
  case Op::I32Extend16S: r = b_.CreateSExt(b_.CreateTrunc(a, b_.getInt16Ty()), env_.i32); break;
  case Op::I64Extend8S: r = b_.CreateSExt(b_.CreateTrunc(a, b_.getInt8Ty()), env_.i64); break;
  case Op::I64Extend16S: r = b_.CreateSExt(b_.CreateTrunc(a, b_.getInt16Ty()), env_.i64); break;
  case Op::I64Extend32S: r = b_.CreateSExt(b_.CreateTrunc(a, env_.i32), env_.i64); break;
  case Op::I32TruncSatF32S:
  case Op::I32TruncSatF64S:
  case Op::I64TruncSatF32S:
  case Op::I64TruncSatF64S:
    r = b_.CreateIntrinsic(llvm::Intrinsic::fptosi_sat, {rt, a->getType()}, {a});
    break;
  case Op::I32TruncSatF32U:
  case Op::I32TruncSatF64U:
  case Op::I64TruncSatF32U:
  case Op::I64TruncSatF64U:
    r = b_.CreateIntrinsic(llvm::Intrinsic::fptoui_sat, {rt, a->getType()}, {a});
    break;
  default: return unsupported(std::string("instruction ") + ir::op_text(op));
  }
  push(r);
  return support::ok();
}

} // namespace wasmcap::llvm_tier

// Interpreter superinstructions of round 3 (docs/interpreter.md): a store of the value computed
// just before it (plain, Imm and load-operand binops, multiply-add), `a +/- b*c` in one op, and
// instruction pairs run by one dispatch (fuse_pairs: copies, constants, a loop counter step
// `i32.add x, C` with the conditional branch after it).
// Each test checks that the lowering fused (the op list of the lowered body), that the result
// equals the unfused computation bit for bit, and that traps keep the offset of the wasm
// instruction that traps.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "lowered_module.h"

namespace wasmcap {
namespace {

using interp::IOp;
using runtime::Value;

const char* kWat = R"((module
  (memory 1)
  (func (export "add_store") (param i32 f64 f64)
    local.get 0 local.get 1 local.get 2 f64.add f64.store offset=8)
  (func (export "mul_imm_store") (param i32 f64)
    local.get 0 local.get 1 f64.const 0.2 f64.mul f64.store)
  (func (export "xor_store") (param i32 i64 i64)
    local.get 0 local.get 1 local.get 2 i64.xor i64.store)
  (func (export "sub_store32") (param i32 i32 i32)
    local.get 0 local.get 1 local.get 2 i32.sub i32.store offset=4)
  (func (export "add_load_store") (param i32 f64 i32)
    local.get 0 local.get 1 local.get 2 f64.load offset=16 f64.add f64.store)
  (func (export "mul_add") (param f64 f64 f64) (result f64)
    local.get 0 local.get 1 local.get 2 f64.mul f64.add)
  (func (export "mul_add_unfused") (param f64 f64 f64) (result f64) (local f64)
    local.get 0 local.get 1 local.get 2 f64.mul local.tee 3 f64.add)
  (func (export "mul_sub32") (param f32 f32 f32) (result f32)
    local.get 0 local.get 1 local.get 2 f32.mul f32.sub)
  (func (export "mul_sub32_unfused") (param f32 f32 f32) (result f32) (local f32)
    local.get 0 local.get 1 local.get 2 f32.mul local.tee 3 f32.sub)
  (func (export "mul_sub_store") (param i32 f64 f64 f64)
    local.get 0 local.get 1 local.get 2 local.get 3 f64.mul f64.sub f64.store)
  (func (export "load_f64") (param i32) (result f64) local.get 0 f64.load)
  (func (export "load_i64") (param i32) (result i64) local.get 0 i64.load)
  (func (export "load_i32") (param i32) (result i32) local.get 0 i32.load)
  (func (export "xor_rotl") (param i32 i32) (result i32)
    local.get 0 local.get 1 i32.const 7 i32.rotl i32.xor)
  (func (export "add_shl") (param i32 i32) (result i32)
    local.get 0 local.get 1 i32.const 3 i32.shl i32.add)
  (func (export "xor_shr64") (param i64 i64) (result i64)
    local.get 0 local.get 1 i64.const 12 i64.shr_u i64.xor)
  (func (export "or_and") (param i32 i32 i32) (result i32)
    local.get 0 local.get 1 local.get 2 i32.and i32.or)
  (func (export "copy_pair") (param i32 i32) (result i32) (local i32)
    block
      local.get 0 br_if 0
      local.get 1 local.set 2
    end
    local.get 0 local.set 1
    local.get 2 local.get 1 i32.add)
  (func (export "store_const") (param i32)
    local.get 0 i32.const 7 i32.store offset=4)
  (func (export "count_down") (param i32) (result i32) (local i32)
    loop
      local.get 1 local.get 0 i32.add local.set 1
      local.get 0 i32.const -1 i32.add local.tee 0 br_if 0
    end
    local.get 1)
  (func (export "count_up") (param i32) (result i32) (local i32 i32)
    loop
      local.get 2 local.get 1 i32.add local.set 2
      local.get 1 i32.const 1 i32.add local.tee 1 local.get 0 i32.lt_s br_if 0
    end
    local.get 2)
  (func (export "label_between") (param i32) (result i32) (local i32)
    block
      local.get 0 br_if 0
      local.get 1 i32.const 5 i32.add local.set 1
    end
    block
      local.get 1 br_if 0
      i32.const 7 local.set 1
    end
    local.get 1))
)";

using test::Lowered;

class FusedStore : public test::LoweredModule {
protected:
  void SetUp() override { load(kWat); }
};

TEST_F(FusedStore, BinopsStoreTheirResult) {
  EXPECT_EQ(lowered("add_store").ops, (std::vector<IOp>{IOp::F64AddStore, IOp::Return}));
  EXPECT_EQ(lowered("mul_imm_store").ops, (std::vector<IOp>{IOp::F64MulImmStore, IOp::Return}));
  EXPECT_EQ(lowered("xor_store").ops, (std::vector<IOp>{IOp::I64XorStore, IOp::Return}));
  EXPECT_EQ(lowered("sub_store32").ops, (std::vector<IOp>{IOp::I32SubStore, IOp::Return}));
  ok("add_store", {Value::make_i32(100), Value::make_f64(1.25), Value::make_f64(2.0)});
  EXPECT_EQ(ok("load_f64", {Value::make_i32(108)})[0].f64(), 3.25);
  ok("mul_imm_store", {Value::make_i32(200), Value::make_f64(3.0)});
  EXPECT_EQ(ok("load_f64", {Value::make_i32(200)})[0].f64(), 3.0 * 0.2);
  ok("xor_store", {Value::make_i32(300), Value::make_i64(0xff00ff00ff00ff00u),
                   Value::make_i64(0x0ff00ff00ff00ff0u)});
  EXPECT_EQ(ok("load_i64", {Value::make_i32(300)})[0].i64, 0xf0f0f0f0f0f0f0f0u);
  ok("sub_store32", {Value::make_i32(400), Value::make_i32(1), Value::make_i32(3)});
  EXPECT_EQ(ok("load_i32", {Value::make_i32(404)})[0].i32, 0xfffffffeu);
}

TEST_F(FusedStore, StoreTrapsAtTheStore) {
  Lowered l = lowered("add_store");
  ASSERT_EQ(l.store_offsets.size(), 1u);
  // 65528 + offset 8 + 8 bytes is past the 64 KiB page.
  auto r = call("add_store", {Value::make_i32(65528), Value::make_f64(1), Value::make_f64(2)});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "out of bounds memory access");
  ASSERT_FALSE(r.error().backtrace.empty());
  EXPECT_EQ(r.error().backtrace[0].offset, l.store_offsets[0]);
  // 65520 + 8 + 8 fits exactly.
  ok("add_store", {Value::make_i32(65520), Value::make_f64(1), Value::make_f64(2)});
  EXPECT_EQ(ok("load_f64", {Value::make_i32(65528)})[0].f64(), 3.0);
}

TEST_F(FusedStore, LoadOperandStoreHasTwoTrapSites) {
  Lowered l = lowered("add_load_store");
  EXPECT_EQ(l.ops, (std::vector<IOp>{IOp::F64AddLoadStore, IOp::Return}));
  ASSERT_EQ(l.store_offsets.size(), 1u);
  ASSERT_EQ(l.load_offsets.size(), 1u);
  ok("add_store", {Value::make_i32(500), Value::make_f64(0.5), Value::make_f64(0.25)}); // 508
  ok("add_load_store", {Value::make_i32(600), Value::make_f64(1.0), Value::make_i32(492)});
  EXPECT_EQ(ok("load_f64", {Value::make_i32(600)})[0].f64(), 1.75);
  // The load (492 + 16 -> 65530 + 16) is out of bounds: the load's offset.
  auto r = call("add_load_store", {Value::make_i32(0), Value::make_f64(1), Value::make_i32(65530)});
  ASSERT_FALSE(r);
  ASSERT_FALSE(r.error().backtrace.empty());
  EXPECT_EQ(r.error().backtrace[0].offset, l.load_offsets[0]);
  // The load is fine, the store is out of bounds: the store's offset, memory unchanged.
  r = call("add_load_store", {Value::make_i32(65530), Value::make_f64(1), Value::make_i32(492)});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "out of bounds memory access");
  ASSERT_FALSE(r.error().backtrace.empty());
  EXPECT_EQ(r.error().backtrace[0].offset, l.store_offsets[0]);
}

TEST_F(FusedStore, MultiplyAddRoundsTwice) {
  EXPECT_EQ(lowered("mul_add").ops, (std::vector<IOp>{IOp::F64AddF64Mul, IOp::Return}));
  EXPECT_EQ(lowered("mul_sub32").ops, (std::vector<IOp>{IOp::F32SubF32Mul, IOp::Return}));
  EXPECT_EQ(lowered("mul_sub_store").ops, (std::vector<IOp>{IOp::F64SubF64MulStore, IOp::Return}));
  // (1 + 2^-30)(1 - 2^-30) = 1 - 2^-60 rounds to 1: -1 + 1 = 0 (an FMA would give -2^-60).
  double b = 1.0 + std::ldexp(1.0, -30), c = 1.0 - std::ldexp(1.0, -30);
  EXPECT_EQ(ok("mul_add", {Value::make_f64(-1.0), Value::make_f64(b), Value::make_f64(c)})[0].f64(),
            0.0);
  // Signed zeros, infinities, NaNs: the same bits as the unfused sequence, except which input
  // NaN's payload an add of two NaNs returns: wasm leaves that open (any arithmetic NaN), and
  // the host's add returns one operand's, depending on the operand order the C++ compiler chose
  // for each handler. Then it must be the (quieted) payload of one of the inputs.
  const uint64_t nan_a = 0x7ff8000000000123u, nan_b = 0x7ff4000000000456u;
  const double vals[] = {
      std::bit_cast<double>(nan_a), std::bit_cast<double>(nan_b), -0.0, 0.0, 1e308, -3.5};
  auto same = [](uint64_t fused, uint64_t plain, std::vector<uint64_t> quiet_inputs, int bits) {
    auto is_nan = [&](uint64_t v) {
      return bits == 64 ? std::isnan(std::bit_cast<double>(v))
                        : std::isnan(std::bit_cast<float>(static_cast<uint32_t>(v)));
    };
    if (fused == plain) return true;
    if (!is_nan(fused) || !is_nan(plain)) return false;
    for (uint64_t q : quiet_inputs) {
      if (fused == q) return true;
    }
    return false;
  };
  for (double x : vals) {
    for (double y : vals) {
      for (double z : vals) {
        std::vector<Value> args = {Value::make_f64(x), Value::make_f64(y), Value::make_f64(z)};
        uint64_t quiet = uint64_t{1} << 51;
        std::vector<uint64_t> q64 = {std::bit_cast<uint64_t>(x) | quiet,
                                     std::bit_cast<uint64_t>(y) | quiet,
                                     std::bit_cast<uint64_t>(z) | quiet};
        EXPECT_TRUE(same(ok("mul_add", args)[0].i64, ok("mul_add_unfused", args)[0].i64, q64, 64))
            << x << " + " << y << " * " << z;
        float xf = static_cast<float>(x), yf = static_cast<float>(y), zf = static_cast<float>(z);
        std::vector<Value> args32 = {Value::make_f32(xf), Value::make_f32(yf), Value::make_f32(zf)};
        std::vector<uint64_t> q32 = {std::bit_cast<uint32_t>(xf) | 0x400000u,
                                     std::bit_cast<uint32_t>(yf) | 0x400000u,
                                     std::bit_cast<uint32_t>(zf) | 0x400000u};
        EXPECT_TRUE(
            same(ok("mul_sub32", args32)[0].i32, ok("mul_sub32_unfused", args32)[0].i32, q32, 32))
            << x << " - " << y << " * " << z;
      }
    }
  }
  ok("mul_sub_store",
     {Value::make_i32(64), Value::make_f64(10.0), Value::make_f64(2.0), Value::make_f64(3.0)});
  EXPECT_EQ(ok("load_f64", {Value::make_i32(64)})[0].f64(), 4.0);
  auto r = call("mul_sub_store", {Value::make_i32(65536), Value::make_f64(1), Value::make_f64(2),
                                  Value::make_f64(3)});
  ASSERT_FALSE(r);
  ASSERT_FALSE(r.error().backtrace.empty());
  EXPECT_EQ(r.error().backtrace[0].offset, lowered("mul_sub_store").store_offsets[0]);
}

TEST_F(FusedStore, IntegerOperandOps) {
  EXPECT_EQ(lowered("xor_rotl").ops, (std::vector<IOp>{IOp::I32XorI32RotlImm, IOp::Return}));
  EXPECT_EQ(lowered("add_shl").ops, (std::vector<IOp>{IOp::I32AddI32ShlImm, IOp::Return}));
  EXPECT_EQ(lowered("xor_shr64").ops, (std::vector<IOp>{IOp::I64XorI64ShrUImm, IOp::Return}));
  EXPECT_EQ(lowered("or_and").ops, (std::vector<IOp>{IOp::I32OrI32And, IOp::Return}));
  EXPECT_EQ(ok("xor_rotl", {Value::make_i32(0x12345678u), Value::make_i32(0x80000001u)})[0].i32,
            0x12345678u ^ 0xc0u);
  // The sum wraps at 32 bits.
  EXPECT_EQ(ok("add_shl", {Value::make_i32(0xfffffff0u), Value::make_i32(0x20000003u)})[0].i32,
            0xfffffff0u + 0x18u);
  EXPECT_EQ(ok("xor_shr64",
               {Value::make_i64(0x0123456789abcdefu), Value::make_i64(0xfedcba9876543210u)})[0]
                .i64,
            0x0123456789abcdefu ^ (0xfedcba9876543210u >> 12));
  EXPECT_EQ(
      ok("or_and", {Value::make_i32(0x100), Value::make_i32(0xff0), Value::make_i32(0x0ff)})[0].i32,
      0x1f0u);
}

TEST_F(FusedStore, CopyPairsKeepTheLayout) {
  // The second copy is also a label target (the block end): jumping there runs it alone.
  EXPECT_EQ(lowered("copy_pair").ops, (std::vector<IOp>{IOp::BrIf, IOp::CopyThenCopy, IOp::Copy,
                                                        IOp::I32AddThenReturn, IOp::Return}));
  EXPECT_EQ(ok("copy_pair", {Value::make_i32(0), Value::make_i32(5)})[0].i32, 5u);
  EXPECT_EQ(ok("copy_pair", {Value::make_i32(3), Value::make_i32(5)})[0].i32, 3u);
}

TEST_F(FusedStore, ConstThenStoreTrapsAtTheStore) {
  Lowered l = lowered("store_const");
  EXPECT_EQ(l.ops, (std::vector<IOp>{IOp::Const32ThenI32Store, IOp::I32Store, IOp::Return}));
  ok("store_const", {Value::make_i32(800)});
  EXPECT_EQ(ok("load_i32", {Value::make_i32(804)})[0].i32, 7u);
  auto r = call("store_const", {Value::make_i32(65532)});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "out of bounds memory access");
  ASSERT_FALSE(r.error().backtrace.empty());
  EXPECT_EQ(r.error().backtrace[0].offset, l.store_offsets[0]);
}

TEST_F(FusedStore, CounterStepFusesWithTheBranch) {
  Lowered l = lowered("count_down");
  EXPECT_EQ(l.ops, (std::vector<IOp>{IOp::I32AddThenIncBrIf, IOp::IncBrIf, IOp::BrIf,
                                     IOp::CopyThenReturn, IOp::Return}));
  EXPECT_EQ(ok("count_down", {Value::make_i32(100)})[0].i32, 5050u);
  l = lowered("count_up");
  EXPECT_EQ(l.ops, (std::vector<IOp>{IOp::I32AddThenIncBrIfI32LtS, IOp::IncBrIfI32LtS,
                                     IOp::BrIfI32LtS, IOp::CopyThenReturn, IOp::Return}));
  EXPECT_EQ(ok("count_up", {Value::make_i32(100)})[0].i32, 4950u);
  EXPECT_EQ(ok("count_up", {Value::make_i32(-5)})[0].i32, 0u); // body runs once, i = 1
  // The first block end's label lands on the branch after the fused add, the second one's on
  // the copy after the fused constant: each runs on its own there (the copy with the return
  // after it, its own pair). (fuse_pairs runs in
  // Lowering::take: the op lists show the paired ops.)
  l = lowered("label_between");
  EXPECT_EQ(l.ops, (std::vector<IOp>{IOp::BrIf, IOp::IncBrIf, IOp::BrIf, IOp::Const32ThenCopy,
                                     IOp::CopyThenReturn, IOp::Return}));
  EXPECT_EQ(ok("label_between", {Value::make_i32(0)})[0].i32, 5u);
  EXPECT_EQ(ok("label_between", {Value::make_i32(1)})[0].i32, 7u);
}

} // namespace
} // namespace wasmcap

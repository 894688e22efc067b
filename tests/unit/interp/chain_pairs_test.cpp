// Interpreter round 4 (docs/interpreter.md): chain pairs (fuse_pairs' backward pass: a first
// instruction that may trap, a second that may itself be a pair op), the `(x + y) + C` address
// fold, and calls without a memset of the callee's locals.
// Each test checks the lowered op list, the result against the plain computation, and that a
// trap keeps the offset of the wasm instruction that traps (with the memory effects of the
// instructions before it, and none of those after it).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "lowered_module.h"

namespace wasmcap {
namespace {

using interp::IOp;
using runtime::Value;

const char* kWat = R"((module
  (memory 1)
  ;; matmul's c[j] += a * b[j]: F64MulLoad, then F64AddLoadStore (two trap sites).
  (func (export "mul_add_row") (param $c i32) (param $b i32) (param $a f64)
    local.get $c
    local.get $a local.get $b f64.load f64.mul
    local.get $c f64.load
    f64.add
    f64.store offset=8)
  ;; A sum of loads: F64AddLoad twice.
  (func (export "sum2") (param $s f64) (param $p i32) (result f64)
    local.get $s local.get $p f64.load f64.add
    local.get $p f64.load offset=16 f64.add)
  ;; A loaded value kept in a local (local.tee) and added: F64LoadAddImm, then f64.add.
  (func (export "tee_add") (param $s f64) (param $p i32) (result f64) (local f64)
    local.get $s
    local.get $p i32.const 8 i32.add f64.load local.tee 2
    f64.add
    local.get 2 f64.add)
  ;; An address sum kept in a local, then a load-add from it: i32.add, then F64AddLoad.
  (func (export "sum_at") (param $s f64) (param $p i32) (param $q i32) (result f64) (local i32)
    local.get $s
    local.get $p local.get $q i32.add local.tee 3
    i32.const 8 i32.add f64.load
    f64.add)
  ;; stencil's `out[x] = 0.2 * v; x += 8; loop while x != 0`: F64MulImmStore, then the IncBrIf
  ;; pair (i32.add x, 8 and br_if): three instructions, one dispatch.
  (func (export "scale_fill") (param $base i32) (param $n i32) (param $v f64)
    (local $x i32)
    i32.const 0 local.get $n i32.const 3 i32.shl i32.sub local.set $x
    loop
      local.get $base local.get $x i32.add
      local.get $v f64.const 0.2 f64.mul
      f64.store
      local.get $x i32.const 8 i32.add local.tee $x
      br_if 0
    end)
  ;; `(x + y) + C` as an address: one I32AddI32AddImm, wrapping at 32 bits.
  (func (export "store_at3") (param $x i32) (param $y i32) (param $v f64)
    local.get $x local.get $y i32.add i32.const 16 i32.add
    local.get $v f64.store)
  (func (export "add3") (param $x i32) (param $y i32) (result i32)
    local.get $x local.get $y i32.add i32.const 1000 i32.add)
  ;; A local.tee in between: the sum is read again, so no fold.
  (func (export "add3_tee") (param $x i32) (param $y i32) (result i32) (local i32)
    local.get $x local.get $y i32.add local.tee 2 i32.const 1000 i32.add local.get 2 i32.add)
  ;; matmul's unrolled second element: the address `c + 8` kept in a local, then c[1] += a*b[1]:
  ;; I32AddImm -> (F64MulLoad -> F64AddLoadStore), three instructions in one dispatch.
  (func (export "mul_add_next") (param $c i32) (param $b i32) (param $a f64) (local $p i32)
    local.get $c i32.const 8 i32.add local.tee $p
    local.get $a local.get $b f64.load offset=8 f64.mul
    local.get $p f64.load
    f64.add
    f64.store)
  ;; nbody's velocity update v[k] += d * (m * x): F64Mul -> (F64Mul -> F64AddLoadStore).
  (func (export "scaled_accumulate") (param $p i32) (param $m f64) (param $x f64) (param $d f64)
    local.get $p
    local.get $m local.get $x f64.mul local.get $d f64.mul
    local.get $p f64.load f64.add
    f64.store)
  ;; nbody's v[k] = v[k] - dx * (m * mag): F64Load -> (F64Mul -> F64SubF64MulStore).
  (func (export "load_mul_sub_store") (param $p i32) (param $m f64) (param $dx f64) (param $mag f64)
    local.get $p
    local.get $p f64.load offset=8
    local.get $m local.get $dx f64.mul local.get $mag
    f64.mul f64.sub
    f64.store offset=16)
  ;; stencil's loop head: out + x + C, then row + x kept in a local, then a load-add from it:
  ;; I32AddI32AddImm -> (I32Add -> F64AddLoad). Stores s + row[x + 1] + s at the first address.
  (func (export "stencil_head") (param $out i32) (param $row i32) (param $x i32) (param $s f64)
    (local $p i32)
    local.get $out local.get $x i32.add i32.const 16 i32.add
    local.get $s
    local.get $row local.get $x i32.add local.tee $p
    i32.const 8 i32.add f64.load
    f64.add
    local.get $s f64.add
    f64.store)
  (func (export "load_f64") (param i32) (result f64) local.get 0 f64.load)
  (func (export "store_f64") (param i32 f64) local.get 0 local.get 1 f64.store)
  ;; Calls: a callee's declared locals start at zero although the slots held other values.
  (func $dirty (param i32) (result i32) (local i32 i32 i32)
    local.get 0 local.set 1 local.get 0 local.set 2 local.get 0 local.set 3
    local.get 1 local.get 2 i32.add local.get 3 i32.add)
  (func $clean (param i32) (result i32) (local i32 i32 i32)
    local.get 1 local.get 2 i32.or local.get 3 i32.or local.get 0 i32.add)
  (func (export "calls") (param i32) (result i32)
    local.get 0 call $dirty drop
    local.get 0 call $clean))
)";

using test::Lowered;

class ChainPairs : public test::LoweredModule {
protected:
  void SetUp() override { load(kWat); }
};

TEST_F(ChainPairs, MultiplyThenAccumulateStore) {
  Lowered l = lowered("mul_add_row");
  EXPECT_EQ(l.ops, (std::vector<IOp>{IOp::F64MulLoadThenF64AddLoadStore, IOp::F64AddLoadStore,
                                     IOp::Return}));
  ASSERT_EQ(l.load_offsets.size(), 2u);
  ASSERT_EQ(l.store_offsets.size(), 1u);
  set_f64(100, 1.5);  // c
  set_f64(200, -2.0); // b
  ok("mul_add_row", {Value::make_i32(100), Value::make_i32(200), Value::make_f64(3.0)});
  EXPECT_EQ(f64_at(108), 1.5 + 3.0 * -2.0);
  // b out of bounds: the first instruction of the pair traps, at b's load, before any store.
  set_f64(308, 7.0);
  auto r = call("mul_add_row", {Value::make_i32(300), Value::make_i32(65532), Value::make_f64(1)});
  EXPECT_EQ(trap_offset(r), l.load_offsets[0]);
  EXPECT_EQ(f64_at(308), 7.0);
  // c's load out of bounds: the second instruction, at c's load.
  r = call("mul_add_row", {Value::make_i32(65530), Value::make_i32(200), Value::make_f64(1)});
  EXPECT_EQ(trap_offset(r), l.load_offsets[1]);
  // c's load fits (65528 + 8), its store (offset 8) does not: the store's offset.
  r = call("mul_add_row", {Value::make_i32(65528), Value::make_i32(200), Value::make_f64(1)});
  EXPECT_EQ(trap_offset(r), l.store_offsets[0]);
}

TEST_F(ChainPairs, ThreeInstructionChains) {
  Lowered l = lowered("mul_add_next");
  EXPECT_EQ(l.ops, (std::vector<IOp>{IOp::I32AddImmThenF64MulLoadThenF64AddLoadStore,
                                     IOp::F64MulLoadThenF64AddLoadStore, IOp::F64AddLoadStore,
                                     IOp::Return}));
  set_f64(1008, 0.5); // c[1]
  set_f64(2008, 4.0); // b[1]
  ok("mul_add_next", {Value::make_i32(1000), Value::make_i32(2000), Value::make_f64(-1.5)});
  EXPECT_EQ(f64_at(1008), 0.5 + -1.5 * 4.0);
  // b[1] out of bounds: the middle instruction traps at its load; c is untouched.
  auto r =
      call("mul_add_next", {Value::make_i32(1000), Value::make_i32(65528), Value::make_f64(1)});
  EXPECT_EQ(trap_offset(r), l.load_offsets[0]);
  EXPECT_EQ(f64_at(1008), -5.5);
  // c + 8 out of bounds: the load of the accumulate (the store is never reached).
  r = call("mul_add_next", {Value::make_i32(65530), Value::make_i32(2000), Value::make_f64(1)});
  EXPECT_EQ(trap_offset(r), l.load_offsets[1]);

  l = lowered("scaled_accumulate");
  EXPECT_EQ(l.ops,
            (std::vector<IOp>{IOp::F64MulThenF64MulThenF64AddLoadStore,
                              IOp::F64MulThenF64AddLoadStore, IOp::F64AddLoadStore, IOp::Return}));
  set_f64(3000, 10.0);
  ok("scaled_accumulate",
     {Value::make_i32(3000), Value::make_f64(3.0), Value::make_f64(0.1), Value::make_f64(7.0)});
  EXPECT_EQ(f64_at(3000), 10.0 + 3.0 * 0.1 * 7.0);
  r = call("scaled_accumulate",
           {Value::make_i32(65532), Value::make_f64(1), Value::make_f64(1), Value::make_f64(1)});
  EXPECT_EQ(trap_offset(r), l.load_offsets[0]);

  l = lowered("load_mul_sub_store");
  EXPECT_EQ(l.ops, (std::vector<IOp>{IOp::F64LoadThenF64MulThenF64SubF64MulStore,
                                     IOp::F64MulThenF64SubF64MulStore, IOp::F64SubF64MulStore,
                                     IOp::Return}));
  set_f64(4008, 1.0);
  ok("load_mul_sub_store",
     {Value::make_i32(4000), Value::make_f64(0.3), Value::make_f64(3.0), Value::make_f64(0.7)});
  EXPECT_EQ(f64_at(4016), 1.0 - (0.3 * 3.0) * 0.7);
  // The load (offset 8) fits, the store (offset 16) does not: the store's offset.
  r = call("load_mul_sub_store",
           {Value::make_i32(65520), Value::make_f64(1), Value::make_f64(1), Value::make_f64(1)});
  EXPECT_EQ(trap_offset(r), l.store_offsets[0]);
  // The load does not fit: the first instruction's offset.
  r = call("load_mul_sub_store",
           {Value::make_i32(65530), Value::make_f64(1), Value::make_f64(1), Value::make_f64(1)});
  EXPECT_EQ(trap_offset(r), l.load_offsets[0]);
}

TEST_F(ChainPairs, AddressSumThenLoadAdd) {
  Lowered l = lowered("stencil_head");
  EXPECT_EQ(l.ops, (std::vector<IOp>{IOp::I32AddI32AddImmThenI32AddThenF64AddLoad,
                                     IOp::I32AddThenF64AddLoad, IOp::F64AddLoad, IOp::F64AddStore,
                                     IOp::Return}));
  set_f64(5108, 0.75); // row + x + 8
  ok("stencil_head",
     {Value::make_i32(6000), Value::make_i32(5000), Value::make_i32(100), Value::make_f64(2.0)});
  EXPECT_EQ(f64_at(6116), 4.75);
  // The load traps (row + x + 8 past the end) before the store.
  set_f64(6116, 0.0);
  auto r = call("stencil_head", {Value::make_i32(6000), Value::make_i32(65528), Value::make_i32(4),
                                 Value::make_f64(2.0)});
  EXPECT_EQ(trap_offset(r), l.load_offsets[0]);
  EXPECT_EQ(f64_at(6012), 0.0);
  r = call("stencil_head", {Value::make_i32(65520), Value::make_i32(5000), Value::make_i32(100),
                            Value::make_f64(2.0)});
  EXPECT_EQ(trap_offset(r), l.store_offsets[0]);
}

TEST_F(ChainPairs, LoadAddChains) {
  Lowered l = lowered("sum2");
  EXPECT_EQ(l.ops, (std::vector<IOp>{IOp::F64AddLoadThenF64AddLoad, IOp::F64AddLoad, IOp::Return}));
  set_f64(400, 0.25);
  set_f64(416, 0.5);
  EXPECT_EQ(ok("sum2", {Value::make_f64(1.0), Value::make_i32(400)})[0].f64(), 1.75);
  // The first load is in bounds, the second (offset 16) is not: the second's offset.
  auto r = call("sum2", {Value::make_f64(1.0), Value::make_i32(65520)});
  EXPECT_EQ(trap_offset(r), l.load_offsets[1]);
  r = call("sum2", {Value::make_f64(1.0), Value::make_i32(65536)});
  EXPECT_EQ(trap_offset(r), l.load_offsets[0]);

  l = lowered("tee_add");
  EXPECT_EQ(l.ops, (std::vector<IOp>{IOp::F64LoadAddImmThenF64Add, IOp::F64Add, IOp::F64Add,
                                     IOp::Return}));
  set_f64(508, 2.5);
  EXPECT_EQ(ok("tee_add", {Value::make_f64(1.0), Value::make_i32(500)})[0].f64(), 6.0);
  r = call("tee_add", {Value::make_f64(1.0), Value::make_i32(65530)});
  EXPECT_EQ(trap_offset(r), l.load_offsets[0]);

  l = lowered("sum_at");
  EXPECT_EQ(l.ops, (std::vector<IOp>{IOp::I32AddThenF64AddLoad, IOp::F64AddLoad, IOp::Return}));
  set_f64(608, -4.0);
  EXPECT_EQ(
      ok("sum_at", {Value::make_f64(1.0), Value::make_i32(500), Value::make_i32(100)})[0].f64(),
      -3.0);
  // The sum wraps at 32 bits: 0xffffff00 + 0x200 = 0x100, + 8.
  set_f64(0x108, 8.0);
  EXPECT_EQ(
      ok("sum_at", {Value::make_f64(1.0), Value::make_i32(0xffffff00u), Value::make_i32(0x200)})[0]
          .f64(),
      9.0);
  r = call("sum_at", {Value::make_f64(1.0), Value::make_i32(65520), Value::make_i32(8)});
  EXPECT_EQ(trap_offset(r), l.load_offsets[0]);
}

TEST_F(ChainPairs, StoreThenCounterStepThenBranch) {
  Lowered l = lowered("scale_fill");
  // i32.add, then the triple: F64MulImmStore -> IncBrIf (I32AddImm -> BrIf).
  EXPECT_EQ(l.ops, (std::vector<IOp>{IOp::I32ShlImm, IOp::Const32, IOp::I32Sub, IOp::I32Add,
                                     IOp::F64MulImmStoreThenIncBrIf, IOp::IncBrIf, IOp::BrIf,
                                     IOp::Return}));
  ok("scale_fill", {Value::make_i32(1024), Value::make_i32(4), Value::make_f64(5.0)});
  for (uint32_t a = 1024 - 32; a < 1024; a += 8)
    EXPECT_EQ(f64_at(a), 5.0 * 0.2) << a;
  EXPECT_EQ(f64_at(1024), 0.0);
  // Stores at 65520, 65528, then 65536 traps: the two stores before it happened.
  set_f64(65520, 0.0);
  set_f64(65528, 0.0);
  auto r =
      call("scale_fill", {Value::make_i32(65536), Value::make_i32(2 + 3), Value::make_f64(10.0)});
  // base 65536, x from -40: addresses 65496 .. 65528 are fine, then x = 0 ends the loop.
  EXPECT_TRUE(r);
  r = call("scale_fill", {Value::make_i32(65544), Value::make_i32(3), Value::make_f64(10.0)});
  // base 65544, x = -24: 65520, 65528 fine, 65536 out of bounds.
  EXPECT_EQ(trap_offset(r), l.store_offsets[0]);
  EXPECT_EQ(f64_at(65520), 2.0);
  EXPECT_EQ(f64_at(65528), 2.0);
}

TEST_F(ChainPairs, AddressSumWithConstant) {
  EXPECT_EQ(lowered("store_at3").ops,
            (std::vector<IOp>{IOp::I32AddI32AddImm, IOp::F64Store, IOp::Return}));
  EXPECT_EQ(lowered("add3").ops, (std::vector<IOp>{IOp::I32AddI32AddImm, IOp::Return}));
  EXPECT_EQ(ok("add3", {Value::make_i32(5), Value::make_i32(7)})[0].i32, 1012u);
  // Wraps like the two adds: 0xfffffff0 + 0x10 + 1000 = 1000.
  EXPECT_EQ(ok("add3", {Value::make_i32(0xfffffff0u), Value::make_i32(0x10)})[0].i32, 1000u);
  ok("store_at3", {Value::make_i32(0xfffffff0u), Value::make_i32(0x100), Value::make_f64(3.5)});
  EXPECT_EQ(f64_at(0x100), 3.5);
  Lowered l = lowered("store_at3");
  auto r = call("store_at3", {Value::make_i32(65520), Value::make_i32(8), Value::make_f64(1)});
  EXPECT_EQ(trap_offset(r), l.store_offsets[0]);
  // The tee'd sum is read again: not folded into `(x + y) + C`, and the result is x + y + 1000
  // + (x + y). (The last add, whose first operand the AddImm computed, takes it as its computed
  // operand: `t + (s + 1000)` with the commuted fusion of round 5.)
  EXPECT_EQ(lowered("add3_tee").ops,
            (std::vector<IOp>{IOp::I32Add, IOp::I32AddI32AddImm, IOp::Return}));
  EXPECT_EQ(ok("add3_tee", {Value::make_i32(5), Value::make_i32(7)})[0].i32, 1024u);
}

TEST_F(ChainPairs, CalleeLocalsStartAtZero) {
  EXPECT_EQ(ok("calls", {Value::make_i32(9)})[0].i32, 9u);
  EXPECT_EQ(ok("calls", {Value::make_i32(-1)})[0].i32, 0xffffffffu);
}

} // namespace
} // namespace wasmcap

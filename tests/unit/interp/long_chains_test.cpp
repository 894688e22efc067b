// Interpreter round 5 (docs/interpreter.md): fuse_pairs' single backward pass (loop heads start
// their own pair), copy runs and copy pairs (a hash round's register rotation, call arguments),
// pairs ending in a branch, a call or a return, counter-step chains before a loop branch,
// indexed loads, a five-point stencil update run as one chain, and an integer op taking its
// computed *first* operand. Each test checks the lowered op list, the results against the
// plain computation, and where a chain contains loads or stores that a trap keeps the offset of
// the wasm instruction that traps (with the memory effects of the instructions before it and
// none of those after it).
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "lowered_module.h"

namespace wasmcap {
namespace {

using interp::IOp;
using runtime::Value;

const char* kWat = R"((module
  (memory 1)
  ;; A register rotation: four copies in a row, then one more after an add.
  (func (export "rotate") (param $a i32) (param $b i32) (param $c i32) (param $d i32)
    (param $e i32) (result i32)
    local.get $d local.set $e
    local.get $c local.set $d
    local.get $b local.set $c
    local.get $a local.set $b
    local.get $e local.get $d i32.add local.set $a
    local.get $a local.set $c
    local.get $a i32.const 1000 i32.mul
    local.get $b i32.const 100 i32.mul i32.add
    local.get $c i32.const 10 i32.mul i32.add
    local.get $d i32.add
    local.get $e i32.const 10000 i32.mul i32.add)
  ;; A copy before each of the ops a copy is paired with: rotl by a constant, xor with a
  ;; constant, `x | (y & z)`.
  (func (export "copy_then_ops") (param $x i32) (param $y i32) (param $z i32) (result i32)
    (local $s i32) (local $t i32) (local $u i32) (local $r i32)
    local.get $x local.set $s
    local.get $y i32.const 7 i32.rotl local.set $r
    local.get $y local.set $t
    local.get $z i32.const -1 i32.xor local.set $z
    local.get $x local.set $u
    local.get $r local.get $t local.get $z i32.and i32.or local.set $r
    local.get $r local.get $s i32.add local.get $u i32.xor)
  ;; A copy right before a loop whose head is a copy: the loop head starts its own pair.
  (func (export "loop_head") (param $n i32) (param $x i32) (result i32)
    (local $a i32) (local $b i32) (local $c i32)
    local.get $x local.set $a
    loop
      local.get $a local.set $b
      local.get $b local.set $c
      local.get $c i32.const 3 i32.add local.set $a
      local.get $n i32.const -1 i32.add local.tee $n
      br_if 0
    end
    local.get $a local.get $c i32.mul)
  ;; Copying n words from p to q: two pointer steps, then the counter step and the loop branch
  ;; (i != n, and i != 64), one dispatch.
  (func (export "copy_words") (param $p i32) (param $q i32) (param $n i32) (local $i i32)
    loop
      local.get $q local.get $p i32.load i32.store
      local.get $p i32.const 4 i32.add local.set $p
      local.get $q i32.const 4 i32.add local.set $q
      local.get $i i32.const 1 i32.add local.tee $i
      local.get $n i32.ne br_if 0
    end)
  (func (export "copy_64_words") (param $p i32) (param $q i32) (local $i i32)
    loop
      local.get $q local.get $p i32.load i32.store
      local.get $p i32.const 4 i32.add local.set $p
      local.get $q i32.const 4 i32.add local.set $q
      local.get $i i32.const 1 i32.add local.tee $i
      i32.const 64 i32.ne br_if 0
    end)
  ;; A five-point stencil row as clang emits it: out[x] = 0.2 * (c_prev + n + c + w + s), x
  ;; running from -8 * count up to 0 (the arrays end at out and at row + 8192 + 8 * count).
  (func (export "stencil_row") (param $out i32) (param $row i32) (param $count i32)
    (local $x i32) (local $p i32) (local $c f64)
    i32.const 0 local.get $count i32.const 3 i32.shl i32.sub local.set $x
    loop
      local.get $out local.get $x i32.add i32.const 0 i32.add
      local.get $c
      local.get $row local.get $x i32.add local.tee $p
      i32.const 8176 i32.add f64.load
      f64.add
      local.get $p i32.const 8192 i32.add f64.load local.tee $c
      f64.add
      local.get $p i32.const 4088 i32.add f64.load
      f64.add
      local.get $p i32.const 12280 i32.add f64.load
      f64.add
      f64.const 0.2 f64.mul
      f64.store
      local.get $x i32.const 8 i32.add local.tee $x
      br_if 0
    end)
  ;; Hash mixing as clang emits it: the shift first, the value second (`(x >> 29) ^ x`); the
  ;; xor takes the shift as its computed operand. A subtraction (not commutative) does not.
  (func (export "mix64") (param $x i64) (result i64)
    local.get $x i64.const 29 i64.shr_u local.get $x i64.xor local.set $x
    local.get $x i64.const 17 i64.shl local.get $x i64.xor)
  (func (export "shift_sub") (param $x i32) (param $y i32) (result i32)
    local.get $x i32.const 3 i32.shl local.get $y i32.sub)
  ;; Pairs with a branch, a call or a return second: `if (x & 8)`, a constant-address load (a
  ;; global variable), `f(n - 1)`, `return a + b`.
  (func $callee (param i32) (result i32) local.get 0 i32.const 3 i32.mul)
  (func (export "pairs") (param $x i32) (param $n i32) (result i32) (local $r i32)
    block
      local.get $x i32.const 8 i32.and i32.eqz br_if 0
      i32.const 64 i32.load local.set $r
    end
    local.get $n i32.const -1 i32.add call $callee
    local.get $r i32.add)
  ;; fib's shape: a result initialised to 0 and a compare with a constant (Const32, then the
  ;; fused branch), call arguments copied into place (Copy -> Copy -> CallDirect), a sum and the
  ;; counter step before the loop branch (i32.add -> I32AddImm -> BrIf).
  (func $add2 (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)
  (func (export "calls_in_loop") (param $n i32) (param $k i32) (result i32) (local $r i32)
    i32.const 0 local.set $r
    block
      local.get $n i32.const 2 i32.lt_u br_if 0
      loop
        local.get $r
        local.get $n local.get $k call $add2
        i32.add local.set $r
        local.get $n i32.const -1 i32.add local.tee $n
        br_if 0
      end
    end
    local.get $r)
  ;; An indexed load `a[i]` (I32AddI32ShlImm -> I32Load), one with a byte offset `p[i]`
  ;; (i32.add -> I32Load), and `return x + C` (I32AddImm -> Return).
  (func (export "indexed") (param $a i32) (param $i i32) (param $p i32) (result i32)
    local.get $a local.get $i i32.const 2 i32.shl i32.add i32.load
    local.get $p local.get $i i32.add local.tee $p i32.load offset=4
    i32.xor local.set $i
    local.get $i i32.const 5 i32.add return)
  (func (export "load_f64") (param i32) (result f64) local.get 0 f64.load)
  (func (export "store_f64") (param i32 f64) local.get 0 local.get 1 f64.store)
  (func (export "load_i32") (param i32) (result i32) local.get 0 i32.load)
  (func (export "store_i32") (param i32 i32) local.get 0 local.get 1 i32.store))
)";

using test::Lowered;

class LongChains : public test::LoweredModule {
protected:
  void SetUp() override { load(kWat); }
  // stencil_row computed separately: the expected contents of out[-count .. -1].
  std::vector<double> stencil_expected(uint32_t row, uint32_t count) {
    std::vector<double> want;
    double c = 0;
    for (uint32_t k = 0; k < count; ++k) {
      uint32_t p = row - 8 * count + 8 * k;
      double v = c + f64_at(p + 8176);
      c = f64_at(p + 8192);
      v = v + c;
      v = v + f64_at(p + 4088);
      v = v + f64_at(p + 12280);
      want.push_back(v * 0.2);
    }
    return want;
  }
};

TEST_F(LongChains, CopyRunsShareOneDispatch) {
  Lowered l = lowered("rotate");
  ASSERT_GE(l.ops.size(), 6u);
  EXPECT_EQ(std::vector<IOp>(l.ops.begin(), l.ops.begin() + 6),
            (std::vector<IOp>{IOp::CopyThenCopyThenCopyThenCopy, IOp::CopyThenCopyThenCopy,
                              IOp::CopyThenCopy, IOp::Copy, IOp::I32Add, IOp::Copy}));
  // The copies run in order: e = d, d = c, c = b, b = a; then a = e + d, c = a.
  auto r = ok("rotate", {Value::make_i32(1), Value::make_i32(2), Value::make_i32(3),
                         Value::make_i32(4), Value::make_i32(5)});
  // a = 4 + 3 = 7, b = 1, c = 7, d = 3, e = 4.
  EXPECT_EQ(r[0].i32, 7u * 1000 + 1 * 100 + 7 * 10 + 3 + 4 * 10000);
}

TEST_F(LongChains, CopyPairsWithTheNextOp) {
  Lowered l = lowered("copy_then_ops");
  EXPECT_EQ(l.ops,
            (std::vector<IOp>{IOp::CopyThenI32RotlImm, IOp::I32RotlImm, IOp::CopyThenI32XorImm,
                              IOp::I32XorImm, IOp::CopyThenI32OrI32And, IOp::I32OrI32And,
                              IOp::I32Add, IOp::I32Xor, IOp::Return}));
  for (uint32_t x : {0u, 1u, 0x80000001u, 0xdeadbeefu}) {
    for (uint32_t y : {0u, 0x12345678u, 0xffffffffu}) {
      uint32_t z = 0x0f0f00ffu ^ x;
      uint32_t r = (y << 7) | (y >> 25);
      r = r | (y & ~z);
      uint32_t want = (r + x) ^ x;
      EXPECT_EQ(
          ok("copy_then_ops", {Value::make_i32(x), Value::make_i32(y), Value::make_i32(z)})[0].i32,
          want)
          << x << " " << y;
    }
  }
}

TEST_F(LongChains, LoopHeadStartsItsOwnPair) {
  Lowered l = lowered("loop_head");
  // The copy ahead of the loop, the loop head and the copy after it: the pairs are formed from
  // the end backwards, so the head gets its own pair (the back-edge runs it every iteration)
  // although the copy ahead of the loop also runs it (on entry only). A forward, greedy pass
  // took the head as the second of the entry copy's pair, and the head then ran alone.
  ASSERT_GE(l.ops.size(), 3u);
  EXPECT_EQ(
      std::vector<IOp>(l.ops.begin(), l.ops.begin() + 3),
      (std::vector<IOp>{IOp::CopyThenCopyThenCopy, IOp::CopyThenCopy, IOp::CopyThenI32AddImm}));
  // a = x + 3 * n, c = a - 3.
  EXPECT_EQ(ok("loop_head", {Value::make_i32(4), Value::make_i32(10)})[0].i32, 22u * 19u);
  EXPECT_EQ(ok("loop_head", {Value::make_i32(1), Value::make_i32(10)})[0].i32, 13u * 10u);
}

TEST_F(LongChains, CounterStepsChainIntoTheLoopBranch) {
  Lowered l = lowered("copy_words");
  EXPECT_EQ(l.ops, (std::vector<IOp>{IOp::I32Load, IOp::I32Store,
                                     IOp::I32AddImmThenI32AddImmThenIncBrIfI32Ne,
                                     IOp::I32AddImmThenIncBrIfI32Ne, IOp::IncBrIfI32Ne,
                                     IOp::BrIfI32Ne, IOp::Return}));
  for (uint32_t k = 0; k < 8; ++k)
    set_i32(1000 + 4 * k, 100 + k);
  ok("copy_words", {Value::make_i32(1000), Value::make_i32(2000), Value::make_i32(8)});
  for (uint32_t k = 0; k < 8; ++k)
    EXPECT_EQ(i32_at(2000 + 4 * k), 100 + k) << k;
  EXPECT_EQ(i32_at(2032), 0u);
  // The copy runs into the end of memory: the load of the third word traps, two words copied.
  set_i32(65528, 7);
  set_i32(65532, 8);
  auto r = call("copy_words", {Value::make_i32(65528), Value::make_i32(3000), Value::make_i32(5)});
  EXPECT_EQ(trap_offset(r), l.load_offsets[0]);
  EXPECT_EQ(i32_at(3000), 7u);
  EXPECT_EQ(i32_at(3004), 8u);
  EXPECT_EQ(i32_at(3008), 0u);

  l = lowered("copy_64_words");
  EXPECT_EQ(l.ops, (std::vector<IOp>{IOp::I32Load, IOp::I32Store,
                                     IOp::I32AddImmThenI32AddImmThenIncBrIfI32NeImm,
                                     IOp::I32AddImmThenIncBrIfI32NeImm, IOp::IncBrIfI32NeImm,
                                     IOp::BrIfI32NeImm, IOp::Return}));
  for (uint32_t k = 0; k < 65; ++k)
    set_i32(4000 + 4 * k, 7 * k + 1);
  ok("copy_64_words", {Value::make_i32(4000), Value::make_i32(5000)});
  for (uint32_t k = 0; k < 64; ++k)
    EXPECT_EQ(i32_at(5000 + 4 * k), 7 * k + 1) << k;
  EXPECT_EQ(i32_at(5256), 0u);
}

TEST_F(LongChains, CommutedComputedOperand) {
  EXPECT_EQ(lowered("mix64").ops,
            (std::vector<IOp>{IOp::I64XorI64ShrUImm, IOp::I64XorI64ShlImm, IOp::Return}));
  for (uint64_t x : {uint64_t{0}, uint64_t{1}, uint64_t{0x8000000000000001u},
                     uint64_t{0x0123456789abcdefu}, ~uint64_t{0}}) {
    uint64_t y = x ^ (x >> 29);
    uint64_t want = y ^ (y << 17);
    EXPECT_EQ(ok("mix64", {Value::make_i64(x)})[0].i64, want) << x;
  }
  EXPECT_EQ(lowered("shift_sub").ops, (std::vector<IOp>{IOp::I32ShlImm, IOp::I32Sub, IOp::Return}));
  EXPECT_EQ(ok("shift_sub", {Value::make_i32(5), Value::make_i32(1)})[0].i32, 39u);
}

TEST_F(LongChains, PairsEndingInABranchCallOrReturn) {
  Lowered l = lowered("pairs");
  EXPECT_EQ(l.ops,
            (std::vector<IOp>{IOp::I32AndImmThenBrUnless, IOp::BrUnless, IOp::Const32ThenI32Load,
                              IOp::I32Load, IOp::I32AddImmThenCallDirect, IOp::CallDirect,
                              IOp::I32AddThenReturn, IOp::Return}));
  set_i32(64, 1000);
  EXPECT_EQ(ok("pairs", {Value::make_i32(8), Value::make_i32(5)})[0].i32, 1012u);
  EXPECT_EQ(ok("pairs", {Value::make_i32(7), Value::make_i32(5)})[0].i32, 12u);
  EXPECT_EQ(ok("pairs", {Value::make_i32(0xf8), Value::make_i32(0)})[0].i32, 1000u + 0xfffffffdu);
}

TEST_F(LongChains, ConstantsCallArgumentsAndSums) {
  Lowered l = lowered("calls_in_loop");
  // Three argument copies (r too: pending operands are materialized before a call).
  EXPECT_EQ(l.ops, (std::vector<IOp>{IOp::Const32ThenBrIfI32LtUImm, IOp::BrIfI32LtUImm,
                                     IOp::CopyThenCopyThenCopyThenCallDirect,
                                     IOp::CopyThenCopyThenCallDirect, IOp::CopyThenCallDirect,
                                     IOp::CallDirect, IOp::I32AddThenIncBrIf, IOp::IncBrIf,
                                     IOp::BrIf, IOp::CopyThenReturn, IOp::Return}));
  // sum over n = N .. 1 of (n + k), for N >= 2; 0 below.
  EXPECT_EQ(ok("calls_in_loop", {Value::make_i32(10), Value::make_i32(3)})[0].i32, 55u + 30u);
  EXPECT_EQ(ok("calls_in_loop", {Value::make_i32(1), Value::make_i32(3)})[0].i32, 0u);
  EXPECT_EQ(ok("calls_in_loop", {Value::make_i32(2), Value::make_i32(0)})[0].i32, 3u);
}

TEST_F(LongChains, AddressThenLoad) {
  Lowered l = lowered("indexed");
  EXPECT_EQ(l.ops,
            (std::vector<IOp>{IOp::I32AddI32ShlImmThenI32Load, IOp::I32Load, IOp::I32AddThenI32Load,
                              IOp::I32Load, IOp::I32Xor, IOp::I32AddImmThenReturn, IOp::Return}));
  ASSERT_EQ(l.load_offsets.size(), 2u);
  set_i32(1000 + 4 * 3, 0x1234);
  set_i32(2000 + 3 + 4, 0xff00);
  EXPECT_EQ(
      ok("indexed", {Value::make_i32(1000), Value::make_i32(3), Value::make_i32(2000)})[0].i32,
      (0x1234u ^ 0xff00u) + 5);
  // a[i] past the end: the first load's offset; p + i + 4 past the end: the second's.
  auto r = call("indexed", {Value::make_i32(65532), Value::make_i32(1), Value::make_i32(0)});
  EXPECT_EQ(trap_offset(r), l.load_offsets[0]);
  r = call("indexed", {Value::make_i32(0), Value::make_i32(1), Value::make_i32(65530)});
  EXPECT_EQ(trap_offset(r), l.load_offsets[1]);
}

TEST_F(LongChains, StencilUpdateIsOneChain) {
  Lowered l = lowered("stencil_row");
  ASSERT_GE(l.ops.size(), 3u);
  // The loop body, after the setup of x: eight instructions, each the start of the chain of
  // those after it, then the counter step and the branch.
  std::vector<IOp> body(l.ops.begin() + 3, l.ops.end());
  EXPECT_EQ(
      body,
      (std::vector<IOp>{
          IOp::
              I32AddI32AddImmThenI32AddThenF64AddLoadThenF64LoadAddImmThenF64AddThenF64AddLoadThenF64AddLoadThenF64MulImmStoreThenIncBrIf,
          IOp::
              I32AddThenF64AddLoadThenF64LoadAddImmThenF64AddThenF64AddLoadThenF64AddLoadThenF64MulImmStoreThenIncBrIf,
          IOp::
              F64AddLoadThenF64LoadAddImmThenF64AddThenF64AddLoadThenF64AddLoadThenF64MulImmStoreThenIncBrIf,
          IOp::F64LoadAddImmThenF64AddThenF64AddLoadThenF64AddLoadThenF64MulImmStoreThenIncBrIf,
          IOp::F64AddThenF64AddLoadThenF64AddLoadThenF64MulImmStoreThenIncBrIf,
          IOp::F64AddLoadThenF64AddLoadThenF64MulImmStoreThenIncBrIf,
          IOp::F64AddLoadThenF64MulImmStoreThenIncBrIf, IOp::F64MulImmStoreThenIncBrIf,
          IOp::IncBrIf, IOp::BrIf, IOp::Return}));
  ASSERT_EQ(l.load_offsets.size(), 4u);
  ASSERT_EQ(l.store_offsets.size(), 1u);

  // row = 1000, count = 6: loads from 1000 - 48 + 4088 .. 1000 + 12280.
  const uint32_t row = 1000, count = 6, out = 30000;
  for (uint32_t a = row - 64 + 4088; a < row + 12288; a += 8)
    set_f64(a, 0.5 * (a % 97) - 3.25);
  std::vector<double> want = stencil_expected(row, count);
  ok("stencil_row", {Value::make_i32(out), Value::make_i32(row), Value::make_i32(count)});
  for (uint32_t k = 0; k < count; ++k)
    EXPECT_EQ(f64_at(out - 8 * count + 8 * k), want[k]) << k;

  // Traps inside the chain: the loads run in the order 8176, 8192, 4088, 12280 (offsets from
  // p = row + x). A load traps at its own offset, after the loads before it and before the
  // store. One iteration (x = -8, p = row - 8):
  auto run_row = [&](uint32_t o, uint32_t r, uint32_t n) {
    return call("stencil_row", {Value::make_i32(o), Value::make_i32(r), Value::make_i32(n)});
  };
  set_f64(39992, 1.0);
  // p + 8176 + 8 > 65536: the first load.
  EXPECT_EQ(trap_offset(run_row(40000, 65536 - 8176 - 7 + 8, 1)), l.load_offsets[0]);
  // p + 8176 fits, p + 8192 does not: the second.
  EXPECT_EQ(trap_offset(run_row(40000, 65536 - 8192 - 7 + 8, 1)), l.load_offsets[1]);
  EXPECT_EQ(f64_at(39992), 1.0);
  // Two iterations, the last load (12280) out of bounds in the second only: the first
  // iteration's store happened, the second's did not.
  set_f64(39984, 1.0);
  EXPECT_EQ(trap_offset(run_row(40000, 65536 - 12280 - 7 + 8, 2)), l.load_offsets[3]);
  EXPECT_NE(f64_at(39984), 1.0);
  EXPECT_EQ(f64_at(39992), 1.0);
  // The store traps in the second iteration (out - 8 = 65536), after the first one's store.
  set_f64(65528, 1.0);
  EXPECT_EQ(trap_offset(run_row(65544, row, 2)), l.store_offsets[0]);
  EXPECT_EQ(f64_at(65528), stencil_expected(row, 2)[0]);
  EXPECT_NE(f64_at(65528), 1.0);
}

} // namespace
} // namespace wasmcap

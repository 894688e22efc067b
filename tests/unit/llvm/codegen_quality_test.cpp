// What O2 makes of translated code, where speed depends on it (docs/llvm.md, "Code quality"): the
// stack check reads the stack pointer, not the frame address (which forces a frame pointer), and
// float results are quieted only after the identity constants that let LLVM fold an operation
// away, and a select between x and -x becomes an xor with a sign mask chosen once. Read through the
// optimized IR ($WASMCAP_LLVM_DUMP_IR), with the semantics checked too.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

#include "binary/decoder.h"
#include "compile_wat.h"
#include "runtime/instantiate.h"
#include "runtime/invoke.h"
#include "text/wat_parser.h"
#include "llvm/compile.h"

namespace wasmcap {
namespace {

using runtime::Value;

using test::compile_wat;

// Compiles `wat` with the optimized IR dumped to a scratch file, and returns that IR.
std::string optimized_ir(std::string_view wat, uint32_t checks = 0) {
  std::filesystem::path path = std::filesystem::temp_directory_path() /
                               ("wasmcap_codegen_quality_" + std::to_string(::getpid()) + ".ll");
  std::filesystem::remove(path);
  ::setenv("WASMCAP_LLVM_DUMP_IR", path.c_str(), 1);
  auto code = compile_wat(wat, checks);
  ::unsetenv("WASMCAP_LLVM_DUMP_IR");
  EXPECT_TRUE(code) << code.error().to_string();
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  std::filesystem::remove(path);
  return text.str();
}

// The body of `define ... @name(` in `ir`, up to its closing brace.
std::string function_ir(const std::string& ir, const std::string& name) {
  size_t at = ir.find("@" + name + "(");
  while (at != std::string::npos && ir.rfind("define", at) < ir.rfind('\n', at)) {
    at = ir.find("@" + name + "(", at + 1);
  }
  if (at == std::string::npos) return {};
  size_t end = ir.find("\n}", at);
  return ir.substr(at, end == std::string::npos ? std::string::npos : end - at);
}

TEST(LlvmCodegen, StackCheckReadsTheStackPointerNotTheFrameAddress) {
  std::string ir = optimized_ir(R"((module
    (func $f (export "f") (param i32) (result i32)
      (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))
        (else (i32.add (local.get 0) (call $f (i32.sub (local.get 0) (i32.const 1)))))))))");
  ASSERT_FALSE(ir.empty());
  EXPECT_NE(ir.find("llvm.stacksave"), std::string::npos);
  // llvm.frameaddress forces a frame pointer, one register fewer in every function.
  EXPECT_EQ(ir.find("llvm.frameaddress"), std::string::npos);
}

// A frame far larger than the runaway test's: 48 doubles live across the recursive call are
// spilled to the frame; the check still ends the recursion with the trap, not a crash.
TEST(LlvmCodegen, LargeFramesStillHitTheStackCheck) {
  std::string wat = "(module (func $r (export \"r\") (param f64) (result f64)";
  for (int i = 0; i < 48; ++i)
    wat += " (local f64)";
  for (int i = 1; i <= 48; ++i) {
    wat += " (local.set " + std::to_string(i) + " (f64.mul (local.get 0) (f64.const " +
           std::to_string(i + 2) + ")))";
  }
  wat += " (call $r (f64.add (local.get 0) (f64.const 3)))";
  for (int i = 1; i <= 48; ++i)
    wat += " (local.get " + std::to_string(i) + ") (f64.add)";
  wat += "))";
  runtime::Store store;
  auto code = compile_wat(wat);
  ASSERT_TRUE(code) << code.error().to_string();
  auto inst = runtime::instantiate(store, *code, {});
  ASSERT_TRUE(inst) << inst.error().to_string();
  auto r = runtime::invoke(store, (*inst)->exported_func("r"), {{Value::make_f64(1.0)}});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, support::ErrorKind::Exhaustion);
  EXPECT_EQ(r.error().message, "call stack exhausted");
}

constexpr std::string_view kFloatOps = R"((module
  (func (export "add_c") (param f64) (result f64) (f64.add (local.get 0) (f64.const 0.01)))
  (func (export "div_c") (param f64) (result f64) (f64.div (f64.const 0.001) (local.get 0)))
  (func (export "mul_c") (param f32) (result f32) (f32.mul (local.get 0) (f32.const 0.2)))
  (func (export "mul_1") (param f64) (result f64) (f64.mul (local.get 0) (f64.const 1)))
  (func (export "div_m1") (param f64) (result f64) (f64.div (local.get 0) (f64.const -1)))
  (func (export "sub_0") (param f64) (result f64) (f64.sub (local.get 0) (f64.const 0)))
  (func (export "add_m0") (param f32) (result f32) (f32.add (local.get 0) (f32.const -0)))
  (func (export "neg_sub") (param f64) (result f64) (f64.sub (f64.const -0) (local.get 0)))
  (func (export "mul_nan") (param f64) (result f64) (f64.mul (f64.const nan:0x4) (local.get 0))))
)";

// Exports 0-2 multiply or add by constants no fold can remove: no quieting select (an unordered
// compare) is left in their code. The identity constants (3-7) keep it; a NaN constant (8) folds
// the whole operation to a quiet NaN, checked by value below.
TEST(LlvmCodegen, QuietsOnlyAfterIdentityConstants) {
  std::string ir = optimized_ir(kFloatOps);
  ASSERT_FALSE(ir.empty());
  for (int f = 0; f < 8; ++f) {
    std::string body = function_ir(ir, "w" + std::to_string(f));
    ASSERT_FALSE(body.empty()) << "w" << f;
    bool quieted = body.find("fcmp uno") != std::string::npos;
    EXPECT_EQ(quieted, f >= 3) << "w" << f << ":\n" << body;
  }
}

uint64_t bits_of(double d) {
  return Value::make_f64(d).f64_bits;
}

// A signalling NaN through every operation gives a quiet NaN; numbers give IEEE results.
TEST(LlvmCodegen, FloatResultsWithAndWithoutQuieting) {
  runtime::Store store;
  auto code = compile_wat(kFloatOps);
  ASSERT_TRUE(code) << code.error().to_string();
  auto inst = runtime::instantiate(store, *code, {});
  ASSERT_TRUE(inst) << inst.error().to_string();
  const uint64_t snan64 = 0x7ff0000000000001ull;
  const uint32_t snan32 = 0x7f800001u;
  for (const char* name : {"add_c", "div_c", "mul_1", "div_m1", "sub_0", "neg_sub", "mul_nan"}) {
    auto r = runtime::invoke(store, (*inst)->exported_func(name), {{Value::make_f64_bits(snan64)}});
    ASSERT_TRUE(r) << name << ": " << r.error().to_string();
    uint64_t bits = (*r)[0].f64_bits;
    EXPECT_TRUE(std::isnan((*r)[0].f64())) << name;
    EXPECT_NE(bits & (1ull << 51), 0u) << name << " returned a signalling NaN";
  }
  for (const char* name : {"mul_c", "add_m0"}) {
    auto r = runtime::invoke(store, (*inst)->exported_func(name), {{Value::make_f32_bits(snan32)}});
    ASSERT_TRUE(r) << name << ": " << r.error().to_string();
    uint32_t bits = (*r)[0].f32_bits;
    EXPECT_EQ(bits & 0x7f800000u, 0x7f800000u) << name;
    EXPECT_NE(bits & (1u << 22), 0u) << name << " returned a signalling NaN";
  }
  auto r = runtime::invoke(store, (*inst)->exported_func("add_c"), {{Value::make_f64(2.0)}});
  ASSERT_TRUE(r);
  EXPECT_EQ((*r)[0].f64_bits, bits_of(2.0 + 0.01));
  r = runtime::invoke(store, (*inst)->exported_func("div_c"), {{Value::make_f64(4.0)}});
  ASSERT_TRUE(r);
  EXPECT_EQ((*r)[0].f64_bits, bits_of(0.001 / 4.0));
  r = runtime::invoke(store, (*inst)->exported_func("neg_sub"), {{Value::make_f64(0.0)}});
  ASSERT_TRUE(r);
  EXPECT_EQ((*r)[0].f64_bits, bits_of(-0.0));
}

// `select(-x, x, c)` and `select(x, -x, c)` (C's `sign * x` with sign = +-1.0, as in fft.c), in
// straight code and in a loop over memory whose condition is loop-invariant.
constexpr std::string_view kSignSelects = R"((module
  (memory 1)
  (func (export "neg_if") (param f64 i32) (result f64)
    (select (f64.neg (local.get 0)) (local.get 0) (local.get 1)))
  (func (export "neg_unless") (param f32 i32) (result f32)
    (select (local.get 0) (f32.neg (local.get 0)) (local.get 1)))
  (func (export "scale") (param $n i32) (param $inverse i32) (result f64)
    (local $i i32) (local $x f64) (local $sum f64)
    (loop $next
      (local.set $x (f64.load (i32.shl (local.get $i) (i32.const 3))))
      (local.set $sum (f64.add (local.get $sum) (f64.mul (f64.const 3)
        (select (f64.neg (local.get $x)) (local.get $x) (local.get $inverse)))))
      (br_if $next (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1)))
                             (local.get $n))))
    (local.get $sum))
  (func (export "store") (param i32 f64) (f64.store (local.get 0) (local.get 1))))
)";

TEST(LlvmCodegen, SignSelectsBecomeAnXorWithAMaskChosenOnce) {
  std::string ir = optimized_ir(kSignSelects);
  ASSERT_FALSE(ir.empty());
  for (int f = 0; f < 3; ++f) {
    std::string body = function_ir(ir, "w" + std::to_string(f));
    ASSERT_FALSE(body.empty()) << "w" << f;
    EXPECT_EQ(body.find("fneg"), std::string::npos) << "w" << f << ":\n" << body;
    EXPECT_NE(body.find("sign.mask"), std::string::npos) << "w" << f << ":\n" << body;
    EXPECT_NE(body.find("xor i"), std::string::npos) << "w" << f << ":\n" << body;
  }
  // In the loop the mask is chosen before the loop's header.
  std::string loop = function_ir(ir, "w2");
  EXPECT_LT(loop.find("sign.mask"), loop.find("\nloop:")) << loop;
}

// Bit-exact: only the sign bit changes, for numbers, zeros, infinities and NaN payloads alike.
TEST(LlvmCodegen, SignSelectsFlipOnlyTheSignBit) {
  runtime::Store store;
  auto code = compile_wat(kSignSelects);
  ASSERT_TRUE(code) << code.error().to_string();
  auto inst = runtime::instantiate(store, *code, {});
  ASSERT_TRUE(inst) << inst.error().to_string();
  const uint64_t sign64 = 1ull << 63;
  for (uint64_t bits : {bits_of(1.5), bits_of(-0.0), bits_of(0.0), uint64_t{0x7ff0000000000000},
                        uint64_t{0x7ff0000000000001}, uint64_t{0xfff8000000000123}}) {
    for (int32_t c : {0, 1, -7}) {
      auto r = runtime::invoke(
          store, (*inst)->exported_func("neg_if"),
          {{Value::make_f64_bits(bits), Value::make_i32(static_cast<uint32_t>(c))}});
      ASSERT_TRUE(r) << r.error().to_string();
      EXPECT_EQ((*r)[0].f64_bits, c != 0 ? bits ^ sign64 : bits) << std::hex << bits << " " << c;
    }
  }
  for (uint32_t bits : {0x3fc00000u, 0x80000000u, 0x7f800001u, 0xffc00042u}) {
    for (int32_t c : {0, 1}) {
      auto r = runtime::invoke(
          store, (*inst)->exported_func("neg_unless"),
          {{Value::make_f32_bits(bits), Value::make_i32(static_cast<uint32_t>(c))}});
      ASSERT_TRUE(r) << r.error().to_string();
      EXPECT_EQ((*r)[0].f32_bits, c != 0 ? bits : bits ^ 0x80000000u) << std::hex << bits;
    }
  }
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(runtime::invoke(store, (*inst)->exported_func("store"),
                                {{Value::make_i32(8 * i), Value::make_f64(i + 0.5)}}));
  }
  for (int32_t inverse : {0, 1}) {
    auto r = runtime::invoke(store, (*inst)->exported_func("scale"),
                             {{Value::make_i32(4), Value::make_i32(inverse)}});
    ASSERT_TRUE(r) << r.error().to_string();
    EXPECT_EQ((*r)[0].f64(), inverse != 0 ? -24.0 : 24.0);
  }
}

} // namespace
} // namespace wasmcap

namespace wasmcap {
namespace {

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
    ++n;
  return n;
}

// Interruption checks (docs/llvm.md, "Interruption and fuel"): none without the flag; with it the
// entry's stack check reads the trigger (one atomic load, no call of its own on the hot path),
// a loop header gets its check after O2 (LoopCheckPass) unless the loop is counted (its trip
// count known when it starts), and a loop that calls a function of the module first gets none
// (the callee's entry checks).
TEST(LlvmCodegen, InterruptChecksAtEntriesAndLoopHeaders) {
  constexpr const char* kWat = R"((module
    (func $leaf (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
    (func (export "count") (param i32) (result i32)
      (loop (br_if 0 (local.tee 0 (i32.sub (local.get 0) (i32.const 1))))) (local.get 0))
    (func (export "calls") (param i32) (result i32)
      (loop (local.set 0 (call $leaf (local.get 0))) (br_if 0 (local.get 0))) (local.get 0))
    (func (export "uncounted") (param i32) (result i32)
      (loop
        (local.set 0 (i32.add (i32.mul (local.get 0) (local.get 0)) (i32.const 1)))
        (br_if 0 (i32.ne (local.get 0) (i32.const 7))))
      (local.get 0)))
  )";
  const std::string none = optimized_ir(kWat);
  EXPECT_EQ(count(none, "load atomic"), 0u);
  EXPECT_EQ(count(none, "wasmcap_jit_interrupt("), 0u);
  const std::string ir = optimized_ir(kWat, llvm_tier::kCheckInterrupt);
  const std::string leaf = function_ir(ir, "w0");
  const std::string counted = function_ir(ir, "w1");
  const std::string calls = function_ir(ir, "w2");
  const std::string uncounted = function_ir(ir, "w3");
  EXPECT_EQ(count(leaf, "load atomic i64"), 1u) << leaf; // the stack check's trigger
  EXPECT_EQ(count(leaf, "@wasmcap_jit_entry_check("), 1u) << leaf;
  // A counted loop ends by itself: the entry's check only.
  EXPECT_EQ(count(counted, "load atomic i64"), 1u) << counted;
  EXPECT_EQ(count(counted, "@wasmcap_jit_interrupt("), 0u) << counted;
  // The entry's, then the header's (at most one per block, however O2 unrolled the loop).
  EXPECT_GE(count(uncounted, "load atomic i64"), 2u) << uncounted;
  EXPECT_GE(count(uncounted, "preserve_mostcc void @wasmcap_jit_interrupt("), 1u) << uncounted;
  EXPECT_LE(count(uncounted, "preserve_mostcc void @wasmcap_jit_interrupt("), 2u) << uncounted;
  EXPECT_EQ(count(calls, "load atomic i64"), 1u) << calls; // entry only
  EXPECT_EQ(count(calls, "@wasmcap_jit_interrupt("), 0u) << calls;
  EXPECT_EQ(count(ir, "llvm.sideeffect"), 0u); // every placeholder expanded
}

// A branch hint becomes `!prof` branch weights that survive O2: likely 2000:1 for the taken side
// (br_if's jump, if's then-arm), unlikely the reverse; unhinted branches get none of their own.
TEST(LlvmCodegen, BranchHintsBecomeBranchWeights) {
  const char* wat = R"((module
    (import "m" "cold" (func $cold))
    (func (export "hinted") (param i32) (result i32)
      (block
        (@metadata.code.branch_hint "\00")
        (br_if 0 (i32.eqz (local.get 0)))
        (call $cold))
      (@metadata.code.branch_hint "\01")
      (if (result i32) (i32.gt_s (local.get 0) (i32.const 10))
        (then (call $cold) (i32.const 1))
        (else (i32.const 2))))
    (func (export "plain") (param i32) (result i32)
      (if (result i32) (i32.gt_s (local.get 0) (i32.const 10))
        (then (call $cold) (i32.const 1))
        (else (i32.const 2))))))";
  std::string ir = optimized_ir(wat);
  ASSERT_FALSE(ir.empty());
  // The unlikely br_if keeps its weights as written (O2 rescales the likely if's, merged into
  // the return block: its then-side still weighs more).
  EXPECT_NE(ir.find("!{!\"branch_weights\", i32 1, i32 2000}"), std::string::npos) << ir;
  const std::string plain = function_ir(ir, "w2");
  const std::string hinted = function_ir(ir, "w1");
  ASSERT_FALSE(plain.empty()) << ir;
  ASSERT_FALSE(hinted.empty()) << ir;
  auto weighted_branches = [](const std::string& body) {
    size_t n = 0;
    for (size_t at = body.find(", !prof"); at != std::string::npos;
         at = body.find(", !prof", at + 1))
      ++n;
    return n;
  };
  // Both have the stack check's (cold trap); the hinted one has its two hints besides.
  EXPECT_EQ(weighted_branches(hinted), weighted_branches(plain) + 2) << ir;
}

} // namespace
} // namespace wasmcap

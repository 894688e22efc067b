// AOT unit tests: a module precompiled to a .cwasm image and loaded by the host's object loader
// computes and traps as under the JIT; every damaged, truncated or foreign image is refused with
// its reason and never crashes (including thousands of mutated ELF objects); hash128 basics.
// Both code shapes: guard pages (an out-of-bounds access faults in loaded code and the handler
// names the function) and explicit checks; guarded code whose engine forbids guard pages runs on
// the explicit-check variant.
#include <gtest/gtest.h>

#include <random>
#include <string_view>
#include <vector>

#include "binary/decoder.h"
#include "runtime/instantiate.h"
#include "runtime/invoke.h"
#include "support/hash.h"
#include "text/wat_parser.h"
#include "llvm/aot.h"
#include "llvm/cpu_features.h"
#include "llvm/cwasm_format.h"
#include "llvm/jit_module.h"
#include "llvm/object_loader.h"

namespace wasmcap {
namespace {

using runtime::Value;

constexpr std::string_view kModule = R"((module
  (memory 1)
  (global $g (mut i32) (i32.const 5))
  (table 2 funcref)
  (elem (i32.const 0) $sq $cube)
  (type $un (func (param i32) (result i32)))
  (func $sq (param i32) (result i32) (i32.mul (local.get 0) (local.get 0)))
  (func $cube (param i32) (result i32) (i32.mul (local.get 0) (call $sq (local.get 0))))
  (func (export "pick") (param i32 i32) (result i32)
    (call_indirect (type $un) (local.get 1) (local.get 0)))
  (func (export "fsum") (param f64 f64) (result f64)
    (f64.add (f64.floor (local.get 0)) (f64.sqrt (local.get 1))))
  (func (export "mem") (param i32) (result i32)
    (i32.store (local.get 0) (global.get $g))
    (global.set $g (i32.add (global.get $g) (i32.const 1)))
    (i32.load (local.get 0)))
  (func (export "fill") (param i32) (result i32)
    (memory.fill (i32.const 0) (i32.const 7) (local.get 0))
    (i32.load8_u (i32.const 3)))
  (func (export "sw") (param i32) (result i32)
    (block (block (block (br_table 0 1 2 (local.get 0))) (return (i32.const 10)))
      (return (i32.const 20)))
    (i32.const 30))
  (func (export "div") (param i32 i32) (result i32) (i32.div_u (local.get 0) (local.get 1))))
)";

std::vector<uint8_t> precompile_wat(std::string_view wat, bool guard_pages = false) {
  auto bytes = text::parse_wat(wat);
  EXPECT_TRUE(bytes) << bytes.error().to_string();
  auto module = binary::decode_module(*bytes);
  EXPECT_TRUE(module) << module.error().to_string();
  auto image = llvm_tier::precompile(*module, validate::Features{}, guard_pages);
  EXPECT_TRUE(image) << image.error().to_string();
  return image ? *image : std::vector<uint8_t>{};
}

std::string refusal(std::span<const uint8_t> image) {
  auto loaded = llvm_tier::load_precompiled(image, validate::Features{}, true);
  return loaded ? std::string("accepted") : loaded.error().message;
}

// Runs kModule's exports on a loaded image: results, and each trap with its message.
void check_round_trip(const std::vector<uint8_t>& image, bool guard_pages_allowed,
                      const char* strategy) {
  ASSERT_FALSE(image.empty());
  auto loaded = llvm_tier::load_precompiled(image, validate::Features{}, guard_pages_allowed);
  ASSERT_TRUE(loaded) << loaded.error().to_string();
  runtime::Store store;
  auto inst = runtime::instantiate(store, loaded->code, {});
  ASSERT_TRUE(inst) << inst.error().to_string();
  EXPECT_EQ((*inst)->code->memory_strategy(**inst), strategy);
  auto call = [&](const char* name, std::vector<Value> args) {
    return runtime::invoke(store, (*inst)->exported_func(name), args);
  };
  auto r = call("pick", {Value::make_i32(1), Value::make_i32(3)});
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ((*r)[0].i32, 27u);
  r = call("fsum", {Value::make_f64(2.75), Value::make_f64(16.0)});
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ((*r)[0].f64(), 6.0);
  r = call("mem", {Value::make_i32(100)});
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ((*r)[0].i32, 5u);
  r = call("mem", {Value::make_i32(100)});
  EXPECT_EQ((*r)[0].i32, 6u);
  r = call("fill", {Value::make_i32(1000)});
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ((*r)[0].i32, 7u);
  for (uint32_t i = 0; i < 4; ++i) {
    r = call("sw", {Value::make_i32(i)});
    ASSERT_TRUE(r) << r.error().to_string();
    EXPECT_EQ((*r)[0].i32, i == 0 ? 10u : i == 1 ? 20u : 30u);
  }
  r = call("div", {Value::make_i32(1), Value::make_i32(0)});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "integer divide by zero");
  ASSERT_EQ(r.error().backtrace.size(), 1u);
  EXPECT_EQ(r.error().backtrace[0].func_index, 7u);
  for (int i = 0; i < 2; ++i) { // twice: the signal mask is restored after a guard-page trap
    r = call("mem", {Value::make_i32(65534)});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message, "out of bounds memory access");
    ASSERT_FALSE(r.error().backtrace.empty());
    EXPECT_EQ(r.error().backtrace[0].func_index, 4u); // named from the pc in loaded code
  }
  r = call("pick", {Value::make_i32(2), Value::make_i32(1)}); // table index 2 of 2
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "undefined element");
}

TEST(Aot, RoundTripComputesAndTraps) {
  check_round_trip(precompile_wat(kModule), true,
                   "explicit bounds checks (precompiled without guard pages)");
}

TEST(Aot, GuardPagesRoundTripFaultsInLoadedCode) {
  const std::vector<uint8_t> image = precompile_wat(kModule, /*guard_pages=*/true);
  auto parsed = llvm_tier::parse_cwasm(image);
  ASSERT_TRUE(parsed) << parsed.error().to_string();
  EXPECT_EQ(parsed->flags, llvm_tier::kCwasmGuardPages);
  auto loaded = llvm_tier::load_precompiled(image, validate::Features{}, true);
  ASSERT_TRUE(loaded) << loaded.error().to_string();
  const auto& jit = static_cast<const llvm_tier::JitModule&>(*loaded->code);
  EXPECT_TRUE(jit.guard_pages());
  EXPECT_TRUE(jit.wants_guard_pages());
  check_round_trip(image, true, "guard pages (8 GiB reserved)");
}

// WASMCAP_GUARD_PAGES=0 or Config::guard_pages off with a file compiled for guard pages: the
// module's memory gets none and the instance runs on the explicit-check variant (compiled with
// the plugin), so out-of-bounds accesses still trap.
TEST(Aot, GuardedImageWithoutGuardPagesUsesTheExplicitVariant) {
  const std::vector<uint8_t> image = precompile_wat(kModule, /*guard_pages=*/true);
  auto loaded = llvm_tier::load_precompiled(image, validate::Features{}, false);
  ASSERT_TRUE(loaded) << loaded.error().to_string();
  EXPECT_FALSE(loaded->code->wants_guard_pages());
  check_round_trip(image, false, "explicit bounds checks (guard pages disabled)");
}

TEST(Aot, CodeIdentityNamesGuardPages) {
  EXPECT_NE(llvm_tier::code_identity(validate::Features{}, true),
            llvm_tier::code_identity(validate::Features{}, false));
}

// The code cache keeps code with each set of checks apart (docs/llvm.md, "Interruption and fuel").
TEST(Aot, CodeIdentityNamesTheChecks) {
  const validate::Features f;
  const std::string none = llvm_tier::code_identity(f, true, 0);
  const std::string interrupt = llvm_tier::code_identity(f, true, llvm_tier::kCheckInterrupt);
  const std::string fuel = llvm_tier::code_identity(f, true, llvm_tier::kCheckFuel);
  EXPECT_NE(none, interrupt);
  EXPECT_NE(none, fuel);
  EXPECT_NE(interrupt, fuel);
}

// A .cwasm runs where its checks cover the engine's needs, and says how to recompile otherwise.
TEST(Aot, ChecksMustCoverTheEnginesNeeds) {
  using llvm_tier::checks_cover;
  using llvm_tier::kCheckFuel;
  using llvm_tier::kCheckInterrupt;
  EXPECT_TRUE(checks_cover(0, 0));
  EXPECT_TRUE(checks_cover(kCheckInterrupt, 0));
  EXPECT_TRUE(checks_cover(kCheckFuel, kCheckInterrupt)); // refuel also polls
  EXPECT_FALSE(checks_cover(0, kCheckInterrupt));
  EXPECT_FALSE(checks_cover(kCheckInterrupt, kCheckFuel));
  auto module = binary::decode_module(*text::parse_wat(kModule));
  ASSERT_TRUE(module);
  auto image = llvm_tier::precompile(*module, validate::Features{}, true, kCheckInterrupt);
  ASSERT_TRUE(image) << image.error().to_string();
  auto refused = llvm_tier::load_precompiled(*image, validate::Features{}, true, kCheckFuel);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, support::ErrorKind::Usage);
  EXPECT_NE(refused.error().message.find("--checks fuel"), std::string::npos);
  auto loaded = llvm_tier::load_precompiled(*image, validate::Features{}, true, kCheckInterrupt);
  ASSERT_TRUE(loaded) << loaded.error().to_string();
  EXPECT_EQ(loaded->code->checks().rfind("interruption", 0), 0u);
}

TEST(Aot, EveryTruncationIsRefused) {
  const std::vector<uint8_t> image = precompile_wat(kModule);
  ASSERT_FALSE(image.empty());
  for (size_t n = 0; n < image.size(); ++n) {
    const std::string why = refusal(std::span<const uint8_t>(image.data(), n));
    ASSERT_NE(why, "accepted") << n;
    if (n >= 12) EXPECT_NE(why.find("truncated"), std::string::npos) << n << ": " << why;
  }
}

TEST(Aot, DamagedOrForeignImagesNameTheReason) {
  const std::vector<uint8_t> image = precompile_wat(kModule);
  ASSERT_FALSE(image.empty());
  std::vector<uint8_t> bad = image;
  bad[bad.size() / 2] ^= 0x40;
  EXPECT_EQ(refusal(bad), "corrupted precompiled module (checksum mismatch)");
  bad = image;
  bad[8] = 9; // the format version
  EXPECT_EQ(refusal(bad).rfind("precompiled module format version 9, this wasmcap reads version " +
                                   std::to_string(llvm_tier::kCwasmFormatVersion),
                               0),
            0u);
  bad = image;
  bad[1] = 'x';
  EXPECT_EQ(refusal(bad), "not a precompiled wasmcap module (bad magic number)");
  bad = image;
  bad.push_back(0);
  EXPECT_EQ(refusal(bad), "precompiled module has trailing bytes after its end");

  // Header fields rewritten with a valid checksum: each mismatch has its own message.
  auto parsed = llvm_tier::parse_cwasm(image);
  ASSERT_TRUE(parsed) << parsed.error().to_string();
  auto rewritten = [&](auto edit) {
    llvm_tier::CwasmFile f = *parsed;
    edit(f);
    return refusal(llvm_tier::write_cwasm(f));
  };
  EXPECT_EQ(rewritten([](auto&) {}), "accepted");
  EXPECT_NE(rewritten([](auto& f) {
              f.wasmcap_version = "0.0.1";
            }).find("precompiled by wasmcap 0.0.1, this is wasmcap"),
            std::string::npos);
  EXPECT_NE(rewritten([](auto& f) {
              f.llvm_version = "3.4";
            }).find("precompiled with LLVM 3.4, this wasmcap uses LLVM"),
            std::string::npos);
  EXPECT_NE(rewritten([](auto& f) { f.layout_fingerprint ^= 1; }).find("runtime layout"),
            std::string::npos);
  EXPECT_EQ(rewritten([](auto& f) { f.triple = "aarch64-unknown-linux-gnu"; }),
            "precompiled for aarch64-unknown-linux-gnu, this host is x86_64");
  EXPECT_EQ(rewritten([](auto& f) { f.wasm_hash.lo ^= 1; }),
            "precompiled module's wasm bytes do not match their recorded hash");
  EXPECT_NE(rewritten([](auto& f) { f.feature_bits |= 1u << 30; }).find("wasm features"),
            std::string::npos);
  EXPECT_EQ(rewritten([](auto& f) { f.flags |= 1u << 7; }),
            "precompiled module has unknown flags (made by a newer wasmcap?)");
  // A CPU feature this CPU lacks (if it lacks any we can name).
  for (const char* feature :
       {"avx512fp16", "fma4", "xop", "sse4a", "avx512vp2intersect", "avx512f", "avx2", "avxvnni"}) {
    const std::string plus = std::string("+") + feature;
    if (!llvm_tier::missing_cpu_feature(plus)) continue;
    EXPECT_EQ(rewritten([&](auto& f) {
                f.cpu_features = "+sse2,-avx512f," + plus;
                f.cpu = "future";
              }),
              "precompiled for a CPU with " + std::string(feature) +
                  " (future), this CPU lacks it");
    break;
  }
  EXPECT_FALSE(llvm_tier::missing_cpu_feature("+sse2,-fma4,-xop,+not-a-known-feature"));
}

void* no_symbol(std::string_view) {
  return nullptr;
}

TEST(Aot, ObjectLoaderSurvivesMutatedObjects) {
  const std::vector<uint8_t> image = precompile_wat(kModule);
  auto parsed = llvm_tier::parse_cwasm(image);
  ASSERT_TRUE(parsed) << parsed.error().to_string();
  const std::vector<uint8_t> object(parsed->object.begin(), parsed->object.end());
  auto helpers = [](std::string_view name) -> void* {
    static int dummy;
    return name.starts_with("wasmcap_jit_") ? &dummy : nullptr;
  };
  auto ignore = [](std::string_view, void*) {};
  auto ok = llvm_tier::LoadedObject::load(object, helpers, ignore);
  ASSERT_TRUE(ok) << ok.error().to_string();
  // Unresolvable helpers are an error naming the symbol.
  auto missing = llvm_tier::LoadedObject::load(object, &no_symbol, ignore);
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("undefined symbol wasmcap_jit_"), std::string::npos);
  for (size_t n = 0; n < object.size(); n += 7) {
    auto r =
        llvm_tier::LoadedObject::load(std::span<const uint8_t>(object.data(), n), helpers, ignore);
    EXPECT_FALSE(r) << n; // every prefix lacks the section headers at the end
  }
  // Random byte changes, biased to the headers and tables the loader interprets: loading may
  // succeed (the code itself is not run) or fail, but it must never crash.
  std::mt19937_64 rng(12345);
  size_t failures = 0;
  for (int round = 0; round < 3000; ++round) {
    std::vector<uint8_t> bad = object;
    const int flips = 1 + static_cast<int>(rng() % 4);
    for (int k = 0; k < flips; ++k) {
      const size_t at = (rng() % 2 == 0)
                            ? rng() % std::min<size_t>(bad.size(), 64)
                            : bad.size() - 1 - rng() % std::min<size_t>(bad.size(), 2048);
      bad[at] = static_cast<uint8_t>(rng());
    }
    if (!llvm_tier::LoadedObject::load(bad, helpers, ignore)) ++failures;
  }
  EXPECT_GT(failures, 0u);
}

TEST(Aot, Hash128) {
  const std::vector<uint8_t> a = {1, 2, 3};
  std::vector<uint8_t> b = {1, 2, 3, 0};
  EXPECT_EQ(support::hash128(a), support::hash128(a));
  EXPECT_NE(support::hash128(a), support::hash128(b)); // the length counts
  EXPECT_NE(support::hash128(a), support::hash128(a, 1));
  std::vector<uint8_t> big(1000, 0x5a), big2 = big;
  big2[517] ^= 1;
  EXPECT_NE(support::hash128(big), support::hash128(big2));
  EXPECT_EQ(support::to_hex(support::Hash128{1, 2}), "00000000000000020000000000000001");
}

} // namespace
} // namespace wasmcap

// CPU feature checks for precompiled code, by LLVM's feature names, through the compiler's
// __builtin_cpu_supports (which shares most of those names), and CPUID for the cache's key.
#include "llvm/cpu_features.h"

#include <cpuid.h>

#include <cstdint>
#include <cstdio>

namespace wasmcap::llvm_tier {

namespace {

struct Feature {
  const char* name; // LLVM's spelling
  bool present;
};

// __builtin_cpu_supports needs a literal: one table entry per name.
#define WASMCAP_FEATURE(n) Feature{n, __builtin_cpu_supports(n) != 0}

const Feature* features(size_t& count) {
  static const Feature kTable[] = {
      WASMCAP_FEATURE("cmov"),
      WASMCAP_FEATURE("mmx"),
      WASMCAP_FEATURE("popcnt"),
      WASMCAP_FEATURE("sse"),
      WASMCAP_FEATURE("sse2"),
      WASMCAP_FEATURE("sse3"),
      WASMCAP_FEATURE("ssse3"),
      WASMCAP_FEATURE("sse4.1"),
      WASMCAP_FEATURE("sse4.2"),
      WASMCAP_FEATURE("avx"),
      WASMCAP_FEATURE("avx2"),
      WASMCAP_FEATURE("sse4a"),
      WASMCAP_FEATURE("fma4"),
      WASMCAP_FEATURE("xop"),
      WASMCAP_FEATURE("fma"),
      WASMCAP_FEATURE("bmi"),
      WASMCAP_FEATURE("bmi2"),
      WASMCAP_FEATURE("aes"),
      WASMCAP_FEATURE("pclmul"),
      WASMCAP_FEATURE("avx512f"),
      WASMCAP_FEATURE("avx512vl"),
      WASMCAP_FEATURE("avx512bw"),
      WASMCAP_FEATURE("avx512dq"),
      WASMCAP_FEATURE("avx512cd"),
      WASMCAP_FEATURE("avx512vbmi"),
      WASMCAP_FEATURE("avx512ifma"),
      WASMCAP_FEATURE("avx512vpopcntdq"),
      WASMCAP_FEATURE("avx512vbmi2"),
      WASMCAP_FEATURE("gfni"),
      WASMCAP_FEATURE("vpclmulqdq"),
      WASMCAP_FEATURE("avx512vnni"),
      WASMCAP_FEATURE("avx512bitalg"),
      WASMCAP_FEATURE("avx512bf16"),
      WASMCAP_FEATURE("avx512fp16"),
      WASMCAP_FEATURE("avx512vp2intersect"),
      WASMCAP_FEATURE("adx"),
      WASMCAP_FEATURE("movbe"),
      WASMCAP_FEATURE("lzcnt"),
      WASMCAP_FEATURE("f16c"),
      WASMCAP_FEATURE("sha"),
      WASMCAP_FEATURE("vaes"),
      WASMCAP_FEATURE("avxvnni"),
      WASMCAP_FEATURE("cx16"),
      WASMCAP_FEATURE("xsave"),
      WASMCAP_FEATURE("rdrnd"),
      WASMCAP_FEATURE("rdseed"),
      WASMCAP_FEATURE("prfchw"),
      WASMCAP_FEATURE("fsgsbase"),
      WASMCAP_FEATURE("clflushopt"),
      WASMCAP_FEATURE("clwb"),
      WASMCAP_FEATURE("xsaveopt"),
      WASMCAP_FEATURE("xsavec"),
      WASMCAP_FEATURE("xsaves"),
  };
  count = sizeof kTable / sizeof kTable[0];
  return kTable;
}

#undef WASMCAP_FEATURE

} // namespace

std::optional<std::string> missing_cpu_feature(std::string_view list) {
  size_t count = 0;
  const Feature* table = features(count);
  while (!list.empty()) {
    const size_t comma = list.find(',');
    std::string_view item = list.substr(0, comma);
    list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
    if (item.size() < 2 || item[0] != '+') continue;
    item.remove_prefix(1);
    for (size_t i = 0; i < count; ++i) {
      if (item == table[i].name && !table[i].present) return std::string(item);
    }
  }
  return std::nullopt;
}

std::string cpu_identity() {
  unsigned regs[4][4] = {};
  __get_cpuid(0, &regs[0][0], &regs[0][1], &regs[0][2], &regs[0][3]);
  __get_cpuid(1, &regs[1][0], &regs[1][1], &regs[1][2], &regs[1][3]);
  __get_cpuid_count(7, 0, &regs[2][0], &regs[2][1], &regs[2][2], &regs[2][3]);
  __get_cpuid_count(7, 1, &regs[3][0], &regs[3][1], &regs[3][2], &regs[3][3]);
  regs[1][1] &= 0x00ffffffu; // leaf 1 EBX bits 24-31: the APIC id of the core we ran on
  std::string out;
  char word[12];
  for (const auto& leaf : regs) {
    for (unsigned r : leaf) {
      std::snprintf(word, sizeof word, "%08x.", r);
      out += word;
    }
  }
  return out;
}

} // namespace wasmcap::llvm_tier

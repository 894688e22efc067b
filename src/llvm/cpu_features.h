// What this CPU can run, without LLVM: the check a precompiled module's recorded target features
// must pass before its code is mapped, and the CPU identity that keys the code cache.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace wasmcap::llvm_tier {

// For an LLVM feature string ("+avx2,+bmi,-avx512f,..."), the first enabled feature this CPU
// lacks, or nullopt when it has all of them. Only features this host can detect are checked
// (x86's ISA extensions; see cpu_features.cpp); others are assumed present.
std::optional<std::string> missing_cpu_feature(std::string_view llvm_features);

// The raw CPUID identity of this CPU (vendor, family/model/stepping, feature words), as text:
// equal on two CPUs that run exactly the same instructions.
std::string cpu_identity();

} // namespace wasmcap::llvm_tier

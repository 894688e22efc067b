// WebAssembly proposals a user may switch off, in wasmtime's spellings: `-W tail-call=n`,
// `-W extended-const=n`, `-W multi-memory=n`, `-W exceptions=n`, `-W simd=n`, `-W relaxed-simd=n`
// (y turns them on again). Shared by `run`/`serve` (whose -W also takes the limits) and `wast`.
#pragma once

#include <optional>
#include <string>

#include "wasmcap/config.h"
#include "wasmcap/error.h"

namespace wasmcap::cli {

// The feature keys, for usage messages.
inline constexpr const char* kFeatureKeys =
    "tail-call, extended-const, multi-memory, exceptions, memory64, simd, relaxed-simd";

// Applies `-W key=value` when `key` names a feature: nullopt when it does not, else ok or a
// usage error for a value other than y/n (also yes/no, true/false).
std::optional<Status> apply_feature_option(const std::string& key, const std::string& value,
                                           Config& config);

} // namespace wasmcap::cli

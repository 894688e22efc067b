// hash128(): a fast non-cryptographic 128-bit hash of a byte string, for content addressing
// (the code cache's keys, the .cwasm file's integrity checks). It detects accidental change
// (truncation, corruption, another input), not deliberate forgery.
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace wasmcap::support {

struct Hash128 {
  uint64_t lo = 0;
  uint64_t hi = 0;
  bool operator==(const Hash128&) const = default;
};

Hash128 hash128(std::span<const uint8_t> bytes, uint64_t seed = 0);
// 32 lowercase hex digits (hi then lo).
std::string to_hex(const Hash128& h);

} // namespace wasmcap::support

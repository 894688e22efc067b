// hash128(): four independent 64-bit lanes each absorb 8 bytes per step through a 64x64->128
// multiply folded to 64 bits (so the lanes run in parallel on a superscalar core); the tail and
// the length are absorbed last and the lanes are cross-mixed twice into two output words.
#include "support/hash.h"

#include <cstring>

namespace wasmcap::support {

namespace {

constexpr uint64_t kK0 = 0x9e3779b97f4a7c15ull; // odd constants with well-spread bits
constexpr uint64_t kK1 = 0xc2b2ae3d27d4eb4full;
constexpr uint64_t kK2 = 0x165667b19e3779f9ull;
constexpr uint64_t kK3 = 0xd6e8feb86659fd93ull;

uint64_t load64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, 8); // little-endian hosts only (x86-64, aarch64): the value is the file's
  return v;
}

// The full product of a and b folded to 64 bits: every input bit influences many output bits.
uint64_t fold_mul(uint64_t a, uint64_t b) {
  const unsigned __int128 p = static_cast<unsigned __int128>(a) * b;
  return static_cast<uint64_t>(p) ^ static_cast<uint64_t>(p >> 64);
}

uint64_t absorb(uint64_t lane, uint64_t word, uint64_t k) {
  return fold_mul(lane ^ word, k) + word;
}

} // namespace

Hash128 hash128(std::span<const uint8_t> bytes, uint64_t seed) {
  uint64_t l0 = seed ^ kK0, l1 = seed + kK1, l2 = ~seed ^ kK2, l3 = (seed << 1) ^ kK3;
  const uint8_t* p = bytes.data();
  size_t n = bytes.size();
  while (n >= 32) {
    l0 = absorb(l0, load64(p), kK0);
    l1 = absorb(l1, load64(p + 8), kK1);
    l2 = absorb(l2, load64(p + 16), kK2);
    l3 = absorb(l3, load64(p + 24), kK3);
    p += 32;
    n -= 32;
  }
  // The tail (0..31 bytes), zero-padded; the length below tells "ab" from "ab\0".
  uint8_t tail[32] = {};
  if (n > 0) std::memcpy(tail, p, n);
  l0 = absorb(l0, load64(tail), kK1);
  l1 = absorb(l1, load64(tail + 8), kK2);
  l2 = absorb(l2, load64(tail + 16), kK3);
  l3 = absorb(l3, load64(tail + 24), kK0);
  const uint64_t len = bytes.size();
  for (int round = 0; round < 2; ++round) {
    l0 = fold_mul(l0 ^ l2, kK3 ^ len);
    l1 = fold_mul(l1 ^ l3, kK2 + len);
    l2 = fold_mul(l2 ^ l1, kK1);
    l3 = fold_mul(l3 ^ l0, kK0);
  }
  return Hash128{l0 ^ l1, l2 ^ l3};
}

std::string to_hex(const Hash128& h) {
  static const char* kDigits = "0123456789abcdef";
  std::string s(32, '0');
  for (int i = 0; i < 16; ++i) {
    s[15 - i] = kDigits[(h.hi >> (4 * i)) & 15];
    s[31 - i] = kDigits[(h.lo >> (4 * i)) & 15];
  }
  return s;
}

} // namespace wasmcap::support

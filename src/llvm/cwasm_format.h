// The .cwasm file: a module precompiled by the LLVM tier (`wasmcap compile`, the code cache).
// Plain data here (writing and checked parsing); compatibility checks against this host are in
// aot.cpp. Layout (little-endian; str = u32 length + bytes, blob = u64 length + bytes):
//   magic "\0cwasm\r\n" (8), u32 format version,
//   str wasmcap version, str LLVM version, str target triple, str CPU name, str CPU features,
//   u64 host layout fingerprint, u32 wasm feature bits, u32 flags (guard pages, checks),
//   16 bytes hash128(wasm),
//   blob wasm (the original module), blob object (ELF64 relocatable),
//   16 bytes hash128(everything before it).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "support/hash.h"
#include "support/result.h"

namespace wasmcap::llvm_tier {

inline constexpr uint8_t kCwasmMagic[8] = {0x00, 'c', 'w', 'a', 's', 'm', '\r', '\n'};
// 2: the flags field (guard pages). 3: the object has unwind tables (.eh_frame), for backtraces;
// older files would still run, but their traps would name only the innermost compiled frame.
// 4: the object may hold landing pads: an LSDA section (.gcc_except_table) and the personality
// routine's indirect pointer (DW.ref.wasmcap_jit_personality), for exception handling.
// 5: the memory and table helpers the object calls take u64 operands (tier ABI 9, memory64): an
// older object would pass them i32 registers whose upper halves are undefined.
// 6: multiple memories (tier ABI 10): the memory helpers take memory indices, so an older
// object would pass its operands in the wrong registers.
inline constexpr uint32_t kCwasmFormatVersion = 6;
// Flag bit 0: the code has no bounds compares and must only run on memories with guard pages.
inline constexpr uint32_t kCwasmGuardPages = 1u << 0;
// Bits 1 to 3: the checks compiled in (tier_abi.h's kCheckInterrupt, kCheckFuel and
// kCheckEveryLoop, shifted by one).
inline constexpr uint32_t kCwasmChecksShift = 1;
inline constexpr uint32_t kCwasmKnownFlags = kCwasmGuardPages | (0x7u << kCwasmChecksShift);

struct CwasmFile {
  uint32_t format_version = kCwasmFormatVersion;
  std::string wasmcap_version;
  std::string llvm_version;
  std::string triple;
  std::string cpu;
  std::string cpu_features;
  uint64_t layout_fingerprint = 0;
  uint32_t feature_bits = 0;
  uint32_t flags = 0; // kCwasm* bits
  support::Hash128 wasm_hash;
  std::span<const uint8_t> wasm;   // into the bytes parsed (or to be written)
  std::span<const uint8_t> object; // likewise
};

bool has_cwasm_magic(std::span<const uint8_t> bytes);

std::vector<uint8_t> write_cwasm(const CwasmFile& file); // computes the trailing checksum

// Checks the structure only: the magic, the format version, every length against the end of the
// file, and the trailing checksum (so truncation or corruption is reported as such). Errors are
// Malformed and say which check failed. The spans point into `bytes`.
support::Result<CwasmFile> parse_cwasm(std::span<const uint8_t> bytes);

} // namespace wasmcap::llvm_tier

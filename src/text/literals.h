// Numeric literals of the text format: integers (with `_` separators, hex, signs) and floats with
// exact IEEE round-to-nearest-even, including hex floats, `inf`, `nan` and `nan:0x...` payloads.
#pragma once

#include <cstdint>
#include <string_view>

namespace wasmcap::text {

// Why a literal was rejected: not a number at all (the spec reports "unknown operator" for such
// tokens) or a number that does not fit ("constant out of range").
enum class LiteralStatus : uint8_t { Ok, NotNumber, OutOfRange };

template <class T> struct Literal {
  LiteralStatus status = LiteralStatus::NotNumber;
  T value{};
};

// An unsigned integer without sign (indices, alignments, limits, offsets).
Literal<uint64_t> parse_nat(std::string_view text);
// iN: either an unsigned value below 2^N or a signed one in [-2^(N-1), 2^(N-1)); returned as bits.
Literal<uint32_t> parse_i32(std::string_view text);
Literal<uint64_t> parse_i64(std::string_view text);
// IEEE bit patterns.
Literal<uint32_t> parse_f32(std::string_view text);
Literal<uint64_t> parse_f64(std::string_view text);

} // namespace wasmcap::text

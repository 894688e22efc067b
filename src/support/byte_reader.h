// ByteReader: a bounds-checked cursor over bytes with LEB128 decoding per the spec's size and
// sign rules. Every read returns a Result; a failed read leaves an error naming the offset.
#pragma once

#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>

#include "support/result.h"

namespace wasmcap::support {

class ByteReader {
public:
  // `base_offset` is the offset of bytes[0] in the whole module, so errors name real offsets.
  explicit ByteReader(std::span<const uint8_t> bytes, uint64_t base_offset = 0)
      : bytes_(bytes), base_(base_offset) {}

  uint64_t offset() const { return base_ + pos_; } // absolute offset of the next byte
  size_t position() const { return pos_; }         // relative to this reader's start
  size_t remaining() const { return bytes_.size() - pos_; }
  bool at_end() const { return pos_ >= bytes_.size(); }
  std::span<const uint8_t> rest() const { return bytes_.subspan(pos_); }

  // The common cases (a byte, a one-byte LEB) are inline: decoding a module is mostly these,
  // and a call returning a Result per byte cost ~90 instructions.
  Result<uint8_t> read_u8() {
    if (pos_ < bytes_.size()) return bytes_[pos_++];
    return error("unexpected end");
  }
  Result<uint8_t> peek_u8() const;
  Result<uint32_t> read_fixed_u32(); // little endian, e.g. f32 bits
  Result<uint64_t> read_fixed_u64();
  Result<std::span<const uint8_t>> read_bytes(size_t n);
  Status skip(size_t n);

  // LEB128 with the spec's limits: at most ceil(N/7) bytes, unused bits of the last byte must be
  // zero (unsigned) or a sign extension (signed). Messages match the spec tests' wording.
  Result<uint32_t> read_u32() {
    if (pos_ < bytes_.size() && bytes_[pos_] < 0x80) return bytes_[pos_++];
    return read_u32_slow();
  }
  Result<uint64_t> read_u64();
  Result<int32_t> read_s32() {
    if (pos_ < bytes_.size() && bytes_[pos_] < 0x80) return one_byte_signed();
    return read_s32_slow();
  }
  Result<int64_t> read_s64() {
    if (pos_ < bytes_.size() && bytes_[pos_] < 0x80) return one_byte_signed();
    return read_s64_slow();
  }
  Result<int64_t> read_s33() { // block types
    if (pos_ < bytes_.size() && bytes_[pos_] < 0x80) return one_byte_signed();
    return read_s33_slow();
  }

  // A vector length, checked against the bytes left (each element takes at least one byte).
  Result<uint32_t> read_count();
  // A name: u32 length + UTF-8 bytes, validated ("malformed UTF-8 encoding").
  Result<std::string> read_name();

  Error error(std::string message) const {
    return make_error(ErrorKind::Malformed, std::move(message), offset());
  }

private:
  Result<uint64_t> read_leb(unsigned bits, bool is_signed);
  Result<uint32_t> read_u32_slow();
  Result<int32_t> read_s32_slow();
  Result<int64_t> read_s64_slow();
  Result<int64_t> read_s33_slow();
  // A one-byte signed LEB: 7 payload bits, bit 6 the sign (valid for every width).
  int32_t one_byte_signed() {
    const uint8_t b = bytes_[pos_++];
    return (b & 0x40) ? static_cast<int32_t>(b) - 0x80 : b;
  }

  std::span<const uint8_t> bytes_;
  size_t pos_ = 0;
  uint64_t base_ = 0;
};

// True when `s` is well-formed UTF-8 (no overlongs, surrogates, or code points past U+10FFFF).
bool is_valid_utf8(std::string_view s);

} // namespace wasmcap::support

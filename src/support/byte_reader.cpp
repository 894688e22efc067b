// ByteReader implementation: LEB128 decoding with the spec's exact limits and messages.
#include "support/byte_reader.h"

namespace wasmcap::support {

Result<uint8_t> ByteReader::peek_u8() const {
  if (pos_ >= bytes_.size()) return error("unexpected end");
  return bytes_[pos_];
}

Result<uint32_t> ByteReader::read_fixed_u32() {
  if (remaining() < 4) return error("unexpected end");
  uint32_t v;
  std::memcpy(&v, bytes_.data() + pos_, 4);
  pos_ += 4;
  return v;
}

Result<uint64_t> ByteReader::read_fixed_u64() {
  if (remaining() < 8) return error("unexpected end");
  uint64_t v;
  std::memcpy(&v, bytes_.data() + pos_, 8);
  pos_ += 8;
  return v;
}

Result<std::span<const uint8_t>> ByteReader::read_bytes(size_t n) {
  if (remaining() < n) return error("unexpected end");
  auto out = bytes_.subspan(pos_, n);
  pos_ += n;
  return out;
}

Status ByteReader::skip(size_t n) {
  if (remaining() < n) return error("unexpected end");
  pos_ += n;
  return ok();
}

Result<uint64_t> ByteReader::read_leb(unsigned bits, bool is_signed) {
  const unsigned max_bytes = (bits + 6) / 7;
  uint64_t result = 0;
  unsigned shift = 0;
  for (unsigned i = 0;; ++i) {
    if (pos_ >= bytes_.size()) return error("unexpected end");
    const uint8_t byte = bytes_[pos_++];
    if (i == max_bytes - 1) {
      // Last permitted byte: no continuation, and the bits beyond `bits` must be unused.
      if (byte & 0x80) return error("integer representation too long");
      const unsigned used = bits - shift; // payload bits that still fit
      const uint8_t payload = byte & 0x7f;
      if (is_signed) {
        // Remaining high bits must all equal the sign bit of the value.
        const uint8_t sign_and_high = static_cast<uint8_t>(payload >> (used - 1));
        const uint8_t all_ones = static_cast<uint8_t>(0x7f >> (used - 1));
        if (sign_and_high != 0 && sign_and_high != all_ones) return error("integer too large");
      } else if (used < 7 && (payload >> used) != 0) {
        return error("integer too large");
      }
      result |= static_cast<uint64_t>(payload) << shift;
      shift += 7;
      if (is_signed && shift < 64 && (payload & 0x40)) result |= ~uint64_t{0} << shift;
      return result;
    }
    result |= static_cast<uint64_t>(byte & 0x7f) << shift;
    shift += 7;
    if (!(byte & 0x80)) {
      if (is_signed && shift < 64 && (byte & 0x40)) result |= ~uint64_t{0} << shift;
      return result;
    }
  }
}

Result<uint32_t> ByteReader::read_u32_slow() {
  WASMCAP_ASSIGN(uint64_t v, read_leb(32, false));
  return static_cast<uint32_t>(v);
}

Result<uint64_t> ByteReader::read_u64() {
  return read_leb(64, false);
}

Result<int32_t> ByteReader::read_s32_slow() {
  WASMCAP_ASSIGN(uint64_t v, read_leb(32, true));
  return static_cast<int32_t>(static_cast<uint32_t>(v));
}

Result<int64_t> ByteReader::read_s64_slow() {
  WASMCAP_ASSIGN(uint64_t v, read_leb(64, true));
  return static_cast<int64_t>(v);
}

Result<int64_t> ByteReader::read_s33_slow() {
  WASMCAP_ASSIGN(uint64_t v, read_leb(33, true));
  return static_cast<int64_t>(v);
}

Result<uint32_t> ByteReader::read_count() {
  const uint64_t at = offset();
  WASMCAP_ASSIGN(uint32_t n, read_u32());
  if (n > remaining()) return make_error(ErrorKind::Malformed, "length out of bounds", at);
  return n;
}

Result<std::string> ByteReader::read_name() {
  const uint64_t at = offset();
  WASMCAP_ASSIGN(uint32_t n, read_u32());
  if (n > remaining()) return make_error(ErrorKind::Malformed, "length out of bounds", at);
  std::string s(reinterpret_cast<const char*>(bytes_.data() + pos_), n);
  pos_ += n;
  if (!is_valid_utf8(s)) return make_error(ErrorKind::Malformed, "malformed UTF-8 encoding", at);
  return s;
}

bool is_valid_utf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<uint8_t>(s[i]);
    uint32_t cp;
    size_t len;
    if (c < 0x80) {
      ++i;
      continue;
    }
    if ((c & 0xE0) == 0xC0) {
      cp = c & 0x1F;
      len = 2;
    } else if ((c & 0xF0) == 0xE0) {
      cp = c & 0x0F;
      len = 3;
    } else if ((c & 0xF8) == 0xF0) {
      cp = c & 0x07;
      len = 4;
    } else
      return false;
    if (i + len > s.size()) return false;
    for (size_t k = 1; k < len; ++k) {
      const auto cc = static_cast<uint8_t>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000))
      return false;
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += len;
  }
  return true;
}

} // namespace wasmcap::support

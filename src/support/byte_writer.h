// ByteWriter: appends bytes and LEB128 values; the encoder and WAT parser build modules with it.
#pragma once

#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>
#include <vector>

namespace wasmcap::support {

class ByteWriter {
public:
  void u8(uint8_t b) { bytes_.push_back(b); }
  void bytes(std::span<const uint8_t> b) { bytes_.insert(bytes_.end(), b.begin(), b.end()); }
  void fixed_u32(uint32_t v) { append_raw(&v, 4); }
  void fixed_u64(uint64_t v) { append_raw(&v, 8); }
  void u32(uint32_t v) { u64(v); }
  void u64(uint64_t v) {
    do {
      uint8_t b = v & 0x7f;
      v >>= 7;
      if (v != 0) b |= 0x80;
      bytes_.push_back(b);
    } while (v != 0);
  }
  void s32(int32_t v) { s64(v); }
  void s64(int64_t v) {
    bool more = true;
    while (more) {
      uint8_t b = v & 0x7f;
      v >>= 7; // arithmetic shift: sign-extends
      if ((v == 0 && !(b & 0x40)) || (v == -1 && (b & 0x40)))
        more = false;
      else
        b |= 0x80;
      bytes_.push_back(b);
    }
  }
  void name(std::string_view s) {
    u32(static_cast<uint32_t>(s.size()));
    bytes_.insert(bytes_.end(), s.begin(), s.end());
  }

  size_t size() const { return bytes_.size(); }
  const std::vector<uint8_t>& data() const { return bytes_; }
  std::vector<uint8_t> take() { return std::move(bytes_); }

private:
  void append_raw(const void* p, size_t n) {
    const size_t at = bytes_.size();
    bytes_.resize(at + n);
    std::memcpy(bytes_.data() + at, p, n);
  }

  std::vector<uint8_t> bytes_;
};

} // namespace wasmcap::support

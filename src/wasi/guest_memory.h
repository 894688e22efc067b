// GuestMemory: the WASI layer's only door into linear memory. Every access names an address and
// a length, both checked against the memory's current size in 64-bit arithmetic, so a guest
// pointer can never reach host memory; a failed check is Errno::Fault.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>

#include "runtime/memory.h"
#include "wasi/errno.h"

namespace wasmcap::wasi {

static_assert(std::endian::native == std::endian::little,
              "WASI records are little-endian; the encoders below memcpy host integers");

// Little-endian stores into a host buffer the caller has already bounds-checked.
inline void store_u8(uint8_t* p, uint8_t v) {
  *p = v;
}
inline void store_u16(uint8_t* p, uint16_t v) {
  std::memcpy(p, &v, 2);
}
inline void store_u32(uint8_t* p, uint32_t v) {
  std::memcpy(p, &v, 4);
}
inline void store_u64(uint8_t* p, uint64_t v) {
  std::memcpy(p, &v, 8);
}
inline uint16_t load_u16(const uint8_t* p) {
  uint16_t v;
  std::memcpy(&v, p, 2);
  return v;
}
inline uint32_t load_u32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}
inline uint64_t load_u64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

class GuestMemory {
public:
  explicit GuestMemory(runtime::Memory* memory) : memory_(memory) {}

  bool bound() const { return memory_ != nullptr; }
  uint64_t size() const { return memory_ ? memory_->size_bytes() : 0; }
  // [ptr, ptr+len) lies inside memory. Written so that no operand can overflow.
  bool in_bounds(uint64_t ptr, uint64_t len) const {
    const uint64_t n = size();
    return len <= n && ptr <= n - len;
  }
  // The bytes [ptr, ptr+len), or an empty span with `ok` false. A zero-length range at the very
  // end of memory is valid (it touches nothing).
  std::span<uint8_t> span(uint64_t ptr, uint64_t len, bool& ok) {
    ok = in_bounds(ptr, len);
    if (!ok || len == 0) return {};
    return {memory_->data() + ptr, static_cast<size_t>(len)};
  }

  Errno write_bytes(uint64_t ptr, const void* data, uint64_t len) {
    if (!in_bounds(ptr, len)) return Errno::Fault;
    if (len) std::memcpy(memory_->data() + ptr, data, static_cast<size_t>(len));
    return Errno::Success;
  }
  Errno write_u32(uint64_t ptr, uint32_t v) { return write_bytes(ptr, &v, 4); }
  Errno write_u64(uint64_t ptr, uint64_t v) { return write_bytes(ptr, &v, 8); }
  Errno read_bytes(uint64_t ptr, void* out, uint64_t len) const {
    if (!in_bounds(ptr, len)) return Errno::Fault;
    if (len) std::memcpy(out, memory_->data() + ptr, static_cast<size_t>(len));
    return Errno::Success;
  }
  // A writable view for encoders; nullptr when out of bounds.
  uint8_t* at(uint64_t ptr, uint64_t len) {
    return in_bounds(ptr, len) ? memory_->data() + ptr : nullptr;
  }

private:
  runtime::Memory* memory_;
};

} // namespace wasmcap::wasi

// Strings in the Canonical ABI: loading one from linear memory in its encoding (utf8, utf16 or
// latin1+utf16, validated) into UTF-8, and storing one into memory with the exact sequence of
// realloc calls the ABI prescribes for each pair of source and destination encodings
// (CanonicalABI.md, "store_string_into_range"): the calls are visible to the guest, so the
// reference tests check them.
#include <cstring>

#include "component/abi.h"
#include "component/abi_detail.h"
#include "component/utf8.h"

namespace wasmcap::component::detail {

namespace {

using Enc = CanonOptions::Encoding;

// memcpy of `n` bytes; an empty copy into an empty memory (whose span has no data pointer) is
// not a memcpy with a null pointer, which C leaves undefined.
void copy_bytes(std::span<uint8_t> dst, const char* src, size_t n) {
  if (n != 0) std::memcpy(dst.data(), src, n);
}
constexpr uint32_t kUtf16Tag = 1u << 31;
constexpr uint32_t kMaxStringBytes = (1u << 28) - 1;

// The code points of a valid UTF-8 string.
std::vector<uint32_t> code_points(const std::string& s) {
  std::vector<uint32_t> out;
  for (size_t i = 0; i < s.size();) {
    const auto b = static_cast<uint8_t>(s[i]);
    uint32_t cp;
    size_t n;
    if (b < 0x80) {
      cp = b;
      n = 1;
    } else if (b < 0xe0) {
      cp = b & 0x1f;
      n = 2;
    } else if (b < 0xf0) {
      cp = b & 0x0f;
      n = 3;
    } else {
      cp = b & 0x07;
      n = 4;
    }
    for (size_t k = 1; k < n && i + k < s.size(); ++k) {
      cp = (cp << 6) | (static_cast<uint8_t>(s[i + k]) & 0x3f);
    }
    out.push_back(cp);
    i += n;
  }
  return out;
}

std::vector<uint16_t> utf16_units(const std::vector<uint32_t>& cps) {
  std::vector<uint16_t> out;
  for (const uint32_t cp : cps) {
    if (cp < 0x10000) {
      out.push_back(static_cast<uint16_t>(cp));
    } else {
      const uint32_t v = cp - 0x10000;
      out.push_back(static_cast<uint16_t>(0xd800 | (v >> 10)));
      out.push_back(static_cast<uint16_t>(0xdc00 | (v & 0x3ff)));
    }
  }
  return out;
}

Status write_utf16(AbiContext& cx, uint32_t ptr, const std::vector<uint16_t>& units) {
  WASMCAP_ASSIGN(std::span<uint8_t> dst, mem_range(cx, ptr, 2 * units.size()));
  for (size_t i = 0; i < units.size(); ++i) {
    dst[2 * i] = static_cast<uint8_t>(units[i]);
    dst[2 * i + 1] = static_cast<uint8_t>(units[i] >> 8);
  }
  return ok();
}

Result<uint32_t> alloc(AbiContext& cx, uint32_t align, uint32_t size) {
  WASMCAP_ASSIGN(const uint32_t ptr, cx.realloc(0, 0, align, size));
  if (ptr % align != 0) return trap("realloc returned a misaligned pointer");
  WASMCAP_TRY(mem_range(cx, ptr, size));
  return ptr;
}

Result<uint32_t> resize(AbiContext& cx, uint32_t ptr, uint32_t old_size, uint32_t align,
                        uint32_t size) {
  WASMCAP_ASSIGN(const uint32_t p, cx.realloc(ptr, old_size, align, size));
  if (p % align != 0) return trap("realloc returned a misaligned pointer");
  WASMCAP_TRY(mem_range(cx, p, size));
  return p;
}

} // namespace

Result<Val> load_string_range(AbiContext& cx, uint32_t ptr, uint32_t tagged_units) {
  uint32_t align = 1;
  uint64_t bytes = tagged_units;
  Val::Encoding enc = Val::Encoding::Utf8;
  uint32_t units = tagged_units;
  switch (cx.encoding) {
  case Enc::Utf8: break;
  case Enc::Utf16:
    align = 2;
    bytes = 2ull * tagged_units;
    enc = Val::Encoding::Utf16;
    break;
  case Enc::Latin1Utf16:
    align = 2;
    if (tagged_units & kUtf16Tag) {
      units = tagged_units ^ kUtf16Tag;
      bytes = 2ull * units;
      enc = Val::Encoding::Utf16Tagged;
    } else {
      enc = Val::Encoding::Latin1;
    }
    break;
  }
  if (bytes > kMaxStringBytes) return trap("string is longer than 2^28 - 1 bytes");
  WASMCAP_TRY(cx.charge(bytes + sizeof(Val)));
  if (ptr % align != 0) return trap("string pointer is not aligned");
  WASMCAP_ASSIGN(std::span<uint8_t> src, mem_range(cx, ptr, bytes));
  Val v = Val::make(Val::Kind::String);
  v.str_encoding = enc;
  v.str_units = units;
  switch (enc) {
  case Val::Encoding::Utf8:
    v.str.assign(reinterpret_cast<const char*>(src.data()), src.size());
    if (!support::is_valid_utf8(v.str)) return trap("string is not valid UTF-8");
    break;
  case Val::Encoding::Latin1:
    for (const uint8_t b : src)
      append_utf8(v.str, b);
    break;
  case Val::Encoding::Utf16:
  case Val::Encoding::Utf16Tagged:
    for (size_t i = 0; i < units; ++i) {
      uint32_t u = src[2 * i] | (uint32_t{src[2 * i + 1]} << 8);
      if (u >= 0xdc00 && u < 0xe000) return trap("string is not valid UTF-16 (lone surrogate)");
      if (u >= 0xd800 && u < 0xdc00) {
        if (i + 1 >= units) return trap("string is not valid UTF-16 (lone surrogate)");
        const uint32_t lo = src[2 * i + 2] | (uint32_t{src[2 * i + 3]} << 8);
        if (lo < 0xdc00 || lo >= 0xe000) return trap("string is not valid UTF-16 (lone surrogate)");
        u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
        ++i;
      }
      append_utf8(v.str, u);
    }
    break;
  }
  return v;
}

Result<std::pair<uint32_t, uint32_t>> store_string_range(AbiContext& cx, const Val& v) {
  const std::vector<uint32_t> cps = code_points(v.str);
  uint32_t max_cp = 0;
  for (const uint32_t cp : cps)
    max_cp = std::max(max_cp, cp);
  // The source's code units as the ABI counts them: UTF-8 bytes, UTF-16 units, Latin-1 bytes.
  const uint32_t units =
      v.str_encoding == Val::Encoding::Utf8 ? static_cast<uint32_t>(v.str.size()) : v.str_units;
  const bool src_utf8 = v.str_encoding == Val::Encoding::Utf8;
  const bool src_latin1 = v.str_encoding == Val::Encoding::Latin1;
  const bool src_utf16 = !src_utf8 && !src_latin1;

  switch (cx.encoding) {
  case Enc::Utf8: {
    if (src_utf8) { // a copy
      WASMCAP_ASSIGN(const uint32_t ptr, alloc(cx, 1, units));
      WASMCAP_ASSIGN(std::span<uint8_t> dst, mem_range(cx, ptr, units));
      copy_bytes(dst, v.str.data(), units);
      return std::pair(ptr, units);
    }
    // From UTF-16 or Latin-1: optimistic (one byte a unit), then the worst case, then exact.
    const uint32_t worst = units * (src_utf16 ? 3 : 2);
    WASMCAP_ASSIGN(uint32_t ptr, alloc(cx, 1, units));
    if (max_cp < 0x80) {
      WASMCAP_ASSIGN(std::span<uint8_t> dst, mem_range(cx, ptr, units));
      copy_bytes(dst, v.str.data(), units);
      return std::pair(ptr, units);
    }
    WASMCAP_ASSIGN(ptr, resize(cx, ptr, units, 1, worst));
    const auto len = static_cast<uint32_t>(v.str.size());
    WASMCAP_ASSIGN(std::span<uint8_t> dst, mem_range(cx, ptr, len));
    copy_bytes(dst, v.str.data(), len);
    if (worst > len) {
      WASMCAP_ASSIGN(ptr, resize(cx, ptr, worst, 1, len));
    }
    return std::pair(ptr, len);
  }
  case Enc::Utf16: {
    const std::vector<uint16_t> u16 = utf16_units(cps);
    if (src_utf8) {
      const uint32_t worst = 2 * units;
      WASMCAP_ASSIGN(uint32_t ptr, alloc(cx, 2, worst));
      WASMCAP_TRY(write_utf16(cx, ptr, u16));
      const auto len = static_cast<uint32_t>(2 * u16.size());
      if (len < worst) {
        WASMCAP_ASSIGN(ptr, resize(cx, ptr, worst, 2, len));
      }
      return std::pair(ptr, static_cast<uint32_t>(u16.size()));
    }
    WASMCAP_ASSIGN(const uint32_t ptr, alloc(cx, 2, 2 * static_cast<uint32_t>(u16.size())));
    WASMCAP_TRY(write_utf16(cx, ptr, u16));
    return std::pair(ptr, static_cast<uint32_t>(u16.size()));
  }
  case Enc::Latin1Utf16: {
    if (src_latin1) { // a copy, one byte a unit, 2-aligned
      WASMCAP_ASSIGN(const uint32_t ptr, alloc(cx, 2, units));
      WASMCAP_ASSIGN(std::span<uint8_t> dst, mem_range(cx, ptr, units));
      for (size_t i = 0; i < cps.size(); ++i)
        dst[i] = static_cast<uint8_t>(cps[i]);
      return std::pair(ptr, units);
    }
    const std::vector<uint16_t> u16 = utf16_units(cps);
    if (v.str_encoding == Val::Encoding::Utf16Tagged) {
      // Probably UTF-16: write it so, compress to Latin-1 if every code point fits.
      const uint32_t src_bytes = 2 * units;
      WASMCAP_ASSIGN(uint32_t ptr, alloc(cx, 2, src_bytes));
      WASMCAP_TRY(write_utf16(cx, ptr, u16));
      if (max_cp >= 0x100) return std::pair(ptr, static_cast<uint32_t>(u16.size()) | kUtf16Tag);
      const auto latin1 = static_cast<uint32_t>(u16.size());
      WASMCAP_ASSIGN(std::span<uint8_t> dst, mem_range(cx, ptr, src_bytes));
      for (uint32_t i = 0; i < latin1; ++i)
        dst[i] = dst[2 * i];
      WASMCAP_ASSIGN(ptr, resize(cx, ptr, src_bytes, 1, latin1));
      return std::pair(ptr, latin1);
    }
    // From UTF-8 or UTF-16: Latin-1 while every code point fits, else UTF-16.
    WASMCAP_ASSIGN(uint32_t ptr, alloc(cx, 2, units));
    if (max_cp < 0x100) {
      const auto len = static_cast<uint32_t>(cps.size());
      WASMCAP_ASSIGN(std::span<uint8_t> dst, mem_range(cx, ptr, len));
      for (uint32_t i = 0; i < len; ++i)
        dst[i] = static_cast<uint8_t>(cps[i]);
      if (len < units) {
        WASMCAP_ASSIGN(ptr, resize(cx, ptr, units, 2, len));
      }
      return std::pair(ptr, len);
    }
    const uint32_t worst = 2 * units;
    WASMCAP_ASSIGN(ptr, resize(cx, ptr, units, 2, worst));
    WASMCAP_TRY(write_utf16(cx, ptr, u16));
    const auto len = static_cast<uint32_t>(2 * u16.size());
    if (worst > len) {
      WASMCAP_ASSIGN(ptr, resize(cx, ptr, worst, 2, len));
    }
    return std::pair(ptr, static_cast<uint32_t>(u16.size()) | kUtf16Tag);
  }
  }
  return trap("unknown string encoding");
}

} // namespace wasmcap::component::detail

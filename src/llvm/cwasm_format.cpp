// Writing and parsing the .cwasm container (cwasm_format.h): bounds-checked field by field, so a
// truncated or corrupted file is an error that names the problem, never a read past the end.
#include "llvm/cwasm_format.h"

#include <cstring>

namespace wasmcap::llvm_tier {

namespace {

support::Error bad(const std::string& why) {
  return support::make_error(support::ErrorKind::Malformed, why);
}

class Writer {
public:
  void raw(const void* p, size_t n) {
    const auto* b = static_cast<const uint8_t*>(p);
    out.insert(out.end(), b, b + n);
  }
  void u32(uint32_t v) { raw(&v, 4); }
  void u64(uint64_t v) { raw(&v, 8); }
  void str(const std::string& s) {
    u32(static_cast<uint32_t>(s.size()));
    raw(s.data(), s.size());
  }
  void blob(std::span<const uint8_t> b) {
    u64(b.size());
    raw(b.data(), b.size());
  }
  void hash(const support::Hash128& h) {
    u64(h.lo);
    u64(h.hi);
  }
  std::vector<uint8_t> out;
};

class Reader {
public:
  explicit Reader(std::span<const uint8_t> b) : bytes(b) {}
  bool take(size_t n, const uint8_t*& p) {
    if (n > bytes.size() - at) return false;
    p = bytes.data() + at;
    at += n;
    return true;
  }
  bool u32(uint32_t& v) {
    const uint8_t* p;
    if (!take(4, p)) return false;
    std::memcpy(&v, p, 4);
    return true;
  }
  bool u64(uint64_t& v) {
    const uint8_t* p;
    if (!take(8, p)) return false;
    std::memcpy(&v, p, 8);
    return true;
  }
  bool str(std::string& s) {
    uint32_t n;
    const uint8_t* p;
    if (!u32(n) || n > 4096 || !take(n, p)) return false; // header strings are short
    s.assign(reinterpret_cast<const char*>(p), n);
    return true;
  }
  bool blob(std::span<const uint8_t>& b) {
    uint64_t n;
    const uint8_t* p;
    if (!u64(n) || n > bytes.size() || !take(static_cast<size_t>(n), p)) return false;
    b = std::span<const uint8_t>(p, static_cast<size_t>(n));
    return true;
  }
  bool hash(support::Hash128& h) { return u64(h.lo) && u64(h.hi); }
  std::span<const uint8_t> bytes;
  size_t at = 0;
};

} // namespace

bool has_cwasm_magic(std::span<const uint8_t> bytes) {
  return bytes.size() >= sizeof kCwasmMagic &&
         std::memcmp(bytes.data(), kCwasmMagic, sizeof kCwasmMagic) == 0;
}

std::vector<uint8_t> write_cwasm(const CwasmFile& f) {
  Writer w;
  w.raw(kCwasmMagic, sizeof kCwasmMagic);
  w.u32(f.format_version);
  w.str(f.wasmcap_version);
  w.str(f.llvm_version);
  w.str(f.triple);
  w.str(f.cpu);
  w.str(f.cpu_features);
  w.u64(f.layout_fingerprint);
  w.u32(f.feature_bits);
  w.u32(f.flags);
  w.hash(f.wasm_hash);
  w.blob(f.wasm);
  w.blob(f.object);
  w.hash(support::hash128(w.out));
  return std::move(w.out);
}

support::Result<CwasmFile> parse_cwasm(std::span<const uint8_t> bytes) {
  if (!has_cwasm_magic(bytes)) return bad("not a precompiled wasmcap module (bad magic number)");
  Reader r(bytes);
  r.at = sizeof kCwasmMagic;
  CwasmFile f;
  if (!r.u32(f.format_version)) return bad("truncated precompiled module (in the header)");
  if (f.format_version != kCwasmFormatVersion) {
    return bad("precompiled module format version " + std::to_string(f.format_version) +
               ", this wasmcap reads version " + std::to_string(kCwasmFormatVersion) +
               " (recompile it with `wasmcap compile`)");
  }
  if (!r.str(f.wasmcap_version) || !r.str(f.llvm_version) || !r.str(f.triple) || !r.str(f.cpu) ||
      !r.str(f.cpu_features) || !r.u64(f.layout_fingerprint) || !r.u32(f.feature_bits) ||
      !r.u32(f.flags) || !r.hash(f.wasm_hash)) {
    return bad("truncated precompiled module (in the header)");
  }
  if ((f.flags & ~kCwasmKnownFlags) != 0) {
    return bad("precompiled module has unknown flags (made by a newer wasmcap?)");
  }
  if (!r.blob(f.wasm)) return bad("truncated precompiled module (in the wasm bytes)");
  if (!r.blob(f.object)) return bad("truncated precompiled module (in the machine code)");
  const size_t body = r.at;
  support::Hash128 checksum;
  if (!r.hash(checksum)) return bad("truncated precompiled module (no checksum)");
  if (r.at != bytes.size()) return bad("precompiled module has trailing bytes after its end");
  if (support::hash128(bytes.first(body)) != checksum) {
    return bad("corrupted precompiled module (checksum mismatch)");
  }
  return f;
}

} // namespace wasmcap::llvm_tier

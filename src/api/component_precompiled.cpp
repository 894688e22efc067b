// Component::precompile / deserialize: a component compiled ahead of time (`wasmcap compile
// comp.wasm`), so `wasmcap run comp.cwasm` and `serve` start without compiling or loading LLVM.
// The file is a container around what already exists: the component's own bytes (decoded and
// validated again at load, which is cheap next to compiling) and one .cwasm image per core
// module, made and checked by Module::precompile / Module::deserialize, so every rule of
// module images (versions, CPU, features, checks, guard pages) holds for each core module.
// Layout (little-endian):
//   magic "\0cwcomp\n" (8), u32 format version,
//   u64 length + the component's bytes,
//   u32 count, then per core module: u64 its byte offset in the component, u64 length + image,
//   16 bytes hash128(everything before it).
#include <cstring>
#include <map>

#include "api/mapped_file.h"
#include "support/hash.h"
#include "text/wat_parser.h"
#include "wasmcap/component.h"

namespace wasmcap {

namespace {

constexpr uint8_t kMagic[8] = {0x00, 'c', 'w', 'c', 'o', 'm', 'p', '\n'};
constexpr uint32_t kFormatVersion = 1;

void put(std::vector<uint8_t>& out, const void* p, size_t n) {
  const auto* b = static_cast<const uint8_t*>(p);
  out.insert(out.end(), b, b + n);
}
void put_u32(std::vector<uint8_t>& out, uint32_t v) {
  put(out, &v, 4);
}
void put_u64(std::vector<uint8_t>& out, uint64_t v) {
  put(out, &v, 8);
}
void put_blob(std::vector<uint8_t>& out, std::span<const uint8_t> b) {
  put_u64(out, b.size());
  put(out, b.data(), b.size());
}

Error bad(const std::string& why) {
  return make_error(ErrorKind::Malformed, "precompiled component: " + why);
}

// Bounds-checked reads: a truncated or damaged file is an error, never a read past its end.
class Reader {
public:
  explicit Reader(std::span<const uint8_t> b) : bytes_(b) {}
  bool u32(uint32_t& v) { return raw(&v, 4); }
  bool u64(uint64_t& v) { return raw(&v, 8); }
  bool blob(std::span<const uint8_t>& b) {
    uint64_t n = 0;
    if (!u64(n) || n > bytes_.size() - at_) return false;
    b = bytes_.subspan(at_, static_cast<size_t>(n));
    at_ += static_cast<size_t>(n);
    return true;
  }
  size_t at() const { return at_; }

private:
  bool raw(void* p, size_t n) {
    if (n > bytes_.size() - at_) return false;
    std::memcpy(p, bytes_.data() + at_, n);
    at_ += n;
    return true;
  }
  std::span<const uint8_t> bytes_;
  size_t at_ = 0;
};

// A core module's error, naming the module by its byte offset in the component.
Result<Module> in_core_module(Result<Module> m, uint64_t offset) {
  if (m) return m;
  char at[32];
  std::snprintf(at, sizeof at, "0x%llx", static_cast<unsigned long long>(offset));
  Error e = m.error();
  e.message = "core module at " + std::string(at) + ": " + e.message;
  return e;
}

} // namespace

bool Component::is_precompiled(std::span<const uint8_t> bytes) {
  return bytes.size() >= sizeof kMagic && std::memcmp(bytes.data(), kMagic, sizeof kMagic) == 0;
}

Result<std::vector<uint8_t>> Component::precompile(const Engine& engine,
                                                   std::span<const uint8_t> bytes_or_text) {
  std::vector<uint8_t> parsed;
  std::span<const uint8_t> bytes = bytes_or_text;
  if (!is_component(bytes)) {
    WASMCAP_ASSIGN(parsed, text::parse_wat(std::string_view(
                               reinterpret_cast<const char*>(bytes.data()), bytes.size())));
    if (!is_component(parsed)) {
      return make_error(ErrorKind::Malformed, "the text is a module, not a component");
    }
    bytes = parsed;
  }
  // Validation walks the core modules (nested components' too) and asks for each once; its
  // image is also loaded back, which proves it loads and gives the types validation needs.
  // (One at a time, in order: no lock needed.)
  std::map<uint64_t, std::vector<uint8_t>> images;
  auto component =
      build(bytes, [&](std::span<const uint8_t> module, uint64_t offset) -> Result<Module> {
        auto image = Module::precompile(engine, module);
        if (!image) return in_core_module(image.error(), offset);
        auto loaded = Module::deserialize(engine, *image);
        images.emplace(offset, std::move(*image));
        return loaded;
      });
  if (!component) return component.error();

  std::vector<uint8_t> out;
  put(out, kMagic, sizeof kMagic);
  put_u32(out, kFormatVersion);
  put_blob(out, bytes);
  put_u32(out, static_cast<uint32_t>(images.size()));
  for (const auto& [offset, image] : images) {
    put_u64(out, offset);
    put_blob(out, image);
  }
  const support::Hash128 h = support::hash128(out);
  put_u64(out, h.lo);
  put_u64(out, h.hi);
  return out;
}

Result<Component> Component::deserialize(const Engine& engine, std::span<const uint8_t> file) {
  if (!is_precompiled(file)) return bad("not a precompiled component (bad magic)");
  if (file.size() < sizeof kMagic + 4 + 16) return bad("truncated");
  const std::span<const uint8_t> body = file.first(file.size() - 16);
  support::Hash128 stored;
  std::memcpy(&stored.lo, file.data() + body.size(), 8);
  std::memcpy(&stored.hi, file.data() + body.size() + 8, 8);
  if (!(support::hash128(body) == stored)) return bad("checksum mismatch (truncated or damaged)");

  Reader r(body.subspan(sizeof kMagic));
  uint32_t version = 0, count = 0;
  std::span<const uint8_t> bytes;
  if (!r.u32(version)) return bad("truncated");
  if (version != kFormatVersion) {
    return bad("format version " + std::to_string(version) + ", this wasmcap reads version " +
               std::to_string(kFormatVersion) + ": compile it again");
  }
  if (!r.blob(bytes) || !r.u32(count)) return bad("truncated");
  std::map<uint64_t, std::span<const uint8_t>> images;
  for (uint32_t i = 0; i < count; ++i) {
    uint64_t offset = 0;
    std::span<const uint8_t> image;
    if (!r.u64(offset) || !r.blob(image)) return bad("truncated");
    images.emplace(offset, image);
  }
  if (r.at() != body.size() - sizeof kMagic) return bad("unexpected bytes after the images");
  return build(bytes, [&](std::span<const uint8_t>, uint64_t offset) -> Result<Module> {
    auto it = images.find(offset);
    if (it == images.end()) return in_core_module(bad("no machine code"), offset);
    return in_core_module(Module::deserialize(engine, it->second), offset);
  });
}

Result<Component> Component::deserialize_file(const Engine& engine, const std::string& path) {
  const detail::MappedFile file(path);
  if (!file.ok()) {
    return make_error(ErrorKind::Io, "cannot read " + path + ": " + std::strerror(file.error()));
  }
  return deserialize(engine, file.bytes());
}

} // namespace wasmcap

// Reading FILE and turning it into a Module for every subcommand: binary or WAT, with the
// diagnosis a person needs when it is neither (an empty file, a binary with a wrong magic number
// rather than "bad text", plain text that is not WAT).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "subcommands.h"

namespace wasmcap::cli {

Result<std::vector<uint8_t>> read_whole_file(const std::string& path) {
  auto fail = [&](const std::string& why) {
    return make_error(ErrorKind::Io, "cannot read " + path + ": " + why);
  };
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return fail(std::strerror(errno));
  struct stat st = {};
  if (::fstat(fd, &st) != 0 || S_ISDIR(st.st_mode)) {
    const bool dir = S_ISDIR(st.st_mode);
    const int err = errno;
    ::close(fd);
    return fail(dir ? "it is a directory, not a file" : std::strerror(err));
  }
  // Sized from fstat (a .cwasm can be many MB), then grown if the file was still growing.
  std::vector<uint8_t> bytes(S_ISREG(st.st_mode) ? static_cast<size_t>(st.st_size) + 1 : 65536);
  size_t size = 0;
  for (;;) {
    if (size == bytes.size()) bytes.resize(bytes.size() * 2);
    const ssize_t n = ::read(fd, bytes.data() + size, bytes.size() - size);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::close(fd);
      return fail(std::strerror(err));
    }
    size += static_cast<size_t>(n);
  }
  bytes.resize(size);
  ::close(fd);
  return bytes;
}

namespace {

// WAT is text; a byte below 0x20 that is not whitespace (or DEL) in the first few bytes means
// the file is meant as a binary, so a bad magic number is reported as that, not as bad text.
bool looks_binary(const std::vector<uint8_t>& bytes) {
  for (size_t i = 0; i < bytes.size() && i < 8; ++i) {
    const uint8_t c = bytes[i];
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v') || c == 0x7f)
      return true;
  }
  return false;
}

// The first character that is not whitespace, or 0.
char first_visible(const std::vector<uint8_t>& bytes) {
  for (const uint8_t c : bytes) {
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return static_cast<char>(c);
  }
  return 0;
}

} // namespace

bool looks_like_component(std::span<const uint8_t> bytes) {
  if (Component::is_component(bytes) || Component::is_precompiled(bytes)) return true;
  // Text: skip whitespace and comments, then `(component`.
  const std::string_view s(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  size_t i = 0;
  while (i < s.size()) {
    if (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
      ++i;
    } else if (s.compare(i, 2, ";;") == 0) {
      i = s.find('\n', i);
      if (i == std::string_view::npos) return false;
    } else if (s.compare(i, 2, "(;") == 0) {
      i = s.find(";)", i);
      if (i == std::string_view::npos) return false;
      i += 2;
    } else {
      break;
    }
  }
  if (s.compare(i, 10, "(component") != 0) return false;
  const char next = i + 10 < s.size() ? s[i + 10] : ' ';
  return next == ' ' || next == '\n' || next == '\t' || next == '\r' || next == ')' || next == '$';
}

Result<Component> load_component(const Engine& engine, std::span<const uint8_t> bytes,
                                 const CodeCache* cache, std::vector<CacheReport>* reports) {
  // `wasmcap compile`'s output: every core module's machine code, loaded without LLVM.
  if (Component::is_precompiled(bytes)) return Component::deserialize(engine, bytes);
  if (Component::is_component(bytes)) return Component::from_binary(engine, bytes, cache, reports);
  return Component::from_text(
      engine, std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()), cache,
      reports);
}

namespace {
// The first 8 bytes of a file (fewer when it is shorter or unreadable: the count says).
size_t read_head(const std::string& path, uint8_t (&head)[8]) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  const ssize_t n = ::read(fd, head, sizeof head);
  ::close(fd);
  return n < 0 ? 0 : static_cast<size_t>(n);
}
} // namespace

bool is_precompiled_file(const std::string& path) {
  uint8_t head[8];
  return read_head(path, head) == sizeof head &&
         Module::is_precompiled(std::span<const uint8_t>(head, sizeof head));
}

bool is_component_file(const std::string& path) {
  uint8_t head[8];
  const size_t n = read_head(path, head);
  // A binary says what it is in its first 8 bytes (a module, a component, either kind of
  // .cwasm), so a big module or .cwasm is not read whole just to learn it is no component.
  if (n > 0 && head[0] == 0x00) return looks_like_component(std::span<const uint8_t>(head, n));
  auto bytes = read_whole_file(path); // text: its first form decides
  return bytes && looks_like_component(*bytes);
}

Result<Module> load_module(const Engine& engine, const std::string& path) {
  // A .cwasm from `wasmcap compile`: machine code, mapped and loaded without compiling (or LLVM).
  if (is_precompiled_file(path)) return Module::deserialize_file(engine, path);
  auto bytes = read_whole_file(path);
  if (!bytes) return bytes.error();
  if (bytes->empty()) {
    return make_error(ErrorKind::Malformed,
                      "the file is empty (expected a wasm binary or WAT text)");
  }
  if (Component::is_component(*bytes)) {
    // Decoded and validated first, so a broken component gets its own diagnosis.
    auto component = Component::from_binary(engine, *bytes);
    if (!component) return component.error();
    return make_error(ErrorKind::Unlinkable,
                      "this is a WebAssembly component (WASI 0.2); running components is not "
                      "supported yet (`wasmcap inspect " +
                          path + "` shows its world)");
  }
  static constexpr uint8_t kMagic[4] = {0x00, 0x61, 0x73, 0x6d};
  const bool has_magic = bytes->size() >= 4 && std::memcmp(bytes->data(), kMagic, 4) == 0;
  if (has_magic || looks_binary(*bytes)) return Module::from_binary(engine, *bytes);
  auto module = Module::from_bytes_or_text(engine, *bytes);
  if (!module && module.error().kind == ErrorKind::Invalid &&
      module.error().where.offset != Location::kNone) {
    Error e = module.error();
    e.message += " (the offset is in the binary the text compiles to)";
    return e;
  }
  // WAT starts with "(" or a comment: anything else is most likely not meant as a module.
  if (!module && module.error().kind == ErrorKind::Malformed && module.error().where.line != 0) {
    const char c = first_visible(*bytes);
    if (c != '(' && c != ';') {
      Error e = module.error();
      e.message += " (the file is neither WAT text, which starts with \"(\", nor a wasm binary, "
                   "which starts with \"\\0asm\")";
      return e;
    }
  }
  return module;
}

} // namespace wasmcap::cli

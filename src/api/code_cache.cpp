// CodeCache (include/wasmcap/code_cache.h): key = hash128(module bytes, seeded by the code
// identity), one .cwasm file per key, written to a temporary file in the same directory and renamed
// into place so readers never see a partial entry (two processes racing write the same content).
#include "wasmcap/code_cache.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "api/code_cache_file.h"
#include "api/mapped_file.h"
#include "api/module_data.h"
#include "api/tier_choice.h"
#include "api/tier_up.h"
#include "support/hash.h"

#ifdef WASMCAP_HAVE_LLVM_TIER
#include "llvm/aot.h"
#include "llvm/compile.h"
#endif

namespace wasmcap {

namespace {

// mkdir -p; true when `dir` exists afterwards.
bool make_directories(const std::string& dir) {
  for (size_t slash = 1; slash != std::string::npos;) {
    slash = dir.find('/', slash + 1);
    const std::string prefix = dir.substr(0, slash);
    if (::mkdir(prefix.c_str(), 0755) != 0 && errno != EEXIST) return false;
  }
  struct stat st = {};
  return ::stat(dir.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

} // namespace

namespace detail {

std::string write_cache_entry(const std::string& path, const std::vector<uint8_t>& bytes) {
  const std::string dir = path.substr(0, path.rfind('/'));
  if (!make_directories(dir)) return "cannot create " + dir + ": " + std::strerror(errno);
  // Unique per process and per call, so concurrent writers never share a temporary file.
  static std::atomic<uint64_t> serial{0};
  const std::string tmp =
      path + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(serial.fetch_add(1));
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return "cannot write " + tmp + ": " + std::strerror(errno);
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
  const int err = errno;
  if (::close(fd) != 0 || done != bytes.size()) {
    ::unlink(tmp.c_str());
    return "cannot write " + tmp + ": " + std::strerror(err);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const int e = errno;
    ::unlink(tmp.c_str());
    return "cannot rename " + tmp + ": " + std::strerror(e);
  }
  trim_cache_directory(dir, cache_max_bytes(), path);
  return {};
}

} // namespace detail

std::string CodeCache::default_directory() {
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg != nullptr && *xdg == '/') {
    return std::string(xdg) + "/wasmcap";
  }
  if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
    return std::string(home) + "/.cache/wasmcap";
  }
  return {};
}

Result<Module> CodeCache::load(const Engine& engine, std::span<const uint8_t> bytes,
                               CacheReport* report) const {
  CacheReport local;
  CacheReport& r = report ? *report : local;
  r = CacheReport{};
  const Config& config = engine.config();
#ifdef WASMCAP_HAVE_LLVM_TIER
  const bool auto_tier = detail::tiers_up(config);
  const bool jit = auto_tier || config.tier == Tier::Jit;
  if (!jit || dir_.empty()) {
    r.note = dir_.empty() ? "no cache directory" : "the engine does not compile with the JIT";
    return Module::from_bytes_or_text(engine, bytes);
  }
  // The identity seeds the hash of the bytes, so another CPU or version never finds this entry
  // (and the module is not copied to be hashed).
  const std::string identity =
      llvm_tier::code_identity(detail::features_for(config), detail::guard_pages_allowed(config),
                               detail::checks_for(config));
  const uint64_t seed =
      support::hash128(
          std::span(reinterpret_cast<const uint8_t*>(identity.data()), identity.size()))
          .lo;
  r.path = dir_ + "/" + support::to_hex(support::hash128(bytes, seed)) + ".cwasm";

  // Another process may replace the entry while it is mapped: rename() gives it a new inode,
  // so this mapping keeps the old, complete file.
  if (const detail::MappedFile cached(r.path); cached.ok()) {
    auto module = Module::deserialize(engine, cached.bytes());
    if (module) {
      r.outcome = CacheReport::Outcome::Hit;
      detail::mark_cache_entry_used(r.path);
      return module;
    }
    r.note = "ignored the cache entry: " + module.error().message;
  }
  if (auto_tier) {
    // Tiering: start on the interpreter; the background compile writes the entry.
    auto module = Module::from_bytes_or_text(engine, bytes);
    if (module && module->data()->tier_up) module->data()->tier_up->set_cache_path(r.path);
    r.outcome = CacheReport::Outcome::Miss;
    r.note += (r.note.empty() ? "" : "; ") +
              std::string("the background compile writes it if the run outlasts it");
    return module;
  }
  auto compiled = Module::precompile(engine, bytes);
  if (!compiled) {
    if (!llvm_tier::is_unsupported(compiled.error())) return compiled.error();
    r.note = compiled.error().message;
    return Module::from_bytes_or_text(engine, bytes); // the interpreter runs it
  }
  r.outcome = CacheReport::Outcome::Miss;
  if (std::string why = detail::write_cache_entry(r.path, *compiled); !why.empty()) {
    r.note += (r.note.empty() ? "" : "; ") + why;
  }
  return Module::deserialize(engine, *compiled);
#else
  (void)config;
  r.note = "this wasmcap was built without the LLVM tier";
  return Module::from_bytes_or_text(engine, bytes);
#endif
}

} // namespace wasmcap

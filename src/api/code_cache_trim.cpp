// Keeping the code cache's directory bounded (code_cache_file.h): every hit marks its entry as
// used (its modification time), and every write trims the directory back under a size limit by
// deleting the least recently used entries. Without this the cache grows by one entry per module
// version, and a .cwasm is several times the size of its module.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <string>
#include <vector>

#include "api/code_cache_file.h"

namespace wasmcap::detail {

namespace {

constexpr uint64_t kDefaultMaxBytes = uint64_t{1} << 30;
// A temporary file this old is a crashed writer's leftover (a live write takes seconds).
constexpr time_t kStaleTemporarySeconds = 3600;

bool ends_with(const std::string& s, const char* suffix) {
  const size_t n = std::char_traits<char>::length(suffix);
  return s.size() >= n && s.compare(s.size() - n, n, suffix) == 0;
}

struct Entry {
  std::string path;
  uint64_t bytes;
  struct timespec used;
};

bool older(const Entry& a, const Entry& b) {
  if (a.used.tv_sec != b.used.tv_sec) return a.used.tv_sec < b.used.tv_sec;
  return a.used.tv_nsec < b.used.tv_nsec;
}

} // namespace

uint64_t cache_max_bytes() {
  // WASMCAP_CACHE_MAX_MB: the limit in MiB (0: no limit).
  if (const char* mb = std::getenv("WASMCAP_CACHE_MAX_MB"); mb != nullptr && *mb != '\0') {
    char* end = nullptr;
    const unsigned long long v = std::strtoull(mb, &end, 10);
    if (end != nullptr && *end == '\0') return v == 0 ? UINT64_MAX : v << 20;
  }
  return kDefaultMaxBytes;
}

void mark_cache_entry_used(const std::string& path) {
  // Best effort: a read-only cache still works, it only forgets which entries are in use.
  ::utimensat(AT_FDCWD, path.c_str(), nullptr, 0);
}

void trim_cache_directory(const std::string& dir, uint64_t max_bytes, const std::string& keep) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return;
  std::vector<Entry> entries;
  uint64_t total = 0;
  const time_t now = std::time(nullptr);
  while (const dirent* e = ::readdir(d)) {
    const std::string name = e->d_name;
    const std::string path = dir + "/" + name;
    struct stat st = {};
    if (::lstat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    if (name.find(".cwasm.tmp.") != std::string::npos) {
      if (now - st.st_mtime > kStaleTemporarySeconds) ::unlink(path.c_str());
      continue;
    }
    if (!ends_with(name, ".cwasm")) continue; // only what the cache itself writes
    total += static_cast<uint64_t>(st.st_size);
    if (path != keep) entries.push_back({path, static_cast<uint64_t>(st.st_size), st.st_mtim});
  }
  ::closedir(d);
  if (total <= max_bytes) return;
  // Down to 3/4 of the limit, so that the next writes do not each delete one entry.
  const uint64_t target = max_bytes - max_bytes / 4;
  std::sort(entries.begin(), entries.end(), older);
  for (const Entry& e : entries) {
    if (total <= target) break;
    if (::unlink(e.path.c_str()) == 0) total -= e.bytes;
  }
}

} // namespace wasmcap::detail

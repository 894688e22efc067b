// The perf map (perf_map.h): one append per module under a lock, so modules compiled on the
// tier-up thread and loaded on the main thread interleave whole.
#include "llvm/perf_map.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cinttypes>
#include <cstdio>
#include <mutex>

namespace wasmcap::llvm_tier {

namespace {
std::atomic<bool> g_enabled{false};
std::mutex g_mutex;
} // namespace

void enable_perf_map() {
  g_enabled.store(true, std::memory_order_relaxed);
}

bool perf_map_enabled() {
  return g_enabled.load(std::memory_order_relaxed);
}

void write_perf_map(const std::vector<PerfMapEntry>& entries) {
  if (entries.empty()) return;
  std::string text;
  char line[64];
  for (const PerfMapEntry& e : entries) {
    std::snprintf(line, sizeof line, "%" PRIxPTR " %" PRIx64 " ", e.start, e.size);
    text += line;
    text += e.name;
    text += '\n';
  }
  char path[64];
  std::snprintf(path, sizeof path, "/tmp/perf-%d.map", static_cast<int>(::getpid()));
  std::lock_guard lock(g_mutex);
  const int fd = ::open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return;
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
  ::close(fd);
}

} // namespace wasmcap::llvm_tier

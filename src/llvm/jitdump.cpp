// The jitdump file (jitdump.h). Layout, from the specification: a 40-byte header (magic
// 'JiTD' as a native u32, version 1, header size, ELF machine, pad, pid, timestamp, flags), then
// records, each a 16-byte prefix (id, total size, timestamp) and a body; JIT_CODE_LOAD (id 0)
// carries pid, tid, the code's virtual address twice, its size, a running index, the name with
// its NUL, then the code bytes. Timestamps are CLOCK_MONOTONIC nanoseconds, which perf uses when
// recording with `-k mono`.
#include "llvm/jitdump.h"

#include <elf.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <mutex>
#include <string>

namespace wasmcap::llvm_tier {

namespace {

constexpr uint32_t kMagic = 0x4A695444; // "JiTD"
constexpr uint32_t kVersion = 1;
constexpr uint32_t kCodeLoad = 0;

std::atomic<bool> g_enabled{false};
std::mutex g_mutex;
int g_fd = -1;
uint64_t g_index = 0; // JIT_CODE_LOAD's code_index: unique per record

uint64_t now_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000u + static_cast<uint64_t>(ts.tv_nsec);
}

template <typename T> void put(std::string& out, T v) {
  out.append(reinterpret_cast<const char*>(&v), sizeof v);
}

bool write_all(int fd, const std::string& bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

} // namespace

bool enable_jitdump(std::string& why) {
  std::lock_guard lock(g_mutex);
  if (g_fd >= 0) return true;
  const char* dir = std::getenv("JITDUMPDIR");
  std::string path = dir != nullptr && *dir != '\0' ? std::string(dir) + "/" : std::string();
  path += "jit-" + std::to_string(::getpid()) + ".dump";
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    why = "cannot create " + path + ": " + std::strerror(errno);
    return false;
  }
  std::string header;
  put<uint32_t>(header, kMagic);
  put<uint32_t>(header, kVersion);
  put<uint32_t>(header, 40); // the header's own size
  put<uint32_t>(header, EM_X86_64);
  put<uint32_t>(header, 0); // pad
  put<uint32_t>(header, static_cast<uint32_t>(::getpid()));
  put<uint64_t>(header, now_ns());
  put<uint64_t>(header, 0); // flags
  // perf finds the file through this mapping (an executable mapping of a file named
  // jit-PID.dump); it stays for the life of the process.
  const long page = ::sysconf(_SC_PAGESIZE);
  if (!write_all(fd, header) || ::mmap(nullptr, static_cast<size_t>(page), PROT_READ | PROT_EXEC,
                                       MAP_PRIVATE, fd, 0) == MAP_FAILED) {
    why = "cannot write or map " + path + ": " + std::strerror(errno);
    ::close(fd);
    return false;
  }
  g_fd = fd;
  g_enabled.store(true, std::memory_order_relaxed);
  return true;
}

bool jitdump_enabled() {
  return g_enabled.load(std::memory_order_relaxed);
}

void write_jitdump(const std::vector<PerfMapEntry>& entries) {
  std::lock_guard lock(g_mutex);
  if (g_fd < 0) return;
  const auto pid = static_cast<uint32_t>(::getpid());
  const auto tid = static_cast<uint32_t>(::syscall(SYS_gettid));
  std::string records;
  for (const PerfMapEntry& e : entries) {
    const size_t size = 16 + 4 + 4 + 8 + 8 + 8 + 8 + e.name.size() + 1 + e.size;
    put<uint32_t>(records, kCodeLoad);
    put<uint32_t>(records, static_cast<uint32_t>(size));
    put<uint64_t>(records, now_ns());
    put<uint32_t>(records, pid);
    put<uint32_t>(records, tid);
    put<uint64_t>(records, e.start); // vma
    put<uint64_t>(records, e.start); // code_addr
    put<uint64_t>(records, e.size);
    put<uint64_t>(records, g_index++);
    records.append(e.name);
    records.push_back('\0');
    records.append(reinterpret_cast<const char*>(e.start), e.size);
  }
  (void)write_all(g_fd, records);
}

} // namespace wasmcap::llvm_tier

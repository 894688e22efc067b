// private_pages (private_pages.h): /proc/self/pagemap, one 64-bit entry per virtual page.
#include "runtime/private_pages.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace wasmcap::runtime {

namespace {

// The entry's bits (Documentation/admin-guide/mm/pagemap.rst).
constexpr uint64_t kPresent = uint64_t{1} << 63;
constexpr uint64_t kSwapped = uint64_t{1} << 62;
constexpr uint64_t kFileOrSharedAnon = uint64_t{1} << 61;

// Opened once for the process: reading it costs one pread per range, no open per reset.
int pagemap_fd() {
  static const int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
  return fd;
}

bool is_private(uint64_t entry) {
  if ((entry & (kPresent | kSwapped)) == 0) return false;
  // A file page in a private mapping is the image's own page cache page, never written (a write
  // would have copied it); the huge zero page reports as one too.
  return (entry & kFileOrSharedAnon) == 0;
}

} // namespace

uint64_t host_page_size() {
  static const uint64_t page = static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
  return page;
}

bool private_pages(const uint8_t* base, uint64_t bytes, std::vector<bool>& out) {
  const int fd = pagemap_fd();
  if (fd < 0) return false;
  const uint64_t page = host_page_size();
  const uint64_t first = reinterpret_cast<uintptr_t>(base) / page;
  const uint64_t count = (bytes + page - 1) / page;
  out.resize(count);
  // In pieces, so the buffer stays small whatever the memory's size.
  constexpr uint64_t kPiece = 512;
  uint64_t entries[kPiece];
  for (uint64_t done = 0; done < count;) {
    const uint64_t n = std::min(kPiece, count - done);
    const ssize_t got = pread(fd, entries, n * sizeof(uint64_t),
                              static_cast<off_t>((first + done) * sizeof(uint64_t)));
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0 || got % sizeof(uint64_t) != 0) return false;
    const uint64_t read_entries = static_cast<uint64_t>(got) / sizeof(uint64_t);
    for (uint64_t i = 0; i < read_entries; ++i)
      out[done + i] = is_private(entries[i]);
    done += read_entries;
  }
  return true;
}

} // namespace wasmcap::runtime

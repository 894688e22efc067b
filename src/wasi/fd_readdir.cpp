// fd_readdir: directory listings with stable cookies. A listing is captured (sorted by name, `.`
// and `..` included) when the guest starts at cookie 0; cookie n means "entry n of that
// snapshot", so a listing never loops or repeats however the directory changes meanwhile.
// ops::list_directory, the listing itself, is shared with WASI 0.2's read-directory.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "wasi/fs_ops.h"
#include "wasi/wasi_functions.h"

namespace wasmcap::wasi {

namespace {

Filetype filetype_from_dtype(unsigned char t) {
  switch (t) {
  case DT_REG: return Filetype::RegularFile;
  case DT_DIR: return Filetype::Directory;
  case DT_LNK: return Filetype::SymbolicLink;
  case DT_CHR: return Filetype::CharacterDevice;
  case DT_BLK: return Filetype::BlockDevice;
  case DT_SOCK: return Filetype::SocketStream;
  default: return Filetype::Unknown;
  }
}

Errno take_snapshot(FdEntry& e) {
  WASI_TRY_ASSIGN(std::vector<DirEntry> entries, ops::list_directory(e.fd()));
  struct stat self;
  const bool have_self = ::fstat(e.fd(), &self) == 0;
  for (DirEntry& de : entries) {
    // A preopen's `..` is outside the grant: report the directory itself rather than leak
    // anything about its host parent.
    if (de.name == ".." && e.preopen_name && have_self) de.ino = self.st_ino;
  }
  e.dir_snapshot = std::move(entries);
  e.has_snapshot = true;
  return Errno::Success;
}

} // namespace

ErrnoOr<std::vector<DirEntry>> ops::list_directory(int dir_fd) {
  // A fresh open of the same directory: its own read position, and the guest's fd untouched.
  const int fd = ::openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return last_host_errno();
  DIR* dir = ::fdopendir(fd);
  if (!dir) {
    const Errno err = last_host_errno();
    ::close(fd);
    return err;
  }
  std::vector<DirEntry> entries;
  while (const dirent* d = ::readdir(dir)) {
    DirEntry de;
    de.name = d->d_name;
    de.ino = d->d_ino;
    de.type = filetype_from_dtype(d->d_type);
    if (d->d_type == DT_UNKNOWN) {
      struct stat st;
      if (::fstatat(fd, d->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
        de.type = filetype_from_mode(st.st_mode);
      }
    }
    entries.push_back(std::move(de));
  }
  ::closedir(dir);
  std::sort(entries.begin(), entries.end(),
            [](const DirEntry& a, const DirEntry& b) { return a.name < b.name; });
  return entries;
}

namespace fns {

Errno fd_readdir(Ctx& ctx, Mem&, Fd fd, GuestBuffer buf, uint64_t cookie, Out<uint32_t> used) {
  WASI_TRY_ASSIGN(FdEntry * e, ctx.fds().get(fd, right::kFdReaddir));
  if (cookie == 0 || !e->has_snapshot) WASI_TRY(take_snapshot(*e));
  const std::vector<DirEntry>& entries = e->dir_snapshot;
  size_t out = 0;
  const size_t cap = buf.bytes.size();
  for (uint64_t i = cookie; i < entries.size() && out < cap; ++i) {
    const DirEntry& de = entries[i];
    uint8_t header[kDirentSize] = {};
    store_u64(header + 0, i + 1); // d_next: the cookie of the entry after this one
    store_u64(header + 8, de.ino);
    store_u32(header + 16, static_cast<uint32_t>(de.name.size()));
    store_u8(header + 20, static_cast<uint8_t>(de.type));
    // A record that does not fit is cut at the buffer's end: the guest sees a full buffer and
    // asks again with a bigger one, as the spec describes.
    const size_t h = std::min(cap - out, sizeof header);
    std::memcpy(buf.bytes.data() + out, header, h);
    out += h;
    const size_t n = std::min(cap - out, de.name.size());
    if (n) std::memcpy(buf.bytes.data() + out, de.name.data(), n);
    out += n;
  }
  used.set(static_cast<uint32_t>(out));
  return Errno::Success;
}

} // namespace fns
} // namespace wasmcap::wasi

// File types, rights maxima, filestat encoding and set-times flags (see host_file.h).
#include "wasi/host_file.h"

#include <sys/socket.h>

#include <cerrno>

#include "wasi/guest_memory.h"

namespace wasmcap::wasi {

Filetype filetype_from_mode(mode_t mode) {
  switch (mode & S_IFMT) {
  case S_IFREG: return Filetype::RegularFile;
  case S_IFDIR: return Filetype::Directory;
  case S_IFCHR: return Filetype::CharacterDevice;
  case S_IFBLK: return Filetype::BlockDevice;
  case S_IFLNK: return Filetype::SymbolicLink;
  case S_IFSOCK: return Filetype::SocketStream;
  default: return Filetype::Unknown; // FIFOs: WASI has no file type for them
  }
}

ErrnoOr<Filetype> host_filetype(int fd) {
  struct stat st;
  if (::fstat(fd, &st) != 0) return last_host_errno();
  Filetype t = filetype_from_mode(st.st_mode);
  if (t == Filetype::SocketStream) {
    int type = 0;
    socklen_t len = sizeof type;
    if (::getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) == 0 && type == SOCK_DGRAM) {
      t = Filetype::SocketDgram;
    }
  }
  return t;
}

Rights max_rights_for(Filetype type) {
  switch (type) {
  case Filetype::RegularFile: return right::kFileBase;
  case Filetype::Directory: return right::kDirBase;
  case Filetype::BlockDevice: return right::kFileBase;
  default: return right::kStreamBase; // character devices, pipes, sockets
  }
}

namespace {
uint64_t to_ns(const timespec& ts) {
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000ull + static_cast<uint64_t>(ts.tv_nsec);
}
timespec from_ns(uint64_t ns) {
  timespec ts;
  ts.tv_sec = static_cast<time_t>(ns / 1'000'000'000ull);
  ts.tv_nsec = static_cast<long>(ns % 1'000'000'000ull);
  return ts;
}
} // namespace

Filestat filestat_from_stat(const struct stat& st) {
  Filestat s;
  s.dev = static_cast<uint64_t>(st.st_dev);
  s.ino = static_cast<uint64_t>(st.st_ino);
  s.type = filetype_from_mode(st.st_mode);
  s.nlink = static_cast<uint64_t>(st.st_nlink);
  s.size = static_cast<uint64_t>(st.st_size);
  s.atim = to_ns(st.st_atim);
  s.mtim = to_ns(st.st_mtim);
  s.ctim = to_ns(st.st_ctim);
  return s;
}

void encode_filestat(uint8_t* dst, const Filestat& s, Abi abi) {
  std::memset(dst, 0, filestat_size(abi));
  store_u64(dst + 0, s.dev);
  store_u64(dst + 8, s.ino);
  store_u8(dst + 16, static_cast<uint8_t>(s.type));
  // preview0's linkcount is a u32 (so size moves up to offset 24); preview1's is a u64.
  const uint32_t base = abi == Abi::Preview1 ? 32 : 24;
  if (abi == Abi::Preview1) {
    store_u64(dst + 24, s.nlink);
  } else {
    store_u32(dst + 20, static_cast<uint32_t>(s.nlink));
  }
  store_u64(dst + base, s.size);
  store_u64(dst + base + 8, s.atim);
  store_u64(dst + base + 16, s.mtim);
  store_u64(dst + base + 24, s.ctim);
}

ErrnoOr<std::array<timespec, 2>> times_from_fstflags(uint64_t atim, uint64_t mtim,
                                                     uint16_t fst_flags) {
  using namespace fstflag;
  if ((fst_flags & kAtim) && (fst_flags & kAtimNow)) return Errno::Inval;
  if ((fst_flags & kMtim) && (fst_flags & kMtimNow)) return Errno::Inval;
  if (fst_flags & ~(kAtim | kAtimNow | kMtim | kMtimNow)) return Errno::Inval;
  std::array<timespec, 2> ts{};
  auto pick = [](bool set, bool now, uint64_t value) {
    if (now) return timespec{0, UTIME_NOW};
    if (set) return from_ns(value);
    return timespec{0, UTIME_OMIT};
  };
  ts[0] = pick(fst_flags & kAtim, fst_flags & kAtimNow, atim);
  ts[1] = pick(fst_flags & kMtim, fst_flags & kMtimNow, mtim);
  return ts;
}

} // namespace wasmcap::wasi

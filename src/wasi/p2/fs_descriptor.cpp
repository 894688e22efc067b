// wasi:filesystem descriptor methods about the open file or directory itself: streams, positional
// read and write, size, times, sync, advice, flags, type, stat and metadata hashes, and the
// value builders they share with fs_paths.cpp. Rights come from the FdTable entry (see
// p2rights in filesystem.h); the operations preview1 also has are ops:: calls.
#include <fcntl.h>
#include <sys/random.h>
#include <unistd.h>

#include <cerrno>

#include "wasi/fs_ops.h"
#include "wasi/p2/filesystem.h"
#include "wasi/p2/objects.h"

namespace wasmcap::wasi::p2 {

namespace {

constexpr uint64_t kMaxOff = static_cast<uint64_t>(INT64_MAX);
// The most one `read` returns (the WIT allows fewer bytes than asked).
constexpr uint64_t kMaxRead = 1 << 20;

Val datetime_val(const timespec& ts) {
  return record_val(
      {u64_val(static_cast<uint64_t>(ts.tv_sec)), u32_val(static_cast<uint32_t>(ts.tv_nsec))});
}

// A duplicate of the descriptor's host fd for a stream, which outlives the descriptor.
ErrnoOr<int> dup_for_stream(const FdEntry& e) {
  const int fd = ::fcntl(e.fd(), F_DUPFD_CLOEXEC, 3);
  if (fd < 0) return last_host_errno();
  return fd;
}

// The entry of a file descriptor for a data operation needing `rights`: a directory answers
// is-directory before any rights question (it can never be read or written as a file).
ErrnoOr<FdEntry*> file_entry(P2Ctx& cx, Fd fd, Rights rights) {
  WASI_TRY_ASSIGN(FdEntry * e, cx.wasi().fds().get(fd));
  if (e->type == Filetype::Directory) return Errno::Isdir;
  return cx.wasi().fds().get(fd, rights);
}

// 64-bit mixing (a bijective finaliser) for the metadata hash.
uint64_t mix(uint64_t x) {
  x ^= x >> 31;
  x *= 0x7fb5d329728ea185ull;
  x ^= x >> 27;
  x *= 0x81dadef4bc2dd44dull;
  x ^= x >> 33;
  return x;
}

} // namespace

Val descriptor_type_val(mode_t mode) {
  switch (mode & S_IFMT) {
  case S_IFBLK: return enum_val(kDescriptorType, "block-device");
  case S_IFCHR: return enum_val(kDescriptorType, "character-device");
  case S_IFDIR: return enum_val(kDescriptorType, "directory");
  case S_IFIFO: return enum_val(kDescriptorType, "fifo");
  case S_IFLNK: return enum_val(kDescriptorType, "symbolic-link");
  case S_IFREG: return enum_val(kDescriptorType, "regular-file");
  case S_IFSOCK: return enum_val(kDescriptorType, "socket");
  default: return enum_val(kDescriptorType, "unknown");
  }
}

Val descriptor_type_val(Filetype type) {
  switch (type) {
  case Filetype::BlockDevice: return enum_val(kDescriptorType, "block-device");
  case Filetype::CharacterDevice: return enum_val(kDescriptorType, "character-device");
  case Filetype::Directory: return enum_val(kDescriptorType, "directory");
  case Filetype::RegularFile: return enum_val(kDescriptorType, "regular-file");
  case Filetype::SocketDgram:
  case Filetype::SocketStream: return enum_val(kDescriptorType, "socket");
  case Filetype::SymbolicLink: return enum_val(kDescriptorType, "symbolic-link");
  case Filetype::Unknown: break;
  }
  return enum_val(kDescriptorType, "unknown");
}

Val descriptor_stat_val(const struct stat& st) {
  return record_val({descriptor_type_val(st.st_mode), u64_val(static_cast<uint64_t>(st.st_nlink)),
                     u64_val(static_cast<uint64_t>(st.st_size)), some_val(datetime_val(st.st_atim)),
                     some_val(datetime_val(st.st_mtim)), some_val(datetime_val(st.st_ctim))});
}

Val metadata_hash_val(const struct stat& st) {
  // Keyed by a secret chosen once per process, so the hash does not give away inode numbers or
  // exact times, yet stays stable while the file is unchanged (the WIT's wishes).
  static const std::array<uint64_t, 2> key = [] {
    std::array<uint64_t, 2> k{0x243f6a8885a308d3ull, 0x13198a2e03707344ull};
    std::array<uint64_t, 2> r{};
    if (::getrandom(r.data(), sizeof r, 0) == static_cast<ssize_t>(sizeof r)) {
      k[0] ^= r[0];
      k[1] ^= r[1];
    }
    return k;
  }();
  const uint64_t words[] = {
      static_cast<uint64_t>(st.st_dev),          static_cast<uint64_t>(st.st_ino),
      static_cast<uint64_t>(st.st_size),         static_cast<uint64_t>(st.st_mtim.tv_sec),
      static_cast<uint64_t>(st.st_mtim.tv_nsec), static_cast<uint64_t>(st.st_ctim.tv_sec),
      static_cast<uint64_t>(st.st_ctim.tv_nsec), static_cast<uint64_t>(st.st_mode)};
  uint64_t lower = key[0], upper = key[1];
  for (const uint64_t w : words) {
    lower = mix(lower ^ w);
    upper = mix(upper + w + 0x9e3779b97f4a7c15ull);
  }
  return record_val({u64_val(lower), u64_val(upper)});
}

ErrnoOr<std::array<timespec, 2>> timestamps(const Val& atime, const Val& mtime) {
  std::array<timespec, 2> ts{};
  const Val* in[2] = {&atime, &mtime};
  for (int i = 0; i < 2; ++i) {
    const Val& v = *in[i];
    if (v.bits == case_index(kNewTimestamp, "no-change")) {
      ts[i] = timespec{0, UTIME_OMIT};
    } else if (v.bits == case_index(kNewTimestamp, "now")) {
      ts[i] = timespec{0, UTIME_NOW};
    } else {
      if (!v.has_payload() || v.payload().items.size() != 2) return Errno::Inval;
      const uint64_t sec = v.payload().items[0].u(), nsec = v.payload().items[1].u();
      if (sec > kMaxOff || nsec >= 1'000'000'000u) return Errno::Inval;
      ts[i] = timespec{static_cast<time_t>(sec), static_cast<long>(nsec)};
    }
  }
  return ts;
}

FsRet read_via_stream(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(const Fd fd, descriptor_fd(cx, a[0]));
  FS_ASSIGN(FdEntry * e, file_entry(cx, fd, right::kFdRead));
  if (a[1].u() > kMaxOff) return fs_fail(Errno::Inval);
  FS_ASSIGN(const int dup, dup_for_stream(*e));
  auto s = std::make_unique<InputStream>();
  s->fd.reset(dup);
  s->offset = a[1].u();
  return fs_ok(own_val(resources::kInputStream, cx.add(std::move(s))));
}

FsRet write_via_stream(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(const Fd fd, descriptor_fd(cx, a[0]));
  FS_ASSIGN(FdEntry * e, file_entry(cx, fd, right::kFdWrite));
  if (a[1].u() > kMaxOff) return fs_fail(Errno::Inval);
  FS_ASSIGN(const int dup, dup_for_stream(*e));
  auto s = std::make_unique<OutputStream>();
  s->fd.reset(dup);
  s->offset = a[1].u();
  return fs_ok(own_val(resources::kOutputStream, cx.add(std::move(s))));
}

FsRet append_via_stream(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(const Fd fd, descriptor_fd(cx, a[0]));
  FS_ASSIGN(FdEntry * e, file_entry(cx, fd, right::kFdWrite));
  FS_ASSIGN(const int dup, dup_for_stream(*e));
  auto s = std::make_unique<OutputStream>();
  s->fd.reset(dup);
  s->append = true;
  return fs_ok(own_val(resources::kOutputStream, cx.add(std::move(s))));
}

FsRet advise(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(const Fd fd, descriptor_fd(cx, a[0]));
  static constexpr std::pair<std::string_view, int> kHost[] = {
      {"normal", POSIX_FADV_NORMAL},      {"sequential", POSIX_FADV_SEQUENTIAL},
      {"random", POSIX_FADV_RANDOM},      {"will-need", POSIX_FADV_WILLNEED},
      {"dont-need", POSIX_FADV_DONTNEED}, {"no-reuse", POSIX_FADV_NOREUSE}};
  for (const auto& [name, host] : kHost) {
    if (a[3].bits == case_index(kAdvice, name)) {
      FS_TRY(ops::fd_advise(cx.wasi(), fd, a[1].u(), a[2].u(), host));
      return fs_ok();
    }
  }
  return fs_fail(Errno::Inval);
}

FsRet sync_data(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(const Fd fd, descriptor_fd(cx, a[0]));
  FS_ASSIGN(FdEntry * e, cx.wasi().fds().get(fd));
  // "Succeeds with no effect if the file descriptor is not opened for writing."
  if (!(e->base & right::kFdDatasync)) return fs_ok();
  FS_TRY(ops::fd_datasync(cx.wasi(), fd));
  return fs_ok();
}

FsRet sync(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(const Fd fd, descriptor_fd(cx, a[0]));
  FS_ASSIGN(FdEntry * e, cx.wasi().fds().get(fd));
  if (!(e->base & (right::kFdWrite | right::kFdDatasync))) return fs_ok(); // as sync-data
  FS_TRY(ops::fd_sync(cx.wasi(), fd));
  return fs_ok();
}

FsRet get_flags(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(const Fd fd, descriptor_fd(cx, a[0]));
  FS_ASSIGN(FdEntry * e, cx.wasi().fds().get(fd));
  const int fl = ::fcntl(e->fd(), F_GETFL);
  if (fl < 0) return fs_fail(last_host_errno());
  uint64_t bits = 0;
  if (e->base & p2rights::kRead) bits |= flag_bit(kDescriptorFlags, "read");
  if (e->base & right::kFdWrite) bits |= flag_bit(kDescriptorFlags, "write");
  if (can_mutate_directory(*e)) bits |= flag_bit(kDescriptorFlags, "mutate-directory");
  if ((fl & O_SYNC) == O_SYNC) {
    bits |= flag_bit(kDescriptorFlags, "file-integrity-sync");
  } else if (fl & O_DSYNC) {
    bits |= flag_bit(kDescriptorFlags, "data-integrity-sync");
  }
  return fs_ok(Val::make(Val::Kind::Flags, bits));
}

FsRet get_type(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(const Fd fd, descriptor_fd(cx, a[0]));
  FS_ASSIGN(FdEntry * e, cx.wasi().fds().get(fd));
  struct stat st;
  if (::fstat(e->fd(), &st) != 0) return fs_ok(descriptor_type_val(e->type));
  return fs_ok(descriptor_type_val(st.st_mode));
}

FsRet set_size(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(const Fd fd, descriptor_fd(cx, a[0]));
  FS_TRY(file_entry(cx, fd, right::kFdFilestatSetSize).error());
  FS_TRY(ops::fd_set_size(cx.wasi(), fd, a[1].u()));
  return fs_ok();
}

FsRet set_times(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(const Fd fd, descriptor_fd(cx, a[0]));
  FS_TRY(cx.wasi().fds().get(fd, right::kFdFilestatSetTimes).error()); // rights first
  FS_ASSIGN(const auto ts, timestamps(a[1], a[2]));
  FS_TRY(ops::fd_set_times(cx.wasi(), fd, ts));
  return fs_ok();
}

FsRet read(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(const Fd fd, descriptor_fd(cx, a[0]));
  FS_ASSIGN(FdEntry * e, file_entry(cx, fd, right::kFdRead));
  const uint64_t offset = a[2].u();
  if (offset > kMaxOff) return fs_fail(Errno::Inval);
  const size_t want = static_cast<size_t>(std::min(a[1].u(), kMaxRead));
  std::string buf(want, '\0');
  size_t got = 0;
  bool eof = false;
  while (got < want) {
    const ssize_t n =
        ::pread(e->fd(), buf.data() + got, want - got, static_cast<off_t>(offset + got));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      if (got > 0) break; // return what was read; the error shows on the next call
      return fs_fail(last_host_errno());
    }
    if (n == 0) {
      eof = true;
      break;
    }
    got += static_cast<size_t>(n);
  }
  buf.resize(got);
  return fs_ok(tuple_val({Val::bytes(std::move(buf)), bool_val(eof)}));
}

FsRet write(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(const Fd fd, descriptor_fd(cx, a[0]));
  FS_ASSIGN(FdEntry * e, file_entry(cx, fd, right::kFdWrite));
  const uint64_t offset = a[2].u();
  const std::string data = val_bytes(a[1]);
  if (offset > kMaxOff || data.size() > kMaxOff - offset) return fs_fail(Errno::Inval);
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::pwrite(e->fd(), data.data() + done, data.size() - done,
                               static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      if (done > 0) break; // a short write: report what was written
      return fs_fail(n < 0 ? last_host_errno() : Errno::Io);
    }
    done += static_cast<size_t>(n);
  }
  return fs_ok(u64_val(done));
}

FsRet stat(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(const Fd fd, descriptor_fd(cx, a[0]));
  FS_ASSIGN(const struct stat st, ops::fd_stat(cx.wasi(), fd));
  return fs_ok(descriptor_stat_val(st));
}

FsRet is_same_object(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(const Fd fd, descriptor_fd(cx, a[0]));
  WASMCAP_ASSIGN(const Fd other, descriptor_fd(cx, a[1]));
  auto ex = cx.wasi().fds().get(fd);
  auto ey = cx.wasi().fds().get(other); // both exist: descriptor_fd checked
  struct stat x, y;
  const bool same = ::fstat((*ex)->fd(), &x) == 0 && ::fstat((*ey)->fd(), &y) == 0 &&
                    x.st_dev == y.st_dev && x.st_ino == y.st_ino;
  return fs_ok(bool_val(same));
}

FsRet metadata_hash(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(const Fd fd, descriptor_fd(cx, a[0]));
  FS_ASSIGN(const struct stat st, ops::fd_stat(cx.wasi(), fd));
  return fs_ok(metadata_hash_val(st));
}

FsRet filesystem_error_code(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(const uint32_t rep, handle_rep(a[0], resources::kError));
  WASMCAP_ASSIGN(ErrorObject * e, cx.get_as<ErrorObject>(rep, resources::kError));
  if (e->host_errno == 0) return fs_ok(none_val());
  return fs_ok(some_val(fs_error_code(errno_from_host(e->host_errno), Refusal::None, Deny::Other)));
}

} // namespace wasmcap::wasi::p2

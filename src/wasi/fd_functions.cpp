// fd_* functions about a descriptor itself: close, renumber, stat, flags, rights, sync, size,
// times, advice and the preopen queries. Reads, writes and seeks are in fd_io_functions.cpp.
// The operations WASI 0.2's descriptor methods also need are ops:: (fs_ops.h), defined first.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "wasi/fs_ops.h"
#include "wasi/wasi_functions.h"

namespace wasmcap::wasi {

namespace {
constexpr uint64_t kMaxOff = static_cast<uint64_t>(INT64_MAX);
}

namespace ops {

ErrnoOr<struct stat> fd_stat(WasiCtx& ctx, Fd fd) {
  WASI_TRY_ASSIGN(FdEntry * e, ctx.fds().get(fd, right::kFdFilestatGet));
  struct stat st;
  if (::fstat(e->fd(), &st) != 0) return last_host_errno();
  return st;
}

Errno fd_set_size(WasiCtx& ctx, Fd fd, uint64_t size) {
  WASI_TRY_ASSIGN(FdEntry * e, ctx.fds().get(fd, right::kFdFilestatSetSize));
  if (size > kMaxOff) return Errno::Inval;
  return ::ftruncate(e->fd(), static_cast<off_t>(size)) == 0 ? Errno::Success : last_host_errno();
}

Errno fd_set_times(WasiCtx& ctx, Fd fd, const std::array<timespec, 2>& ts) {
  WASI_TRY_ASSIGN(FdEntry * e, ctx.fds().get(fd, right::kFdFilestatSetTimes));
  return ::futimens(e->fd(), ts.data()) == 0 ? Errno::Success : last_host_errno();
}

Errno fd_advise(WasiCtx& ctx, Fd fd, uint64_t offset, uint64_t len, int advice) {
  WASI_TRY_ASSIGN(FdEntry * e, ctx.fds().get(fd, right::kFdAdvise));
  if (offset > kMaxOff || len > kMaxOff) return Errno::Inval;
  return errno_from_host(
      ::posix_fadvise(e->fd(), static_cast<off_t>(offset), static_cast<off_t>(len), advice));
}

Errno fd_datasync(WasiCtx& ctx, Fd fd) {
  WASI_TRY_ASSIGN(FdEntry * e, ctx.fds().get(fd, right::kFdDatasync));
  return ::fdatasync(e->fd()) == 0 ? Errno::Success : last_host_errno();
}

Errno fd_sync(WasiCtx& ctx, Fd fd) {
  WASI_TRY_ASSIGN(FdEntry * e, ctx.fds().get(fd, right::kFdSync));
  return ::fsync(e->fd()) == 0 ? Errno::Success : last_host_errno();
}

} // namespace ops

namespace fns {

Errno fd_advise(Ctx& ctx, Mem&, Fd fd, uint64_t offset, uint64_t len, uint32_t advice) {
  WASI_TRY(ctx.fds().get(fd, right::kFdAdvise).error()); // rights before argument checks
  static constexpr int kAdvice[] = {POSIX_FADV_NORMAL,   POSIX_FADV_SEQUENTIAL, POSIX_FADV_RANDOM,
                                    POSIX_FADV_WILLNEED, POSIX_FADV_DONTNEED,   POSIX_FADV_NOREUSE};
  if (advice >= std::size(kAdvice)) return Errno::Inval;
  return ops::fd_advise(ctx, fd, offset, len, kAdvice[advice]);
}

Errno fd_allocate(Ctx& ctx, Mem&, Fd fd, uint64_t offset, uint64_t len) {
  WASI_TRY_ASSIGN(FdEntry * e, ctx.fds().get(fd, right::kFdAllocate));
  if (offset > kMaxOff || len > kMaxOff - offset) return Errno::Inval;
  return errno_from_host(
      ::posix_fallocate(e->fd(), static_cast<off_t>(offset), static_cast<off_t>(len)));
}

Errno fd_close(Ctx& ctx, Mem&, Fd fd) {
  return ctx.fds().close(fd);
}

Errno fd_datasync(Ctx& ctx, Mem&, Fd fd) {
  return ops::fd_datasync(ctx, fd);
}

Errno fd_sync(Ctx& ctx, Mem&, Fd fd) {
  return ops::fd_sync(ctx, fd);
}

Errno fd_fdstat_get(Ctx& ctx, Mem&, Fd fd, OutRecord<kFdstatSize> out) {
  WASI_TRY_ASSIGN(FdEntry * e, ctx.fds().get(fd));
  const int fl = ::fcntl(e->fd(), F_GETFL);
  if (fl < 0) return last_host_errno();
  uint16_t flags = 0;
  if (fl & O_APPEND) flags |= fdflag::kAppend;
  if (fl & O_NONBLOCK) flags |= fdflag::kNonblock;
  if ((fl & O_SYNC) == O_SYNC) {
    flags |= fdflag::kSync;
  } else if (fl & O_DSYNC) {
    flags |= fdflag::kDsync;
  }
  std::memset(out.p, 0, kFdstatSize);
  store_u8(out.p + 0, static_cast<uint8_t>(e->type));
  store_u16(out.p + 2, flags);
  store_u64(out.p + 8, e->base);
  store_u64(out.p + 16, e->advertised_inheriting());
  return Errno::Success;
}

Errno fd_fdstat_set_flags(Ctx& ctx, Mem&, Fd fd, uint32_t flags) {
  WASI_TRY_ASSIGN(FdEntry * e, ctx.fds().get(fd, right::kFdFdstatSetFlags));
  using namespace fdflag;
  if (flags & ~uint32_t{kAppend | kDsync | kNonblock | kRsync | kSync}) return Errno::Inval;
  // Linux cannot change the sync flags of an open file (F_SETFL ignores them): say so.
  if (flags & (kDsync | kRsync | kSync)) return Errno::Notsup;
  const int fl = ::fcntl(e->fd(), F_GETFL);
  if (fl < 0) return last_host_errno();
  int nfl = fl & ~(O_APPEND | O_NONBLOCK);
  if (flags & kAppend) nfl |= O_APPEND;
  if (flags & kNonblock) nfl |= O_NONBLOCK;
  return ::fcntl(e->fd(), F_SETFL, nfl) == 0 ? Errno::Success : last_host_errno();
}

Errno fd_fdstat_set_rights(Ctx& ctx, Mem&, Fd fd, uint64_t base, uint64_t inheriting) {
  return ctx.fds().restrict_rights(fd, base, inheriting);
}

template <Abi A> Errno fd_filestat_get(Ctx& ctx, Mem&, Fd fd, OutFilestat<A> out) {
  WASI_TRY_ASSIGN(const struct stat st, ops::fd_stat(ctx, fd));
  Filestat s = filestat_from_stat(st);
  WASI_TRY_ASSIGN(FdEntry * e, ctx.fds().get(fd));
  if (e->type == Filetype::SocketDgram) s.type = e->type;
  encode_filestat(out.p, s, A);
  return Errno::Success;
}
template Errno fd_filestat_get<Abi::Preview1>(Ctx&, Mem&, Fd, OutFilestat<Abi::Preview1>);
template Errno fd_filestat_get<Abi::Preview0>(Ctx&, Mem&, Fd, OutFilestat<Abi::Preview0>);

Errno fd_filestat_set_size(Ctx& ctx, Mem&, Fd fd, uint64_t size) {
  return ops::fd_set_size(ctx, fd, size);
}

Errno fd_filestat_set_times(Ctx& ctx, Mem&, Fd fd, uint64_t atim, uint64_t mtim, uint32_t flags) {
  WASI_TRY(ctx.fds().get(fd, right::kFdFilestatSetTimes).error()); // rights before flags
  if (flags > UINT16_MAX) return Errno::Inval;
  WASI_TRY_ASSIGN(auto ts, times_from_fstflags(atim, mtim, static_cast<uint16_t>(flags)));
  return ops::fd_set_times(ctx, fd, ts);
}

Errno fd_prestat_get(Ctx& ctx, Mem&, Fd fd, OutRecord<kPrestatSize> out) {
  WASI_TRY_ASSIGN(FdEntry * e, ctx.fds().get(fd));
  if (!e->preopen_name) return Errno::Badf; // what wasi-libc expects at the end of the preopens
  std::memset(out.p, 0, kPrestatSize);
  store_u8(out.p, kPreopentypeDir);
  store_u32(out.p + 4, static_cast<uint32_t>(e->preopen_name->size()));
  return Errno::Success;
}

Errno fd_prestat_dir_name(Ctx& ctx, Mem&, Fd fd, GuestBuffer path) {
  WASI_TRY_ASSIGN(FdEntry * e, ctx.fds().get(fd));
  if (!e->preopen_name) return Errno::Badf;
  const std::string& name = *e->preopen_name;
  if (path.bytes.size() < name.size()) return Errno::Nametoolong;
  if (!name.empty()) std::memcpy(path.bytes.data(), name.data(), name.size());
  return Errno::Success;
}

Errno fd_renumber(Ctx& ctx, Mem&, Fd fd, Fd to) {
  return ctx.fds().renumber(fd, to);
}

} // namespace fns
} // namespace wasmcap::wasi

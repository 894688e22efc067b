// fd_read/fd_write (and their positional forms), fd_seek and fd_tell. The iovecs were checked
// against linear memory by the glue; these hand them to readv/writev as they are.
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

#include "wasi/wasi_functions.h"

namespace wasmcap::wasi::fns {

namespace {

std::vector<iovec> host_iovecs(const IoVecs& v) {
  std::vector<iovec> out(v.bufs.size());
  for (size_t i = 0; i < v.bufs.size(); ++i) {
    out[i].iov_base = v.bufs[i].data();
    out[i].iov_len = v.bufs[i].size();
  }
  return out;
}

// Runs `op` (a readv-like call) until it is not interrupted, and stores the byte count.
template <class Op> Errno transfer(Op op, Out<uint32_t> count) {
  ssize_t n;
  do {
    n = op();
  } while (n < 0 && errno == EINTR);
  if (n < 0) return last_host_errno();
  count.set(static_cast<uint32_t>(n));
  return Errno::Success;
}

constexpr uint64_t kMaxOff = static_cast<uint64_t>(INT64_MAX);

} // namespace

Errno fd_read(Ctx& ctx, Mem&, Fd fd, IoVecs iovs, Out<uint32_t> nread) {
  WASI_TRY_ASSIGN(FdEntry * e, ctx.fds().get(fd, right::kFdRead));
  auto v = host_iovecs(iovs);
  return transfer([&] { return ::readv(e->fd(), v.data(), static_cast<int>(v.size())); }, nread);
}

Errno fd_pread(Ctx& ctx, Mem&, Fd fd, IoVecs iovs, uint64_t offset, Out<uint32_t> nread) {
  WASI_TRY_ASSIGN(FdEntry * e, ctx.fds().get(fd, right::kFdRead | right::kFdSeek));
  if (offset > kMaxOff) return Errno::Inval;
  auto v = host_iovecs(iovs);
  return transfer(
      [&] {
        return ::preadv(e->fd(), v.data(), static_cast<int>(v.size()), static_cast<off_t>(offset));
      },
      nread);
}

Errno fd_write(Ctx& ctx, Mem&, Fd fd, IoVecs iovs, Out<uint32_t> nwritten) {
  WASI_TRY_ASSIGN(FdEntry * e, ctx.fds().get(fd, right::kFdWrite));
  auto v = host_iovecs(iovs);
  return transfer([&] { return ::writev(e->fd(), v.data(), static_cast<int>(v.size())); },
                  nwritten);
}

Errno fd_pwrite(Ctx& ctx, Mem&, Fd fd, IoVecs iovs, uint64_t offset, Out<uint32_t> nwritten) {
  WASI_TRY_ASSIGN(FdEntry * e, ctx.fds().get(fd, right::kFdWrite | right::kFdSeek));
  if (offset > kMaxOff) return Errno::Inval;
  auto v = host_iovecs(iovs);
  return transfer(
      [&] {
        return ::pwritev(e->fd(), v.data(), static_cast<int>(v.size()), static_cast<off_t>(offset));
      },
      nwritten);
}

template <Abi A>
Errno fd_seek(Ctx& ctx, Mem&, Fd fd, int64_t offset, uint32_t whence, Out<uint64_t> newoffset) {
  // preview1 numbers whence set, cur, end; wasi_unstable numbers it cur, end, set.
  static constexpr Whence kP1[] = {Whence::Set, Whence::Cur, Whence::End};
  static constexpr Whence kP0[] = {Whence::Cur, Whence::End, Whence::Set};
  if (whence > 2) return Errno::Inval;
  const Whence w = A == Abi::Preview1 ? kP1[whence] : kP0[whence];
  // Asking where we are is fd_tell's right; moving needs fd_seek.
  const Rights need = (offset == 0 && w == Whence::Cur) ? right::kFdTell : right::kFdSeek;
  WASI_TRY_ASSIGN(FdEntry * e, ctx.fds().get(fd, need));
  const int host_whence = w == Whence::Set ? SEEK_SET : w == Whence::Cur ? SEEK_CUR : SEEK_END;
  const off_t r = ::lseek(e->fd(), static_cast<off_t>(offset), host_whence);
  if (r < 0) return last_host_errno();
  newoffset.set(static_cast<uint64_t>(r));
  return Errno::Success;
}
template Errno fd_seek<Abi::Preview1>(Ctx&, Mem&, Fd, int64_t, uint32_t, Out<uint64_t>);
template Errno fd_seek<Abi::Preview0>(Ctx&, Mem&, Fd, int64_t, uint32_t, Out<uint64_t>);

Errno fd_tell(Ctx& ctx, Mem&, Fd fd, Out<uint64_t> offset) {
  WASI_TRY_ASSIGN(FdEntry * e, ctx.fds().get(fd, right::kFdTell));
  const off_t r = ::lseek(e->fd(), 0, SEEK_CUR);
  if (r < 0) return last_host_errno();
  offset.set(static_cast<uint64_t>(r));
  return Errno::Success;
}

} // namespace wasmcap::wasi::fns

// sock_*: on the sockets the embedder granted: a preopened listener (WasiConfig::tcp_listeners,
// `-S tcplisten`), the connections accepted on it, and a socket passed as stdio (e.g. socket
// activation); anything else is Badf (no such fd) or Notsock.
#include <sys/socket.h>

#include <cerrno>

#include "wasi/wasi_functions.h"

namespace wasmcap::wasi::fns {

namespace {

bool is_socket(const FdEntry& e) {
  return e.type == Filetype::SocketStream || e.type == Filetype::SocketDgram;
}

ErrnoOr<FdEntry*> socket_entry(Ctx& ctx, Fd fd, Rights need) {
  WASI_TRY_ASSIGN(FdEntry * e, ctx.fds().get(fd));
  if (!is_socket(*e)) return Errno::Notsock;
  return ctx.fds().get(fd, need);
}

msghdr message(std::vector<iovec>& v, const IoVecs& iovs) {
  v.resize(iovs.bufs.size());
  for (size_t i = 0; i < v.size(); ++i)
    v[i] = {iovs.bufs[i].data(), iovs.bufs[i].size()};
  msghdr m{};
  m.msg_iov = v.data();
  m.msg_iovlen = v.size();
  return m;
}

} // namespace

Errno sock_accept(Ctx& ctx, Mem&, Fd fd, uint32_t flags, Out<uint32_t> accepted) {
  WASI_TRY_ASSIGN(FdEntry * e, socket_entry(ctx, fd, right::kSockAccept));
  if (!e->listener) {
    // A socket the embedder passed in was granted as it is: accepting on it would create
    // authority (new connections) that was never granted.
    ctx.fds().note_refusal(Refusal::NoSocketGrant);
    return Errno::Notcapable;
  }
  if ((flags & ~uint32_t{fdflag::kNonblock}) != 0) return Errno::Inval;
  int host;
  do {
    host = ::accept4(e->fd(), nullptr, nullptr,
                     SOCK_CLOEXEC | ((flags & fdflag::kNonblock) != 0 ? SOCK_NONBLOCK : 0));
  } while (host < 0 && errno == EINTR);
  if (host < 0) return last_host_errno();
  auto conn = std::make_unique<FdEntry>();
  conn->host.reset(host);
  conn->type = Filetype::SocketStream;
  conn->base = e->inheriting;
  conn->inheriting = 0;
  WASI_TRY_ASSIGN(Fd out, ctx.fds().insert(std::move(conn)));
  accepted.set(out);
  return Errno::Success;
}

Errno sock_recv(Ctx& ctx, Mem&, Fd fd, IoVecs iovs, uint32_t flags, Out<uint32_t> nread,
                Out<uint16_t> roflags) {
  WASI_TRY_ASSIGN(FdEntry * e, socket_entry(ctx, fd, right::kFdRead));
  if (flags & ~3u) return Errno::Inval;
  std::vector<iovec> v;
  msghdr m = message(v, iovs);
  const int host_flags = ((flags & 1) ? MSG_PEEK : 0) | ((flags & 2) ? MSG_WAITALL : 0);
  ssize_t n;
  do {
    n = ::recvmsg(e->fd(), &m, host_flags);
  } while (n < 0 && errno == EINTR);
  if (n < 0) return last_host_errno();
  nread.set(static_cast<uint32_t>(n));
  roflags.set((m.msg_flags & MSG_TRUNC) ? 1 : 0);
  return Errno::Success;
}

Errno sock_send(Ctx& ctx, Mem&, Fd fd, IoVecs iovs, uint32_t, Out<uint32_t> nwritten) {
  WASI_TRY_ASSIGN(FdEntry * e, socket_entry(ctx, fd, right::kFdWrite));
  std::vector<iovec> v;
  msghdr m = message(v, iovs);
  ssize_t n;
  do {
    n = ::sendmsg(e->fd(), &m, MSG_NOSIGNAL);
  } while (n < 0 && errno == EINTR);
  if (n < 0) return last_host_errno();
  nwritten.set(static_cast<uint32_t>(n));
  return Errno::Success;
}

Errno sock_shutdown(Ctx& ctx, Mem&, Fd fd, uint32_t how) {
  WASI_TRY_ASSIGN(FdEntry * e, socket_entry(ctx, fd, right::kSockShutdown));
  if (how == 0 || how > 3) return Errno::Inval;
  const int h = how == 3 ? SHUT_RDWR : how == 1 ? SHUT_RD : SHUT_WR;
  return ::shutdown(e->fd(), h) == 0 ? Errno::Success : last_host_errno();
}

} // namespace wasmcap::wasi::fns

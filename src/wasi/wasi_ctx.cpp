// WasiCtx creation: stdio at fds 0-2, the preopened directories at 3.. with their rights, then
// the preopened listening sockets.
#include "wasi/wasi_ctx.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "wasi/host_file.h"

namespace wasmcap::wasi {

namespace {

support::Error io_error(const std::string& what, int host_errno) {
  return support::make_error(support::ErrorKind::Io, what + ": " + std::strerror(host_errno));
}

// stdin may only be read, stdout/stderr only written, whatever the host fd itself allows.
Rights stdio_rights(Fd fd, Filetype type) {
  Rights r = max_rights_for(type);
  if (fd == 0) return r & ~(right::kFdWrite | right::kFdAllocate | right::kFdFilestatSetSize);
  return r & ~right::kFdRead;
}

// A listening TCP socket on "HOST:PORT" ("[V6]:PORT" for IPv6), the host's fd.
support::Result<int> listen_on(const std::string& address) {
  const size_t colon = address.rfind(':');
  auto bad = [&](const std::string& why) {
    return support::make_error(support::ErrorKind::Usage,
                               "cannot listen on \"" + address + "\": " + why);
  };
  if (colon == std::string::npos || colon + 1 == address.size()) {
    return bad("expected HOST:PORT with an IP address");
  }
  std::string host = address.substr(0, colon);
  const std::string port_text = address.substr(colon + 1);
  char* end = nullptr;
  const unsigned long port = std::strtoul(port_text.c_str(), &end, 10);
  if (*end != '\0' || port > 65535) return bad("bad port " + port_text);
  sockaddr_storage storage{};
  socklen_t len = 0;
  int family = AF_INET;
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
    auto* a = reinterpret_cast<sockaddr_in6*>(&storage);
    if (::inet_pton(AF_INET6, host.c_str(), &a->sin6_addr) != 1) return bad("bad IPv6 address");
    a->sin6_family = AF_INET6;
    a->sin6_port = htons(static_cast<uint16_t>(port));
    family = AF_INET6;
    len = sizeof *a;
  } else {
    auto* a = reinterpret_cast<sockaddr_in*>(&storage);
    if (::inet_pton(AF_INET, host.c_str(), &a->sin_addr) != 1) {
      return bad("expected an IP address, not \"" + host + "\"");
    }
    a->sin_family = AF_INET;
    a->sin_port = htons(static_cast<uint16_t>(port));
    len = sizeof *a;
  }
  sandbox::UniqueFd fd(::socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (fd.get() < 0) return io_error("cannot listen on " + address, errno);
  const int one = 1;
  ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&storage), len) != 0 ||
      ::listen(fd.get(), SOMAXCONN) != 0) {
    return io_error("cannot listen on " + address, errno);
  }
  return fd.release();
}

} // namespace

support::Result<std::unique_ptr<WasiCtx>> WasiCtx::create(const WasiConfig& config) {
  std::unique_ptr<WasiCtx> ctx(new WasiCtx());
  ctx->config_ = config;
  ObserverConfig oc;
  oc.allowed = config.allowed;
  oc.audit_fd = config.audit_fd;
  oc.trace_fd = config.trace_fd;
  oc.learn = config.learn;
  for (const Preopen& p : config.preopens)
    oc.preopen_names.push_back(p.guest_path);
  ctx->observer_ = CallObserver(std::move(oc));
  const int stdio[3] = {config.stdin_fd, config.stdout_fd, config.stderr_fd};
  for (Fd i = 0; i < 3; ++i) {
    if (stdio[i] < 0) continue;
    // A duplicate, so the guest closing its stdout never closes the embedder's.
    const int fd = ::fcntl(stdio[i], F_DUPFD_CLOEXEC, 3);
    if (fd < 0) return io_error("cannot use host fd " + std::to_string(stdio[i]), errno);
    auto e = std::make_unique<FdEntry>();
    e->host.reset(fd);
    auto type = host_filetype(fd);
    e->type = type.ok() ? *type : Filetype::Unknown;
    e->base = stdio_rights(i, e->type);
    e->inheriting = 0;
    e->stdio = true;
    ctx->fds_.insert_at(i, std::move(e));
  }
  Fd next = 3;
  for (const Preopen& p : config.preopens) {
    const int fd = ::open(p.host_path.c_str(), O_DIRECTORY | O_RDONLY | O_CLOEXEC);
    if (fd < 0) return io_error("cannot open directory " + p.host_path, errno);
    auto e = std::make_unique<FdEntry>();
    e->host.reset(fd);
    e->type = Filetype::Directory;
    e->base = right::kDirBase;
    e->inheriting = right::kDirInheriting;
    if (p.read_only) {
      // The whole read-only promise is these two masks: rights can only ever shrink below.
      e->base &= ~right::kMutating;
      e->inheriting &= ~right::kMutating;
      e->read_only = true;
    }
    e->preopen_name = p.guest_path;
    e->origin = static_cast<int>(next - 3);
    ctx->fds_.insert_at(next++, std::move(e));
  }
  // After the directories: wasi-libc finds its preopens by asking fd_prestat_get of fds 3, 4, ...
  // until one says Badf, which a socket does, so a socket before them would hide them.
  for (const std::string& address : config.tcp_listeners) {
    auto fd = listen_on(address);
    if (!fd) return fd.error();
    auto e = std::make_unique<FdEntry>();
    e->host.reset(*fd);
    e->type = Filetype::SocketStream;
    e->base = right::kSockAccept | right::kPollFdReadwrite | right::kFdFdstatSetFlags |
              right::kFdFilestatGet;
    // What an accepted connection may do: read, write, poll, shut down.
    e->inheriting = right::kFdRead | right::kFdWrite | right::kPollFdReadwrite |
                    right::kSockShutdown | right::kFdFdstatSetFlags | right::kFdFilestatGet;
    e->listener = true;
    ctx->fds_.insert_at(next++, std::move(e));
  }
  return ctx;
}

} // namespace wasmcap::wasi

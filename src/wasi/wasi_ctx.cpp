// WasiCtx creation: stdio at fds 0-2 and the preopened directories at 3.. with their rights.
#include "wasi/wasi_ctx.h"

#include <fcntl.h>
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
  return ctx;
}

} // namespace wasmcap::wasi

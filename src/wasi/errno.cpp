// Host errno -> WASI errno. Linux numbers differ from WASI's, so every value goes through here.
#include "wasi/errno.h"

#include <cerrno>

namespace wasmcap::wasi {

Errno errno_from_host(int e) {
  switch (e) {
  case 0: return Errno::Success;
  case E2BIG: return Errno::TooBig;
  case EACCES: return Errno::Acces;
  case EAGAIN: return Errno::Again;
  case EBADF: return Errno::Badf;
  case EBUSY: return Errno::Busy;
  case EEXIST: return Errno::Exist;
  case EFAULT: return Errno::Fault;
  case EFBIG: return Errno::Fbig;
  case EINTR: return Errno::Intr;
  case EINVAL: return Errno::Inval;
  case EIO: return Errno::Io;
  case EISDIR: return Errno::Isdir;
  case ELOOP: return Errno::Loop;
  case EMFILE: return Errno::Mfile;
  case EMLINK: return Errno::Mlink;
  case ENAMETOOLONG: return Errno::Nametoolong;
  case ENFILE: return Errno::Nfile;
  case ENOBUFS: return Errno::Nobufs;
  case ENODEV: return Errno::Nodev;
  case ENOENT: return Errno::Noent;
  case ENOMEM: return Errno::Nomem;
  case ENOSPC: return Errno::Nospc;
  case ENOSYS: return Errno::Nosys;
  case ENOTDIR: return Errno::Notdir;
  case ENOTEMPTY: return Errno::Notempty;
  case ENOTSOCK: return Errno::Notsock;
  case EOPNOTSUPP: return Errno::Notsup;
  case ENOTTY: return Errno::Notty;
  case ENXIO: return Errno::Nxio;
  case EOVERFLOW: return Errno::Overflow;
  case EPERM: return Errno::Perm;
  case EPIPE: return Errno::Pipe;
  case ERANGE: return Errno::Range;
  case EROFS: return Errno::Rofs;
  case ESPIPE: return Errno::Spipe;
  case ESRCH: return Errno::Srch;
  case ETIMEDOUT: return Errno::Timedout;
  case ETXTBSY: return Errno::Txtbsy;
  // A cross-device rename or link inside the grants is an ordinary EXDEV; escapes never reach
  // here because the resolver reports them as Notcapable itself.
  case EXDEV: return Errno::Xdev;
  default: return Errno::Io;
  }
}

Errno last_host_errno() {
  return errno_from_host(errno);
}

} // namespace wasmcap::wasi

// path_open: opens a file or directory beneath a directory fd. The rights asked for must be
// within what the directory passes on (its inheriting rights); the host open mode is derived
// from those rights, so an fd without write rights is never open for writing on the host.
// ops::open_beneath is the open itself, shared with WASI 0.2's descriptor.open-at.
#include <fcntl.h>

#include "wasi/fs_ops.h"
#include "wasi/wasi_functions.h"

namespace wasmcap::wasi {

ErrnoOr<Fd> ops::open_beneath(WasiCtx& ctx, Fd dirfd, const OpenRequest& req) {
  using namespace oflag;
  const uint32_t oflags = req.oflags;
  Rights rights_base = req.base, rights_inheriting = req.inheriting;
  Rights need = right::kPathOpen;
  if (oflags & kCreat) need |= right::kPathCreateFile;
  if (oflags & kTrunc) need |= right::kPathFilestatSetSize;
  WASI_TRY_ASSIGN(FdEntry * dir, ctx.fds().get(dirfd, need));
  if (dir->read_only) {
    // A read-only grant refuses, here and now, an open that means to write: write rights, or
    // creating or truncating (those also fail the `need` check above). Other rights beyond the
    // grant are dropped, not refused: wasi-libc asks for every right its open mode allows
    // (path_create_*, fd_filestat_set_times, ...) even for O_RDONLY, and the descriptor just
    // never gets them.
    if ((rights_base & right::kWriteContents) || (oflags & (kCreat | kTrunc))) {
      ctx.fds().note_refusal(Refusal::ReadOnly);
      return Errno::Notcapable;
    }
    rights_base &= dir->inheriting;
    rights_inheriting &= dir->inheriting;
  } else if ((rights_base | rights_inheriting) & ~dir->inheriting) {
    ctx.fds().note_refusal(Refusal::Rights);
    return Errno::Notcapable;
  }

  const bool want_read = rights_base & (right::kFdRead | right::kFdReaddir);
  const bool want_write =
      rights_base & (right::kFdWrite | right::kFdAllocate | right::kFdFilestatSetSize);
  int flags = want_write ? (want_read ? O_RDWR : O_WRONLY) : O_RDONLY;
  if (oflags & kCreat) flags |= O_CREAT;
  if (oflags & kExcl) flags |= O_EXCL;
  if (oflags & kTrunc) flags |= O_TRUNC;
  if (oflags & kDirectory) flags |= O_DIRECTORY;
  if (req.fdflags & fdflag::kAppend) flags |= O_APPEND;
  if (req.fdflags & fdflag::kNonblock) flags |= O_NONBLOCK;
  if (req.fdflags & fdflag::kDsync) flags |= O_DSYNC;
  if (req.fdflags & fdflag::kRsync) flags |= O_RSYNC;
  if (req.fdflags & fdflag::kSync) flags |= O_SYNC;
  // Defence in depth: the rights masks of a read-only grant already exclude all of these.
  if (dir->read_only && (flags & (O_CREAT | O_TRUNC | O_WRONLY | O_RDWR))) {
    ctx.fds().note_refusal(Refusal::ReadOnly);
    return Errno::Notcapable;
  }

  WASI_TRY_ASSIGN(
      sandbox::UniqueFd host,
      sandbox::resolve_beneath(dir->fd(), req.path, req.follow, flags, 0666, ctx.resolve_mode()));
  WASI_TRY_ASSIGN(const Filetype type, host_filetype(host.get()));
  auto entry = std::make_unique<FdEntry>();
  entry->host = std::move(host);
  entry->type = type;
  entry->base = rights_base & max_rights_for(type);
  entry->inheriting = type == Filetype::Directory ? rights_inheriting & right::kDirInheriting : 0;
  entry->read_only = dir->read_only;
  entry->origin = dir->origin;
  return ctx.fds().insert(std::move(entry));
}

namespace fns {

Errno path_open(Ctx& ctx, Mem&, Fd dirfd, uint32_t dirflags, GuestString path, uint32_t oflags,
                uint64_t rights_base, uint64_t rights_inheriting, uint32_t fdflags,
                Out<uint32_t> opened) {
  using namespace oflag;
  if (oflags & ~uint32_t{kCreat | kDirectory | kExcl | kTrunc}) return Errno::Inval;
  if (fdflags & ~uint32_t{fdflag::kAppend | fdflag::kDsync | fdflag::kNonblock | fdflag::kRsync |
                          fdflag::kSync}) {
    return Errno::Inval;
  }
  ops::OpenRequest req;
  req.follow = dirflags & kLookupSymlinkFollow;
  req.path = path.text;
  req.oflags = oflags;
  req.base = rights_base;
  req.inheriting = rights_inheriting;
  req.fdflags = static_cast<uint16_t>(fdflags);
  WASI_TRY_ASSIGN(const Fd fd, ops::open_beneath(ctx, dirfd, req));
  opened.set(fd);
  return Errno::Success;
}

} // namespace fns
} // namespace wasmcap::wasi

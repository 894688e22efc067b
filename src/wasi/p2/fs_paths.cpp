// wasi:filesystem methods that name a path beneath a directory descriptor (open-at, stat-at,
// create/remove/rename/link/symlink/unlink, readlink-at, set-times-at, metadata-hash-at), the
// directory listing (read-directory and its entry stream) and wasi:filesystem/preopens. Every
// path goes through the ops:: functions preview1 uses, so the sandbox and the rights rules are
// the same code for both faces.
#include <fcntl.h>

#include "wasi/fs_ops.h"
#include "wasi/p2/filesystem.h"
#include "wasi/p2/objects.h"

namespace wasmcap::wasi::p2 {

namespace {

bool follow(const Val& path_flags) {
  return has_flag(path_flags, kPathFlags, "symlink-follow");
}

} // namespace

FsRet open_at(P2Ctx& cx, std::span<const Val> a) {
  // (self, path-flags, path, open-flags, flags)
  WASMCAP_ASSIGN(const Fd dirfd, descriptor_fd(cx, a[0]));
  FS_TRY(require_directory(cx, dirfd));
  const Val& oflags = a[3];
  const Val& flags = a[4];
  FdTable& fds = cx.wasi().fds();
  FS_ASSIGN(FdEntry * dir, fds.get(dirfd));
  const bool read = has_flag(flags, kDescriptorFlags, "read");
  const bool write = has_flag(flags, kDescriptorFlags, "write");
  const bool mutate = has_flag(flags, kDescriptorFlags, "mutate-directory");
  // "If flags contains mutate-directory and the base descriptor doesn't have it: read-only."
  // (write, create and truncate are refused the same way by open_beneath's rights checks.)
  if (mutate && !can_mutate_directory(*dir)) {
    fds.note_refusal(dir->read_only ? Refusal::ReadOnly : Refusal::Rights);
    return fs_fail(Errno::Notcapable);
  }
  ops::OpenRequest req;
  req.follow = follow(a[1]);
  req.path = a[2].str;
  if (has_flag(oflags, kOpenFlags, "create")) req.oflags |= oflag::kCreat;
  if (has_flag(oflags, kOpenFlags, "directory")) req.oflags |= oflag::kDirectory;
  if (has_flag(oflags, kOpenFlags, "exclusive")) req.oflags |= oflag::kExcl;
  if (has_flag(oflags, kOpenFlags, "truncate")) req.oflags |= oflag::kTrunc;
  req.base = p2rights::kAlways | (read ? p2rights::kRead : 0) | (write ? p2rights::kWrite : 0) |
             (mutate ? p2rights::kMutateDirectory : 0);
  // A directory passes on writing only when it may be mutated itself.
  req.inheriting = p2rights::kAlways | p2rights::kRead |
                   (mutate ? p2rights::kWrite | p2rights::kMutateDirectory : 0);
  if (has_flag(flags, kDescriptorFlags, "file-integrity-sync")) req.fdflags |= fdflag::kSync;
  if (has_flag(flags, kDescriptorFlags, "data-integrity-sync")) req.fdflags |= fdflag::kDsync;
  if (has_flag(flags, kDescriptorFlags, "requested-write-sync")) req.fdflags |= fdflag::kRsync;
  FS_ASSIGN(const Fd fd, ops::open_beneath(cx.wasi(), dirfd, req));
  return fs_ok(own_val(resources::kDescriptor, fd));
}

FsRet create_directory_at(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(const Fd fd, descriptor_fd(cx, a[0]));
  FS_TRY(require_directory(cx, fd));
  FS_TRY(ops::create_directory(cx.wasi(), fd, a[1].str));
  return fs_ok();
}

FsRet stat_at(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(const Fd fd, descriptor_fd(cx, a[0]));
  FS_TRY(require_directory(cx, fd));
  FS_ASSIGN(const struct stat st, ops::path_stat(cx.wasi(), fd, follow(a[1]), a[2].str));
  return fs_ok(descriptor_stat_val(st));
}

FsRet metadata_hash_at(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(const Fd fd, descriptor_fd(cx, a[0]));
  FS_TRY(require_directory(cx, fd));
  FS_ASSIGN(const struct stat st, ops::path_stat(cx.wasi(), fd, follow(a[1]), a[2].str));
  return fs_ok(metadata_hash_val(st));
}

FsRet set_times_at(P2Ctx& cx, std::span<const Val> a) {
  // (self, path-flags, path, data-access-timestamp, data-modification-timestamp)
  WASMCAP_ASSIGN(const Fd fd, descriptor_fd(cx, a[0]));
  FS_TRY(require_directory(cx, fd));
  FS_TRY(cx.wasi().fds().get(fd, right::kPathFilestatSetTimes).error()); // rights first
  FS_ASSIGN(const auto ts, timestamps(a[3], a[4]));
  FS_TRY(ops::path_set_times(cx.wasi(), fd, follow(a[1]), a[2].str, ts));
  return fs_ok();
}

FsRet link_at(P2Ctx& cx, std::span<const Val> a) {
  // (self, old-path-flags, old-path, new-descriptor, new-path)
  WASMCAP_ASSIGN(const Fd fd, descriptor_fd(cx, a[0]));
  FS_TRY(require_directory(cx, fd));
  WASMCAP_ASSIGN(const Fd new_fd, descriptor_fd(cx, a[3]));
  FS_TRY(require_directory(cx, new_fd));
  FS_TRY(ops::link(cx.wasi(), fd, follow(a[1]), a[2].str, new_fd, a[4].str));
  return fs_ok();
}

FsRet readlink_at(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(const Fd fd, descriptor_fd(cx, a[0]));
  FS_TRY(require_directory(cx, fd));
  FS_ASSIGN(std::string target, ops::readlink(cx.wasi(), fd, a[1].str));
  // "If the contents contain an absolute or rooted path: not-permitted." Such a link was not made
  // through WASI (symlink-at refuses them); its target names a host path the guest must not see.
  if (!target.empty() && target.front() == '/') {
    cx.wasi().fds().note_refusal(Refusal::Escape);
    return fs_fail(Errno::Notcapable);
  }
  return fs_ok(Val::string(std::move(target)));
}

FsRet remove_directory_at(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(const Fd fd, descriptor_fd(cx, a[0]));
  FS_TRY(require_directory(cx, fd));
  FS_TRY(ops::remove_directory(cx.wasi(), fd, a[1].str));
  return fs_ok();
}

FsRet rename_at(P2Ctx& cx, std::span<const Val> a) {
  // (self, old-path, new-descriptor, new-path)
  WASMCAP_ASSIGN(const Fd fd, descriptor_fd(cx, a[0]));
  FS_TRY(require_directory(cx, fd));
  WASMCAP_ASSIGN(const Fd new_fd, descriptor_fd(cx, a[2]));
  FS_TRY(require_directory(cx, new_fd));
  FS_TRY(ops::rename(cx.wasi(), fd, a[1].str, new_fd, a[3].str));
  return fs_ok();
}

FsRet symlink_at(P2Ctx& cx, std::span<const Val> a) {
  // (self, old-path: the link's contents, new-path: where it is made)
  WASMCAP_ASSIGN(const Fd fd, descriptor_fd(cx, a[0]));
  FS_TRY(require_directory(cx, fd));
  FS_TRY(ops::symlink(cx.wasi(), a[1].str, fd, a[2].str));
  return fs_ok();
}

FsRet unlink_file_at(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(const Fd fd, descriptor_fd(cx, a[0]));
  FS_TRY(require_directory(cx, fd));
  FS_TRY(ops::unlink_file(cx.wasi(), fd, a[1].str));
  return fs_ok();
}

FsRet read_directory(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(const Fd fd, descriptor_fd(cx, a[0]));
  FS_ASSIGN(FdEntry * e, cx.wasi().fds().get(fd));
  if (e->type != Filetype::Directory) return fs_fail(Errno::Notdir);
  FS_TRY(cx.wasi().fds().get(fd, right::kFdReaddir).error());
  FS_ASSIGN(std::vector<DirEntry> entries, ops::list_directory(e->fd()));
  auto s = std::make_unique<DirectoryEntryStream>();
  for (DirEntry& de : entries) {
    if (de.name != "." && de.name != "..") s->entries.push_back(std::move(de));
  }
  return fs_ok(own_val(resources::kDirectoryEntryStream, cx.add(std::move(s))));
}

FsRet read_directory_entry(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(const uint32_t rep, handle_rep(a[0], resources::kDirectoryEntryStream));
  WASMCAP_ASSIGN(DirectoryEntryStream * s,
                 cx.get_as<DirectoryEntryStream>(rep, resources::kDirectoryEntryStream));
  if (s->next >= s->entries.size()) return fs_ok(none_val());
  const DirEntry& de = s->entries[s->next++];
  return fs_ok(some_val(record_val({descriptor_type_val(de.type), Val::string(de.name)})));
}

FsRet get_directories(P2Ctx& cx, std::span<const Val>) {
  // Preopens sit at 3, 4, ... in grant order (WasiCtx::create); the component model gives the
  // guest no way to close or renumber them, since it only ever holds the copies made here.
  FdTable& fds = cx.wasi().fds();
  std::vector<Val> out;
  const size_t n = cx.wasi().config().preopens.size();
  for (Fd fd = 3; fd < 3 + n; ++fd) {
    auto e = fds.get(fd);
    if (!e.ok() || !(*e)->preopen_name) continue;
    const FdEntry& pre = **e;
    // A new entry over a duplicate of the host fd: the guest dropping it closes the copy, never
    // the grant, and two calls never share a representation.
    const int dup = ::fcntl(pre.fd(), F_DUPFD_CLOEXEC, 3);
    if (dup < 0) continue; // out of host descriptors: the grant is not offered
    auto copy = std::make_unique<FdEntry>();
    copy->host.reset(dup);
    copy->type = pre.type;
    copy->base = pre.base;
    copy->inheriting = pre.inheriting;
    copy->read_only = pre.read_only;
    copy->origin = pre.origin;
    const std::string name = *pre.preopen_name;
    auto inserted = fds.insert(std::move(copy));
    if (!inserted.ok()) continue;
    out.push_back(tuple_val({own_val(resources::kDescriptor, *inserted), Val::string(name)}));
  }
  return fs_ok(list_val(std::move(out)));
}

} // namespace wasmcap::wasi::p2

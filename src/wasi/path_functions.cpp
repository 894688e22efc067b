// path_* functions other than path_open: each resolves its path(s) beneath the directory fd with
// the sandbox, then acts with an *at() call on the returned (parent, name) pair, never on a
// host path string. The operations themselves are ops:: (fs_ops.h), shared with WASI 0.2's
// wasi:filesystem; the preview1 bodies at the end only decode and encode.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>

#include "wasi/fs_ops.h"
#include "wasi/wasi_functions.h"

namespace wasmcap::wasi {

namespace {

using sandbox::ParentAndName;

ErrnoOr<ParentAndName> parent_of(WasiCtx& ctx, FdEntry* dir, std::string_view path, bool follow) {
  return sandbox::resolve_parent_beneath(dir->fd(), path, follow, ctx.resolve_mode());
}

// "name/" must name a directory: anything else that exists is Notdir.
Errno check_trailing_slash(const ParentAndName& p) {
  if (!p.trailing_slash) return Errno::Success;
  struct stat st;
  if (::fstatat(p.dir, p.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return Errno::Success;
  return S_ISDIR(st.st_mode) ? Errno::Success : Errno::Notdir;
}

Errno host_result(int r) {
  return r == 0 ? Errno::Success : last_host_errno();
}

// Hardening for path_symlink: a relative target that, read lexically from where the link is
// created, climbs above the grant is refused. (Resolution through any link is confined anyway;
// this keeps the guest from planting links that would lead host tools outside.)
bool target_escapes(std::string_view link_path, std::string_view target) {
  long depth = 0;
  auto walk = [&depth](std::string_view p, bool skip_last) {
    size_t i = 0;
    while (i <= p.size()) {
      size_t j = p.find('/', i);
      if (j == std::string_view::npos) j = p.size();
      const std::string_view c = p.substr(i, j - i);
      const bool last = j >= p.size();
      if (!(skip_last && last) && !c.empty() && c != ".") depth += c == ".." ? -1 : 1;
      if (depth < 0) return false;
      i = j + 1;
    }
    return true;
  };
  return !walk(link_path, true) || !walk(target, false);
}

} // namespace

namespace ops {

Errno create_directory(WasiCtx& ctx, Fd fd, std::string_view path) {
  WASI_TRY_ASSIGN(FdEntry * e, ctx.fds().get(fd, right::kPathCreateDirectory));
  WASI_TRY_ASSIGN(ParentAndName p, parent_of(ctx, e, path, false));
  if (p.name == ".") return Errno::Exist;
  return host_result(::mkdirat(p.dir, p.name.c_str(), 0777));
}

ErrnoOr<struct stat> path_stat(WasiCtx& ctx, Fd fd, bool follow, std::string_view path) {
  WASI_TRY_ASSIGN(FdEntry * e, ctx.fds().get(fd, right::kPathFilestatGet));
  WASI_TRY_ASSIGN(sandbox::UniqueFd f,
                  sandbox::resolve_beneath(e->fd(), path, follow, O_PATH, 0, ctx.resolve_mode()));
  struct stat st;
  if (::fstat(f.get(), &st) != 0) return last_host_errno();
  return st;
}

Errno path_set_times(WasiCtx& ctx, Fd fd, bool follow, std::string_view path,
                     const std::array<timespec, 2>& ts) {
  WASI_TRY_ASSIGN(FdEntry * e, ctx.fds().get(fd, right::kPathFilestatSetTimes));
  // With follow, the resolver already expanded a final symlink, so NOFOLLOW acts on the target.
  WASI_TRY_ASSIGN(ParentAndName p, parent_of(ctx, e, path, follow));
  WASI_TRY(check_trailing_slash(p));
  return host_result(::utimensat(p.dir, p.name.c_str(), ts.data(), AT_SYMLINK_NOFOLLOW));
}

Errno link(WasiCtx& ctx, Fd old_fd, bool follow, std::string_view old_path, Fd new_fd,
           std::string_view new_path) {
  WASI_TRY_ASSIGN(FdEntry * src_dir, ctx.fds().get(old_fd, right::kPathLinkSource));
  WASI_TRY_ASSIGN(FdEntry * dst_dir, ctx.fds().get(new_fd, right::kPathLinkTarget));
  WASI_TRY_ASSIGN(ParentAndName src, parent_of(ctx, src_dir, old_path, follow));
  WASI_TRY_ASSIGN(ParentAndName dst, parent_of(ctx, dst_dir, new_path, false));
  if (src.name == ".") return Errno::Perm; // directories cannot be hard-linked
  if (dst.name == ".") return Errno::Exist;
  WASI_TRY(check_trailing_slash(src));
  if (dst.trailing_slash) return Errno::Noent;
  return host_result(::linkat(src.dir, src.name.c_str(), dst.dir, dst.name.c_str(), /*flags=*/0));
}

ErrnoOr<std::string> readlink(WasiCtx& ctx, Fd fd, std::string_view path) {
  WASI_TRY_ASSIGN(FdEntry * e, ctx.fds().get(fd, right::kPathReadlink));
  WASI_TRY_ASSIGN(ParentAndName p, parent_of(ctx, e, path, false));
  if (p.name == "." || p.trailing_slash) return Errno::Inval; // not a symlink itself
  // Linux never stores a target longer than PATH_MAX - 1.
  std::string target(PATH_MAX, '\0');
  const ssize_t n = ::readlinkat(p.dir, p.name.c_str(), target.data(), target.size());
  if (n < 0) return last_host_errno();
  target.resize(static_cast<size_t>(n));
  return target;
}

Errno remove_directory(WasiCtx& ctx, Fd fd, std::string_view path) {
  WASI_TRY_ASSIGN(FdEntry * e, ctx.fds().get(fd, right::kPathRemoveDirectory));
  WASI_TRY_ASSIGN(ParentAndName p, parent_of(ctx, e, path, false));
  if (p.name == ".") return Errno::Inval; // the grant itself, or "x/.."
  return host_result(::unlinkat(p.dir, p.name.c_str(), AT_REMOVEDIR));
}

Errno rename(WasiCtx& ctx, Fd old_fd, std::string_view old_path, Fd new_fd,
             std::string_view new_path) {
  WASI_TRY_ASSIGN(FdEntry * src_dir, ctx.fds().get(old_fd, right::kPathRenameSource));
  WASI_TRY_ASSIGN(FdEntry * dst_dir, ctx.fds().get(new_fd, right::kPathRenameTarget));
  WASI_TRY_ASSIGN(ParentAndName src, parent_of(ctx, src_dir, old_path, false));
  WASI_TRY_ASSIGN(ParentAndName dst, parent_of(ctx, dst_dir, new_path, false));
  if (src.name == "." || dst.name == ".") return Errno::Busy;
  WASI_TRY(check_trailing_slash(src));
  if (dst.trailing_slash) {
    // "new/" requires the source to be a directory.
    struct stat st;
    if (::fstatat(src.dir, src.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 &&
        !S_ISDIR(st.st_mode)) {
      return Errno::Notdir;
    }
  }
  return host_result(::renameat(src.dir, src.name.c_str(), dst.dir, dst.name.c_str()));
}

Errno symlink(WasiCtx& ctx, std::string_view target_path, Fd fd, std::string_view new_path) {
  WASI_TRY_ASSIGN(FdEntry * e, ctx.fds().get(fd, right::kPathSymlink));
  const std::string target(target_path);
  if (target.find('\0') != std::string::npos) return Errno::Inval;
  if (target.empty()) return Errno::Noent;
  // Absolute targets would name host paths; the resolver never follows them, and neither
  // should anything else be invited to.
  if (target.front() == '/' || target_escapes(new_path, target)) {
    ctx.fds().note_refusal(Refusal::Escape);
    return Errno::Notcapable;
  }
  WASI_TRY_ASSIGN(ParentAndName p, parent_of(ctx, e, new_path, false));
  if (p.name == ".") return Errno::Exist;
  if (p.trailing_slash) return Errno::Noent;
  return host_result(::symlinkat(target.c_str(), p.dir, p.name.c_str()));
}

Errno unlink_file(WasiCtx& ctx, Fd fd, std::string_view path) {
  WASI_TRY_ASSIGN(FdEntry * e, ctx.fds().get(fd, right::kPathUnlinkFile));
  WASI_TRY_ASSIGN(ParentAndName p, parent_of(ctx, e, path, false));
  if (p.name == ".") return Errno::Isdir;
  if (p.trailing_slash) {
    struct stat st;
    if (::fstatat(p.dir, p.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return last_host_errno();
    return S_ISDIR(st.st_mode) ? Errno::Isdir : Errno::Notdir;
  }
  return host_result(::unlinkat(p.dir, p.name.c_str(), 0));
}

} // namespace ops

namespace fns {

Errno path_create_directory(Ctx& ctx, Mem&, Fd fd, GuestString path) {
  return ops::create_directory(ctx, fd, path.text);
}

template <Abi A>
Errno path_filestat_get(Ctx& ctx, Mem&, Fd fd, uint32_t flags, GuestString path,
                        OutFilestat<A> out) {
  WASI_TRY_ASSIGN(const struct stat st,
                  ops::path_stat(ctx, fd, flags & kLookupSymlinkFollow, path.text));
  encode_filestat(out.p, filestat_from_stat(st), A);
  return Errno::Success;
}
template Errno path_filestat_get<Abi::Preview1>(Ctx&, Mem&, Fd, uint32_t, GuestString,
                                                OutFilestat<Abi::Preview1>);
template Errno path_filestat_get<Abi::Preview0>(Ctx&, Mem&, Fd, uint32_t, GuestString,
                                                OutFilestat<Abi::Preview0>);

Errno path_filestat_set_times(Ctx& ctx, Mem&, Fd fd, uint32_t flags, GuestString path,
                              uint64_t atim, uint64_t mtim, uint32_t fst_flags) {
  // The rights come first, as before the refactoring: a read-only grant answers Notcapable even
  // for malformed flags.
  WASI_TRY(ctx.fds().get(fd, right::kPathFilestatSetTimes).error());
  if (fst_flags > UINT16_MAX) return Errno::Inval;
  WASI_TRY_ASSIGN(auto ts, times_from_fstflags(atim, mtim, static_cast<uint16_t>(fst_flags)));
  return ops::path_set_times(ctx, fd, flags & kLookupSymlinkFollow, path.text, ts);
}

Errno path_link(Ctx& ctx, Mem&, Fd old_fd, uint32_t old_flags, GuestString old_path, Fd new_fd,
                GuestString new_path) {
  return ops::link(ctx, old_fd, old_flags & kLookupSymlinkFollow, old_path.text, new_fd,
                   new_path.text);
}

Errno path_readlink(Ctx& ctx, Mem&, Fd fd, GuestString path, GuestBuffer buf, Out<uint32_t> used) {
  WASI_TRY_ASSIGN(const std::string target, ops::readlink(ctx, fd, path.text));
  // A longer target is cut at buf_len, as readlink(2) does.
  const size_t n = std::min(target.size(), buf.bytes.size());
  if (n) std::memcpy(buf.bytes.data(), target.data(), n);
  used.set(static_cast<uint32_t>(n));
  return Errno::Success;
}

Errno path_remove_directory(Ctx& ctx, Mem&, Fd fd, GuestString path) {
  return ops::remove_directory(ctx, fd, path.text);
}

Errno path_rename(Ctx& ctx, Mem&, Fd fd, GuestString old_path, Fd new_fd, GuestString new_path) {
  return ops::rename(ctx, fd, old_path.text, new_fd, new_path.text);
}

Errno path_symlink(Ctx& ctx, Mem&, GuestString old_path, Fd fd, GuestString new_path) {
  return ops::symlink(ctx, old_path.text, fd, new_path.text);
}

Errno path_unlink_file(Ctx& ctx, Mem&, Fd fd, GuestString path) {
  return ops::unlink_file(ctx, fd, path.text);
}

} // namespace fns
} // namespace wasmcap::wasi

// path_* functions other than path_open: each resolves its path(s) beneath the directory fd with
// the sandbox, then acts with an *at() call on the returned (parent, name) pair, never on a
// host path string.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "wasi/wasi_functions.h"

namespace wasmcap::wasi::fns {

namespace {

using sandbox::ParentAndName;

ErrnoOr<ParentAndName> parent_of(Ctx& ctx, FdEntry* dir, GuestString path, bool follow) {
  return sandbox::resolve_parent_beneath(dir->fd(), path.text, follow, ctx.resolve_mode());
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

Errno path_create_directory(Ctx& ctx, Mem&, Fd fd, GuestString path) {
  WASI_TRY_ASSIGN(FdEntry * e, ctx.fds().get(fd, right::kPathCreateDirectory));
  WASI_TRY_ASSIGN(ParentAndName p, parent_of(ctx, e, path, false));
  if (p.name == ".") return Errno::Exist;
  return host_result(::mkdirat(p.dir, p.name.c_str(), 0777));
}

template <Abi A>
Errno path_filestat_get(Ctx& ctx, Mem&, Fd fd, uint32_t flags, GuestString path,
                        OutFilestat<A> out) {
  WASI_TRY_ASSIGN(FdEntry * e, ctx.fds().get(fd, right::kPathFilestatGet));
  WASI_TRY_ASSIGN(sandbox::UniqueFd f,
                  sandbox::resolve_beneath(e->fd(), path.text, flags & kLookupSymlinkFollow, O_PATH,
                                           0, ctx.resolve_mode()));
  struct stat st;
  if (::fstat(f.get(), &st) != 0) return last_host_errno();
  encode_filestat(out.p, filestat_from_stat(st), A);
  return Errno::Success;
}
template Errno path_filestat_get<Abi::Preview1>(Ctx&, Mem&, Fd, uint32_t, GuestString,
                                                OutFilestat<Abi::Preview1>);
template Errno path_filestat_get<Abi::Preview0>(Ctx&, Mem&, Fd, uint32_t, GuestString,
                                                OutFilestat<Abi::Preview0>);

Errno path_filestat_set_times(Ctx& ctx, Mem&, Fd fd, uint32_t flags, GuestString path,
                              uint64_t atim, uint64_t mtim, uint32_t fst_flags) {
  WASI_TRY_ASSIGN(FdEntry * e, ctx.fds().get(fd, right::kPathFilestatSetTimes));
  if (fst_flags > UINT16_MAX) return Errno::Inval;
  WASI_TRY_ASSIGN(auto ts, times_from_fstflags(atim, mtim, static_cast<uint16_t>(fst_flags)));
  // With follow, the resolver already expanded a final symlink, so NOFOLLOW acts on the target.
  WASI_TRY_ASSIGN(ParentAndName p, parent_of(ctx, e, path, flags & kLookupSymlinkFollow));
  WASI_TRY(check_trailing_slash(p));
  return host_result(::utimensat(p.dir, p.name.c_str(), ts.data(), AT_SYMLINK_NOFOLLOW));
}

Errno path_link(Ctx& ctx, Mem&, Fd old_fd, uint32_t old_flags, GuestString old_path, Fd new_fd,
                GuestString new_path) {
  WASI_TRY_ASSIGN(FdEntry * src_dir, ctx.fds().get(old_fd, right::kPathLinkSource));
  WASI_TRY_ASSIGN(FdEntry * dst_dir, ctx.fds().get(new_fd, right::kPathLinkTarget));
  WASI_TRY_ASSIGN(ParentAndName src,
                  parent_of(ctx, src_dir, old_path, old_flags & kLookupSymlinkFollow));
  WASI_TRY_ASSIGN(ParentAndName dst, parent_of(ctx, dst_dir, new_path, false));
  if (src.name == ".") return Errno::Perm; // directories cannot be hard-linked
  if (dst.name == ".") return Errno::Exist;
  WASI_TRY(check_trailing_slash(src));
  if (dst.trailing_slash) return Errno::Noent;
  return host_result(::linkat(src.dir, src.name.c_str(), dst.dir, dst.name.c_str(), /*flags=*/0));
}

Errno path_readlink(Ctx& ctx, Mem&, Fd fd, GuestString path, GuestBuffer buf, Out<uint32_t> used) {
  WASI_TRY_ASSIGN(FdEntry * e, ctx.fds().get(fd, right::kPathReadlink));
  WASI_TRY_ASSIGN(ParentAndName p, parent_of(ctx, e, path, false));
  if (p.name == "." || p.trailing_slash) return Errno::Inval; // not a symlink itself
  char probe[1];
  // readlinkat refuses a zero-sized buffer; a one-byte probe still says whether it is a link.
  const bool empty = buf.bytes.empty();
  const ssize_t n =
      ::readlinkat(p.dir, p.name.c_str(), empty ? probe : reinterpret_cast<char*>(buf.bytes.data()),
                   empty ? 1 : buf.bytes.size());
  if (n < 0) return last_host_errno();
  used.set(empty ? 0 : static_cast<uint32_t>(n)); // a longer target is cut at buf_len
  return Errno::Success;
}

Errno path_remove_directory(Ctx& ctx, Mem&, Fd fd, GuestString path) {
  WASI_TRY_ASSIGN(FdEntry * e, ctx.fds().get(fd, right::kPathRemoveDirectory));
  WASI_TRY_ASSIGN(ParentAndName p, parent_of(ctx, e, path, false));
  if (p.name == ".") return Errno::Inval; // the grant itself, or "x/.."
  return host_result(::unlinkat(p.dir, p.name.c_str(), AT_REMOVEDIR));
}

Errno path_rename(Ctx& ctx, Mem&, Fd fd, GuestString old_path, Fd new_fd, GuestString new_path) {
  WASI_TRY_ASSIGN(FdEntry * src_dir, ctx.fds().get(fd, right::kPathRenameSource));
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

Errno path_symlink(Ctx& ctx, Mem&, GuestString old_path, Fd fd, GuestString new_path) {
  WASI_TRY_ASSIGN(FdEntry * e, ctx.fds().get(fd, right::kPathSymlink));
  const std::string target(old_path.text);
  if (target.find('\0') != std::string::npos) return Errno::Inval;
  if (target.empty()) return Errno::Noent;
  // Absolute targets would name host paths; the resolver never follows them, and neither
  // should anything else be invited to.
  if (target.front() == '/' || target_escapes(new_path.text, target)) {
    ctx.fds().note_refusal(Refusal::Escape);
    return Errno::Notcapable;
  }
  WASI_TRY_ASSIGN(ParentAndName p, parent_of(ctx, e, new_path, false));
  if (p.name == ".") return Errno::Exist;
  if (p.trailing_slash) return Errno::Noent;
  return host_result(::symlinkat(target.c_str(), p.dir, p.name.c_str()));
}

Errno path_unlink_file(Ctx& ctx, Mem&, Fd fd, GuestString path) {
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

} // namespace wasmcap::wasi::fns

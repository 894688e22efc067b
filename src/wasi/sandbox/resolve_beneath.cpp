// The two resolvers behind resolve_beneath: openat2(RESOLVE_BENEATH) where the kernel has it, and
// a portable walk that never lets the kernel follow a symlink or `..` on its own. Both return the
// same errnos for the same escape attempts (tests/unit/wasi/resolve_beneath_test.cpp).
#include "wasi/sandbox/resolve_beneath.h"

#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <deque>
#include <vector>

namespace wasmcap::wasi::sandbox {

namespace {

// Directories on the walk are held as O_PATH fds: they only serve as *at() anchors, and O_PATH
// needs search (not read) permission, like the kernel's own walk.
constexpr int kDirAnchorFlags = O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;

// Rejections that do not depend on the file system. Absolute paths are an escape by
// definition (a grant is a directory, not a root), so they are Notcapable; a NUL cannot be
// passed to the host at all, so it is Inval, like the kernel's view of a malformed name.
Errno check_path(std::string_view path) {
  if (path.empty()) return Errno::Noent;
  if (path.find('\0') != std::string_view::npos) return Errno::Inval;
  if (path.front() == '/') return Errno::Notcapable;
  return Errno::Success;
}

std::deque<std::string> split(std::string_view path) {
  std::deque<std::string> out;
  size_t i = 0;
  while (i < path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    if (j > i) out.emplace_back(path.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

// readlinkat into a string. Returns false with errno set when `name` is not a symlink (EINVAL)
// or cannot be read.
bool read_link(int dir, const std::string& name, std::string& target) {
  char buf[PATH_MAX];
  const ssize_t n = ::readlinkat(dir, name.c_str(), buf, sizeof buf);
  if (n < 0) return false;
  if (static_cast<size_t>(n) >= sizeof buf) {
    errno = ENAMETOOLONG;
    return false;
  }
  target.assign(buf, static_cast<size_t>(n));
  return true;
}

// A symlink's target is only usable when it stays relative; the caller re-walks it beneath the
// same anchor, so `..` in it is still checked.
Errno check_link_target(const std::string& target) {
  if (target.empty()) return Errno::Noent;
  if (target.front() == '/') return Errno::Notcapable;
  return Errno::Success;
}

// ---- portable walk ------------------------------------------------------------------------

ErrnoOr<ParentAndName> walk_parent(int root, std::string_view path, bool follow_final) {
  WASI_TRY(check_path(path));
  std::deque<std::string> comps = split(path);
  bool must_dir = path.back() == '/';
  std::vector<UniqueFd> stack; // directories entered below `root`; `..` pops, never the kernel
  int expansions = 0;
  auto cur = [&] { return stack.empty() ? root : stack.back().get(); };
  auto result = [&](std::string name) {
    ParentAndName r;
    if (stack.empty()) {
      r.dir = root;
    } else {
      r.owned = std::move(stack.back());
      r.dir = r.owned.get();
    }
    r.name = std::move(name);
    r.trailing_slash = must_dir;
    return r;
  };
  auto expand = [&](const std::string& target, bool last) -> Errno {
    if (++expansions > kMaxSymlinkExpansions) return Errno::Loop;
    WASI_TRY(check_link_target(target));
    if (last && target.back() == '/') must_dir = true;
    std::deque<std::string> sub = split(target);
    comps.insert(comps.begin(), sub.begin(), sub.end());
    return Errno::Success;
  };

  while (!comps.empty()) {
    std::string c = std::move(comps.front());
    comps.pop_front();
    const bool last = comps.empty();
    if (c == ".") {
      if (last) return result(".");
      continue;
    }
    if (c == "..") {
      if (stack.empty())
        return Errno::Notcapable; // above the grant, even if a later step re-enters
      stack.pop_back();
      if (last) return result(".");
      continue;
    }
    if (last && !follow_final && !must_dir) return result(std::move(c));
    std::string target;
    if (read_link(cur(), c, target)) {
      WASI_TRY(expand(target, last));
      continue;
    }
    if (errno == ENOENT && last) return result(std::move(c)); // a name to create
    if (errno != EINVAL) return last_host_errno();
    // It exists and is not a symlink.
    if (last) return result(std::move(c));
    const int fd = ::openat(cur(), c.c_str(), kDirAnchorFlags);
    if (fd < 0) {
      // It may have been replaced by a symlink since readlinkat looked: look again rather than
      // ever letting the kernel follow it.
      const int open_errno = errno;
      if ((open_errno == ELOOP || open_errno == ENOTDIR) && read_link(cur(), c, target)) {
        WASI_TRY(expand(target, last));
        continue;
      }
      return errno_from_host(open_errno);
    }
    stack.emplace_back(fd);
  }
  return result("."); // only reachable for paths made of separators, rejected above
}

ErrnoOr<UniqueFd> walk_open(int root, std::string_view path, bool follow, int flags, mode_t mode) {
  for (int attempt = 0; attempt <= kMaxSymlinkExpansions; ++attempt) {
    WASI_TRY_ASSIGN(ParentAndName p, walk_parent(root, path, follow));
    int f = flags | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY;
    if (p.trailing_slash) {
      if (flags & O_CREAT) return Errno::Isdir;
      f |= O_DIRECTORY;
    }
    const int fd = ::openat(p.dir, p.name.c_str(), f, mode);
    if (fd >= 0) return UniqueFd(fd);
    // ELOOP with follow: the final entry turned into a symlink after the walk looked at it.
    if (errno == ELOOP && follow) continue;
    return last_host_errno();
  }
  return Errno::Loop;
}

// ---- openat2 ------------------------------------------------------------------------------

ErrnoOr<UniqueFd> openat2_open(int root, std::string_view path, bool follow, int flags,
                               mode_t mode) {
  WASI_TRY(check_path(path));
  const std::string p(path);
  open_how how{};
  // openat2 is strict: O_PATH may only be combined with O_DIRECTORY, O_NOFOLLOW and O_CLOEXEC.
  const int extra = (flags & O_PATH) ? O_CLOEXEC : O_CLOEXEC | O_NOCTTY;
  how.flags = static_cast<uint64_t>(flags | extra | (follow ? 0 : O_NOFOLLOW));
  // openat2 refuses a mode unless one is used. O_TMPFILE contains O_DIRECTORY's bit, so it is
  // compared whole.
  const bool uses_mode = (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE;
  how.mode = uses_mode ? mode : 0;
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
  // EAGAIN: a concurrent rename raced the kernel's `..` check; it asks us to retry.
  for (int attempt = 0; attempt < 64; ++attempt) {
    const long fd = ::syscall(SYS_openat2, root, p.c_str(), &how, sizeof how);
    if (fd >= 0) return UniqueFd(static_cast<int>(fd));
    if (errno == EAGAIN || errno == EINTR) continue;
    if (errno == EXDEV) return Errno::Notcapable; // RESOLVE_BENEATH refused an escape
    return last_host_errno();
  }
  return Errno::Again;
}

ErrnoOr<ParentAndName> openat2_parent(int root, std::string_view path, bool follow_final) {
  WASI_TRY(check_path(path));
  std::string p(path);
  for (int expansions = 0;;) {
    const bool trailing = p.back() == '/';
    std::string q = p;
    while (q.size() > 1 && q.back() == '/')
      q.pop_back();
    const size_t slash = q.rfind('/');
    std::string base = slash == std::string::npos ? q : q.substr(slash + 1);
    std::string dirpart = slash == std::string::npos ? "" : q.substr(0, slash);

    ParentAndName r;
    r.trailing_slash = trailing;
    if (base == "." || base == "..") {
      // The final component names a directory by its relation to another: resolve it whole.
      WASI_TRY_ASSIGN(r.owned, openat2_open(root, q, true, O_PATH | O_DIRECTORY, 0));
      r.dir = r.owned.get();
      r.name = ".";
      return r;
    }
    r.name = std::move(base);
    if (dirpart.empty()) {
      r.dir = root;
    } else {
      WASI_TRY_ASSIGN(r.owned, openat2_open(root, dirpart, true, O_PATH | O_DIRECTORY, 0));
      r.dir = r.owned.get();
    }
    if (!follow_final && !trailing) return r;
    std::string target;
    if (!read_link(r.dir, r.name, target)) {
      if (errno == EINVAL || errno == ENOENT) return r; // not a symlink, or a name to create
      return last_host_errno();
    }
    if (++expansions > kMaxSymlinkExpansions) return Errno::Loop;
    WASI_TRY(check_link_target(target));
    p = dirpart.empty() ? target : dirpart + "/" + target;
    if (trailing) p += '/';
  }
}

} // namespace

bool openat2_available() {
  static const bool available = [] {
    open_how how{};
    how.flags = O_PATH | O_DIRECTORY | O_CLOEXEC;
    how.resolve = RESOLVE_BENEATH;
    const long fd = ::syscall(SYS_openat2, AT_FDCWD, ".", &how, sizeof how);
    if (fd >= 0) {
      ::close(static_cast<int>(fd));
      return true;
    }
    // ENOSYS: an old kernel; EPERM: a seccomp filter that does not know the syscall.
    return errno != ENOSYS && errno != EPERM;
  }();
  return available;
}

ResolveMode effective_mode(ResolveMode mode) {
  if (mode != ResolveMode::Auto) return mode;
  return openat2_available() ? ResolveMode::Openat2 : ResolveMode::Walk;
}

ErrnoOr<UniqueFd> resolve_beneath(int dir_fd, std::string_view path, bool follow_final_symlink,
                                  int open_flags, mode_t mode, ResolveMode how) {
  // O_CREAT|O_EXCL never follows a final symlink (POSIX), whatever the lookup flags say.
  if ((open_flags & O_CREAT) && (open_flags & O_EXCL)) follow_final_symlink = false;
  if (effective_mode(how) == ResolveMode::Openat2) {
    return openat2_open(dir_fd, path, follow_final_symlink, open_flags, mode);
  }
  return walk_open(dir_fd, path, follow_final_symlink, open_flags, mode);
}

ErrnoOr<ParentAndName> resolve_parent_beneath(int dir_fd, std::string_view path,
                                              bool follow_final_symlink, ResolveMode how) {
  if (effective_mode(how) == ResolveMode::Openat2) {
    return openat2_parent(dir_fd, path, follow_final_symlink);
  }
  return walk_parent(dir_fd, path, follow_final_symlink);
}

} // namespace wasmcap::wasi::sandbox

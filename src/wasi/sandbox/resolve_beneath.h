// The path sandbox: resolves a guest path relative to a granted directory fd so that no step
// (`..`, symlinks, magic links, absolute paths) can leave that directory. Every WASI path
// operation goes through here; nothing else in src/wasi turns a guest path into a host path.
#pragma once

#include <fcntl.h>
#include <sys/types.h>

#include <string>
#include <string_view>

#include "wasi/errno.h"
#include "wasi/sandbox/unique_fd.h"

namespace wasmcap::wasi::sandbox {

// Openat2: the kernel enforces RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS (Linux >= 5.6).
// Walk: a portable component-by-component walk with O_NOFOLLOW opens and symlinks expanded
// by hand. Auto picks Openat2 when a probe syscall shows the kernel has it.
enum class ResolveMode : uint8_t { Auto, Openat2, Walk };

// Symlinks expanded while resolving one path before ELOOP (Linux's own limit).
constexpr int kMaxSymlinkExpansions = 40;

// True when openat2(2) exists (probed once; ENOSYS means no).
bool openat2_available();
// Auto -> the concrete mode this host uses.
ResolveMode effective_mode(ResolveMode mode);

// Opens `path` beneath `dir_fd` with openat-style `open_flags` (O_CLOEXEC and O_NOCTTY are
// always added). A final symlink is followed only when `follow_final_symlink`; a trailing `/`
// always follows and requires a directory. Errors: Notcapable for any escape (absolute path,
// `..` above dir_fd, a symlink pointing outside or absolute, a magic link), Inval for NUL,
// Noent for "", Loop past kMaxSymlinkExpansions, else the host's errno.
ErrnoOr<UniqueFd> resolve_beneath(int dir_fd, std::string_view path, bool follow_final_symlink,
                                  int open_flags, mode_t mode = 0,
                                  ResolveMode how = ResolveMode::Auto);

// The directory containing the final component of `path`, and that component: what *at()
// calls that create, remove or rename need. `name` is never empty, never contains '/', and is
// never ".." (a final ".." is resolved, giving that directory and name "."). With
// `follow_final_symlink`, a final symlink is expanded until `name` is not one (so an *at() call
// with AT_SYMLINK_NOFOLLOW on it acts on the real target, beneath dir_fd).
struct ParentAndName {
  UniqueFd owned;              // the parent when it is not dir_fd itself
  int dir = -1;                // the parent: owned.get() or the caller's dir_fd
  std::string name;            // the final component
  bool trailing_slash = false; // the path ended in '/': the entry must be a directory
};
ErrnoOr<ParentAndName> resolve_parent_beneath(int dir_fd, std::string_view path,
                                              bool follow_final_symlink,
                                              ResolveMode how = ResolveMode::Auto);

} // namespace wasmcap::wasi::sandbox

// File-system operations shared by both WASI faces: preview1's fd_*/path_* bodies and WASI
// 0.2's wasi:filesystem methods call these, so each rule (the rights a call needs, the path
// sandbox, the read-only grant, the trailing-slash and `.` cases) is written once. Inputs are
// plain host values (a descriptor number, a path string); each face decodes its own arguments
// and encodes the results in its own ABI.
#pragma once

#include <sys/stat.h>
#include <time.h>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "wasi/errno.h"
#include "wasi/fd_table.h"
#include "wasi/wasi_types.h"

namespace wasmcap::wasi {

class WasiCtx;

namespace ops {

// An open beneath directory `dirfd`: preview1's path_open arguments, already validated.
struct OpenRequest {
  bool follow = false; // follow a final symlink
  std::string_view path;
  uint32_t oflags = 0; // oflag::*
  Rights base = 0;     // rights asked for the new descriptor
  Rights inheriting = 0;
  uint16_t fdflags = 0; // fdflag::*
};
// Opens beneath `dirfd` and inserts the new descriptor. The rights asked for must be within what
// the directory passes on; beneath a read-only grant, an open that means to write (write rights,
// create, truncate) is refused with Notcapable (refusal ReadOnly) and never reaches the host.
ErrnoOr<Fd> open_beneath(WasiCtx& ctx, Fd dirfd, const OpenRequest& req);

// Directory listing, sorted by name, `.` and `..` included (a fresh open of the directory, so
// the descriptor's own position is untouched).
ErrnoOr<std::vector<DirEntry>> list_directory(int dir_fd);

// Descriptor operations (each checks the right preview1's function of the same name needs).
ErrnoOr<struct stat> fd_stat(WasiCtx& ctx, Fd fd);
Errno fd_set_size(WasiCtx& ctx, Fd fd, uint64_t size);
Errno fd_set_times(WasiCtx& ctx, Fd fd, const std::array<timespec, 2>& ts);
// `advice` is POSIX_FADV_*.
Errno fd_advise(WasiCtx& ctx, Fd fd, uint64_t offset, uint64_t len, int advice);
Errno fd_datasync(WasiCtx& ctx, Fd fd);
Errno fd_sync(WasiCtx& ctx, Fd fd);

// Path operations beneath directory `fd`.
Errno create_directory(WasiCtx& ctx, Fd fd, std::string_view path);
ErrnoOr<struct stat> path_stat(WasiCtx& ctx, Fd fd, bool follow, std::string_view path);
Errno path_set_times(WasiCtx& ctx, Fd fd, bool follow, std::string_view path,
                     const std::array<timespec, 2>& ts);
Errno link(WasiCtx& ctx, Fd old_fd, bool follow, std::string_view old_path, Fd new_fd,
           std::string_view new_path);
// The whole target of the symlink at `path` (not followed).
ErrnoOr<std::string> readlink(WasiCtx& ctx, Fd fd, std::string_view path);
Errno remove_directory(WasiCtx& ctx, Fd fd, std::string_view path);
Errno rename(WasiCtx& ctx, Fd old_fd, std::string_view old_path, Fd new_fd,
             std::string_view new_path);
// Creates a symlink at `new_path` to `target`: refused (Notcapable) when the target is absolute
// or climbs above the grant lexically from where the link is made.
Errno symlink(WasiCtx& ctx, std::string_view target, Fd fd, std::string_view new_path);
Errno unlink_file(WasiCtx& ctx, Fd fd, std::string_view path);

} // namespace ops
} // namespace wasmcap::wasi

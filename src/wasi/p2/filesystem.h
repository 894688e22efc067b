// Internals of wasi:filesystem (filesystem.cpp, fs_descriptor.cpp, fs_paths.cpp): the shape of
// a filesystem body, the descriptor lookup, the descriptor-flags <-> rights mapping and the
// value builders the bodies share.
//
// A body speaks preview1's language: it returns a value, or a wasi::Errno that filesystem.cpp
// turns into an `error-code` (one table, fs_error_code), after the policy and the logs have seen
// it. So refusals keep preview1's Notcapable and its Refusal reason up to the last step.
#pragma once

#include <sys/stat.h>
#include <time.h>

#include <array>
#include <optional>
#include <span>
#include <string_view>

#include "wasi/errno.h"
#include "wasi/fd_table.h"
#include "wasi/p2/host.h"
#include "wasi/p2/values.h"

namespace wasmcap::wasi::p2 {

constexpr std::string_view kFsErrorCode = "wasi:filesystem/types.error-code";
constexpr std::string_view kDescriptorFlags = "wasi:filesystem/types.descriptor-flags";
constexpr std::string_view kPathFlags = "wasi:filesystem/types.path-flags";
constexpr std::string_view kOpenFlags = "wasi:filesystem/types.open-flags";
constexpr std::string_view kDescriptorType = "wasi:filesystem/types.descriptor-type";
constexpr std::string_view kNewTimestamp = "wasi:filesystem/types.new-timestamp";
constexpr std::string_view kAdvice = "wasi:filesystem/types.advice";

// A body's outcome: ok with a value (or none, for `result<_, error-code>`), or an errno. A Trap
// (a handle of the wrong type) is the outer Result's error.
using FsOr = ErrnoOr<std::optional<Val>>;
using FsRet = support::Result<FsOr>;
using FsBody = FsRet (*)(P2Ctx& cx, std::span<const Val> args);

inline FsRet fs_ok() {
  return FsOr(std::optional<Val>());
}
inline FsRet fs_ok(Val v) {
  return FsOr(std::optional<Val>(std::move(v)));
}
inline FsRet fs_fail(Errno e) {
  return FsOr(e);
}

// What a missing right means for a function (preview1 says Notcapable for all of them; WASI 0.2
// has a code per situation).
enum class Deny : uint8_t {
  Other, // not-permitted
  Data,  // bad-descriptor: not opened for reading / writing (POSIX's EBADF)
  Dir,   // read-only: the directory was not opened with mutate-directory
};

// The errno -> error-code table. Notcapable depends on why it was refused (see docs/components.md).
Val fs_error_code(Errno e, Refusal why, Deny deny);

// The descriptor number behind a descriptor handle argument. A handle of another resource type,
// or one that names no open descriptor, is a guest (or host) bug: a Trap.
support::Result<Fd> descriptor_fd(P2Ctx& cx, const Val& handle);
// Notdir unless `fd` is a directory: the *-at methods on a file answer not-directory before any
// rights question (a file never has the path rights, which would otherwise say read-only).
Errno require_directory(P2Ctx& cx, Fd fd);

// The rights a WASI 0.2 descriptor gets for the descriptor-flags it was opened with. Every
// descriptor may seek, stat, advise, open and read links beneath itself; `read` adds reading
// and listing, `write` writing a file's contents and times, `mutate-directory` everything that
// changes a directory. Directories without mutate-directory pass on no write rights.
namespace p2rights {
constexpr Rights kAlways = right::kFdSeek | right::kFdTell | right::kFdAdvise |
                           right::kFdFilestatGet | right::kFdFdstatSetFlags | right::kFdSync |
                           right::kPollFdReadwrite | right::kPathOpen | right::kPathReadlink |
                           right::kPathFilestatGet;
constexpr Rights kRead = right::kFdRead | right::kFdReaddir;
constexpr Rights kWrite = right::kWriteIntent | right::kFdFilestatSetTimes;
constexpr Rights kMutateDirectory =
    right::kPathCreateDirectory | right::kPathCreateFile | right::kPathLinkSource |
    right::kPathLinkTarget | right::kPathRenameSource | right::kPathRenameTarget |
    right::kPathFilestatSetSize | right::kPathFilestatSetTimes | right::kPathSymlink |
    right::kPathRemoveDirectory | right::kPathUnlinkFile | right::kFdFilestatSetTimes |
    right::kFdDatasync;
} // namespace p2rights

// Whether `e` has the descriptor-flag mutate-directory (a writable directory).
inline bool can_mutate_directory(const FdEntry& e) {
  return e.type == Filetype::Directory && !e.read_only && (e.base & right::kPathCreateFile);
}

// descriptor-type from a host mode (FIFOs included, which preview1's filetype cannot say).
Val descriptor_type_val(mode_t mode);
Val descriptor_type_val(Filetype type);
// descriptor-stat and metadata-hash-value from a host stat.
Val descriptor_stat_val(const struct stat& st);
Val metadata_hash_val(const struct stat& st);

// Bodies (fs_descriptor.cpp: a descriptor's own data and metadata; fs_paths.cpp: paths beneath
// a directory, directory listings, preopens).
FsRet read_via_stream(P2Ctx&, std::span<const Val>);
FsRet write_via_stream(P2Ctx&, std::span<const Val>);
FsRet append_via_stream(P2Ctx&, std::span<const Val>);
FsRet advise(P2Ctx&, std::span<const Val>);
FsRet sync_data(P2Ctx&, std::span<const Val>);
FsRet get_flags(P2Ctx&, std::span<const Val>);
FsRet get_type(P2Ctx&, std::span<const Val>);
FsRet set_size(P2Ctx&, std::span<const Val>);
FsRet set_times(P2Ctx&, std::span<const Val>);
FsRet read(P2Ctx&, std::span<const Val>);
FsRet write(P2Ctx&, std::span<const Val>);
FsRet sync(P2Ctx&, std::span<const Val>);
FsRet stat(P2Ctx&, std::span<const Val>);
FsRet is_same_object(P2Ctx&, std::span<const Val>);
FsRet metadata_hash(P2Ctx&, std::span<const Val>);
FsRet filesystem_error_code(P2Ctx&, std::span<const Val>);

FsRet read_directory(P2Ctx&, std::span<const Val>);
FsRet read_directory_entry(P2Ctx&, std::span<const Val>);
FsRet create_directory_at(P2Ctx&, std::span<const Val>);
FsRet stat_at(P2Ctx&, std::span<const Val>);
FsRet set_times_at(P2Ctx&, std::span<const Val>);
FsRet link_at(P2Ctx&, std::span<const Val>);
FsRet open_at(P2Ctx&, std::span<const Val>);
FsRet readlink_at(P2Ctx&, std::span<const Val>);
FsRet remove_directory_at(P2Ctx&, std::span<const Val>);
FsRet rename_at(P2Ctx&, std::span<const Val>);
FsRet symlink_at(P2Ctx&, std::span<const Val>);
FsRet unlink_file_at(P2Ctx&, std::span<const Val>);
FsRet metadata_hash_at(P2Ctx&, std::span<const Val>);
FsRet get_directories(P2Ctx&, std::span<const Val>);

// The times of a set-times call from its two new-timestamp arguments (utimensat's form).
ErrnoOr<std::array<timespec, 2>> timestamps(const Val& atime, const Val& mtime);

} // namespace wasmcap::wasi::p2

// Propagation inside bodies: an Errno, or an ErrnoOr's error, becomes the body's error-code.
#define FS_TRY(expr)                                                                               \
  do {                                                                                             \
    const ::wasmcap::wasi::Errno fs_e_ = (expr);                                                   \
    if (fs_e_ != ::wasmcap::wasi::Errno::Success) return fs_fail(fs_e_);                           \
  } while (0)
#define FS_ASSIGN(decl, expr) FS_ASSIGN_IMPL_(WASI_CONCAT_(fs_r_, __LINE__), decl, expr)
#define FS_ASSIGN_IMPL_(tmp, decl, expr)                                                           \
  auto tmp = (expr);                                                                               \
  if (!tmp.ok()) return fs_fail(tmp.error());                                                      \
  decl = std::move(tmp).value()

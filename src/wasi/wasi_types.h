// WASI preview1/preview0 constants from the witx typenames: rights, file types, flag sets,
// enums, and the in-memory sizes of the records the host writes into guest memory.
#pragma once

#include <cstdint>

namespace wasmcap::wasi {

// Which module a function is bound for: the two differ in a few enum orders and layouts.
enum class Abi : uint8_t { Preview1, Preview0 };

using Fd = uint32_t;
using Rights = uint64_t;

// `rights` bits in witx order (preview0 lacks sock_accept, which we never grant anyway).
namespace right {
constexpr Rights kFdDatasync = 1ull << 0;
constexpr Rights kFdRead = 1ull << 1;
constexpr Rights kFdSeek = 1ull << 2;
constexpr Rights kFdFdstatSetFlags = 1ull << 3;
constexpr Rights kFdSync = 1ull << 4;
constexpr Rights kFdTell = 1ull << 5;
constexpr Rights kFdWrite = 1ull << 6;
constexpr Rights kFdAdvise = 1ull << 7;
constexpr Rights kFdAllocate = 1ull << 8;
constexpr Rights kPathCreateDirectory = 1ull << 9;
constexpr Rights kPathCreateFile = 1ull << 10;
constexpr Rights kPathLinkSource = 1ull << 11;
constexpr Rights kPathLinkTarget = 1ull << 12;
constexpr Rights kPathOpen = 1ull << 13;
constexpr Rights kFdReaddir = 1ull << 14;
constexpr Rights kPathReadlink = 1ull << 15;
constexpr Rights kPathRenameSource = 1ull << 16;
constexpr Rights kPathRenameTarget = 1ull << 17;
constexpr Rights kPathFilestatGet = 1ull << 18;
constexpr Rights kPathFilestatSetSize = 1ull << 19;
constexpr Rights kPathFilestatSetTimes = 1ull << 20;
constexpr Rights kFdFilestatGet = 1ull << 21;
constexpr Rights kFdFilestatSetSize = 1ull << 22;
constexpr Rights kFdFilestatSetTimes = 1ull << 23;
constexpr Rights kPathSymlink = 1ull << 24;
constexpr Rights kPathRemoveDirectory = 1ull << 25;
constexpr Rights kPathUnlinkFile = 1ull << 26;
constexpr Rights kPollFdReadwrite = 1ull << 27;
constexpr Rights kSockShutdown = 1ull << 28;
constexpr Rights kSockAccept = 1ull << 29;
constexpr Rights kAll = (1ull << 30) - 1;

// What a regular file descriptor can ever do.
constexpr Rights kFileBase = kFdDatasync | kFdRead | kFdSeek | kFdFdstatSetFlags | kFdSync |
                             kFdTell | kFdWrite | kFdAdvise | kFdAllocate | kFdFilestatGet |
                             kFdFilestatSetSize | kFdFilestatSetTimes | kPollFdReadwrite;
// What a directory descriptor can ever do itself.
constexpr Rights kDirBase =
    kFdFdstatSetFlags | kFdSync | kFdDatasync | kPathCreateDirectory | kPathCreateFile |
    kPathLinkSource | kPathLinkTarget | kPathOpen | kFdReaddir | kPathReadlink | kPathRenameSource |
    kPathRenameTarget | kPathFilestatGet | kPathFilestatSetSize | kPathFilestatSetTimes |
    kFdFilestatGet | kFdFilestatSetTimes | kPathSymlink | kPathRemoveDirectory | kPathUnlinkFile;
// Descriptors opened beneath a directory can get at most these.
constexpr Rights kDirInheriting = kDirBase | kFileBase;
// Streams (ttys, pipes, sockets on stdio): no seeking, no path operations.
constexpr Rights kStreamBase = kFdRead | kFdWrite | kFdFdstatSetFlags | kFdFilestatGet |
                               kPollFdReadwrite | kFdSync | kFdDatasync | kSockShutdown;
// Everything that changes the file system: stripped from read-only grants.
constexpr Rights kMutating = kFdDatasync | kFdWrite | kFdAllocate | kFdFilestatSetSize |
                             kFdFilestatSetTimes | kPathCreateDirectory | kPathCreateFile |
                             kPathLinkSource | kPathLinkTarget | kPathRenameSource |
                             kPathRenameTarget | kPathFilestatSetSize | kPathFilestatSetTimes |
                             kPathSymlink | kPathRemoveDirectory | kPathUnlinkFile;
// The rights that write a file's contents. wasi-libc's open() asks for exactly these (with
// fd_datasync) when the program opens for writing, masked by the directory's inheriting rights,
// so a read-only grant advertises them (FdEntry::advertised_inheriting) and path_open refuses an
// open that asks for any of them: the refusal comes at open, as on a read-only file system.
constexpr Rights kWriteContents = kFdWrite | kFdAllocate | kFdFilestatSetSize;
constexpr Rights kWriteIntent = kWriteContents | kFdDatasync;
} // namespace right

enum class Filetype : uint8_t {
  Unknown = 0,
  BlockDevice = 1,
  CharacterDevice = 2,
  Directory = 3,
  RegularFile = 4,
  SocketDgram = 5,
  SocketStream = 6,
  SymbolicLink = 7,
};

namespace fdflag {
constexpr uint16_t kAppend = 1 << 0;
constexpr uint16_t kDsync = 1 << 1;
constexpr uint16_t kNonblock = 1 << 2;
constexpr uint16_t kRsync = 1 << 3;
constexpr uint16_t kSync = 1 << 4;
} // namespace fdflag

namespace oflag {
constexpr uint16_t kCreat = 1 << 0;
constexpr uint16_t kDirectory = 1 << 1;
constexpr uint16_t kExcl = 1 << 2;
constexpr uint16_t kTrunc = 1 << 3;
} // namespace oflag

constexpr uint32_t kLookupSymlinkFollow = 1 << 0;

namespace fstflag {
constexpr uint16_t kAtim = 1 << 0;
constexpr uint16_t kAtimNow = 1 << 1;
constexpr uint16_t kMtim = 1 << 2;
constexpr uint16_t kMtimNow = 1 << 3;
} // namespace fstflag

// `whence`: preview1 is set, cur, end; preview0 (wasi_unstable) is cur, end, set.
enum class Whence : uint8_t { Set, Cur, End };

enum class ClockId : uint32_t {
  Realtime = 0,
  Monotonic = 1,
  ProcessCputime = 2,
  ThreadCputime = 3
};

enum class EventType : uint8_t { Clock = 0, FdRead = 1, FdWrite = 2 };
constexpr uint16_t kSubclockAbstime = 1 << 0;
constexpr uint16_t kEventFdReadwriteHangup = 1 << 0;

constexpr uint8_t kPreopentypeDir = 0;

// Sizes of records in guest memory (offsets are in the encoders that write them).
constexpr uint32_t kIovecSize = 8;
constexpr uint32_t kDirentSize = 24;
constexpr uint32_t kFdstatSize = 24;
constexpr uint32_t kPrestatSize = 8;
constexpr uint32_t kEventSize = 32;
constexpr uint32_t filestat_size(Abi abi) {
  return abi == Abi::Preview1 ? 64 : 56;
}
constexpr uint32_t subscription_size(Abi abi) {
  return abi == Abi::Preview1 ? 48 : 56;
}

} // namespace wasmcap::wasi

// path_* host functions: directories, links, renames, read-only grants, symlink targets,
// readdir cookies, and escapes through the WASI surface (not only through the resolver).
#include <gtest/gtest.h>

#include <set>

#include "wasi/wasi_types.h"
#include "wasi_harness.h"

namespace wasmcap::wasi::testing {
namespace {

using PathTest = WasiHarness;
constexpr uint64_t kRW = right::kFdRead | right::kFdWrite | right::kFdSeek | right::kFdTell;

// Calls a path function whose args are (fd, path) with the path placed at 1000.
Errno path1(WasiHarness& h, const std::string& fn, uint32_t fd, const std::string& p) {
  h.put(1000, p);
  return h.callv(fn, {fd, 1000, p.size()});
}

TEST_F(PathTest, CreateRemoveDirectoriesAndFiles) {
  EXPECT_EQ(path1(*this, "path_create_directory", kSandboxFd, "d"), Errno::Success);
  EXPECT_TRUE(tree_.exists("grant/d"));
  EXPECT_EQ(path1(*this, "path_create_directory", kSandboxFd, "d"), Errno::Exist);
  EXPECT_EQ(path1(*this, "path_create_directory", kSandboxFd, "../escaped"), Errno::Notcapable);
  EXPECT_FALSE(tree_.exists("escaped"));
  tree_.write("grant/d/f", "x");
  EXPECT_EQ(path1(*this, "path_remove_directory", kSandboxFd, "d"), Errno::Notempty);
  EXPECT_EQ(path1(*this, "path_unlink_file", kSandboxFd, "d"), Errno::Isdir);
  EXPECT_EQ(path1(*this, "path_unlink_file", kSandboxFd, "d/f/"), Errno::Notdir);
  EXPECT_EQ(path1(*this, "path_unlink_file", kSandboxFd, "d/f"), Errno::Success);
  EXPECT_EQ(path1(*this, "path_remove_directory", kSandboxFd, "d/"), Errno::Success);
  EXPECT_EQ(path1(*this, "path_remove_directory", kSandboxFd, "."), Errno::Inval);
  EXPECT_EQ(path1(*this, "path_remove_directory", kSandboxFd, ".."), Errno::Notcapable);
  EXPECT_EQ(path1(*this, "path_unlink_file", kSandboxFd, "../outside/secret"), Errno::Notcapable);
  EXPECT_EQ(tree_.read("outside/secret"), "SECRET");
}

TEST_F(PathTest, FilestatThroughPathsAndLinks) {
  tree_.write("grant/f", "12345");
  tree_.symlink("f", "grant/l");
  tree_.symlink("../outside/secret", "grant/out");
  put(1000, "l");
  ASSERT_EQ(callv("path_filestat_get", {kSandboxFd, kLookupSymlinkFollow, 1000, 1, 2200}),
            Errno::Success);
  EXPECT_EQ(mem()[2216], static_cast<uint8_t>(Filetype::RegularFile));
  EXPECT_EQ(u64(2232), 5u);
  ASSERT_EQ(callv("path_filestat_get", {kSandboxFd, 0, 1000, 1, 2200}), Errno::Success);
  EXPECT_EQ(mem()[2216], static_cast<uint8_t>(Filetype::SymbolicLink));
  put(1000, "out");
  EXPECT_EQ(callv("path_filestat_get", {kSandboxFd, kLookupSymlinkFollow, 1000, 3, 2200}),
            Errno::Notcapable);
  // Set times on the link's target only through the sandbox.
  put(1000, "l");
  EXPECT_EQ(callv("path_filestat_set_times",
                  {kSandboxFd, kLookupSymlinkFollow, 1000, 1, 0, 5'000'000'000ull, fstflag::kMtim}),
            Errno::Success);
  ASSERT_EQ(callv("path_filestat_get", {kSandboxFd, kLookupSymlinkFollow, 1000, 1, 2200}),
            Errno::Success);
  EXPECT_EQ(u64(2200 + 48), 5'000'000'000ull);
  put(1000, "out");
  EXPECT_EQ(callv("path_filestat_set_times",
                  {kSandboxFd, kLookupSymlinkFollow, 1000, 3, 0, 0, fstflag::kMtimNow}),
            Errno::Notcapable);
  EXPECT_EQ(callv("path_filestat_set_times",
                  {kSandboxFd, 0, 1000, 3, 1, 0, fstflag::kAtim | fstflag::kAtimNow}),
            Errno::Inval);
}

TEST_F(PathTest, ReadOnlyGrantRefusesEveryChange) {
  uint32_t fd;
  EXPECT_EQ(open(kReadOnlyFd, "new.txt", oflag::kCreat, right::kFdRead, fd), Errno::Notcapable);
  EXPECT_EQ(open(kReadOnlyFd, "keep.txt", oflag::kTrunc, right::kFdRead, fd), Errno::Notcapable);
  EXPECT_EQ(open(kReadOnlyFd, "keep.txt", 0, right::kFdWrite, fd), Errno::Notcapable);
  // What a libc asking for "everything the directory passes on" gets: no write right.
  ASSERT_EQ(open(kReadOnlyFd, "keep.txt", 0, right::kFdRead, fd), Errno::Success);
  EXPECT_EQ(read(fd), "keep");
  EXPECT_EQ(write(fd, "x"), Errno::Notcapable);
  EXPECT_EQ(callv("fd_filestat_set_size", {fd, 0}), Errno::Notcapable);
  EXPECT_EQ(callv("fd_filestat_set_times", {fd, 0, 0, fstflag::kMtimNow}), Errno::Notcapable);
  EXPECT_EQ(path1(*this, "path_create_directory", kReadOnlyFd, "d"), Errno::Notcapable);
  EXPECT_EQ(path1(*this, "path_unlink_file", kReadOnlyFd, "keep.txt"), Errno::Notcapable);
  EXPECT_EQ(path1(*this, "path_remove_directory", kReadOnlyFd, "."), Errno::Notcapable);
  put(1000, "keep.txt");
  put(1100, "moved.txt");
  EXPECT_EQ(callv("path_rename", {kReadOnlyFd, 1000, 8, kReadOnlyFd, 1100, 9}), Errno::Notcapable);
  EXPECT_EQ(callv("path_link", {kReadOnlyFd, 0, 1000, 8, kReadOnlyFd, 1100, 9}), Errno::Notcapable);
  EXPECT_EQ(callv("path_symlink", {1000, 8, kReadOnlyFd, 1100, 9}), Errno::Notcapable);
  EXPECT_EQ(callv("path_filestat_set_times", {kReadOnlyFd, 0, 1000, 8, 0, 0, fstflag::kMtimNow}),
            Errno::Notcapable);
  // A directory opened beneath the read-only grant stays read-only.
  tree_.mkdir("ro/sub");
  uint32_t sub;
  put(1000, "sub");
  ASSERT_EQ(callv("path_open",
                  {kReadOnlyFd, 1, 1000, 3, oflag::kDirectory, right::kPathOpen | right::kFdReaddir,
                   right::kFdRead | right::kPathOpen, 0, 2100}),
            Errno::Success);
  sub = u32(2100);
  EXPECT_EQ(open(sub, "x", oflag::kCreat, right::kFdRead, fd), Errno::Notcapable);
  EXPECT_EQ(callv("fd_fdstat_set_rights",
                  {sub, right::kPathOpen | right::kPathCreateFile, right::kFdRead}),
            Errno::Notcapable);
  EXPECT_EQ(tree_.read("ro/keep.txt"), "keep");
  EXPECT_FALSE(tree_.exists("ro/moved.txt"));
  EXPECT_FALSE(tree_.exists("ro/new.txt"));
  EXPECT_FALSE(tree_.exists("ro/d"));
}

TEST_F(PathTest, RenameAndLinkBetweenGrants) {
  tree_.write("grant/f", "data");
  put(1000, "f");
  put(1100, "g");
  // Writable -> read-only: the target lacks rename/link rights.
  EXPECT_EQ(callv("path_rename", {kSandboxFd, 1000, 1, kReadOnlyFd, 1100, 1}), Errno::Notcapable);
  EXPECT_EQ(callv("path_link", {kSandboxFd, 0, 1000, 1, kReadOnlyFd, 1100, 1}), Errno::Notcapable);
  // Read-only -> writable: the source lacks them.
  put(1200, "keep.txt");
  EXPECT_EQ(callv("path_rename", {kReadOnlyFd, 1200, 8, kSandboxFd, 1100, 1}), Errno::Notcapable);
  EXPECT_EQ(callv("path_link", {kReadOnlyFd, 0, 1200, 8, kSandboxFd, 1100, 1}), Errno::Notcapable);
  EXPECT_FALSE(tree_.exists("ro/g"));
  EXPECT_TRUE(tree_.exists("ro/keep.txt"));
  // Writable -> writable works, and escapes are refused on either side.
  ASSERT_EQ(callv("path_link", {kSandboxFd, 0, 1000, 1, kSecondFd, 1100, 1}), Errno::Success);
  EXPECT_EQ(tree_.read("second/g"), "data");
  put(1300, "../outside/stolen");
  EXPECT_EQ(callv("path_rename", {kSandboxFd, 1000, 1, kSandboxFd, 1300, 17}), Errno::Notcapable);
  put(1300, "../outside/secret");
  EXPECT_EQ(callv("path_rename", {kSandboxFd, 1300, 17, kSandboxFd, 1100, 1}), Errno::Notcapable);
  EXPECT_EQ(callv("path_link", {kSandboxFd, 0, 1300, 17, kSandboxFd, 1100, 1}), Errno::Notcapable);
  tree_.symlink("../outside/secret", "grant/out");
  put(1400, "out");
  EXPECT_EQ(callv("path_link", {kSandboxFd, kLookupSymlinkFollow, 1400, 3, kSandboxFd, 1100, 1}),
            Errno::Notcapable);
  ASSERT_EQ(callv("path_rename", {kSandboxFd, 1000, 1, kSecondFd, 1300, 0}), Errno::Noent);
  put(1300, "moved");
  ASSERT_EQ(callv("path_rename", {kSandboxFd, 1000, 1, kSecondFd, 1300, 5}), Errno::Success);
  EXPECT_EQ(tree_.read("second/moved"), "data");
  EXPECT_FALSE(tree_.exists("outside/stolen"));
  EXPECT_EQ(tree_.read("outside/secret"), "SECRET");
}

TEST_F(PathTest, SymlinksAreCreatedOnlyWithContainedTargets) {
  tree_.mkdir("grant/sub");
  auto symlink = [&](const std::string& target, const std::string& at) {
    put(1000, target);
    put(1500, at);
    return callv("path_symlink", {1000, target.size(), kSandboxFd, 1500, at.size()});
  };
  EXPECT_EQ(symlink("/etc/passwd", "abs"), Errno::Notcapable);
  EXPECT_EQ(symlink("../outside/secret", "up"), Errno::Notcapable);
  EXPECT_EQ(symlink("../../outside", "sub/up"), Errno::Notcapable);
  EXPECT_EQ(symlink("../x", "sub/ok"), Errno::Success);
  EXPECT_EQ(symlink("target", "../outside/planted"), Errno::Notcapable);
  EXPECT_FALSE(tree_.exists("outside/planted"));
  EXPECT_EQ(symlink("sub/ok", "l2"), Errno::Success);
  // readlink returns the target, cut at the buffer size.
  put(1000, "l2");
  ASSERT_EQ(callv("path_readlink", {kSandboxFd, 1000, 2, 3000, 64, 2100}), Errno::Success);
  EXPECT_EQ(str(3000, u32(2100)), "sub/ok");
  ASSERT_EQ(callv("path_readlink", {kSandboxFd, 1000, 2, 3000, 3, 2100}), Errno::Success);
  EXPECT_EQ(u32(2100), 3u);
  put(1000, "sub");
  EXPECT_EQ(callv("path_readlink", {kSandboxFd, 1000, 3, 3000, 64, 2100}), Errno::Inval);
}

TEST_F(PathTest, ReaddirCookiesAreStable) {
  std::set<std::string> expected = {".", ".."};
  for (int i = 0; i < 40; ++i) {
    const std::string name = "file_" + std::to_string(i);
    tree_.write("grant/" + name, "");
    expected.insert(name);
  }
  std::set<std::string> seen;
  uint64_t cookie = 0;
  for (int round = 0; round < 1000; ++round) {
    // A small buffer forces many calls; change the directory between calls.
    ASSERT_EQ(callv("fd_readdir", {kSandboxFd, 4000, 100, cookie, 2100}), Errno::Success);
    const uint32_t used = u32(2100);
    uint32_t at = 0;
    bool progressed = false;
    while (at + 24 <= used) {
      const uint32_t namlen = u32(4000 + at + 16);
      if (at + 24 + namlen > used) break; // cut record: ask again from this cookie
      const std::string name = str(4000 + at + 24, namlen);
      EXPECT_TRUE(seen.insert(name).second) << "repeated " << name;
      cookie = u64(4000 + at);
      at += 24 + namlen;
      progressed = true;
    }
    tree_.write("grant/late_" + std::to_string(round), "");
    if (used < 100 && !progressed) break;
    if (used < 100 && at == used) break;
  }
  EXPECT_EQ(seen, expected);
  // Starting again at 0 takes a new snapshot that includes the late files.
  ASSERT_EQ(callv("fd_readdir", {kSandboxFd, 4000, 4096, 0, 2100}), Errno::Success);
  EXPECT_GT(u32(2100), 0u);
  EXPECT_EQ(callv("fd_readdir", {kSandboxFd, 4000, 100, 1u << 30, 2100}), Errno::Success);
  EXPECT_EQ(u32(2100), 0u);
  // A preopen's `..` does not expose its host parent.
  uint32_t at = 0;
  ASSERT_EQ(callv("fd_readdir", {kReadOnlyFd, 4000, 4096, 0, 2100}), Errno::Success);
  uint64_t dot = 0, dotdot = 1;
  while (at + 24 <= u32(2100)) {
    const uint32_t namlen = u32(4000 + at + 16);
    const std::string name = str(4000 + at + 24, namlen);
    if (name == ".") dot = u64(4000 + at + 8);
    if (name == "..") dotdot = u64(4000 + at + 8);
    at += 24 + namlen;
  }
  EXPECT_EQ(dot, dotdot);
}

TEST_F(PathTest, OpenFlagsAndDirectories) {
  uint32_t fd;
  EXPECT_EQ(open(kSandboxFd, "nope", 0, kRW, fd), Errno::Noent);
  ASSERT_EQ(open(kSandboxFd, "x", oflag::kCreat | oflag::kExcl, kRW, fd), Errno::Success);
  EXPECT_EQ(open(kSandboxFd, "x", oflag::kCreat | oflag::kExcl, kRW, fd), Errno::Exist);
  EXPECT_EQ(open(kSandboxFd, "x", oflag::kDirectory, right::kFdRead, fd), Errno::Notdir);
  EXPECT_EQ(open(kSandboxFd, "x", 1u << 7, kRW, fd), Errno::Inval);
  ASSERT_EQ(open(kSandboxFd, "ap", oflag::kCreat, kRW, fd, 1, fdflag::kAppend), Errno::Success);
  ASSERT_EQ(write(fd, "1"), Errno::Success);
  ASSERT_EQ(callv("fd_seek", {fd, 0, 0, 2100}), Errno::Success);
  ASSERT_EQ(write(fd, "2"), Errno::Success);
  EXPECT_EQ(tree_.read("grant/ap"), "12");
  // A directory fd opened beneath the grant is itself a sandbox root.
  tree_.mkdir("grant/inner");
  put(1000, "inner");
  ASSERT_EQ(callv("path_open", {kSandboxFd, 1, 1000, 5, oflag::kDirectory, right::kDirBase,
                                right::kDirInheriting, 0, 2100}),
            Errno::Success);
  const uint32_t inner = u32(2100);
  EXPECT_EQ(open(inner, "../x", 0, kRW, fd), Errno::Notcapable);
  ASSERT_EQ(callv("fd_fdstat_get", {inner, 2200}), Errno::Success);
  EXPECT_EQ(mem()[2200], static_cast<uint8_t>(Filetype::Directory));
  EXPECT_EQ(callv("fd_prestat_get", {inner, 2200}), Errno::Badf);
  EXPECT_EQ(open(kSandboxFd, std::string("x\0y", 3), 0, kRW, fd), Errno::Inval);
  EXPECT_EQ(open(kSandboxFd, "/etc/passwd", 0, kRW, fd), Errno::Notcapable);
}

} // namespace
} // namespace wasmcap::wasi::testing

// Host functions on descriptors and memory: args/env, bounds checks (EFAULT), file I/O, seek,
// stat, rights, prestat, renumber and close.
#include <gtest/gtest.h>

#include "wasi/wasi_types.h"
#include "wasi_harness.h"

namespace wasmcap::wasi::testing {
namespace {

using FdTest = WasiHarness;
constexpr uint64_t kRW = right::kFdRead | right::kFdWrite | right::kFdSeek | right::kFdTell |
                         right::kFdFilestatGet | right::kFdFilestatSetSize;

TEST_F(FdTest, ArgsAndEnviron) {
  ASSERT_EQ(callv("args_sizes_get", {100, 104}), Errno::Success);
  EXPECT_EQ(u32(100), 3u);
  EXPECT_EQ(u32(104), std::string("prog\0arg one\0"
                                  "2\0",
                                  15)
                          .size());
  ASSERT_EQ(callv("args_get", {200, 300}), Errno::Success);
  EXPECT_EQ(u32(200), 300u);
  EXPECT_EQ(str(u32(204), 8), std::string("arg one\0", 8));
  ASSERT_EQ(callv("environ_sizes_get", {100, 104}), Errno::Success);
  EXPECT_EQ(u32(100), 2u);
  ASSERT_EQ(callv("environ_get", {200, 300}), Errno::Success);
  EXPECT_EQ(str(u32(200), 15), std::string("HOME=/sandbox\0E", 15));
  EXPECT_EQ(str(u32(204), 7), std::string("EMPTY=\0", 7));
}

TEST_F(FdTest, GuestPointersAreBoundsChecked) {
  const uint64_t end = mem_size();
  // Out-pointers past the end, straddling the end, and wrapping around 2^32.
  EXPECT_EQ(callv("args_sizes_get", {end, 0}), Errno::Fault);
  EXPECT_EQ(callv("args_sizes_get", {end - 2, 0}), Errno::Fault);
  EXPECT_EQ(callv("args_sizes_get", {0xFFFFFFFF, 0}), Errno::Fault);
  // args_get checks the whole extent before writing anything.
  std::memset(mem() + end - 8, 0xAA, 8);
  EXPECT_EQ(callv("args_get", {end - 8, 100}), Errno::Fault);
  EXPECT_EQ(u32(static_cast<uint32_t>(end - 8)), 0xAAAAAAAAu);
  // iovec array out of range, an iovec buffer out of range, ptr+len wrapping.
  EXPECT_EQ(callv("fd_write", {1, end - 4, 1, 100}), Errno::Fault);
  set_u32(2000, 0xFFFFFFF0);
  set_u32(2004, 0x20);
  EXPECT_EQ(callv("fd_write", {1, 2000, 1, 100}), Errno::Fault);
  set_u32(2000, static_cast<uint32_t>(end - 4));
  set_u32(2004, 5);
  EXPECT_EQ(callv("fd_read", {0, 2000, 1, 100}), Errno::Fault);
  EXPECT_EQ(callv("fd_write", {1, 2000, 0x20000000, 100}), Errno::Fault); // count * 8 overflow
  // A path whose length runs off the end.
  EXPECT_EQ(callv("path_create_directory", {kSandboxFd, end - 3, 10}), Errno::Fault);
  EXPECT_EQ(callv("random_get", {end - 1, 2}), Errno::Fault);
  EXPECT_EQ(callv("random_get", {end, 0}), Errno::Success); // empty range at the end is fine
  EXPECT_EQ(callv("poll_oneoff", {end - 10, 0, 1, 100}), Errno::Fault);
  EXPECT_EQ(callv("fd_prestat_dir_name", {kSandboxFd, end - 2, 8}), Errno::Fault);
}

TEST_F(FdTest, CallsWithoutBoundMemoryTrapInsteadOfCrashing) {
  ctx_->bind_memory(nullptr);
  runtime::FuncInstance* f = func("wasi_snapshot_preview1", "args_sizes_get");
  std::vector<runtime::Value> args = {runtime::Value::make_i32(0), runtime::Value::make_i32(4)};
  std::vector<runtime::Value> results(1);
  auto status = f->callback(args, results);
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().kind, ErrorKind::Trap);
}

TEST_F(FdTest, ReadWriteSeekTellPreadPwrite) {
  uint32_t fd;
  ASSERT_EQ(open(kSandboxFd, "f.txt", oflag::kCreat | oflag::kTrunc, kRW, fd), Errno::Success);
  ASSERT_EQ(write(fd, "hello world"), Errno::Success);
  EXPECT_EQ(u32(2100), 11u);
  ASSERT_EQ(callv("fd_tell", {fd, 2100}), Errno::Success);
  EXPECT_EQ(u64(2100), 11u);
  ASSERT_EQ(callv("fd_seek", {fd, 6, 0 /*set*/, 2100}), Errno::Success);
  EXPECT_EQ(u64(2100), 6u);
  EXPECT_EQ(read(fd), "world");
  ASSERT_EQ(callv("fd_seek", {fd, static_cast<uint64_t>(-5), 2 /*end*/, 2100}), Errno::Success);
  EXPECT_EQ(u64(2100), 6u);
  EXPECT_EQ(callv("fd_seek", {fd, 0, 3, 2100}), Errno::Inval);
  EXPECT_EQ(callv("fd_seek", {fd, static_cast<uint64_t>(-100), 1, 2100}), Errno::Inval);
  // pwrite/pread leave the position alone.
  put(3000, "HELLO");
  set_u32(2000, 3000);
  set_u32(2004, 5);
  ASSERT_EQ(callv("fd_pwrite", {fd, 2000, 1, 0, 2100}), Errno::Success);
  set_u32(2004, 11);
  ASSERT_EQ(callv("fd_pread", {fd, 2000, 1, 0, 2100}), Errno::Success);
  EXPECT_EQ(str(3000, u32(2100)), "HELLO world");
  EXPECT_EQ(tree_.read("grant/f.txt"), "HELLO world");
  // Size and stat.
  ASSERT_EQ(callv("fd_filestat_set_size", {fd, 5}), Errno::Success);
  ASSERT_EQ(callv("fd_filestat_get", {fd, 2200}), Errno::Success);
  EXPECT_EQ(mem()[2200 + 16], static_cast<uint8_t>(Filetype::RegularFile));
  EXPECT_EQ(u64(2200 + 24), 1u); // nlink (u64 in preview1)
  EXPECT_EQ(u64(2200 + 32), 5u); // size
  EXPECT_EQ(callv("fd_close", {fd}), Errno::Success);
  EXPECT_EQ(callv("fd_close", {fd}), Errno::Badf);
  EXPECT_EQ(callv("fd_write", {fd, 2000, 1, 2100}), Errno::Badf);
}

TEST_F(FdTest, Preview0LayoutsDiffer) {
  uint32_t fd;
  ASSERT_EQ(open(kSandboxFd, "p0.txt", oflag::kCreat, kRW, fd), Errno::Success);
  ASSERT_EQ(write(fd, "0123456789"), Errno::Success);
  // wasi_unstable filestat: u32 nlink at 20, size at 24.
  ASSERT_EQ(callv("fd_filestat_get", {fd, 2200}, "wasi_unstable"), Errno::Success);
  EXPECT_EQ(u32(2200 + 20), 1u);
  EXPECT_EQ(u64(2200 + 24), 10u);
  put(1000, "p0.txt");
  ASSERT_EQ(callv("path_filestat_get", {kSandboxFd, 0, 1000, 6, 2300}, "wasi_unstable"),
            Errno::Success);
  EXPECT_EQ(u64(2300 + 24), 10u);
  // wasi_unstable whence: 0 = cur, 1 = end, 2 = set.
  ASSERT_EQ(callv("fd_seek", {fd, 3, 2, 2100}, "wasi_unstable"), Errno::Success);
  EXPECT_EQ(u64(2100), 3u);
  ASSERT_EQ(callv("fd_seek", {fd, 2, 0, 2100}, "wasi_unstable"), Errno::Success);
  EXPECT_EQ(u64(2100), 5u);
  ASSERT_EQ(callv("fd_seek", {fd, 0, 1, 2100}, "wasi_unstable"), Errno::Success);
  EXPECT_EQ(u64(2100), 10u);
}

TEST_F(FdTest, RightsCanOnlyShrink) {
  uint32_t fd;
  ASSERT_EQ(open(kSandboxFd, "r.txt", oflag::kCreat, kRW, fd), Errno::Success);
  ASSERT_EQ(callv("fd_fdstat_get", {fd, 2200}), Errno::Success);
  EXPECT_EQ(mem()[2200], static_cast<uint8_t>(Filetype::RegularFile));
  EXPECT_EQ(u64(2208), kRW);
  ASSERT_EQ(callv("fd_fdstat_set_rights", {fd, right::kFdWrite, 0}), Errno::Success);
  EXPECT_EQ(read(fd), "<error>");
  set_u32(2000, 3000);
  set_u32(2004, 4);
  EXPECT_EQ(callv("fd_read", {fd, 2000, 1, 2100}), Errno::Notcapable);
  EXPECT_EQ(callv("fd_fdstat_set_rights", {fd, right::kFdWrite | right::kFdRead, 0}),
            Errno::Notcapable);
  EXPECT_EQ(write(fd, "ok"), Errno::Success);
  EXPECT_EQ(callv("fd_seek", {fd, 1, 0, 2100}), Errno::Notcapable);
  // Asking for more than the directory passes on is refused outright.
  uint32_t fd2;
  EXPECT_EQ(open(kReadOnlyFd, "keep.txt", 0, right::kFdRead | right::kFdWrite, fd2),
            Errno::Notcapable);
  EXPECT_EQ(open(kSandboxFd, "r.txt", 0, 1ull << 40, fd2), Errno::Notcapable);
}

TEST_F(FdTest, PrestatAndStdio) {
  ASSERT_EQ(callv("fd_prestat_get", {kSandboxFd, 2200}), Errno::Success);
  EXPECT_EQ(mem()[2200], 0);
  EXPECT_EQ(u32(2204), 8u);
  ASSERT_EQ(callv("fd_prestat_dir_name", {kSandboxFd, 2300, 8}), Errno::Success);
  EXPECT_EQ(str(2300, 8), "/sandbox");
  EXPECT_EQ(callv("fd_prestat_dir_name", {kSandboxFd, 2300, 3}), Errno::Nametoolong);
  ASSERT_EQ(callv("fd_prestat_get", {kReadOnlyFd, 2200}), Errno::Success);
  EXPECT_EQ(u32(2204), 3u);
  EXPECT_EQ(callv("fd_prestat_get", {6, 2200}), Errno::Badf);
  EXPECT_EQ(callv("fd_prestat_get", {1, 2200}), Errno::Badf);
  // stdin cannot be written, stdout cannot be read.
  set_u32(2000, 3000);
  set_u32(2004, 0);
  EXPECT_EQ(callv("fd_write", {0, 2000, 1, 2100}), Errno::Notcapable);
  EXPECT_EQ(callv("fd_read", {1, 2000, 1, 2100}), Errno::Notcapable);
  EXPECT_EQ(callv("fd_write", {1, 2000, 1, 2100}), Errno::Success); // zero bytes to stdout
}

TEST_F(FdTest, Renumber) {
  uint32_t a, b;
  ASSERT_EQ(open(kSandboxFd, "a.txt", oflag::kCreat, kRW, a), Errno::Success);
  ASSERT_EQ(open(kSandboxFd, "b.txt", oflag::kCreat, kRW, b), Errno::Success);
  EXPECT_EQ(callv("fd_renumber", {a, a}), Errno::Success); // onto itself: no change
  EXPECT_EQ(callv("fd_renumber", {99, a}), Errno::Badf);   // from a closed fd
  EXPECT_EQ(callv("fd_renumber", {a, 99}), Errno::Badf);   // onto a closed fd
  EXPECT_EQ(callv("fd_renumber", {99, 99}), Errno::Badf);
  ASSERT_EQ(write(a, "A"), Errno::Success);
  ASSERT_EQ(callv("fd_renumber", {a, b}), Errno::Success);
  EXPECT_EQ(callv("fd_close", {a}), Errno::Badf);
  ASSERT_EQ(write(b, "B"), Errno::Success);
  EXPECT_EQ(tree_.read("grant/a.txt"), "AB");
  // Onto a preopen: the preopen is gone, and fd 5 no longer claims to be one.
  ASSERT_EQ(callv("fd_renumber", {b, kSecondFd}), Errno::Success);
  EXPECT_EQ(callv("fd_prestat_get", {kSecondFd, 2200}), Errno::Badf);
  ASSERT_EQ(write(kSecondFd, "C"), Errno::Success);
  EXPECT_EQ(tree_.read("grant/a.txt"), "ABC");
  // A preopen renumbered elsewhere keeps its name.
  uint32_t c;
  ASSERT_EQ(open(kSandboxFd, "c.txt", oflag::kCreat, kRW, c), Errno::Success);
  ASSERT_EQ(callv("fd_renumber", {kReadOnlyFd, c}), Errno::Success);
  ASSERT_EQ(callv("fd_prestat_get", {c, 2200}), Errno::Success);
  EXPECT_EQ(u32(2204), 3u);
  // New descriptors take the lowest free number.
  uint32_t d;
  ASSERT_EQ(open(kSandboxFd, "d.txt", oflag::kCreat, kRW, d), Errno::Success);
  EXPECT_EQ(d, kReadOnlyFd);
}

TEST_F(FdTest, FlagsAndSync) {
  uint32_t fd;
  ASSERT_EQ(open(kSandboxFd, "s.txt", oflag::kCreat,
                 kRW | right::kFdFdstatSetFlags | right::kFdSync | right::kFdDatasync |
                     right::kFdAllocate | right::kFdAdvise,
                 fd),
            Errno::Success);
  ASSERT_EQ(callv("fd_fdstat_set_flags", {fd, fdflag::kAppend}), Errno::Success);
  ASSERT_EQ(callv("fd_fdstat_get", {fd, 2200}), Errno::Success);
  EXPECT_EQ(mem()[2202] & fdflag::kAppend, fdflag::kAppend);
  EXPECT_EQ(callv("fd_fdstat_set_flags", {fd, fdflag::kSync}), Errno::Notsup);
  EXPECT_EQ(callv("fd_fdstat_set_flags", {fd, 1u << 9}), Errno::Inval);
  EXPECT_EQ(callv("fd_sync", {fd}), Errno::Success);
  EXPECT_EQ(callv("fd_datasync", {fd}), Errno::Success);
  EXPECT_EQ(callv("fd_allocate", {fd, 0, 100}), Errno::Success);
  EXPECT_EQ(callv("fd_advise", {fd, 0, 100, 1}), Errno::Success);
  EXPECT_EQ(callv("fd_advise", {fd, 0, 100, 9}), Errno::Inval);
  ASSERT_EQ(callv("fd_filestat_get", {fd, 2200}), Errno::Success);
  EXPECT_EQ(u64(2232), 100u);
  // Times: explicit values, and "now" with a value is invalid.
  EXPECT_EQ(callv("fd_filestat_set_times",
                  {fd, 1'000'000'000ull, 2'000'000'000ull, fstflag::kAtim | fstflag::kMtim}),
            Errno::Notcapable); // kRW has no fd_filestat_set_times
}

} // namespace
} // namespace wasmcap::wasi::testing

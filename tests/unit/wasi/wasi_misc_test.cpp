// The import tables and signatures, clocks, poll_oneoff, proc_exit/raise, random_get,
// sched_yield and the socket calls (no socket is ever granted).
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>

#include "wasi/sandbox/resolve_beneath.h"
#include "wasi/wasi_types.h"
#include "wasi_harness.h"

namespace wasmcap::wasi::testing {
namespace {

using MiscTest = WasiHarness;
using V = ir::ValType;

TEST_F(MiscTest, TablesAndSignaturesMatchTheWitx) {
  size_t p1 = 0, p0 = 0;
  for (const auto& [key, f] : funcs_)
    (key.first == "wasi_unstable" ? p0 : p1)++;
  EXPECT_EQ(p1, 46u);
  EXPECT_EQ(p0, 45u); // no sock_accept
  EXPECT_EQ(func("wasi_unstable", "sock_accept"), nullptr);
  const std::pair<const char*, ir::FuncType> sigs[] = {
      {"fd_write", {{V::I32, V::I32, V::I32, V::I32}, {V::I32}}},
      {"fd_seek", {{V::I32, V::I64, V::I32, V::I32}, {V::I32}}},
      {"fd_pread", {{V::I32, V::I32, V::I32, V::I64, V::I32}, {V::I32}}},
      {"path_open",
       {{V::I32, V::I32, V::I32, V::I32, V::I32, V::I64, V::I64, V::I32, V::I32}, {V::I32}}},
      {"clock_time_get", {{V::I32, V::I64, V::I32}, {V::I32}}},
      {"proc_exit", {{V::I32}, {}}},
      {"sched_yield", {{}, {V::I32}}},
      {"fd_readdir", {{V::I32, V::I32, V::I32, V::I64, V::I32}, {V::I32}}},
      {"path_filestat_set_times",
       {{V::I32, V::I32, V::I32, V::I32, V::I64, V::I64, V::I32}, {V::I32}}},
      {"sock_recv", {{V::I32, V::I32, V::I32, V::I32, V::I32, V::I32}, {V::I32}}},
      {"poll_oneoff", {{V::I32, V::I32, V::I32, V::I32}, {V::I32}}},
      {"path_symlink", {{V::I32, V::I32, V::I32, V::I32, V::I32}, {V::I32}}},
  };
  for (const auto& [name, type] : sigs) {
    ASSERT_NE(func("wasi_snapshot_preview1", name), nullptr) << name;
    EXPECT_EQ(*func("wasi_snapshot_preview1", name)->type, type) << name;
    if (std::string(name) != "sock_accept") {
      EXPECT_EQ(*func("wasi_unstable", name)->type, type) << name;
    }
  }
  // A few errno numbers against typenames.witx.
  EXPECT_EQ(static_cast<int>(Errno::Fault), 21);
  EXPECT_EQ(static_cast<int>(Errno::Notcapable), 76);
  EXPECT_EQ(static_cast<int>(Errno::Badf), 8);
  EXPECT_EQ(static_cast<int>(Errno::Noent), 44);
}

TEST_F(MiscTest, Clocks) {
  ASSERT_EQ(callv("clock_res_get", {1, 100}), Errno::Success);
  EXPECT_GT(u64(100), 0u);
  ASSERT_EQ(callv("clock_time_get", {0, 1, 100}), Errno::Success);
  const uint64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
  EXPECT_LT(now - u64(100), 5'000'000'000ull);
  ASSERT_EQ(callv("clock_time_get", {1, 1, 100}), Errno::Success);
  const uint64_t a = u64(100);
  ASSERT_EQ(callv("clock_time_get", {1, 1, 100}), Errno::Success);
  EXPECT_GE(u64(100), a);
  EXPECT_EQ(callv("clock_time_get", {9, 1, 100}), Errno::Inval);
  EXPECT_EQ(callv("clock_res_get", {9, 100}), Errno::Inval);
  EXPECT_EQ(callv("clock_time_get", {2, 1, 100}), Errno::Success);
}

// Writes a preview1 clock subscription at `at`.
void clock_sub(WasiHarness& h, uint32_t at, uint64_t userdata, uint32_t clock, uint64_t timeout,
               uint16_t flags) {
  std::memset(h.mem() + at, 0, 48);
  std::memcpy(h.mem() + at, &userdata, 8);
  h.mem()[at + 8] = 0;
  std::memcpy(h.mem() + at + 16, &clock, 4);
  std::memcpy(h.mem() + at + 24, &timeout, 8);
  std::memcpy(h.mem() + at + 40, &flags, 2);
}
void fd_sub(WasiHarness& h, uint32_t at, uint64_t userdata, uint8_t type, uint32_t fd) {
  std::memset(h.mem() + at, 0, 48);
  std::memcpy(h.mem() + at, &userdata, 8);
  h.mem()[at + 8] = type;
  std::memcpy(h.mem() + at + 16, &fd, 4);
}

TEST_F(MiscTest, PollClocks) {
  EXPECT_EQ(callv("poll_oneoff", {5000, 6000, 0, 100}), Errno::Inval);
  clock_sub(*this, 5000, 42, 1, 20'000'000, 0); // 20 ms relative
  auto t0 = std::chrono::steady_clock::now();
  ASSERT_EQ(callv("poll_oneoff", {5000, 6000, 1, 100}), Errno::Success);
  EXPECT_GE(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(19));
  ASSERT_EQ(u32(100), 1u);
  EXPECT_EQ(u64(6000), 42u);
  EXPECT_EQ(mem()[6010], 0); // clock event
  // Absolute: a deadline 10 ms from now on the monotonic clock, with a later relative one.
  ASSERT_EQ(callv("clock_time_get", {1, 1, 100}), Errno::Success);
  clock_sub(*this, 5000, 1, 1, u64(100) + 10'000'000, kSubclockAbstime);
  clock_sub(*this, 5048, 2, 1, 5'000'000'000ull, 0);
  t0 = std::chrono::steady_clock::now();
  ASSERT_EQ(callv("poll_oneoff", {5000, 6000, 2, 100}), Errno::Success);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(2));
  ASSERT_EQ(u32(100), 1u);
  EXPECT_EQ(u64(6000), 1u);
  // An absolute deadline in the past fires at once; a bad clock gives an event with Inval.
  clock_sub(*this, 5000, 3, 0, 1, kSubclockAbstime);
  clock_sub(*this, 5048, 4, 77, 1, 0);
  ASSERT_EQ(callv("poll_oneoff", {5000, 6000, 2, 100}), Errno::Success);
  EXPECT_EQ(u32(100), 2u);
}

class PollFdTest : public WasiHarness {
protected:
  void configure(WasiConfig& c) override {
    ASSERT_EQ(::pipe(pipe_), 0);
    c.stdin_fd = pipe_[0];
  }
  void TearDown() override {
    ::close(pipe_[0]);
    if (pipe_[1] >= 0) ::close(pipe_[1]);
  }
  int pipe_[2] = {-1, -1};
};

TEST_F(PollFdTest, FdReadinessAndErrors) {
  // Nothing to read yet: the 10 ms clock fires.
  fd_sub(*this, 5000, 7, 1 /*fd_read*/, 0);
  clock_sub(*this, 5048, 8, 1, 10'000'000, 0);
  ASSERT_EQ(callv("poll_oneoff", {5000, 6000, 2, 100}), Errno::Success);
  ASSERT_EQ(u32(100), 1u);
  EXPECT_EQ(u64(6000), 8u);
  // Data on stdin: the fd event, with nbytes.
  ASSERT_EQ(::write(pipe_[1], "abc", 3), 3);
  clock_sub(*this, 5048, 8, 1, 5'000'000'000ull, 0);
  ASSERT_EQ(callv("poll_oneoff", {5000, 6000, 2, 100}), Errno::Success);
  ASSERT_EQ(u32(100), 1u);
  EXPECT_EQ(u64(6000), 7u);
  EXPECT_EQ(mem()[6010], 1);
  EXPECT_EQ(u64(6016), 3u);
  EXPECT_EQ(read(0), "abc");
  // A closed fd and a file: each its own event, no failure of the call.
  fd_sub(*this, 5000, 9, 1, 77);
  uint32_t f;
  ASSERT_EQ(open(kSandboxFd, "pf", oflag::kCreat,
                 right::kFdRead | right::kFdWrite | right::kPollFdReadwrite, f),
            Errno::Success);
  fd_sub(*this, 5048, 10, 2 /*fd_write*/, f);
  ASSERT_EQ(callv("poll_oneoff", {5000, 6000, 2, 100}), Errno::Success);
  ASSERT_EQ(u32(100), 2u);
  EXPECT_EQ(u64(6000), 9u);
  EXPECT_EQ(mem()[6008], static_cast<uint8_t>(Errno::Badf));
  EXPECT_EQ(u64(6032), 10u);
  EXPECT_EQ(mem()[6040], 0);
  // Hang-up when the writer closes.
  ::close(pipe_[1]);
  pipe_[1] = -1;
  fd_sub(*this, 5000, 11, 1, 0);
  ASSERT_EQ(callv("poll_oneoff", {5000, 6000, 1, 100}), Errno::Success);
  EXPECT_EQ(u32(100), 1u);
  EXPECT_EQ(mem()[6024] & kEventFdReadwriteHangup, kEventFdReadwriteHangup);
}

TEST_F(MiscTest, ProcExitUnwindsWithTheCode) {
  runtime::FuncInstance* f = func("wasi_snapshot_preview1", "proc_exit");
  std::vector<runtime::Value> args = {runtime::Value::make_i32(7)};
  std::vector<runtime::Value> results;
  auto status = f->callback(args, results);
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().kind, ErrorKind::Exit);
  EXPECT_EQ(status.error().exit_code, 7);
  EXPECT_EQ(ctx_->exit_code(), 7);
  EXPECT_EQ(callv("proc_raise", {9}), Errno::Nosys);
  EXPECT_EQ(callv("sched_yield", {}), Errno::Success);
}

TEST_F(MiscTest, RandomGet) {
  std::memset(mem() + 7000, 0, 64);
  ASSERT_EQ(callv("random_get", {7000, 64}), Errno::Success);
  int zeros = 0;
  for (int i = 0; i < 64; ++i)
    zeros += mem()[7000 + i] == 0;
  EXPECT_LT(zeros, 10);
}

TEST_F(MiscTest, SocketsAreNeverGranted) {
  EXPECT_EQ(callv("sock_accept", {kSandboxFd, 0, 100}), Errno::Notsock);
  EXPECT_EQ(callv("sock_accept", {99, 0, 100}), Errno::Badf);
  EXPECT_EQ(callv("sock_recv", {1, 2000, 0, 0, 100, 104}), Errno::Notsock);
  EXPECT_EQ(callv("sock_send", {0, 2000, 0, 0, 100}), Errno::Notsock);
  EXPECT_EQ(callv("sock_shutdown", {kSandboxFd, 3}), Errno::Notsock);
  EXPECT_EQ(callv("sock_shutdown", {99, 3}), Errno::Badf);
}

// The same suite works whichever resolver the context is configured with.
class WalkModeTest : public WasiHarness {
protected:
  void configure(WasiConfig& c) override { c.resolve_mode = sandbox::ResolveMode::Walk; }
};

TEST_F(WalkModeTest, PathOpenEscapesThroughTheWalk) {
  tree_.symlink("../outside/secret", "grant/out");
  uint32_t fd;
  EXPECT_EQ(open(kSandboxFd, "out", 0, right::kFdRead, fd), Errno::Notcapable);
  EXPECT_EQ(open(kSandboxFd, "../outside/secret", 0, right::kFdRead, fd), Errno::Notcapable);
  tree_.write("grant/in", "in");
  ASSERT_EQ(open(kSandboxFd, "./in", 0, right::kFdRead, fd), Errno::Success);
  EXPECT_EQ(read(fd), "in");
}

TEST(WasiCtxCreate, MissingPreopenIsAnIoErrorNamingIt) {
  WasiConfig c;
  c.preopens = {{"/nonexistent/wasmcap-dir", "/x", false}};
  auto ctx = WasiCtx::create(c);
  ASSERT_FALSE(ctx);
  EXPECT_EQ(ctx.error().kind, ErrorKind::Io);
  EXPECT_NE(ctx.error().message.find("/nonexistent/wasmcap-dir"), std::string::npos);
}

} // namespace
} // namespace wasmcap::wasi::testing

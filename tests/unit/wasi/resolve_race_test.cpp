// The rename race: while the guest resolves "swap/target" over and over, another thread keeps
// exchanging the directory `swap` with a symlink to outside the grant. Whatever interleaving
// happens, nothing outside may be opened or created.
#include <fcntl.h>
#include <linux/fs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "temp_tree.h"
#include "wasi/sandbox/resolve_beneath.h"

namespace wasmcap::wasi {
namespace {

using sandbox::ResolveMode;

class RaceTest : public ::testing::TestWithParam<ResolveMode> {};

TEST_P(RaceTest, SwappingADirectoryForASymlinkNeverEscapes) {
  if (GetParam() == ResolveMode::Openat2 && !sandbox::openat2_available()) GTEST_SKIP();
  testing::TempTree t;
  t.mkdir("grant/swap");
  t.write("grant/swap/target", "inside");
  t.write("outside/target", "SECRET");
  t.symlink("../outside", "grant/other");
  const int grant = ::open(t.grant().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  ASSERT_GE(grant, 0);

  std::atomic<bool> stop{false};
  std::atomic<long> swaps{0};
  std::thread swapper([&] {
    while (!stop.load()) {
      // Atomically exchange the directory and the symlink (RENAME_EXCHANGE).
      if (::syscall(SYS_renameat2, grant, "swap", grant, "other", RENAME_EXCHANGE) == 0) ++swaps;
    }
  });
  int opened_inside = 0, refused = 0;
  for (int i = 0; i < 20000; ++i) {
    auto r = sandbox::resolve_beneath(grant, "swap/target", true, O_RDONLY, 0, GetParam());
    if (r.ok()) {
      ASSERT_EQ(testing::read_fd(r->get()), "inside") << "opened a file outside the grant";
      ++opened_inside;
    } else {
      ++refused;
    }
    auto c = sandbox::resolve_beneath(grant, "swap/new" + std::to_string(i % 50), true,
                                      O_WRONLY | O_CREAT, 0644, GetParam());
    (void)c;
  }
  stop = true;
  swapper.join();
  ::close(grant);
  // Nothing was created outside: only "secret" and "target" exist there.
  for (int i = 0; i < 50; ++i)
    EXPECT_FALSE(t.exists("outside/new" + std::to_string(i)));
  EXPECT_EQ(t.read("outside/target"), "SECRET");
  EXPECT_GT(swaps.load(), 0);
  EXPECT_GT(opened_inside + refused, 0);
}

INSTANTIATE_TEST_SUITE_P(BothResolvers, RaceTest,
                         ::testing::Values(ResolveMode::Openat2, ResolveMode::Walk),
                         [](const auto& info) {
                           return info.param == ResolveMode::Openat2 ? "Openat2" : "Walk";
                         });

} // namespace
} // namespace wasmcap::wasi

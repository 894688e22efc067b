// The sandbox's adversarial table: every escape trick, run against both resolvers (openat2 and
// the portable walk). A trick "passes" only when it is refused and nothing outside the grant was
// opened, created or changed.
#include "wasi/sandbox/resolve_beneath.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "temp_tree.h"

namespace wasmcap::wasi {
namespace {

using sandbox::ResolveMode;
using testing::TempTree;

class ResolveTest : public ::testing::TestWithParam<ResolveMode> {
protected:
  void SetUp() override {
    if (GetParam() == ResolveMode::Openat2 && !sandbox::openat2_available()) {
      GTEST_SKIP() << "kernel has no openat2";
    }
    t.write("grant/file.txt", "inside");
    t.mkdir("grant/a");
    t.mkdir("grant/a/b");
    t.write("grant/a/b/deep.txt", "deep");
    t.symlink("..", "grant/up");
    t.symlink("/etc", "grant/abs");
    t.symlink("../outside", "grant/rel_out");
    t.symlink("../outside/secret", "grant/secret_link");
    t.symlink("../outside/created", "grant/dangling_out");
    t.symlink("a/b", "grant/rel_in");
    t.symlink("a/b/deep.txt", "grant/file_link");
    t.symlink("missing_target", "grant/dangling_in");
    t.symlink("loop2", "grant/loop1");
    t.symlink("loop1", "grant/loop2");
    t.symlink("/proc/self/root", "grant/proc_root");
    t.symlink("/proc/self/cwd", "grant/proc_cwd");
    t.symlink("../grant/file.txt", "grant/reenter");
    t.symlink("a/../..", "grant/sneaky");
    grant = ::open(t.grant().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    ASSERT_GE(grant, 0);
  }
  void TearDown() override {
    if (grant >= 0) ::close(grant);
  }

  ErrnoOr<sandbox::UniqueFd> open(const std::string& path, bool follow, int flags = O_RDONLY) {
    return sandbox::resolve_beneath(grant, path, follow, flags, 0644, GetParam());
  }

  TempTree t;
  int grant = -1;
};

struct Escape {
  const char* path;
  bool follow;
  Errno expected;
};

// Each of these must be refused with exactly this errno by both resolvers.
const Escape kEscapes[] = {
    {"/etc/passwd", true, Errno::Notcapable},
    {"/", true, Errno::Notcapable},
    {"..", true, Errno::Notcapable},
    {"../outside/secret", true, Errno::Notcapable},
    {"a/../../outside/secret", true, Errno::Notcapable},
    {"a/b/../../../grant/file.txt", true, Errno::Notcapable}, // re-entry is still refused
    {"./../grant/file.txt", false, Errno::Notcapable},
    {"up/outside/secret", true, Errno::Notcapable},
    {"up", true, Errno::Notcapable},
    {"abs/passwd", true, Errno::Notcapable},
    {"abs", true, Errno::Notcapable},
    {"rel_out/secret", true, Errno::Notcapable},
    {"rel_out/secret", false, Errno::Notcapable}, // intermediate links are always followed
    {"rel_out/", false, Errno::Notcapable},       // a trailing slash follows the link
    {"rel_out/.", false, Errno::Notcapable},
    {"secret_link", true, Errno::Notcapable},
    {"reenter", true, Errno::Notcapable},
    {"sneaky/outside/secret", true, Errno::Notcapable},
    {"proc_root/etc/passwd", true, Errno::Notcapable},
    {"proc_root", true, Errno::Notcapable},
    {"proc_cwd", true, Errno::Notcapable},
    {"loop1", true, Errno::Loop},
    {"loop1/x", false, Errno::Loop},
    {"file.txt/", true, Errno::Notdir},
    {"", true, Errno::Noent},
};

TEST_P(ResolveTest, EscapesAreRefused) {
  for (const Escape& e : kEscapes) {
    auto r = open(e.path, e.follow);
    EXPECT_FALSE(r.ok()) << e.path;
    EXPECT_EQ(static_cast<int>(r.error()), static_cast<int>(e.expected)) << e.path;
  }
}

TEST_P(ResolveTest, NulIsInval) {
  const std::string p("file.txt\0../../outside/secret", 29);
  auto r = open(p, true);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), Errno::Inval);
}

TEST_P(ResolveTest, LegalPathsOpenTheRightFile) {
  const std::pair<const char*, const char*> ok_cases[] = {
      {"file.txt", "inside"},       {"a/b/deep.txt", "deep"},
      {"a/../file.txt", "inside"},  {"a/b/../../file.txt", "inside"},
      {"./a/./b/deep.txt", "deep"}, {"a//b///deep.txt", "deep"},
      {"rel_in/deep.txt", "deep"},  {"rel_in/../../file.txt", "inside"},
      {"file_link", "deep"},        {"rel_in/./deep.txt", "deep"},
  };
  for (auto [path, content] : ok_cases) {
    auto r = open(path, true);
    ASSERT_TRUE(r.ok()) << path << " errno " << static_cast<int>(r.error());
    EXPECT_EQ(testing::read_fd(r->get()), content) << path;
  }
  auto dir = open("a/b/", true, O_RDONLY | O_DIRECTORY);
  EXPECT_TRUE(dir.ok());
  auto self = open(".", true, O_RDONLY | O_DIRECTORY);
  EXPECT_TRUE(self.ok());
  auto back = open("a/..", true, O_RDONLY | O_DIRECTORY);
  EXPECT_TRUE(back.ok());
}

TEST_P(ResolveTest, FinalSymlinkWithoutFollow) {
  // O_PATH without follow opens the link itself (for lstat); a real open refuses with ELOOP.
  auto link = open("rel_out", false, O_PATH);
  ASSERT_TRUE(link.ok());
  struct stat st;
  ASSERT_EQ(::fstat(link->get(), &st), 0);
  EXPECT_TRUE(S_ISLNK(st.st_mode));
  auto r = open("file_link", false, O_RDONLY);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), Errno::Loop);
}

TEST_P(ResolveTest, CreationNeverLandsOutside) {
  // Through a dangling link pointing outside, through `..`, through a link to outside.
  const char* attempts[] = {"dangling_out", "../outside/created", "rel_out/created",
                            "up/outside/created", "a/../../outside/created"};
  for (const char* p : attempts) {
    auto r = open(p, true, O_WRONLY | O_CREAT | O_TRUNC);
    EXPECT_FALSE(r.ok()) << p;
    EXPECT_EQ(r.error(), Errno::Notcapable) << p;
  }
  EXPECT_FALSE(t.exists("outside/created"));
  EXPECT_EQ(t.read("outside/secret"), "SECRET");
  // A dangling link inside the grant creates its target inside, as POSIX open does.
  auto in = open("dangling_in", true, O_WRONLY | O_CREAT);
  ASSERT_TRUE(in.ok());
  EXPECT_TRUE(t.exists("grant/missing_target"));
  // O_EXCL never follows: the link itself exists.
  auto excl = open("file_link", true, O_WRONLY | O_CREAT | O_EXCL);
  ASSERT_FALSE(excl.ok());
  EXPECT_EQ(excl.error(), Errno::Exist);
  // "x/" with O_CREAT cannot make a file.
  auto slash = open("newdir/", true, O_WRONLY | O_CREAT);
  EXPECT_FALSE(slash.ok());
  EXPECT_FALSE(t.exists("grant/newdir"));
}

TEST_P(ResolveTest, ParentResolution) {
  auto p = sandbox::resolve_parent_beneath(grant, "a/b/deep.txt", false, GetParam());
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->name, "deep.txt");
  struct stat st;
  EXPECT_EQ(::fstatat(p->dir, p->name.c_str(), &st, 0), 0);

  auto dotdot = sandbox::resolve_parent_beneath(grant, "a/b/..", false, GetParam());
  ASSERT_TRUE(dotdot.ok());
  EXPECT_EQ(dotdot->name, ".");

  auto slash = sandbox::resolve_parent_beneath(grant, "a/b/", false, GetParam());
  ASSERT_TRUE(slash.ok());
  EXPECT_EQ(slash->name, "b");
  EXPECT_TRUE(slash->trailing_slash);

  // Following a final link yields the real entry's parent and name.
  auto followed = sandbox::resolve_parent_beneath(grant, "file_link", true, GetParam());
  ASSERT_TRUE(followed.ok());
  EXPECT_EQ(followed->name, "deep.txt");
  auto unfollowed = sandbox::resolve_parent_beneath(grant, "file_link", false, GetParam());
  ASSERT_TRUE(unfollowed.ok());
  EXPECT_EQ(unfollowed->name, "file_link");

  const char* escapes[] = {"rel_out/secret", "../x", "/abs", "a/../../x", "up/x", "proc_root/x"};
  for (const char* e : escapes) {
    auto r = sandbox::resolve_parent_beneath(grant, e, false, GetParam());
    EXPECT_FALSE(r.ok()) << e;
    EXPECT_EQ(r.error(), Errno::Notcapable) << e;
  }
  auto follow_out = sandbox::resolve_parent_beneath(grant, "secret_link", true, GetParam());
  EXPECT_EQ(follow_out.error(), Errno::Notcapable);
  auto loop = sandbox::resolve_parent_beneath(grant, "loop1", true, GetParam());
  EXPECT_EQ(loop.error(), Errno::Loop);
}

TEST_P(ResolveTest, MagicLinksInsideAGrantAreRefused) {
  // Grant /proc/self itself: its magic links (root, cwd, exe, fd/N) must not be followed.
  const int proc = ::open("/proc/self", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (proc < 0) GTEST_SKIP() << "no /proc";
  for (const char* p : {"root/etc/passwd", "root", "cwd", "exe"}) {
    auto r = sandbox::resolve_beneath(proc, p, true, O_RDONLY, 0, GetParam());
    EXPECT_FALSE(r.ok()) << p;
    // openat2 says ELOOP (RESOLVE_NO_MAGICLINKS), the walk Notcapable (absolute target).
    EXPECT_TRUE(r.error() == Errno::Loop || r.error() == Errno::Notcapable) << p;
  }
  ::close(proc);
}

INSTANTIATE_TEST_SUITE_P(BothResolvers, ResolveTest,
                         ::testing::Values(ResolveMode::Openat2, ResolveMode::Walk),
                         [](const auto& info) {
                           return info.param == ResolveMode::Openat2 ? "Openat2" : "Walk";
                         });

} // namespace
} // namespace wasmcap::wasi

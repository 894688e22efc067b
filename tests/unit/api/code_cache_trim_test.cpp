// The code cache's size limit (src/api/code_cache_trim.cpp): least recently used entries go
// first, the entry just written and files that are not the cache's stay, crashed writers'
// temporary files are cleaned up, and a hit counts as a use.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <string>

#include "api/code_cache_file.h"

namespace wasmcap {
namespace {

class CacheTrim : public testing::Test {
protected:
  void SetUp() override {
    char tmpl[] = "/tmp/wasmcap-trim-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::system(("rm -rf " + dir_).c_str()); }

  // A file of `kib` KiB whose last use was `age` seconds ago.
  std::string make(const std::string& name, size_t kib, time_t age) {
    const std::string path = dir_ + "/" + name;
    std::ofstream(path) << std::string(kib * 1024, 'x');
    const struct timespec when[2] = {{std::time(nullptr) - age, 0}, {std::time(nullptr) - age, 0}};
    EXPECT_EQ(::utimensat(AT_FDCWD, path.c_str(), when, 0), 0);
    return path;
  }
  bool exists(const std::string& path) { return ::access(path.c_str(), F_OK) == 0; }

  std::string dir_;
};

TEST_F(CacheTrim, UnderTheLimitNothingGoes) {
  const std::string a = make("a.cwasm", 100, 500), b = make("b.cwasm", 100, 100);
  detail::trim_cache_directory(dir_, 300 * 1024, b);
  EXPECT_TRUE(exists(a));
  EXPECT_TRUE(exists(b));
}

TEST_F(CacheTrim, OverTheLimitTheLeastRecentlyUsedGoFirst) {
  const std::string oldest = make("1.cwasm", 100, 400), old = make("2.cwasm", 100, 300),
                    recent = make("3.cwasm", 100, 200), newest = make("4.cwasm", 100, 0);
  // 400 KiB against a 300 KiB limit: trimmed to 3/4 of it (225 KiB), so two of the others go.
  detail::trim_cache_directory(dir_, 300 * 1024, newest);
  EXPECT_FALSE(exists(oldest));
  EXPECT_FALSE(exists(old));
  EXPECT_TRUE(exists(recent));
  EXPECT_TRUE(exists(newest));
}

TEST_F(CacheTrim, TheEntryJustWrittenAndForeignFilesStay) {
  const std::string written = make("big.cwasm", 500, 1000); // older than everything, but kept
  const std::string other = make("notes.txt", 500, 2000);
  const std::string entry = make("e.cwasm", 10, 10);
  detail::trim_cache_directory(dir_, 100 * 1024, written);
  EXPECT_TRUE(exists(written));
  EXPECT_TRUE(exists(other));
  EXPECT_FALSE(exists(entry));
}

TEST_F(CacheTrim, StaleTemporaryFilesAreRemoved) {
  const std::string stale = make("x.cwasm.tmp.123.0", 1, 7200);
  const std::string live = make("y.cwasm.tmp.456.0", 1, 5);
  detail::trim_cache_directory(dir_, 1 << 30, "");
  EXPECT_FALSE(exists(stale));
  EXPECT_TRUE(exists(live));
}

TEST_F(CacheTrim, AHitCountsAsAUse) {
  const std::string used = make("used.cwasm", 100, 900), idle = make("idle.cwasm", 100, 100);
  detail::mark_cache_entry_used(used);
  detail::trim_cache_directory(dir_, 150 * 1024, "");
  EXPECT_TRUE(exists(used));
  EXPECT_FALSE(exists(idle));
}

TEST_F(CacheTrim, TheLimitComesFromTheEnvironment) {
  ::setenv("WASMCAP_CACHE_MAX_MB", "5", 1);
  EXPECT_EQ(detail::cache_max_bytes(), uint64_t{5} << 20);
  ::setenv("WASMCAP_CACHE_MAX_MB", "0", 1);
  EXPECT_EQ(detail::cache_max_bytes(), UINT64_MAX);
  ::setenv("WASMCAP_CACHE_MAX_MB", "lots", 1);
  EXPECT_EQ(detail::cache_max_bytes(), uint64_t{1} << 30);
  ::unsetenv("WASMCAP_CACHE_MAX_MB");
  EXPECT_EQ(detail::cache_max_bytes(), uint64_t{1} << 30);
}

} // namespace
} // namespace wasmcap

// TempTree: scratch directories for the sandbox tests (see temp_tree.h).
#include "temp_tree.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace wasmcap::wasi::testing {

TempTree::TempTree() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "wasmcap-wasi-XXXXXX").string();
  char* made = ::mkdtemp(tmpl.data());
  EXPECT_NE(made, nullptr);
  root_ = tmpl;
  mkdir("grant");
  mkdir("outside");
  write("outside/secret", "SECRET");
}

TempTree::~TempTree() {
  std::error_code ec;
  std::filesystem::remove_all(root_, ec);
}

void TempTree::mkdir(const std::string& rel) const {
  ASSERT_EQ(::mkdir(path(rel).c_str(), 0755), 0) << rel;
}

void TempTree::write(const std::string& rel, const std::string& content) const {
  std::ofstream out(path(rel), std::ios::binary);
  ASSERT_TRUE(out) << rel;
  out << content;
}

void TempTree::symlink(const std::string& target, const std::string& rel) const {
  ASSERT_EQ(::symlink(target.c_str(), path(rel).c_str()), 0) << rel;
}

std::string TempTree::read(const std::string& rel) const {
  std::ifstream in(path(rel), std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool TempTree::exists(const std::string& rel) const {
  struct stat st;
  return ::lstat(path(rel).c_str(), &st) == 0;
}

std::string read_fd(int fd) {
  std::string out;
  char buf[4096];
  off_t off = 0;
  for (;;) {
    const ssize_t n = ::pread(fd, buf, sizeof buf, off);
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
    off += n;
  }
  return out;
}

} // namespace wasmcap::wasi::testing

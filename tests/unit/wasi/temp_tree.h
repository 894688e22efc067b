// TempTree: a scratch directory for sandbox tests, holding a `grant` directory (what the guest
// is given) next to an `outside` directory (what it must never reach), removed afterwards.
#pragma once

#include <string>

namespace wasmcap::wasi::testing {

class TempTree {
public:
  TempTree();
  ~TempTree();
  TempTree(const TempTree&) = delete;
  TempTree& operator=(const TempTree&) = delete;

  const std::string& root() const { return root_; }
  std::string grant() const { return root_ + "/grant"; }
  std::string outside() const { return root_ + "/outside"; }
  std::string path(const std::string& rel) const { return root_ + "/" + rel; }

  // Helpers relative to root(); they abort the test (via gtest ASSERTs) on failure.
  void mkdir(const std::string& rel) const;
  void write(const std::string& rel, const std::string& content) const;
  void symlink(const std::string& target, const std::string& rel) const;
  std::string read(const std::string& rel) const; // "" if missing
  bool exists(const std::string& rel) const;      // lstat succeeds

private:
  std::string root_;
};

// Reads a whole host fd from offset 0.
std::string read_fd(int fd);

} // namespace wasmcap::wasi::testing

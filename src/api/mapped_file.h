// MappedFile: a file mapped read-only, for .cwasm files (Module::deserialize_file, the code
// cache): a big module's file is many MB, and mapping it avoids copying it into a buffer (the
// object loader copies out only what it keeps).
#pragma once

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <span>
#include <string>

namespace wasmcap::detail {

// A whole regular file mapped read-only; !ok() when it cannot be opened, is not a regular file,
// is empty or cannot be mapped.
class MappedFile {
public:
  explicit MappedFile(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      error_ = errno;
      return;
    }
    struct stat st = {};
    if (::fstat(fd, &st) != 0) {
      error_ = errno;
    } else if (!S_ISREG(st.st_mode)) {
      error_ = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
    } else if (st.st_size == 0) {
      error_ = ENODATA;
    } else {
      // MAP_POPULATE: all of it is read (checksum), so map it at once rather than by faults.
      void* p = ::mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ,
                       MAP_PRIVATE | MAP_POPULATE, fd, 0);
      if (p == MAP_FAILED) {
        error_ = errno;
      } else {
        data_ = static_cast<const uint8_t*>(p);
        size_ = static_cast<size_t>(st.st_size);
      }
    }
    ::close(fd);
  }
  ~MappedFile() {
    if (data_ != nullptr) ::munmap(const_cast<uint8_t*>(data_), size_);
  }
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  bool ok() const { return data_ != nullptr; }
  int error() const { return error_; } // errno-style, when !ok()
  std::span<const uint8_t> bytes() const { return {data_, size_}; }

private:
  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
  int error_ = 0;
};

} // namespace wasmcap::detail

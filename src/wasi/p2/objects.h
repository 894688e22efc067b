// The host objects behind WASI 0.2's io resources: streams over host file descriptors, errors
// and pollables. Filesystem streams and stdio share them, so a write is one code path.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "wasi/p2/host.h"
#include "wasi/sandbox/unique_fd.h"

namespace wasmcap::wasi::p2 {

// An output stream: writes go to `fd` (stdout/stderr, or a file opened through a descriptor:
// then at `offset`, advanced by each write, or at the end when `append`, whatever `offset`).
struct OutputStream : HostObject {
  OutputStream() { type = &resources::kOutputStream; }
  sandbox::UniqueFd fd; // a duplicate: the stream outlives the descriptor it came from
  std::optional<uint64_t> offset;
  bool append = false;
  bool closed = false; // the last write failed: the stream reports `closed` from then on
};

struct InputStream : HostObject {
  InputStream() { type = &resources::kInputStream; }
  sandbox::UniqueFd fd;
  std::optional<uint64_t> offset; // files: the read position; stdin: none
  bool closed = false;            // end of stream reached
};

struct ErrorObject : HostObject {
  ErrorObject() { type = &resources::kError; }
  std::string message;
  int host_errno = 0; // the failed host call's errno (wasi:filesystem's filesystem-error-code)
};

// A pollable: ready now, or when the monotonic clock reaches `deadline_ns`.
struct Pollable : HostObject {
  Pollable() { type = &resources::kPollable; }
  std::optional<uint64_t> deadline_ns;
};

// A directory listing taken when read-directory was called (without `.` and `..`), handed out
// one entry at a time; later changes to the directory do not move it.
struct DirectoryEntryStream : HostObject {
  DirectoryEntryStream() { type = &resources::kDirectoryEntryStream; }
  std::vector<DirEntry> entries;
  size_t next = 0;
};

struct Terminal : HostObject {
  explicit Terminal(const HostResourceType& t) { type = &t; }
};

uint64_t monotonic_now_ns();

} // namespace wasmcap::wasi::p2

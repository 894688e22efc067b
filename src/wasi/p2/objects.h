// The host objects behind WASI 0.2's io resources: streams over host file descriptors, errors
// and pollables. Filesystem streams and stdio share them, so a write is one code path.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "wasi/p2/host.h"
#include "wasi/sandbox/unique_fd.h"

namespace wasmcap::wasi::p2 {

// Something a pollable can wait for that is not a host fd or a clock (an HTTP body).
struct Waiter {
  virtual ~Waiter() = default;
  // Waits up to `timeout_ms` (-1: no limit, 0: just look) until ready; true if ready.
  virtual bool wait(int timeout_ms) = 0;
};

// The far end of an input stream that is not a host fd (an HTTP request body).
struct ByteSource : Waiter {
  // Up to buf.size() bytes; `blocking` waits for at least one. Returns the count (0 with *ended
  // set: the end; 0 without: nothing yet), or -errno.
  virtual int64_t read(std::span<uint8_t> buf, bool blocking, bool* ended) = 0;
};

// The far end of an output stream that is not a host fd (an HTTP response body).
struct ByteSink {
  virtual ~ByteSink() = default;
  virtual int write(std::string_view data) = 0; // 0, or the errno of the failure
};

// An output stream: writes go to `fd` (stdout/stderr, or a file opened through a descriptor:
// then at `offset`, advanced by each write, or at the end when `append`, whatever `offset`).
struct OutputStream : HostObject {
  OutputStream() { type = &resources::kOutputStream; }
  sandbox::UniqueFd fd; // a duplicate: the stream outlives the descriptor it came from
  std::optional<uint64_t> offset;
  bool append = false;
  bool closed = false; // the last write failed: the stream reports `closed` from then on
  bool socket = false; // a TCP connection: written with send(MSG_NOSIGNAL), so a peer that
                       // went away is an error value, never a SIGPIPE that ends the host
  std::shared_ptr<ByteSink> sink; // set: writes go here, not to `fd`
};

struct InputStream : HostObject {
  InputStream() { type = &resources::kInputStream; }
  sandbox::UniqueFd fd;
  std::optional<uint64_t> offset;     // files: the read position; stdin: none
  bool closed = false;                // end of stream reached
  bool socket = false;                // a TCP connection: subscribe waits for data
  std::shared_ptr<ByteSource> source; // set: reads come from here, not from `fd`
};

struct ErrorObject : HostObject {
  ErrorObject() { type = &resources::kError; }
  std::string message;
  int host_errno = 0; // the failed host call's errno (filesystem-error-code, network-error-code)
};

// A pollable: ready now, when the monotonic clock reaches `deadline_ns`, or when host fd `fd`
// (a duplicate: the pollable may outlive its socket or stream) has one of `events` (or an error
// or hang-up, after which the operation it waits for no longer blocks).
struct Pollable : HostObject {
  Pollable() { type = &resources::kPollable; }
  std::optional<uint64_t> deadline_ns;
  sandbox::UniqueFd fd;
  short events = 0;
  std::shared_ptr<Waiter> waiter; // set: ready when it is
};

// A directory listing taken when read-directory was called (without `.` and `..`), handed out
// one entry at a time; later changes to the directory do not move it.
struct DirectoryEntryStream : HostObject {
  DirectoryEntryStream() { type = &resources::kDirectoryEntryStream; }
  std::vector<DirEntry> entries;
  size_t next = 0;
};

// A pollable that is ready when `fd` has one of `events` (poll(2) bits); ready now when the fd
// cannot be duplicated.
uint32_t add_fd_pollable(P2Ctx& cx, int fd, short events);

struct Terminal : HostObject {
  explicit Terminal(const HostResourceType& t) { type = &t; }
};

uint64_t monotonic_now_ns();

} // namespace wasmcap::wasi::p2

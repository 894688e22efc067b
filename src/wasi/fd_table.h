// FdTable: the guest's file descriptors. Each entry holds a host fd, its WASI file type and its
// rights; get() is the one place where rights are enforced (missing fd -> Badf, missing right
// -> Notcapable). Preopened directories carry their guest name here, so it moves with fd_renumber.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "wasi/errno.h"
#include "wasi/sandbox/unique_fd.h"
#include "wasi/wasi_types.h"

namespace wasmcap::wasi {

// One directory entry of an fd_readdir snapshot.
struct DirEntry {
  std::string name;
  uint64_t ino = 0;
  Filetype type = Filetype::Unknown;
};

struct FdEntry {
  sandbox::UniqueFd host;
  Filetype type = Filetype::Unknown;
  Rights base = 0;        // what this descriptor may do
  Rights inheriting = 0;  // the most that descriptors opened through it may get
  bool read_only = false; // opened through a read-only grant: never opened for writing on the host
  bool stdio = false;     // one of the embedder's stdio fds (group stdio, or net if a socket)
  bool listener = false;  // a preopened listening socket (WasiConfig::tcp_listeners)
  int origin = -1;        // the preopen (index in grant order) it was opened beneath; -1: none
  std::optional<std::string> preopen_name; // set for preopened directories (fd_prestat_*)
  // fd_readdir: entries captured when a listing starts (cookie 0); cookies index into it, so
  // they stay stable however the directory changes while the guest reads it.
  std::vector<DirEntry> dir_snapshot;
  bool has_snapshot = false;

  int fd() const { return host.get(); }
  // The inheriting rights fd_fdstat_get reports. A read-only directory also names the rights of
  // writing a file (which it never passes on): wasi-libc masks what open() asks for by this
  // value, so without them an O_WRONLY open would silently ask for no write right, succeed, and
  // fail at the first write with EBADF. With them, path_open sees the intent and refuses it.
  Rights advertised_inheriting() const {
    return read_only && type == Filetype::Directory ? inheriting | right::kWriteIntent : inheriting;
  }
};

// Why a call was refused with Notcapable, for the audit log. Set where the refusal happens;
// only read when the call returns Notcapable (an unset reason then means a path escape: the
// resolver is the one refuser that does not say).
enum class Refusal : uint8_t { None, Policy, Rights, ReadOnly, Escape, NoSocketGrant };

class FdTable {
public:
  // The most descriptors one guest may hold (beyond this: Mfile).
  static constexpr size_t kMaxFds = 4096;

  // Places `entry` at the lowest free number.
  ErrnoOr<Fd> insert(std::unique_ptr<FdEntry> entry);
  // Places `entry` at `fd` (stdio and preopens at start-up), replacing any entry there.
  void insert_at(Fd fd, std::unique_ptr<FdEntry> entry);

  // The entry for `fd` if it has every right in `base` and `inheriting`.
  ErrnoOr<FdEntry*> get(Fd fd, Rights base = 0, Rights inheriting = 0);

  Errno close(Fd fd);
  // fd_renumber: both must be open; `from` replaces `to` (which is closed) and `from` becomes
  // free. Renumbering an fd onto itself succeeds without change.
  Errno renumber(Fd from, Fd to);
  // fd_fdstat_set_rights: rights can only be dropped (below what fd_fdstat_get reports; a
  // read-only entry never gains a write right that way).
  Errno restrict_rights(Fd fd, Rights base, Rights inheriting);

  size_t size() const { return entries_.size(); }

  void note_refusal(Refusal r) { refusal_ = r; }
  Refusal take_refusal() {
    const Refusal r = refusal_;
    refusal_ = Refusal::None;
    return r;
  }

private:
  Refusal refusal_ = Refusal::None;
  std::map<Fd, std::unique_ptr<FdEntry>> entries_;
};

} // namespace wasmcap::wasi

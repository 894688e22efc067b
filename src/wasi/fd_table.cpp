// FdTable: descriptor numbering and the rights check (see fd_table.h).
#include "wasi/fd_table.h"

namespace wasmcap::wasi {

ErrnoOr<Fd> FdTable::insert(std::unique_ptr<FdEntry> entry) {
  if (entries_.size() >= kMaxFds) return Errno::Mfile;
  // Lowest free number, like POSIX open(): walk the ordered keys until a gap.
  Fd fd = 0;
  for (const auto& [used, e] : entries_) {
    if (used != fd) break;
    ++fd;
  }
  entries_[fd] = std::move(entry);
  return fd;
}

void FdTable::insert_at(Fd fd, std::unique_ptr<FdEntry> entry) {
  entries_[fd] = std::move(entry);
}

ErrnoOr<FdEntry*> FdTable::get(Fd fd, Rights base, Rights inheriting) {
  auto it = entries_.find(fd);
  if (it == entries_.end()) return Errno::Badf;
  FdEntry* e = it->second.get();
  if ((e->base & base) != base || (e->inheriting & inheriting) != inheriting) {
    refusal_ = e->read_only ? Refusal::ReadOnly : Refusal::Rights;
    return Errno::Notcapable;
  }
  return e;
}

Errno FdTable::close(Fd fd) {
  auto it = entries_.find(fd);
  if (it == entries_.end()) return Errno::Badf;
  entries_.erase(it); // UniqueFd closes the host fd
  return Errno::Success;
}

Errno FdTable::renumber(Fd from, Fd to) {
  auto src = entries_.find(from);
  if (src == entries_.end()) return Errno::Badf;
  if (from == to) return Errno::Success;
  auto dst = entries_.find(to);
  if (dst == entries_.end()) return Errno::Badf;
  // Overwriting a preopen only drops the guest's own authority, so it is allowed; the preopen
  // name travels with the entry, so `to` reports what it now is.
  dst->second = std::move(src->second);
  entries_.erase(src);
  return Errno::Success;
}

Errno FdTable::restrict_rights(Fd fd, Rights base, Rights inheriting) {
  auto it = entries_.find(fd);
  if (it == entries_.end()) return Errno::Badf;
  FdEntry& e = *it->second;
  if ((base & ~e.base) != 0 || (inheriting & ~e.advertised_inheriting()) != 0) {
    refusal_ = e.read_only ? Refusal::ReadOnly : Refusal::Rights;
    return Errno::Notcapable;
  }
  e.base = base;
  e.inheriting = inheriting & e.inheriting; // the advertised write rights stay advertisement
  return Errno::Success;
}

} // namespace wasmcap::wasi

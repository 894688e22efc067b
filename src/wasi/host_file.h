// Host file facts in WASI terms: file types and their maximal rights, filestat records (and their
// preview0/preview1 encodings), and fstflags -> timespec conversion for the set-times calls.
#pragma once

#include <sys/stat.h>
#include <time.h>

#include <array>
#include <cstdint>

#include "wasi/errno.h"
#include "wasi/wasi_types.h"

namespace wasmcap::wasi {

Filetype filetype_from_mode(mode_t mode);
// The host fd's WASI file type (a socket is told apart as stream or datagram).
ErrnoOr<Filetype> host_filetype(int fd);
// The most a descriptor of this type can be granted (before any grant-specific mask).
Rights max_rights_for(Filetype type);

struct Filestat {
  uint64_t dev = 0;
  uint64_t ino = 0;
  Filetype type = Filetype::Unknown;
  uint64_t nlink = 0;
  uint64_t size = 0;
  uint64_t atim = 0;
  uint64_t mtim = 0;
  uint64_t ctim = 0;
};
Filestat filestat_from_stat(const struct stat& st);
// Writes `s` in the layout of `abi` (preview0 has a 32-bit nlink at offset 20) into `dst`,
// which must hold filestat_size(abi) bytes.
void encode_filestat(uint8_t* dst, const Filestat& s, Abi abi);

// atim/mtim + fstflags -> the two timespecs of utimensat/futimens. Inval when a time is both
// given and "now".
ErrnoOr<std::array<timespec, 2>> times_from_fstflags(uint64_t atim, uint64_t mtim,
                                                     uint16_t fst_flags);

} // namespace wasmcap::wasi

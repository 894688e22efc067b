// The WASI function bodies, one declaration per witx function. Parameters are already decoded
// and bounds-checked by host_glue.h; bodies hold only the semantics. Where preview0 and preview1
// differ (whence order, filestat and subscription layouts) the body is a template on Abi.
#pragma once

#include "wasi/host_glue.h"

namespace wasmcap::wasi::fns {

using Mem = GuestMemory;
using Ctx = WasiCtx;
template <Abi A> using OutFilestat = OutRecord<filestat_size(A)>;

// args_env.cpp
Errno args_get(Ctx&, Mem&, GuestAddr argv, GuestAddr argv_buf);
Errno args_sizes_get(Ctx&, Mem&, Out<uint32_t> argc, Out<uint32_t> argv_buf_size);
Errno environ_get(Ctx&, Mem&, GuestAddr environ, GuestAddr environ_buf);
Errno environ_sizes_get(Ctx&, Mem&, Out<uint32_t> count, Out<uint32_t> buf_size);

// clock_functions.cpp
Errno clock_res_get(Ctx&, Mem&, uint32_t id, Out<uint64_t> resolution);
Errno clock_time_get(Ctx&, Mem&, uint32_t id, uint64_t precision, Out<uint64_t> time);

// fd_functions.cpp
Errno fd_advise(Ctx&, Mem&, Fd fd, uint64_t offset, uint64_t len, uint32_t advice);
Errno fd_allocate(Ctx&, Mem&, Fd fd, uint64_t offset, uint64_t len);
Errno fd_close(Ctx&, Mem&, Fd fd);
Errno fd_datasync(Ctx&, Mem&, Fd fd);
Errno fd_fdstat_get(Ctx&, Mem&, Fd fd, OutRecord<kFdstatSize> out);
Errno fd_fdstat_set_flags(Ctx&, Mem&, Fd fd, uint32_t flags);
Errno fd_fdstat_set_rights(Ctx&, Mem&, Fd fd, uint64_t base, uint64_t inheriting);
template <Abi A> Errno fd_filestat_get(Ctx&, Mem&, Fd fd, OutFilestat<A> out);
Errno fd_filestat_set_size(Ctx&, Mem&, Fd fd, uint64_t size);
Errno fd_filestat_set_times(Ctx&, Mem&, Fd fd, uint64_t atim, uint64_t mtim, uint32_t flags);
Errno fd_prestat_get(Ctx&, Mem&, Fd fd, OutRecord<kPrestatSize> out);
Errno fd_prestat_dir_name(Ctx&, Mem&, Fd fd, GuestBuffer path);
Errno fd_renumber(Ctx&, Mem&, Fd fd, Fd to);
Errno fd_sync(Ctx&, Mem&, Fd fd);

// fd_io_functions.cpp
Errno fd_read(Ctx&, Mem&, Fd fd, IoVecs iovs, Out<uint32_t> nread);
Errno fd_pread(Ctx&, Mem&, Fd fd, IoVecs iovs, uint64_t offset, Out<uint32_t> nread);
Errno fd_write(Ctx&, Mem&, Fd fd, IoVecs iovs, Out<uint32_t> nwritten);
Errno fd_pwrite(Ctx&, Mem&, Fd fd, IoVecs iovs, uint64_t offset, Out<uint32_t> nwritten);
template <Abi A>
Errno fd_seek(Ctx&, Mem&, Fd fd, int64_t offset, uint32_t whence, Out<uint64_t> newoffset);
Errno fd_tell(Ctx&, Mem&, Fd fd, Out<uint64_t> offset);

// fd_readdir.cpp
Errno fd_readdir(Ctx&, Mem&, Fd fd, GuestBuffer buf, uint64_t cookie, Out<uint32_t> bufused);

// path_functions.cpp
Errno path_create_directory(Ctx&, Mem&, Fd fd, GuestString path);
template <Abi A>
Errno path_filestat_get(Ctx&, Mem&, Fd fd, uint32_t flags, GuestString path, OutFilestat<A> out);
Errno path_filestat_set_times(Ctx&, Mem&, Fd fd, uint32_t flags, GuestString path, uint64_t atim,
                              uint64_t mtim, uint32_t fst_flags);
Errno path_link(Ctx&, Mem&, Fd old_fd, uint32_t old_flags, GuestString old_path, Fd new_fd,
                GuestString new_path);
Errno path_readlink(Ctx&, Mem&, Fd fd, GuestString path, GuestBuffer buf, Out<uint32_t> used);
Errno path_remove_directory(Ctx&, Mem&, Fd fd, GuestString path);
Errno path_rename(Ctx&, Mem&, Fd fd, GuestString old_path, Fd new_fd, GuestString new_path);
Errno path_symlink(Ctx&, Mem&, GuestString old_path, Fd fd, GuestString new_path);
Errno path_unlink_file(Ctx&, Mem&, Fd fd, GuestString path);

// path_open.cpp
Errno path_open(Ctx&, Mem&, Fd dirfd, uint32_t dirflags, GuestString path, uint32_t oflags,
                uint64_t rights_base, uint64_t rights_inheriting, uint32_t fdflags,
                Out<uint32_t> opened);

// poll_oneoff.cpp
template <Abi A>
Errno poll_oneoff(Ctx&, Mem&, GuestAddr in, GuestAddr out, uint32_t nsubscriptions,
                  Out<uint32_t> nevents);

// proc_functions.cpp
support::Status proc_exit(Ctx&, Mem&, uint32_t code);
Errno proc_raise(Ctx&, Mem&, uint32_t signal);
Errno sched_yield(Ctx&, Mem&);
Errno random_get(Ctx&, Mem&, GuestBuffer buf);

// sock_functions.cpp
Errno sock_accept(Ctx&, Mem&, Fd fd, uint32_t flags, Out<uint32_t> accepted);
Errno sock_recv(Ctx&, Mem&, Fd fd, IoVecs iovs, uint32_t flags, Out<uint32_t> nread,
                Out<uint16_t> roflags);
Errno sock_send(Ctx&, Mem&, Fd fd, IoVecs iovs, uint32_t flags, Out<uint32_t> nwritten);
Errno sock_shutdown(Ctx&, Mem&, Fd fd, uint32_t how);

} // namespace wasmcap::wasi::fns

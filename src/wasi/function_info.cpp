// The WASI function -> capability group table (see function_info.h). Argument names follow the
// witx; they name the body's parameters in order (a pointer+length pair is one parameter).
#include "wasi/function_info.h"

namespace wasmcap::wasi {

namespace {

using enum GroupBy;
constexpr Group kArgs = Group::Args, kEnv = Group::Env, kClock = Group::Clock,
                kRandom = Group::Random, kStdio = Group::Stdio, kFsRead = Group::FsRead,
                kFsWrite = Group::FsWrite, kNet = Group::Net, kProc = Group::Proc;

constexpr FunctionInfo kFunctions[] = {
    {"args_get", kArgs, Fixed, "argv argv_buf"},
    {"args_sizes_get", kArgs, Fixed, "argc argv_buf_size"},
    {"environ_get", kEnv, Fixed, "environ environ_buf"},
    {"environ_sizes_get", kEnv, Fixed, "count buf_size"},
    {"clock_res_get", kClock, Fixed, "clock_id resolution"},
    {"clock_time_get", kClock, Fixed, "clock_id precision time"},
    {"fd_advise", kStdio, FdRead, "fd offset len advice"},
    {"fd_allocate", kFsWrite, FdWrite, "fd offset len"},
    {"fd_close", kStdio, FdRead, "fd"},
    {"fd_datasync", kStdio, FdWrite, "fd"},
    {"fd_fdstat_get", kStdio, FdRead, "fd stat"},
    {"fd_fdstat_set_flags", kStdio, FdRead, "fd flags"},
    {"fd_fdstat_set_rights", kStdio, FdRead, "fd rights_base rights_inheriting"},
    {"fd_filestat_get", kStdio, FdRead, "fd stat"},
    {"fd_filestat_set_size", kFsWrite, FdWrite, "fd size"},
    {"fd_filestat_set_times", kFsWrite, FdWrite, "fd atim mtim fst_flags"},
    {"fd_pread", kFsRead, FdRead, "fd iovs offset nread"},
    {"fd_prestat_get", kFsRead, Free, "fd prestat"},
    {"fd_prestat_dir_name", kFsRead, Free, "fd path"},
    {"fd_pwrite", kFsWrite, FdWrite, "fd iovs offset nwritten"},
    {"fd_read", kStdio, FdRead, "fd iovs nread"},
    {"fd_readdir", kFsRead, FdRead, "fd buf cookie bufused"},
    {"fd_renumber", kStdio, FdRead, "fd to_fd"},
    {"fd_seek", kStdio, FdRead, "fd offset whence newoffset"},
    {"fd_sync", kStdio, FdWrite, "fd"},
    {"fd_tell", kStdio, FdRead, "fd offset"},
    {"fd_write", kStdio, FdWrite, "fd iovs nwritten"},
    {"path_create_directory", kFsWrite, Fixed, "fd path"},
    {"path_filestat_get", kFsRead, Fixed, "fd flags path stat"},
    {"path_filestat_set_times", kFsWrite, Fixed, "fd flags path atim mtim fst_flags"},
    {"path_link", kFsWrite, Fixed, "old_fd old_flags old_path new_fd new_path"},
    {"path_open", kFsRead, PathOpen,
     "fd dirflags path oflags rights_base rights_inheriting fdflags opened"},
    {"path_readlink", kFsRead, Fixed, "fd path buf used"},
    {"path_remove_directory", kFsWrite, Fixed, "fd path"},
    {"path_rename", kFsWrite, Fixed, "fd old_path new_fd new_path"},
    {"path_symlink", kFsWrite, Fixed, "old_path fd new_path"},
    {"path_unlink_file", kFsWrite, Fixed, "fd path"},
    // poll_oneoff mostly sleeps on clock subscriptions; fd subscriptions only report readiness
    // of descriptors the guest already holds.
    {"poll_oneoff", kClock, Fixed, "in out nsubscriptions nevents"},
    {"proc_exit", kProc, Fixed, "code"},
    {"proc_raise", kProc, Fixed, "signal"},
    {"sched_yield", kProc, Fixed, ""},
    {"random_get", kRandom, Fixed, "buf"},
    {"sock_accept", kNet, Fixed, "fd flags accepted"},
    {"sock_recv", kNet, Fixed, "fd iovs flags nread roflags"},
    {"sock_send", kNet, Fixed, "fd iovs flags nwritten"},
    {"sock_shutdown", kNet, Fixed, "fd how"},
};

} // namespace

const FunctionInfo* function_info(std::string_view name) {
  for (const FunctionInfo& f : kFunctions) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

std::span<const FunctionInfo> all_function_infos() {
  return kFunctions;
}

bool is_wasi_module(std::string_view module) {
  return module == "wasi_snapshot_preview1" || module == "wasi_unstable";
}

CapabilitySet possible_groups(const FunctionInfo& info) {
  CapabilitySet s;
  if (info.by == GroupBy::Free) return s;
  s.add(info.group);
  switch (info.by) {
  case GroupBy::Free:
  case GroupBy::Fixed: break;
  case GroupBy::FdRead:
    s.add(Group::Stdio);
    s.add(Group::FsRead);
    s.add(Group::Net);
    break;
  case GroupBy::FdWrite:
    s.add(Group::Stdio);
    s.add(Group::FsWrite);
    s.add(Group::Net);
    break;
  case GroupBy::PathOpen: s.add(Group::FsWrite); break;
  }
  return s;
}

} // namespace wasmcap::wasi

// The WASI import tables: every function of wasi_snapshot_preview1 and wasi_unstable, named once,
// with the body that implements it. Signatures come from the bodies' parameter types
// (host_glue.h); the preview0 rows differ only where the witx does (see wasi_functions.h).
#include <span>

#include "wasi/function_info.h"
#include "wasi/wasi_ctx.h"
#include "wasi/wasi_functions.h"

namespace wasmcap::wasi {

namespace {

using Define = runtime::FuncInstance* (*)(runtime::Store&, WasiCtx*, const FunctionInfo*,
                                          std::string_view module);
struct Row {
  std::string_view name;
  Define define;
};

template <auto Fn>
runtime::FuncInstance* define_fn(runtime::Store& store, WasiCtx* ctx, const FunctionInfo* info,
                                 std::string_view module) {
  return define_host<Fn>(store, ctx, info, module);
}

// Shared rows are listed once per module, so each table reads as the module's whole surface.
#define WASI_ROW(name)                                                                             \
  Row {                                                                                            \
    #name, &define_fn<&fns::name>                                                                  \
  }
#define WASI_ABI_ROW(name, abi)                                                                    \
  Row {                                                                                            \
    #name, &define_fn<&fns::name<Abi::abi>>                                                        \
  }

constexpr std::string_view kModuleP1 = "wasi_snapshot_preview1", kModuleP0 = "wasi_unstable";

constexpr Row kPreview1[] = {
    WASI_ROW(args_get),
    WASI_ROW(args_sizes_get),
    WASI_ROW(environ_get),
    WASI_ROW(environ_sizes_get),
    WASI_ROW(clock_res_get),
    WASI_ROW(clock_time_get),
    WASI_ROW(fd_advise),
    WASI_ROW(fd_allocate),
    WASI_ROW(fd_close),
    WASI_ROW(fd_datasync),
    WASI_ROW(fd_fdstat_get),
    WASI_ROW(fd_fdstat_set_flags),
    WASI_ROW(fd_fdstat_set_rights),
    WASI_ABI_ROW(fd_filestat_get, Preview1),
    WASI_ROW(fd_filestat_set_size),
    WASI_ROW(fd_filestat_set_times),
    WASI_ROW(fd_pread),
    WASI_ROW(fd_prestat_get),
    WASI_ROW(fd_prestat_dir_name),
    WASI_ROW(fd_pwrite),
    WASI_ROW(fd_read),
    WASI_ROW(fd_readdir),
    WASI_ROW(fd_renumber),
    WASI_ABI_ROW(fd_seek, Preview1),
    WASI_ROW(fd_sync),
    WASI_ROW(fd_tell),
    WASI_ROW(fd_write),
    WASI_ROW(path_create_directory),
    WASI_ABI_ROW(path_filestat_get, Preview1),
    WASI_ROW(path_filestat_set_times),
    WASI_ROW(path_link),
    WASI_ROW(path_open),
    WASI_ROW(path_readlink),
    WASI_ROW(path_remove_directory),
    WASI_ROW(path_rename),
    WASI_ROW(path_symlink),
    WASI_ROW(path_unlink_file),
    WASI_ABI_ROW(poll_oneoff, Preview1),
    WASI_ROW(proc_exit),
    WASI_ROW(proc_raise),
    WASI_ROW(sched_yield),
    WASI_ROW(random_get),
    WASI_ROW(sock_accept),
    WASI_ROW(sock_recv),
    WASI_ROW(sock_send),
    WASI_ROW(sock_shutdown),
};

// wasi_unstable: no sock_accept; whence order, filestat and subscription layouts differ.
constexpr Row kPreview0[] = {
    WASI_ROW(args_get),
    WASI_ROW(args_sizes_get),
    WASI_ROW(environ_get),
    WASI_ROW(environ_sizes_get),
    WASI_ROW(clock_res_get),
    WASI_ROW(clock_time_get),
    WASI_ROW(fd_advise),
    WASI_ROW(fd_allocate),
    WASI_ROW(fd_close),
    WASI_ROW(fd_datasync),
    WASI_ROW(fd_fdstat_get),
    WASI_ROW(fd_fdstat_set_flags),
    WASI_ROW(fd_fdstat_set_rights),
    WASI_ABI_ROW(fd_filestat_get, Preview0),
    WASI_ROW(fd_filestat_set_size),
    WASI_ROW(fd_filestat_set_times),
    WASI_ROW(fd_pread),
    WASI_ROW(fd_prestat_get),
    WASI_ROW(fd_prestat_dir_name),
    WASI_ROW(fd_pwrite),
    WASI_ROW(fd_read),
    WASI_ROW(fd_readdir),
    WASI_ROW(fd_renumber),
    WASI_ABI_ROW(fd_seek, Preview0),
    WASI_ROW(fd_sync),
    WASI_ROW(fd_tell),
    WASI_ROW(fd_write),
    WASI_ROW(path_create_directory),
    WASI_ABI_ROW(path_filestat_get, Preview0),
    WASI_ROW(path_filestat_set_times),
    WASI_ROW(path_link),
    WASI_ROW(path_open),
    WASI_ROW(path_readlink),
    WASI_ROW(path_remove_directory),
    WASI_ROW(path_rename),
    WASI_ROW(path_symlink),
    WASI_ROW(path_unlink_file),
    WASI_ABI_ROW(poll_oneoff, Preview0),
    WASI_ROW(proc_exit),
    WASI_ROW(proc_raise),
    WASI_ROW(sched_yield),
    WASI_ROW(random_get),
    WASI_ROW(sock_recv),
    WASI_ROW(sock_send),
    WASI_ROW(sock_shutdown),
};

#undef WASI_ROW
#undef WASI_ABI_ROW

} // namespace

void WasiCtx::define_all(
    runtime::Store& store,
    const std::function<void(std::string_view, std::string_view, runtime::FuncInstance*)>& define) {
  // Every row has an entry in function_info.cpp (the groups); a missing one is a build-time
  // mistake caught by tests/unit/wasi (every function is classified).
  for (const Row& r : kPreview1)
    define(kModuleP1, r.name, r.define(store, this, function_info(r.name), kModuleP1));
  for (const Row& r : kPreview0)
    define(kModuleP0, r.name, r.define(store, this, function_info(r.name), kModuleP0));
}

runtime::FuncInstance* WasiCtx::define_one(runtime::Store& store, std::string_view module,
                                           std::string_view name) {
  const bool p1 = module == kModuleP1;
  if (!p1 && module != kModuleP0) return nullptr;
  const std::span<const Row> rows = p1 ? std::span<const Row>(kPreview1) : kPreview0;
  for (const Row& r : rows) {
    if (r.name == name)
      return r.define(store, this, function_info(r.name), p1 ? kModuleP1 : kModuleP0);
  }
  return nullptr;
}

} // namespace wasmcap::wasi

// args_* and environ_*: the guest sees exactly the arguments and variables in its WasiConfig.
#include <string>
#include <vector>

#include "wasi/wasi_functions.h"

namespace wasmcap::wasi::fns {

namespace {

std::vector<std::string> environ_strings(const WasiConfig& c) {
  std::vector<std::string> out;
  out.reserve(c.env.size());
  for (const auto& [name, value] : c.env)
    out.push_back(name + "=" + value);
  return out;
}

// Writes the pointer array at `ptrs` and the NUL-terminated strings at `buf`. Both extents are
// checked before anything is written, so a bad pointer leaves memory untouched.
Errno write_string_list(Mem& mem, const std::vector<std::string>& list, uint32_t ptrs,
                        uint32_t buf) {
  uint64_t total = 0;
  for (const std::string& s : list)
    total += s.size() + 1;
  if (!mem.in_bounds(ptrs, uint64_t{list.size()} * 4) || !mem.in_bounds(buf, total)) {
    return Errno::Fault;
  }
  uint64_t at = buf;
  for (size_t i = 0; i < list.size(); ++i) {
    WASI_TRY(mem.write_u32(ptrs + i * 4, static_cast<uint32_t>(at)));
    WASI_TRY(mem.write_bytes(at, list[i].c_str(), list[i].size() + 1));
    at += list[i].size() + 1;
  }
  return Errno::Success;
}

Errno write_sizes(const std::vector<std::string>& list, Out<uint32_t> count, Out<uint32_t> size) {
  uint64_t total = 0;
  for (const std::string& s : list)
    total += s.size() + 1;
  if (total > UINT32_MAX) return Errno::Overflow;
  count.set(static_cast<uint32_t>(list.size()));
  size.set(static_cast<uint32_t>(total));
  return Errno::Success;
}

} // namespace

Errno args_get(Ctx& ctx, Mem& mem, GuestAddr argv, GuestAddr argv_buf) {
  return write_string_list(mem, ctx.config().args, argv.addr, argv_buf.addr);
}

Errno args_sizes_get(Ctx& ctx, Mem&, Out<uint32_t> argc, Out<uint32_t> argv_buf_size) {
  return write_sizes(ctx.config().args, argc, argv_buf_size);
}

Errno environ_get(Ctx& ctx, Mem& mem, GuestAddr environ, GuestAddr environ_buf) {
  return write_string_list(mem, environ_strings(ctx.config()), environ.addr, environ_buf.addr);
}

Errno environ_sizes_get(Ctx& ctx, Mem&, Out<uint32_t> count, Out<uint32_t> buf_size) {
  return write_sizes(environ_strings(ctx.config()), count, buf_size);
}

} // namespace wasmcap::wasi::fns

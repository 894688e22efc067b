// proc_exit, proc_raise, sched_yield, random_get: process-level calls that grant no authority.
#include <sched.h>
#include <sys/random.h>

#include <cerrno>

#include "wasi/wasi_functions.h"

namespace wasmcap::wasi::fns {

// Never exits the host: the Exit error unwinds the guest's wasm frames and reaches the embedder,
// which decides what the code means (the CLI makes it the process status).
support::Status proc_exit(Ctx& ctx, Mem&, uint32_t code) {
  ctx.set_exit_code(static_cast<int>(code));
  support::Error e = support::make_error(support::ErrorKind::Exit,
                                         "guest exited with code " + std::to_string(code));
  e.exit_code = static_cast<int>(code);
  return e;
}

// Signals would reach the host process; the guest gets none.
Errno proc_raise(Ctx&, Mem&, uint32_t) {
  return Errno::Nosys;
}

Errno sched_yield(Ctx&, Mem&) {
  ::sched_yield();
  return Errno::Success;
}

Errno random_get(Ctx&, Mem&, GuestBuffer buf) {
  size_t done = 0;
  while (done < buf.bytes.size()) {
    const ssize_t n = ::getrandom(buf.bytes.data() + done, buf.bytes.size() - done, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      return last_host_errno();
    }
    done += static_cast<size_t>(n);
  }
  return Errno::Success;
}

} // namespace wasmcap::wasi::fns

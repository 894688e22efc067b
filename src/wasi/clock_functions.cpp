// clock_res_get and clock_time_get over the host's clock_gettime; poll_oneoff shares host_clock.
#include <time.h>

#include "wasi/clock.h"
#include "wasi/wasi_functions.h"

namespace wasmcap::wasi {

bool host_clock(uint32_t id, clockid_t& out) {
  switch (static_cast<ClockId>(id)) {
  case ClockId::Realtime: out = CLOCK_REALTIME; return true;
  case ClockId::Monotonic: out = CLOCK_MONOTONIC; return true;
  case ClockId::ProcessCputime: out = CLOCK_PROCESS_CPUTIME_ID; return true;
  case ClockId::ThreadCputime: out = CLOCK_THREAD_CPUTIME_ID; return true;
  }
  return false;
}

ErrnoOr<uint64_t> clock_now(uint32_t id) {
  clockid_t c;
  if (!host_clock(id, c)) return Errno::Inval;
  timespec ts;
  if (::clock_gettime(c, &ts) != 0) return last_host_errno();
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000ull + static_cast<uint64_t>(ts.tv_nsec);
}

namespace fns {

Errno clock_res_get(Ctx&, Mem&, uint32_t id, Out<uint64_t> resolution) {
  clockid_t c;
  if (!host_clock(id, c)) return Errno::Inval;
  timespec ts;
  if (::clock_getres(c, &ts) != 0) return last_host_errno();
  uint64_t ns =
      static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000ull + static_cast<uint64_t>(ts.tv_nsec);
  resolution.set(ns == 0 ? 1 : ns); // the spec requires a non-zero resolution
  return Errno::Success;
}

Errno clock_time_get(Ctx&, Mem&, uint32_t id, uint64_t, Out<uint64_t> time) {
  WASI_TRY_ASSIGN(const uint64_t now, clock_now(id));
  time.set(now);
  return Errno::Success;
}

} // namespace fns
} // namespace wasmcap::wasi

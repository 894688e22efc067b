// WASI clock ids -> host clocks, shared by clock_* and poll_oneoff.
#pragma once

#include <time.h>

#include <cstdint>

#include "wasi/errno.h"

namespace wasmcap::wasi {

// False for a clock id the witx does not define.
bool host_clock(uint32_t id, clockid_t& out);
// The clock's current time in nanoseconds; Inval for an unknown id.
ErrnoOr<uint64_t> clock_now(uint32_t id);

} // namespace wasmcap::wasi

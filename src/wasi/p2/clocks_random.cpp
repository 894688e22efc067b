// wasi:clocks (monotonic-clock, wall-clock) and wasi:random (random, insecure, insecure-seed).
// Randomness is the kernel's (getrandom), for the insecure interfaces too: there is no cheaper
// source worth a second code path.
#include <sys/random.h>
#include <time.h>

#include <cerrno>
#include <vector>

#include "wasi/p2/objects.h"
#include "wasi/p2/registry.h"
#include "wasi/p2/values.h"

namespace wasmcap::wasi::p2 {

uint64_t monotonic_now_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000u + static_cast<uint64_t>(ts.tv_nsec);
}

namespace {

uint64_t resolution_ns(clockid_t id) {
  timespec ts{};
  clock_getres(id, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000u + static_cast<uint64_t>(ts.tv_nsec);
}

Ret monotonic_now(P2Ctx&, std::span<const Val>) {
  return std::optional<Val>(u64_val(monotonic_now_ns()));
}

Ret monotonic_resolution(P2Ctx&, std::span<const Val>) {
  return std::optional<Val>(u64_val(resolution_ns(CLOCK_MONOTONIC)));
}

Ret pollable_at(P2Ctx& cx, uint64_t deadline) {
  auto p = std::make_unique<Pollable>();
  p->deadline_ns = deadline;
  return std::optional<Val>(own_val(resources::kPollable, cx.add(std::move(p))));
}

Ret subscribe_instant(P2Ctx& cx, std::span<const Val> a) {
  return pollable_at(cx, a[0].u());
}

Ret subscribe_duration(P2Ctx& cx, std::span<const Val> a) {
  const uint64_t now = monotonic_now_ns();
  const uint64_t d = a[0].u();
  return pollable_at(cx, d > ~uint64_t{0} - now ? ~uint64_t{0} : now + d);
}

Val datetime(clockid_t id, bool resolution) {
  timespec ts{};
  if (resolution) {
    clock_getres(id, &ts);
  } else {
    clock_gettime(id, &ts);
  }
  return record_val(
      {u64_val(static_cast<uint64_t>(ts.tv_sec)), u32_val(static_cast<uint32_t>(ts.tv_nsec))});
}

Ret wall_now(P2Ctx&, std::span<const Val>) {
  return std::optional<Val>(datetime(CLOCK_REALTIME, false));
}

Ret wall_resolution(P2Ctx&, std::span<const Val>) {
  return std::optional<Val>(datetime(CLOCK_REALTIME, true));
}

support::Status fill_random(uint8_t* p, size_t n) {
  size_t done = 0;
  while (done < n) {
    const ssize_t got = getrandom(p + done, n - done, 0);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0)
      return make_error(ErrorKind::Trap, "the host has no randomness (getrandom failed)");
    done += static_cast<size_t>(got);
  }
  return ok();
}

// At most this many bytes per call: the WIT lets the host return fewer; a guest asking for
// gigabytes gets a bounded answer instead of exhausting the host's memory.
constexpr uint64_t kMaxRandomBytes = 1 << 20;

Ret random_bytes(P2Ctx&, std::span<const Val> a) {
  std::vector<uint8_t> buf(static_cast<size_t>(std::min(a[0].u(), kMaxRandomBytes)));
  WASMCAP_TRY(fill_random(buf.data(), buf.size()));
  return std::optional<Val>(bytes_val(buf));
}

Ret random_u64(P2Ctx&, std::span<const Val>) {
  uint64_t v = 0;
  WASMCAP_TRY(fill_random(reinterpret_cast<uint8_t*>(&v), sizeof v));
  return std::optional<Val>(u64_val(v));
}

Ret insecure_seed(P2Ctx&, std::span<const Val>) {
  uint64_t v[2] = {0, 0};
  WASMCAP_TRY(fill_random(reinterpret_cast<uint8_t*>(v), sizeof v));
  return std::optional<Val>(tuple_val({u64_val(v[0]), u64_val(v[1])}));
}

const HostFunction kClocks[] = {
    {"wasi:clocks/monotonic-clock", "now", monotonic_now},
    {"wasi:clocks/monotonic-clock", "resolution", monotonic_resolution},
    {"wasi:clocks/monotonic-clock", "subscribe-instant", subscribe_instant},
    {"wasi:clocks/monotonic-clock", "subscribe-duration", subscribe_duration},
    {"wasi:clocks/wall-clock", "now", wall_now},
    {"wasi:clocks/wall-clock", "resolution", wall_resolution},
};

const HostFunction kRandom[] = {
    {"wasi:random/random", "get-random-bytes", random_bytes},
    {"wasi:random/random", "get-random-u64", random_u64},
    {"wasi:random/insecure", "get-insecure-random-bytes", random_bytes},
    {"wasi:random/insecure", "get-insecure-random-u64", random_u64},
    {"wasi:random/insecure-seed", "insecure-seed", insecure_seed},
};

} // namespace

std::span<const HostFunction> clocks_functions() {
  return kClocks;
}

std::span<const HostFunction> random_functions() {
  return kRandom;
}

} // namespace wasmcap::wasi::p2

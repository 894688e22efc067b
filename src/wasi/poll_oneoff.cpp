// poll_oneoff: waits for clock deadlines (relative or absolute) and fd readiness at once with a
// single ppoll. Regular files are always ready; a bad fd yields an event carrying its errno,
// not a failed call. Subscription layout differs between preview0 and preview1.
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "wasi/clock.h"
#include "wasi/wasi_functions.h"

namespace wasmcap::wasi::fns {

namespace {

struct Event {
  uint64_t userdata = 0;
  Errno error = Errno::Success;
  EventType type = EventType::Clock;
  uint64_t nbytes = 0;
  uint16_t flags = 0;
};

struct ClockWait {
  uint64_t userdata;
  uint64_t relative_ns; // from the start of the call
};

struct FdWait {
  uint64_t userdata;
  EventType type;
};

uint64_t monotonic_ns() {
  timespec ts;
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000ull + static_cast<uint64_t>(ts.tv_nsec);
}

// Bytes readable without blocking: what is left of a regular file, or what a pipe holds.
uint64_t readable_bytes(int fd, bool regular) {
  if (regular) {
    struct stat st;
    const off_t pos = ::lseek(fd, 0, SEEK_CUR);
    if (::fstat(fd, &st) != 0 || pos < 0 || st.st_size < pos) return 0;
    return static_cast<uint64_t>(st.st_size - pos);
  }
  int n = 0;
  return ::ioctl(fd, FIONREAD, &n) == 0 && n > 0 ? static_cast<uint64_t>(n) : 0;
}

void encode_event(uint8_t* p, const Event& e) {
  std::memset(p, 0, kEventSize);
  store_u64(p + 0, e.userdata);
  store_u16(p + 8, static_cast<uint16_t>(e.error));
  store_u8(p + 10, static_cast<uint8_t>(e.type));
  store_u64(p + 16, e.nbytes);
  store_u16(p + 24, e.flags);
}

} // namespace

template <Abi A>
Errno poll_oneoff(Ctx& ctx, Mem& mem, GuestAddr in, GuestAddr out, uint32_t nsubscriptions,
                  Out<uint32_t> nevents) {
  if (nsubscriptions == 0) return Errno::Inval;
  const uint64_t sub_size = subscription_size(A);
  if (!mem.in_bounds(in.addr, nsubscriptions * sub_size) ||
      !mem.in_bounds(out.addr, uint64_t{nsubscriptions} * kEventSize)) {
    return Errno::Fault;
  }
  // Copied first: the event array may overlap the subscriptions.
  std::vector<uint8_t> subs(nsubscriptions * sub_size);
  WASI_TRY(mem.read_bytes(in.addr, subs.data(), subs.size()));

  std::vector<Event> ready;
  std::vector<ClockWait> clocks;
  std::vector<pollfd> pfds;
  std::vector<FdWait> fd_waits;
  // preview0's clock subscription starts with an extra 8-byte `identifier`.
  const uint32_t clock_at = A == Abi::Preview1 ? 16 : 24;
  for (uint32_t i = 0; i < nsubscriptions; ++i) {
    const uint8_t* s = subs.data() + i * sub_size;
    const uint64_t userdata = load_u64(s);
    const uint8_t tag = s[8];
    if (tag == static_cast<uint8_t>(EventType::Clock)) {
      const uint32_t id = load_u32(s + clock_at);
      const uint64_t timeout = load_u64(s + clock_at + 8);
      const uint16_t flags = load_u16(s + clock_at + 24);
      auto now = clock_now(id);
      if (!now.ok()) {
        ready.push_back({userdata, now.error(), EventType::Clock, 0, 0});
        continue;
      }
      uint64_t rel = timeout;
      if (flags & kSubclockAbstime) rel = timeout > *now ? timeout - *now : 0;
      clocks.push_back({userdata, rel});
    } else if (tag == static_cast<uint8_t>(EventType::FdRead) ||
               tag == static_cast<uint8_t>(EventType::FdWrite)) {
      const EventType type = static_cast<EventType>(tag);
      const Fd fd = load_u32(s + 16);
      auto e = ctx.fds().get(fd, right::kPollFdReadwrite);
      if (!e.ok()) {
        ready.push_back({userdata, e.error(), type, 0, 0});
        continue;
      }
      FdEntry* entry = *e;
      if (entry->type == Filetype::RegularFile) { // files never block
        const uint64_t n = type == EventType::FdRead ? readable_bytes(entry->fd(), true) : 0;
        ready.push_back({userdata, Errno::Success, type, n, 0});
        continue;
      }
      pollfd p{};
      p.fd = entry->fd();
      p.events = type == EventType::FdRead ? POLLIN : POLLOUT;
      pfds.push_back(p);
      fd_waits.push_back({userdata, type});
    } else {
      return Errno::Inval;
    }
  }

  // Wait: not at all when something is ready already, else until the first clock (or forever).
  const uint64_t start = monotonic_ns();
  uint64_t wait_ns = UINT64_MAX;
  for (const ClockWait& c : clocks)
    wait_ns = std::min(wait_ns, c.relative_ns);
  if (!ready.empty()) wait_ns = 0;
  int n_ready_fds = 0;
  for (;;) {
    timespec ts{};
    const timespec* tsp = nullptr;
    if (wait_ns != UINT64_MAX) {
      const uint64_t elapsed = monotonic_ns() - start;
      const uint64_t left = wait_ns > elapsed ? wait_ns - elapsed : 0;
      ts.tv_sec = static_cast<time_t>(left / 1'000'000'000ull);
      ts.tv_nsec = static_cast<long>(left % 1'000'000'000ull);
      tsp = &ts;
    }
    n_ready_fds = ::ppoll(pfds.data(), pfds.size(), tsp, nullptr);
    if (n_ready_fds >= 0) break;
    if (errno != EINTR) return last_host_errno();
  }
  for (size_t i = 0; i < pfds.size(); ++i) {
    const short r = pfds[i].revents;
    if (r == 0) continue;
    Event ev{fd_waits[i].userdata, Errno::Success, fd_waits[i].type, 0, 0};
    if (r & POLLNVAL) ev.error = Errno::Badf;
    if (r & POLLHUP) ev.flags |= kEventFdReadwriteHangup;
    if (ev.type == EventType::FdRead && (r & POLLIN)) ev.nbytes = readable_bytes(pfds[i].fd, false);
    ready.push_back(ev);
  }
  // Clocks that have expired by now; when the wait ended on the first deadline, it counts as
  // expired even if the host clock disagrees by a tick.
  const uint64_t elapsed = monotonic_ns() - start;
  for (const ClockWait& c : clocks) {
    if (c.relative_ns <= elapsed || (n_ready_fds == 0 && c.relative_ns == wait_ns)) {
      ready.push_back({c.userdata, Errno::Success, EventType::Clock, 0, 0});
    }
  }
  uint8_t* events = mem.at(out.addr, ready.size() * kEventSize);
  for (size_t i = 0; i < ready.size(); ++i)
    encode_event(events + i * kEventSize, ready[i]);
  nevents.set(static_cast<uint32_t>(ready.size()));
  return Errno::Success;
}
template Errno poll_oneoff<Abi::Preview1>(Ctx&, Mem&, GuestAddr, GuestAddr, uint32_t,
                                          Out<uint32_t>);
template Errno poll_oneoff<Abi::Preview0>(Ctx&, Mem&, GuestAddr, GuestAddr, uint32_t,
                                          Out<uint32_t>);

} // namespace wasmcap::wasi::fns

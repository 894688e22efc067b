// wasi:io: error (a message), poll (pollables that are ready now, at a monotonic deadline, or
// when a host fd is ready) and streams over host file descriptors. Writes are complete before they
// return (the host does no buffering of its own), so flush is a no-op and check-write always offers
// a window.
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "wasi/p2/objects.h"
#include "wasi/p2/registry.h"
#include "wasi/p2/values.h"

namespace wasmcap::wasi::p2 {

namespace {

constexpr std::string_view kStreamError = "wasi:io/streams.stream-error";
// What check-write offers: writes up to this size are accepted whole.
constexpr uint64_t kWriteWindow = 1 << 20;
// The most one read returns (the WIT allows fewer bytes than asked).
constexpr uint64_t kMaxRead = 1 << 20;

Val closed() {
  return err_val(variant_val(kStreamError, "closed"));
}

Val failed(P2Ctx& cx, int err) {
  auto e = std::make_unique<ErrorObject>();
  e->message = std::strerror(err);
  e->host_errno = err;
  return err_val(variant_val(kStreamError, "last-operation-failed",
                             own_val(resources::kError, cx.add(std::move(e)))));
}

Ret error_to_debug_string(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(const uint32_t rep, handle_rep(a[0], resources::kError));
  WASMCAP_ASSIGN(ErrorObject * e, cx.get_as<ErrorObject>(rep, resources::kError));
  return std::optional<Val>(Val::string(e->message));
}

// Waits up to `timeout_ms` (-1: no limit) for the fd pollable; true when it is ready.
bool fd_ready(const Pollable& p, int timeout_ms) {
  pollfd f{p.fd.get(), p.events, 0};
  for (;;) {
    const int n = ::poll(&f, 1, timeout_ms);
    if (n < 0 && errno == EINTR) continue;
    return n != 0; // an error of poll itself: ready, so the guest's retry sees the real error
  }
}

bool ready(const Pollable& p) {
  if (p.waiter) return p.waiter->wait(0);
  if (p.fd.get() >= 0) return fd_ready(p, 0);
  return !p.deadline_ns || monotonic_now_ns() >= *p.deadline_ns;
}

void sleep_until(uint64_t deadline_ns) {
  for (;;) {
    const uint64_t now = monotonic_now_ns();
    if (now >= deadline_ns) return;
    const uint64_t d = deadline_ns - now;
    timespec ts{static_cast<time_t>(d / 1000000000u), static_cast<long>(d % 1000000000u)};
    nanosleep(&ts, nullptr);
  }
}

Ret pollable_ready(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(const uint32_t rep, handle_rep(a[0], resources::kPollable));
  WASMCAP_ASSIGN(Pollable * p, cx.get_as<Pollable>(rep, resources::kPollable));
  return std::optional<Val>(bool_val(ready(*p)));
}

Ret pollable_block(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(const uint32_t rep, handle_rep(a[0], resources::kPollable));
  WASMCAP_ASSIGN(Pollable * p, cx.get_as<Pollable>(rep, resources::kPollable));
  if (p->waiter) {
    p->waiter->wait(-1);
  } else if (p->fd.get() >= 0) {
    fd_ready(*p, -1);
  } else if (p->deadline_ns) {
    sleep_until(*p->deadline_ns);
  }
  return std::optional<Val>();
}

Ret poll(P2Ctx& cx, std::span<const Val> a) {
  const Val& list = a[0];
  if (list.items.empty())
    return make_error(ErrorKind::Trap, "poll: the list of pollables is empty");
  std::vector<Pollable*> ps;
  for (const Val& h : list.items) {
    WASMCAP_ASSIGN(const uint32_t rep, handle_rep(h, resources::kPollable));
    WASMCAP_ASSIGN(Pollable * p, cx.get_as<Pollable>(rep, resources::kPollable));
    ps.push_back(p);
  }
  // Fd pollables wait in poll(2); clock pollables set its timeout (the earliest deadline,
  // 0 when one is ready now). Without fds this is a sleep until the earliest deadline.
  // Waiters (HTTP bodies) have no fd: one alone waits itself; mixed with others, everything is
  // looked at every millisecond.
  std::vector<pollfd> fds;
  std::vector<Waiter*> waiters;
  uint64_t earliest = ~uint64_t{0};
  for (Pollable* p : ps) {
    if (p->waiter) {
      waiters.push_back(p->waiter.get());
    } else if (p->fd.get() >= 0) {
      fds.push_back({p->fd.get(), p->events, 0});
    } else {
      earliest = std::min(earliest, p->deadline_ns.value_or(0));
    }
  }
  if (!waiters.empty()) {
    if (waiters.size() == 1 && fds.empty() && earliest == ~uint64_t{0}) {
      waiters[0]->wait(-1);
    } else {
      for (;;) {
        bool any = monotonic_now_ns() >= earliest;
        for (Waiter* w : waiters)
          any = any || w->wait(0);
        if (!fds.empty() && !any) any = ::poll(fds.data(), fds.size(), 1) > 0;
        if (any) break;
        if (fds.empty()) {
          timespec ts{0, 1000000};
          nanosleep(&ts, nullptr);
        }
      }
    }
  } else if (fds.empty()) {
    sleep_until(earliest);
  } else {
    for (;;) {
      int timeout = -1;
      if (earliest != ~uint64_t{0}) {
        const uint64_t now = monotonic_now_ns();
        const uint64_t ms = earliest > now ? (earliest - now + 999999) / 1000000 : 0;
        timeout = static_cast<int>(std::min<uint64_t>(ms, INT32_MAX));
      }
      const int n = ::poll(fds.data(), fds.size(), timeout);
      if (n < 0 && errno == EINTR) continue;
      if (n != 0 || timeout == -1 || monotonic_now_ns() >= earliest) break;
    }
  }
  std::vector<Val> out;
  for (uint32_t i = 0; i < ps.size(); ++i) {
    if (ready(*ps[i])) out.push_back(u32_val(i));
  }
  return std::optional<Val>(list_val(std::move(out)));
}

Ret ready_pollable(P2Ctx& cx) {
  return std::optional<Val>(own_val(resources::kPollable, cx.add(std::make_unique<Pollable>())));
}

support::Result<OutputStream*> out_stream(P2Ctx& cx, const Val& h) {
  WASMCAP_ASSIGN(const uint32_t rep, handle_rep(h, resources::kOutputStream));
  return cx.get_as<OutputStream>(rep, resources::kOutputStream);
}

support::Result<InputStream*> in_stream(P2Ctx& cx, const Val& h) {
  WASMCAP_ASSIGN(const uint32_t rep, handle_rep(h, resources::kInputStream));
  return cx.get_as<InputStream>(rep, resources::kInputStream);
}

// Writes all of `data`; 0 or the errno of the failure.
int write_all(OutputStream& s, std::string_view data) {
  if (s.sink) return s.sink->write(data);
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n;
    if (s.append) {
      // RWF_APPEND: each write lands at the end, atomically, without setting O_APPEND on the
      // open file description the stream shares with its descriptor.
      iovec v{const_cast<char*>(data.data() + done), data.size() - done};
      n = ::pwritev2(s.fd.get(), &v, 1, -1, RWF_APPEND);
    } else if (s.offset) {
      n = ::pwrite(s.fd.get(), data.data() + done, data.size() - done,
                   static_cast<off_t>(*s.offset));
      if (n > 0) *s.offset += static_cast<uint64_t>(n);
    } else if (s.socket) {
      n = ::send(s.fd.get(), data.data() + done, data.size() - done, MSG_NOSIGNAL);
    } else {
      n = ::write(s.fd.get(), data.data() + done, data.size() - done);
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) {
      pollfd p{s.fd.get(), POLLOUT, 0};
      ::poll(&p, 1, -1);
      continue;
    }
    if (n <= 0) return n < 0 ? errno : EIO;
    done += static_cast<size_t>(n);
  }
  return 0;
}

Ret write_bytes(P2Ctx& cx, OutputStream& s, std::string_view data) {
  if (s.closed) return std::optional<Val>(closed());
  if (const int err = write_all(s, data); err != 0) {
    s.closed = true;
    return std::optional<Val>(failed(cx, err));
  }
  return std::optional<Val>(ok_val());
}

Ret check_write(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(OutputStream * s, out_stream(cx, a[0]));
  if (s->closed) return std::optional<Val>(closed());
  return std::optional<Val>(ok_val(u64_val(kWriteWindow)));
}

Ret write(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(OutputStream * s, out_stream(cx, a[0]));
  if (a[1].list_size() > kWriteWindow) {
    return make_error(ErrorKind::Trap, "output-stream.write of more than check-write allowed");
  }
  return write_bytes(cx, *s, val_bytes(a[1]));
}

Ret blocking_write_and_flush(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(OutputStream * s, out_stream(cx, a[0]));
  if (a[1].list_size() > 4096) {
    // The WIT's contract (at most 4096 bytes), which wasi-libc's adapter keeps.
    return make_error(ErrorKind::Trap, "blocking-write-and-flush of more than 4096 bytes");
  }
  return write_bytes(cx, *s, val_bytes(a[1]));
}

Ret flush(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(OutputStream * s, out_stream(cx, a[0]));
  return std::optional<Val>(s->closed ? closed() : ok_val());
}

Ret write_zeroes(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(OutputStream * s, out_stream(cx, a[0]));
  if (a[1].u() > kWriteWindow)
    return make_error(ErrorKind::Trap, "write-zeroes of more than check-write allowed");
  return write_bytes(cx, *s, std::string(static_cast<size_t>(a[1].u()), '\0'));
}

Ret out_subscribe(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_TRY(out_stream(cx, a[0]));
  return ready_pollable(cx);
}

// Reads up to `len` bytes; `blocking` waits for at least one (a non-blocking read of a pipe
// with nothing in it returns an empty list).
Ret read_bytes(P2Ctx& cx, InputStream& s, uint64_t len, bool blocking) {
  if (s.closed) return std::optional<Val>(closed());
  std::string buf(static_cast<size_t>(std::min(len, kMaxRead)), '\0');
  if (buf.empty()) return std::optional<Val>(ok_val(Val::bytes({})));
  if (s.source) {
    bool ended = false;
    const int64_t n =
        s.source->read({reinterpret_cast<uint8_t*>(buf.data()), buf.size()}, blocking, &ended);
    if (n < 0) {
      s.closed = true;
      return std::optional<Val>(failed(cx, static_cast<int>(-n)));
    }
    if (n == 0 && ended) {
      s.closed = true;
      return std::optional<Val>(closed());
    }
    buf.resize(static_cast<size_t>(n));
    return std::optional<Val>(ok_val(Val::bytes(std::move(buf))));
  }
  for (;;) {
    ssize_t n;
    if (s.offset) {
      n = ::pread(s.fd.get(), buf.data(), buf.size(), static_cast<off_t>(*s.offset));
      if (n > 0) *s.offset += static_cast<uint64_t>(n);
    } else {
      if (!blocking) {
        pollfd p{s.fd.get(), POLLIN, 0};
        if (::poll(&p, 1, 0) == 0) return std::optional<Val>(ok_val(Val::bytes({})));
      }
      n = ::read(s.fd.get(), buf.data(), buf.size());
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      s.closed = true;
      return std::optional<Val>(failed(cx, errno));
    }
    if (n == 0) {
      s.closed = true;
      return std::optional<Val>(closed());
    }
    buf.resize(static_cast<size_t>(n));
    return std::optional<Val>(ok_val(Val::bytes(std::move(buf))));
  }
}

Ret read(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(InputStream * s, in_stream(cx, a[0]));
  return read_bytes(cx, *s, a[1].u(), false);
}

Ret blocking_read(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(InputStream * s, in_stream(cx, a[0]));
  return read_bytes(cx, *s, a[1].u(), true);
}

Ret skip_bytes(P2Ctx& cx, std::span<const Val> a, bool blocking) {
  WASMCAP_ASSIGN(InputStream * s, in_stream(cx, a[0]));
  WASMCAP_ASSIGN(std::optional<Val> r, read_bytes(cx, *s, a[1].u(), blocking));
  if (r->bits != 0) return r; // an error
  return std::optional<Val>(ok_val(u64_val(r->payload().list_size())));
}

Ret skip(P2Ctx& cx, std::span<const Val> a) {
  return skip_bytes(cx, a, false);
}

Ret blocking_skip(P2Ctx& cx, std::span<const Val> a) {
  return skip_bytes(cx, a, true);
}

Ret splice_bytes(P2Ctx& cx, std::span<const Val> a, bool blocking) {
  WASMCAP_ASSIGN(OutputStream * out, out_stream(cx, a[0]));
  WASMCAP_ASSIGN(InputStream * in, in_stream(cx, a[1]));
  WASMCAP_ASSIGN(std::optional<Val> r,
                 read_bytes(cx, *in, std::min(a[2].u(), kWriteWindow), blocking));
  if (r->bits != 0) return r;
  const std::string& data = r->payload().str;
  WASMCAP_ASSIGN(std::optional<Val> w, write_bytes(cx, *out, data));
  if (w->bits != 0) return w;
  return std::optional<Val>(ok_val(u64_val(data.size())));
}

Ret splice(P2Ctx& cx, std::span<const Val> a) {
  return splice_bytes(cx, a, false);
}

Ret blocking_splice(P2Ctx& cx, std::span<const Val> a) {
  return splice_bytes(cx, a, true);
}

Ret in_subscribe(P2Ctx& cx, std::span<const Val> a) {
  WASMCAP_ASSIGN(InputStream * s, in_stream(cx, a[0]));
  if (s->source && !s->closed) {
    auto p = std::make_unique<Pollable>();
    p->waiter = s->source;
    return std::optional<Val>(own_val(resources::kPollable, cx.add(std::move(p))));
  }
  if (s->socket && !s->closed) {
    return std::optional<Val>(
        own_val(resources::kPollable, add_fd_pollable(cx, s->fd.get(), POLLIN)));
  }
  return ready_pollable(cx);
}

const HostFunction kIo[] = {
    {"wasi:io/error", "[method]error.to-debug-string", error_to_debug_string},
    {"wasi:io/poll", "[method]pollable.ready", pollable_ready},
    {"wasi:io/poll", "[method]pollable.block", pollable_block},
    {"wasi:io/poll", "poll", poll},
    {"wasi:io/streams", "[method]output-stream.check-write", check_write},
    {"wasi:io/streams", "[method]output-stream.write", write},
    {"wasi:io/streams", "[method]output-stream.blocking-write-and-flush", blocking_write_and_flush},
    {"wasi:io/streams", "[method]output-stream.flush", flush},
    {"wasi:io/streams", "[method]output-stream.blocking-flush", flush},
    {"wasi:io/streams", "[method]output-stream.subscribe", out_subscribe},
    {"wasi:io/streams", "[method]output-stream.write-zeroes", write_zeroes},
    {"wasi:io/streams", "[method]output-stream.blocking-write-zeroes-and-flush", write_zeroes},
    {"wasi:io/streams", "[method]output-stream.splice", splice},
    {"wasi:io/streams", "[method]output-stream.blocking-splice", blocking_splice},
    {"wasi:io/streams", "[method]input-stream.read", read},
    {"wasi:io/streams", "[method]input-stream.blocking-read", blocking_read},
    {"wasi:io/streams", "[method]input-stream.skip", skip},
    {"wasi:io/streams", "[method]input-stream.blocking-skip", blocking_skip},
    {"wasi:io/streams", "[method]input-stream.subscribe", in_subscribe},
};

} // namespace

uint32_t add_fd_pollable(P2Ctx& cx, int fd, short events) {
  auto p = std::make_unique<Pollable>();
  p->fd.reset(::fcntl(fd, F_DUPFD_CLOEXEC, 3));
  p->events = events;
  return cx.add(std::move(p));
}

std::span<const HostFunction> io_functions() {
  return kIo;
}

} // namespace wasmcap::wasi::p2

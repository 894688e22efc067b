// WASI errno values (the witx `errno` enum, same numbering in preview0 and preview1), the
// host-errno mapping, and ErrnoOr<T>: the value-or-errno type the WASI layer and sandbox return.
#pragma once

#include <cstdint>
#include <utility>
#include <variant>

namespace wasmcap::wasi {

// Only the values this implementation returns are listed; the numbers follow the witx order and
// are spelled out so they can be audited (tests/unit/wasi checks a few against the spec).
enum class Errno : uint16_t {
  Success = 0,
  TooBig = 1,
  Acces = 2,
  Again = 6,
  Badf = 8,
  Busy = 10,
  Exist = 20,
  Fault = 21,
  Fbig = 22,
  Intr = 27,
  Inval = 28,
  Io = 29,
  Isdir = 31,
  Loop = 32,
  Mfile = 33,
  Mlink = 34,
  Nametoolong = 37,
  Nfile = 41,
  Nobufs = 42,
  Nodev = 43,
  Noent = 44,
  Nomem = 48,
  Nospc = 51,
  Nosys = 52,
  Notdir = 54,
  Notempty = 55,
  Notsock = 57,
  Notsup = 58,
  Notty = 59,
  Nxio = 60,
  Overflow = 61,
  Perm = 63,
  Pipe = 64,
  Range = 68,
  Rofs = 69,
  Spipe = 70,
  Srch = 71,
  Timedout = 73,
  Txtbsy = 74,
  Xdev = 75,
  Notcapable = 76,
};

// Maps a host (Linux) errno to the WASI errno with the same meaning; unknown values become Io.
Errno errno_from_host(int host_errno);
// errno_from_host(errno): for the common "a syscall returned -1" case.
Errno last_host_errno();

// A value or a WASI errno. Small on purpose: ok(), errno_value(), value(), operator*.
template <class T> class [[nodiscard]] ErrnoOr {
public:
  ErrnoOr(T value) : v_(std::in_place_index<0>, std::move(value)) {}
  ErrnoOr(Errno e) : v_(std::in_place_index<1>, e) {}
  bool ok() const { return v_.index() == 0; }
  Errno error() const { return ok() ? Errno::Success : std::get<1>(v_); }
  T& value() & { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  T* operator->() { return &value(); }

private:
  std::variant<T, Errno> v_;
};

} // namespace wasmcap::wasi

// Propagates an Errno from an ErrnoOr<T> or an Errno-returning expression inside WASI bodies.
#define WASI_TRY_ASSIGN(decl, expr)                                                                \
  WASI_TRY_ASSIGN_IMPL_(WASI_CONCAT_(wasi_r_, __LINE__), decl, expr)
#define WASI_CONCAT_INNER_(a, b) a##b
#define WASI_CONCAT_(a, b) WASI_CONCAT_INNER_(a, b)
#define WASI_TRY_ASSIGN_IMPL_(tmp, decl, expr)                                                     \
  auto tmp = (expr);                                                                               \
  if (!tmp.ok()) return tmp.error();                                                               \
  decl = std::move(tmp).value()
#define WASI_TRY(expr)                                                                             \
  do {                                                                                             \
    const ::wasmcap::wasi::Errno wasi_e_ = (expr);                                                 \
    if (wasi_e_ != ::wasmcap::wasi::Errno::Success) return wasi_e_;                                \
  } while (0)

// wasmcap's error model, public and standard-library only: Error (kind + place + message) and
// Result<T>. Every layer returns these; kinds follow the spec's assertion classes so the .wast
// runner can match them directly.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace wasmcap {

enum class ErrorKind : uint8_t {
  Malformed,  // binary or text that does not follow the format (assert_malformed)
  Invalid,    // well-formed but fails validation (assert_invalid)
  Unlinkable, // imports do not match (assert_unlinkable)
  Trap,       // execution trapped (assert_trap, assert_uninstantiable)
  Exhaustion, // a resource limit was reached (assert_exhaustion)
  Io,         // the host could not read or write a file
  Usage,      // the caller used an API or command line wrongly
  Exit,       // not a failure: the guest called proc_exit; the code is in Error::exit_code
  // A wasm exception (exception handling, WebAssembly 3.0) nobody caught (assert_exception):
  // "uncaught exception", with the backtrace of the throw. It ends the run like a trap.
  Exception,
};

const char* error_kind_name(ErrorKind kind);

// Where an error happened. Binary errors carry a byte offset, text errors line:column; the
// section and function are filled in when known so messages can say "in function 3".
struct Location {
  static constexpr uint64_t kNone = ~uint64_t{0};
  uint64_t offset = kNone; // byte offset in the module binary
  uint32_t line = 0;       // 1-based; 0 = unknown
  uint32_t column = 0;
  int32_t function = -1; // function index, -1 = none
  std::string section;   // e.g. "code", "" = none
};

// One wasm frame of a trap's backtrace, innermost first.
struct TraceFrame {
  uint32_t func_index = 0;
  std::string func_name;   // from the name section; "" when unknown
  std::string module_name; // from the name section or the registered name; may be ""
  // Byte offset in the module of the trapping (innermost frame) or calling instruction; for an
  // outer frame of compiled code, the start of the function's body (no PC -> offset table yet).
  uint64_t offset = 0;
};

struct Error {
  ErrorKind kind = ErrorKind::Malformed;
  std::string message; // the spec's wording where it has one, e.g. "integer too large"
  Location where;
  std::vector<TraceFrame> backtrace; // Trap/Exhaustion: the wasm frames, innermost first
  int exit_code = 0;                 // Exit only
  // Exception only: the thrown exception (opaque to embedders). A host function called from
  // wasm that returns this error as it got it lets the exception go on unwinding into its wasm
  // caller, which may catch it; any other error from a host function is a trap.
  std::shared_ptr<const void> exception;

  // "malformed at offset 0x1a (section code, function 3): integer too large"
  std::string to_string() const;
};

inline Error make_error(ErrorKind kind, std::string message, uint64_t offset = Location::kNone) {
  Error e;
  e.kind = kind;
  e.message = std::move(message);
  e.where.offset = offset;
  return e;
}

// A value or an Error. Deliberately small: has_value/value/error, operator bool, ->, *.
template <class T> class [[nodiscard]] Result {
public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}
  Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}

  bool has_value() const { return v_.index() == 0; }
  explicit operator bool() const { return has_value(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  Error& error() & { return std::get<1>(v_); }
  const Error& error() const& { return std::get<1>(v_); }
  Error&& error() && { return std::get<1>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

private:
  std::variant<T, Error> v_;
};

// The Error is built only on failure: an ok Status is one byte to make and nothing to destroy,
// which matters on call paths that return one per call (host functions, calls between tiers).
template <> class [[nodiscard]] Result<void> {
public:
  Result() = default;
  Result(Error error) : error_(std::move(error)) {}

  bool has_value() const { return !error_.has_value(); }
  explicit operator bool() const { return has_value(); }
  const Error& error() const& { return *error_; }
  Error&& error() && { return std::move(*error_); }

private:
  std::optional<Error> error_;
};

using Status = Result<void>;

inline Status ok() {
  return {};
}

} // namespace wasmcap

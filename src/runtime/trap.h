// Trap errors: the spec's exact trap texts in one place, so the interpreter, the runtime and
// the tests agree on every message the spec tests compare against.
#pragma once

#include "support/result.h"

namespace wasmcap::runtime {

namespace trap_text {
inline constexpr const char* kUnreachable = "unreachable";
inline constexpr const char* kDivideByZero = "integer divide by zero";
inline constexpr const char* kIntegerOverflow = "integer overflow";
inline constexpr const char* kInvalidConversion = "invalid conversion to integer";
inline constexpr const char* kMemoryOutOfBounds = "out of bounds memory access";
inline constexpr const char* kTableOutOfBounds = "out of bounds table access";
inline constexpr const char* kIndirectTypeMismatch = "indirect call type mismatch";
inline constexpr const char* kUninitializedElement = "uninitialized element";
inline constexpr const char* kUndefinedElement = "undefined element";
inline constexpr const char* kCallStackExhausted = "call stack exhausted"; // ErrorKind::Exhaustion
inline constexpr const char* kFuelExhausted = "all fuel consumed";         // ErrorKind::Exhaustion
inline constexpr const char* kInterrupted = "interrupted"; // Store::interrupt or the timeout
inline constexpr const char* kNullExceptionReference = "null exception reference"; // throw_ref
inline constexpr const char* kNullFunctionReference = "null function reference";   // call_ref
inline constexpr const char* kNullReference = "null reference";        // ref.as_non_null
inline constexpr const char* kNullI31Reference = "null i31 reference"; // i31.get_s, i31.get_u
inline constexpr const char* kCastFailure = "cast failure";            // ref.cast
inline constexpr const char* kNullStructReference = "null structure reference"; // struct.*
inline constexpr const char* kNullArrayReference = "null array reference";      // array.*
inline constexpr const char* kArrayOutOfBounds = "out of bounds array access";
inline constexpr const char* kGcHeapLimit = "GC heap limit reached"; // ErrorKind::Exhaustion
} // namespace trap_text

inline support::Error make_trap(const char* text) {
  return support::make_error(support::ErrorKind::Trap, text);
}
inline support::Error make_exhaustion(const char* text) {
  return support::make_error(support::ErrorKind::Exhaustion, text);
}

} // namespace wasmcap::runtime

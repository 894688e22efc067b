// Exception handling objects (WebAssembly 3.0): a Tag is an exception's identity (per instance:
// an imported tag is the exporter's object, so the same pointer), an Exception a thrown one (the
// tag and its payload, as the interpreter's 8-byte slots). Both live in the Store. An exnref
// value is a pointer to an Exception; an exception escaping to the embedder travels in
// Error::exception, which keeps it alive.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "ir/types.h"
#include "runtime/value.h"
#include "support/result.h"

namespace wasmcap::runtime {

struct Tag {
  ir::FuncType type;          // the payload's types are the params; no results
  uint32_t type_id = 0;       // Store::intern_type(type): tag imports match on it
  uint32_t payload_slots = 0; // 8-byte slots of the payload (v128: two)
};

struct Exception {
  Tag* tag = nullptr;
  std::vector<uint64_t> payload; // payload_slots slots, params in order
  // Became an exnref value (catch_ref, a legacy catch that may rethrow it): somebody may still
  // hold it, so the store never reuses it. Otherwise a catch that takes only the payload lets
  // the store reuse the object for the next throw (a loop of throws stays in constant memory).
  bool exposed = false;
  uint32_t pool_index = 0; // in the store's pool
};

// The uncaught-exception error: kind Exception, "uncaught exception" and the tag's payload
// types; `exception` rides along so a wasm caller further out (behind a host function that
// returns the error as it got it) can still catch it.
// `owner` (Store::exception_owner) may be null for an exception the store does not own.
support::Error uncaught_exception_error(const Exception& exception,
                                        std::shared_ptr<Exception> owner);
// The exception an error carries (nullptr for other errors).
Exception* exception_of(const support::Error& error);

// The payload as values (for hosts and messages) and back.
std::vector<Value> exception_payload(const Exception& exception);

} // namespace wasmcap::runtime

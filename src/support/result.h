// Errors as values for the engine's layers: the public wasmcap::Error/Result (include/wasmcap/
// error.h) under the support namespace, plus the WASMCAP_TRY/WASMCAP_ASSIGN propagation macros.
#pragma once

#include "wasmcap/error.h"

namespace wasmcap::support {

using wasmcap::Error;
using wasmcap::error_kind_name;
using wasmcap::ErrorKind;
using wasmcap::Location;
using wasmcap::make_error;
using wasmcap::ok;
using wasmcap::Result;
using wasmcap::Status;

} // namespace wasmcap::support

// Propagate an error from an expression yielding Result<T>/Status; the only macros outside .def
// tables, because C++20 has no `try` operator.
#define WASMCAP_TRY(expr)                                                                          \
  do {                                                                                             \
    auto&& wasmcap_try_result_ = (expr);                                                           \
    if (!wasmcap_try_result_) return std::move(wasmcap_try_result_).error();                       \
  } while (0)

#define WASMCAP_CONCAT_INNER_(a, b) a##b
#define WASMCAP_CONCAT_(a, b) WASMCAP_CONCAT_INNER_(a, b)
// WASMCAP_ASSIGN(auto x, expr): declares x from a Result<T>, or returns its error.
#define WASMCAP_ASSIGN(decl, expr)                                                                 \
  WASMCAP_ASSIGN_IMPL_(WASMCAP_CONCAT_(wasmcap_r_, __LINE__), decl, expr)
#define WASMCAP_ASSIGN_IMPL_(tmp, decl, expr)                                                      \
  auto tmp = (expr);                                                                               \
  if (!tmp) return std::move(tmp).error();                                                         \
  decl = std::move(tmp).value()

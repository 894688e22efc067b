// TypedFunc<R(Args...)>: a wasm function whose type was checked once against a C++ signature,
// then called like a C++ function: `auto add = instance.get_typed_func<int32_t(int32_t,
// int32_t)>("add"); Result<int32_t> r = (*add)(1, 2);`. Types map as in value_traits.h.
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>

#include "wasmcap/error.h"
#include "wasmcap/externs.h"
#include "wasmcap/value_traits.h"

namespace wasmcap {

// The Usage error of a failed signature check: names the function and both types.
Error typed_func_mismatch(std::string_view what, const FuncType& expected, const FuncType& actual);

template <class Sig> class TypedFunc;

template <class R, class... Args> class TypedFunc<R(Args...)> {
public:
  // Checks `func`'s type against R(Args...); `what` names it in the error ("function \"add\"").
  static Result<TypedFunc> create(Func func, std::string_view what = "function") {
    const FuncType expected = wasm_func_type_of<R, Args...>();
    const FuncType actual = func.type();
    if (actual != expected) return typed_func_mismatch(what, expected, actual);
    return TypedFunc(func);
  }

  // Traps come back as Error{Trap|Exhaustion}; a WASI proc_exit as Error{Exit}.
  Result<R> operator()(Args... args) const { return call(args...); }
  Result<R> call(Args... args) const {
    const std::array<Value, sizeof...(Args)> in{
        WasmValueTraits<std::remove_cvref_t<Args>>::to_value(args)...};
    std::array<Value, WasmResultTraits<R>::count> out{};
    Status s = func_.call_into(in, out);
    if (!s) return std::move(s).error();
    if constexpr (std::is_void_v<R>) {
      return ok();
    } else {
      return WasmResultTraits<R>::load(out);
    }
  }

  const Func& func() const { return func_; }

private:
  explicit TypedFunc(Func f) : func_(f) {}
  Func func_;
};

} // namespace wasmcap

// Host functions typed by their C++ signature: the machinery behind Func::wrap and
// Linker::func_wrap. A callable R(Args...) -- optionally R(Caller&, Args...) -- becomes a wasm
// function type plus a callback that converts the arguments, calls it and stores the results.
// R may be void, a value, a std::tuple (multi-value), or Result<any of those> to trap.
#pragma once

#include <cstddef>
#include <functional>
#include <span>
#include <type_traits>
#include <utility>

#include "wasmcap/caller.h"
#include "wasmcap/error.h"
#include "wasmcap/types.h"
#include "wasmcap/value.h"
#include "wasmcap/value_traits.h"

namespace wasmcap::detail {

// The same type as wasmcap::HostCallback (externs.h, which includes this header).
using HostCallbackFn = std::function<Status(std::span<const Value>, std::span<Value>)>;

// A host function before it belongs to a store: its type and its body.
struct HostFuncDef {
  FuncType type;
  HostCallbackFn callback;
};

// Result<T> -> T, anything else -> itself: the values a callable produces when it succeeds.
template <class R> struct ResultPayload {
  using type = R;
  static constexpr bool is_result = false;
};
template <class T> struct ResultPayload<Result<T>> {
  using type = T;
  static constexpr bool is_result = true;
};

// The signature R(Args...) of a function, function pointer, or non-generic lambda / functor.
template <class F> struct CallableSignature : CallableSignature<decltype(&F::operator())> {};
template <class R, class... A> struct CallableSignature<R(A...)> {
  using type = R(A...);
};
template <class R, class... A> struct CallableSignature<R (*)(A...)> {
  using type = R(A...);
};
template <class R, class... A> struct CallableSignature<R (*)(A...) noexcept> {
  using type = R(A...);
};
template <class C, class R, class... A> struct CallableSignature<R (C::*)(A...)> {
  using type = R(A...);
};
template <class C, class R, class... A> struct CallableSignature<R (C::*)(A...) const> {
  using type = R(A...);
};
template <class C, class R, class... A> struct CallableSignature<R (C::*)(A...) noexcept> {
  using type = R(A...);
};
template <class C, class R, class... A> struct CallableSignature<R (C::*)(A...) const noexcept> {
  using type = R(A...);
};

// Wraps a callable whose wasm parameters are A... (after the Caller, when WithCaller).
template <bool WithCaller, class R, class... A> struct HostWrapper {
  using Payload = typename ResultPayload<R>::type;

  template <class Fn> static HostFuncDef make(Fn fn) {
    HostFuncDef def;
    def.type = wasm_func_type_of<Payload, A...>();
    def.callback = [fn = std::move(fn)](std::span<const Value> args,
                                        std::span<Value> results) mutable -> Status {
      // The runtime checked the arguments against def.type before calling, so each args[I]
      // has the type from_value expects.
      auto invoke = [&]() -> R {
        return [&]<size_t... I>(std::index_sequence<I...>) -> R {
          if constexpr (WithCaller) {
            Caller caller = Caller::current();
            return fn(caller, WasmValueTraits<std::remove_cvref_t<A>>::from_value(args[I])...);
          } else {
            return fn(WasmValueTraits<std::remove_cvref_t<A>>::from_value(args[I])...);
          }
        }(std::index_sequence_for<A...>{});
      };
      if constexpr (std::is_void_v<R>) {
        invoke();
        return ok();
      } else if constexpr (std::is_same_v<R, Status>) {
        return invoke();
      } else if constexpr (ResultPayload<R>::is_result) {
        R r = invoke();
        if (!r) return std::move(r).error(); // the calling wasm code traps with this error
        WasmResultTraits<Payload>::store(*r, results);
        return ok();
      } else {
        WasmResultTraits<Payload>::store(invoke(), results);
        return ok();
      }
    };
    return def;
  }
};

template <class Sig> struct SignatureWrapper;
template <class R, class... A> struct SignatureWrapper<R(A...)> : HostWrapper<false, R, A...> {};
template <class R, class... A>
struct SignatureWrapper<R(Caller&, A...)> : HostWrapper<true, R, A...> {};
template <class R, class... A>
struct SignatureWrapper<R(const Caller&, A...)> : HostWrapper<true, R, A...> {};
template <class R, class... A>
struct SignatureWrapper<R(Caller, A...)> : HostWrapper<true, R, A...> {};

// The type and body of a host function for callable `f`.
template <class F> HostFuncDef wrap_host(F&& f) {
  using Fn = std::decay_t<F>;
  using Sig = typename CallableSignature<Fn>::type;
  return SignatureWrapper<Sig>::make(Fn(std::forward<F>(f)));
}

} // namespace wasmcap::detail

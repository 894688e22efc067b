// How C++ types map to wasm values, for Func::wrap / Linker::func_wrap and TypedFunc:
// int32_t/uint32_t <-> i32, int64_t/uint64_t <-> i64, float <-> f32, double <-> f64, and result
// lists (void, one value, or std::tuple for multi-value). Header-only, standard library only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "wasmcap/error.h"
#include "wasmcap/types.h"
#include "wasmcap/value.h"

namespace wasmcap {

// One C++ type <-> one wasm value type. Unsupported types fail to compile with a message naming
// the supported ones rather than an unreadable substitution error.
template <class T> struct WasmValueTraits {
  static_assert(sizeof(T) == 0, "wasm values are int32_t, uint32_t, int64_t, uint64_t, float or "
                                "double (std::tuple of them for several results)");
};

template <> struct WasmValueTraits<int32_t> {
  static constexpr ValType type = ValType::I32;
  static Value to_value(int32_t v) { return Value::make_i32(static_cast<uint32_t>(v)); }
  static int32_t from_value(const Value& v) { return static_cast<int32_t>(v.i32); }
};
template <> struct WasmValueTraits<uint32_t> {
  static constexpr ValType type = ValType::I32;
  static Value to_value(uint32_t v) { return Value::make_i32(v); }
  static uint32_t from_value(const Value& v) { return v.i32; }
};
template <> struct WasmValueTraits<int64_t> {
  static constexpr ValType type = ValType::I64;
  static Value to_value(int64_t v) { return Value::make_i64(static_cast<uint64_t>(v)); }
  static int64_t from_value(const Value& v) { return static_cast<int64_t>(v.i64); }
};
template <> struct WasmValueTraits<uint64_t> {
  static constexpr ValType type = ValType::I64;
  static Value to_value(uint64_t v) { return Value::make_i64(v); }
  static uint64_t from_value(const Value& v) { return v.i64; }
};
template <> struct WasmValueTraits<float> {
  static constexpr ValType type = ValType::F32;
  static Value to_value(float v) { return Value::make_f32(v); }
  static float from_value(const Value& v) { return v.f32(); }
};
template <> struct WasmValueTraits<double> {
  static constexpr ValType type = ValType::F64;
  static Value to_value(double v) { return Value::make_f64(v); }
  static double from_value(const Value& v) { return v.f64(); }
};

// A result list: void (none), one value, or std::tuple<...> (multi-value).
template <class R> struct WasmResultTraits {
  using Traits = WasmValueTraits<std::remove_cvref_t<R>>;
  static constexpr size_t count = 1;
  static std::vector<ValType> types() { return {Traits::type}; }
  static void store(const R& r, std::span<Value> out) { out[0] = Traits::to_value(r); }
  static R load(std::span<const Value> in) { return Traits::from_value(in[0]); }
};
template <> struct WasmResultTraits<void> {
  static constexpr size_t count = 0;
  static std::vector<ValType> types() { return {}; }
};
template <class... Ts> struct WasmResultTraits<std::tuple<Ts...>> {
  static constexpr size_t count = sizeof...(Ts);
  static std::vector<ValType> types() { return {WasmValueTraits<Ts>::type...}; }
  static void store(const std::tuple<Ts...>& r, std::span<Value> out) {
    [&]<size_t... I>(std::index_sequence<I...>) {
      ((out[I] = WasmValueTraits<Ts>::to_value(std::get<I>(r))), ...);
    }(std::index_sequence_for<Ts...>{});
  }
  static std::tuple<Ts...> load(std::span<const Value> in) {
    return [&]<size_t... I>(std::index_sequence<I...>) {
      return std::tuple<Ts...>(WasmValueTraits<Ts>::from_value(in[I])...);
    }(std::index_sequence_for<Ts...>{});
  }
};

// The wasm function type of a C++ signature R(Args...).
template <class R, class... Args> FuncType wasm_func_type_of() {
  return FuncType{{WasmValueTraits<std::remove_cvref_t<Args>>::type...},
                  WasmResultTraits<R>::types()};
}

} // namespace wasmcap

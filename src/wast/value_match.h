// Script values and patterns: turning a script constant into a Value, and checking a result
// against an expected value or pattern (nan:canonical, nan:arithmetic, ref.func, lane-wise v128).
#pragma once

#include <string>

#include "text/wast_script.h"
#include "wasmcap/store.h"
#include "wasmcap/value.h"

namespace wasmcap::wast {

// Scripts name host references by number (`ref.extern 7`); the runner passes them as opaque
// pointers offset by one, so that `ref.extern 0` is not the null reference.
void* extern_ref_from_number(uint64_t n);

Value to_value(const text::ScriptValue& v);
bool matches(const text::ScriptValue& expected, const Value& got, Store& store);
std::string describe(const text::ScriptValue& expected);

} // namespace wasmcap::wast

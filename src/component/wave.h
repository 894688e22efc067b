// WAVE, the WebAssembly Value Encoding: component values as text (`42`, `"hi"`, `[1, 2]`,
// `{x: 1, y: 2}`, `some(3)`, `ok("x")`, `red`, `{read, write}`, maps as `{"k": 1}`), typed by
// the component types they are parsed as and printed from. `wasmcap run --invoke 'f(1, "a")'`
// uses it, as wasmtime does.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "component/types.h"
#include "component/value.h"
#include "support/result.h"

namespace wasmcap::component {

// Parses one value of type `t`.
support::Result<Val> wave_parse(std::string_view text, const Type& t);
// Parses `name(arg, ...)` into the name and the argument texts (split at top-level commas).
support::Result<std::pair<std::string, std::vector<std::string>>>
wave_split_call(std::string_view call);
std::string wave_print(const Val& v, const Type& t);

} // namespace wasmcap::component

// Runtime values for the engine: the public wasmcap::Value (include/wasmcap/value.h) under the
// runtime namespace.
#pragma once

#include "wasmcap/value.h"

namespace wasmcap::runtime {

using wasmcap::V128;
using wasmcap::Value;
using wasmcap::value_to_string;

} // namespace wasmcap::runtime

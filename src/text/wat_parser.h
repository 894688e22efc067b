// The WAT text format: one entry point from text to binary bytes. The bytes are then decoded like
// any other module, so text never bypasses the decoder or validator.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "support/result.h"

namespace wasmcap::text {

// Parses `(module ...)`, or a module's fields without the wrapper, and encodes it. Errors are
// Malformed with line:column. Function names from $ids go into a `name` custom section so
// traps can show them in backtraces.
// A single `(component ...)` (or `(component binary ...)`) is encoded as a component
// (Binary.md: preamble `00 61 73 6d 0d 00 01 00`, then sections), with a `component-name`
// section for its $ids. Tell the two apart by the preamble's layer bytes (4..7).
support::Result<std::vector<uint8_t>> parse_wat(std::string_view source);

} // namespace wasmcap::text

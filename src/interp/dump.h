// A debug listing of lowered code (see dump.cpp): enabled by the WASMCAP_INTERP_DUMP environment
// variable, printed by compile() before threading.
#pragma once

#include <cstdio>
#include <string>

#include "interp/code.h"

namespace wasmcap::interp {

// The op's name: the wasm text name for wasm ops, the enum name for internal ones.
std::string op_name(IOp op);
// True when WASMCAP_INTERP_DUMP is set to something other than "" or "0".
bool dump_requested();
// Prints `fc` (not yet threaded) one instruction a line: position, op, operand words.
void dump_function(const FunctionCode& fc, std::FILE* out);

} // namespace wasmcap::interp

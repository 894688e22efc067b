// Global: a global variable instance. The value lives in `value` (type fixed at creation).
#pragma once

#include "ir/types.h"
#include "runtime/value.h"

namespace wasmcap::runtime {

struct Global {
  ir::GlobalType type;
  Value value; // value.type == type.type
};

} // namespace wasmcap::runtime

// The `spectest` host module the spec scripts import: print functions, four globals, a table
// and a memory, with the values the spec's reference interpreter gives them.
#pragma once

#include "wasmcap/linker.h"
#include "wasmcap/store.h"

namespace wasmcap::wast {

// Defines every spectest export in `linker`, owned by `store`.
Status define_spectest(Store& store, Linker& linker);

} // namespace wasmcap::wast

// The Canonical ABI's flattening (CanonicalABI.md, "Flattening"): how a component-level value or
// function type becomes core wasm parameters and results. Validation uses it to type `canon
// lift` (the core function must have the flattened signature) and `canon lower` (the core
// function it makes has it); the runtime's lift/lower code follows the same rules.
#pragma once

#include <vector>

#include "component/types.h"

namespace wasmcap::component {

// At most this many core parameters / results are passed directly; beyond it, through memory.
constexpr size_t kMaxFlatParams = 16;
constexpr size_t kMaxFlatResults = 1;
// flatten_type stops once its output passes this many values: a caller only ever needs the exact
// flattening of up to kMaxFlatParams values (beyond that the values travel in memory), and a
// type like tuple<t, t> nested 40 deep (2^40 values) must not exhaust memory.
constexpr size_t kFlatCap = 64;

void flatten_type(const Type& t, std::vector<ir::ValType>& out);
// How many values flatten_type gives for `t` alone (at most kFlatCap + 1), without building
// them: the Canonical ABI asks for every value it lifts or lowers.
size_t flat_width(const Type& t);

// The core signature of a component function type `ft` seen from the lifting side (`lift`:
// the core function the component exports) or the lowering side (the core function a
// component imports). They differ only when the results do not fit: a lifted function returns
// a pointer, a lowered one takes a pointer to write the results to.
ir::FuncType flatten_functype(const Type& ft, bool lift);

} // namespace wasmcap::component

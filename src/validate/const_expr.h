// validate_const_expr: constant expressions (global initializers, segment offsets and element
// expressions) may hold only constant instructions and must produce exactly one value.
#pragma once

#include <cstdint>

#include "ir/module.h"
#include "support/result.h"

namespace wasmcap::validate {

// `visible_globals` is how many globals of the index space the expression may read (in
// WebAssembly 2.0: the imported ones); the global read must also be immutable. `extended`:
// i32/i64 add, sub and mul are constant too (extended constant expressions, WebAssembly 3.0).
support::Status validate_const_expr(const ir::Module& module, ir::ConstExpr expr,
                                    ir::ValType expected, uint32_t visible_globals, bool extended);

} // namespace wasmcap::validate

// Evaluation of (already validated) constant expressions: t.const, ref.null, ref.func,
// global.get. The handful of opcodes is decoded directly with support::ByteReader so runtime
// needs no dependency on binary/.
#pragma once

#include "ir/module.h"
#include "runtime/module_instance.h"
#include "runtime/value.h"
#include "support/result.h"

namespace wasmcap::runtime {

// `inst` supplies globals (imported ones, and earlier-defined ones where allowed) and functions.
support::Result<Value> eval_const_expr(const ir::Module& module, ir::ConstExpr expr,
                                       ir::ValType type, const ModuleInstance& inst);

} // namespace wasmcap::runtime

// Evaluation of (already validated) constant expressions: t.const, ref.null, ref.func,
// global.get, extended arithmetic, and GC's ref.i31, struct.new*, array.new*, conversions
// (objects are made in `store`'s GC heap; the caller keeps collection off). The handful of opcodes
// is decoded directly with support::ByteReader so runtime needs no dependency on binary/.
#pragma once

#include "ir/module.h"
#include "runtime/module_instance.h"
#include "runtime/store.h"
#include "runtime/value.h"
#include "support/result.h"

namespace wasmcap::runtime {

// `inst` supplies globals (imported ones, and earlier-defined ones where allowed) and functions.
support::Result<Value> eval_const_expr(Store& store, const ir::Module& module, ir::ConstExpr expr,
                                       ir::ValType type, const ModuleInstance& inst);

} // namespace wasmcap::runtime

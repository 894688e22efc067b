// compute_module_context: one pass over element segments, globals and exports.
#include "validate/module_context.h"

#include "binary/code_reader.h"

namespace wasmcap::validate {

namespace {

// Marks every ref.func in a constant expression.
struct RefFuncCollector {
  std::vector<bool>& declared;
  support::Status operator()(const ir::Instr& instr) {
    if (instr.op == ir::Op::RefFunc && instr.index < declared.size()) declared[instr.index] = true;
    return support::ok();
  }
};

void collect(const ir::Module& m, ir::ConstExpr expr, std::vector<bool>& declared) {
  RefFuncCollector visitor{declared};
  binary::CodeReader<RefFuncCollector> reader(m.range_bytes(expr), expr.offset, visitor);
  (void)reader.read_expression();
}

} // namespace

ModuleContext compute_module_context(const ir::Module& m) {
  ModuleContext ctx;
  std::vector<bool>& declared = ctx.declared_funcs;
  declared.assign(m.func_type_indices.size(), false);
  for (const ir::ElementSegment& seg : m.elements) {
    for (uint32_t f : seg.func_indices) {
      if (f < declared.size()) declared[f] = true;
    }
    for (ir::ConstExpr e : seg.exprs)
      collect(m, e, declared);
  }
  for (const ir::Global& g : m.globals)
    collect(m, g.init, declared);
  for (const ir::Export& e : m.exports) {
    if (e.kind == ir::ExternKind::Func && e.index < declared.size()) declared[e.index] = true;
  }
  return ctx;
}

} // namespace wasmcap::validate

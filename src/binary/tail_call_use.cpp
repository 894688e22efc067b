// uses_tail_calls (tail_call_use.h): one pass of the code reader over the bodies, stopping at the
// first tail call.
#include "binary/tail_call_use.h"

#include "binary/code_reader.h"

namespace wasmcap::binary {

bool uses_tail_calls(const ir::Module& mod) {
  struct Finder {
    bool found = false;
    support::Status operator()(const ir::Instr& instr) {
      if (instr.op == ir::Op::ReturnCall || instr.op == ir::Op::ReturnCallIndirect ||
          instr.op == ir::Op::ReturnCallRef)
        found = true;
      return support::ok();
    }
  } finder;
  for (const ir::Function& fn : mod.functions) {
    CodeReader<Finder> reader(mod.range_bytes(fn.body), fn.body.offset, finder);
    if (!reader.read_expression() || finder.found) return finder.found;
  }
  return false;
}

} // namespace wasmcap::binary

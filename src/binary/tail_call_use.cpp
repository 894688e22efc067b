// uses_tail_calls (tail_call_use.h): one pass of the code reader over the bodies, stopping at the
// first tail call.
#include "binary/tail_call_use.h"

#include "binary/instruction_scan.h"

namespace wasmcap::binary {

bool uses_tail_calls(const ir::Module& mod) {
  return any_instruction(mod, [](const ir::Instr& instr) {
    return instr.op == ir::Op::ReturnCall || instr.op == ir::Op::ReturnCallIndirect ||
           instr.op == ir::Op::ReturnCallRef;
  });
}

} // namespace wasmcap::binary

// uses_exception_handling (exception_use.h): a scan of the module's types and bodies.
#include "binary/exception_use.h"

#include <algorithm>

#include "binary/instruction_scan.h"

namespace wasmcap::binary {

using ir::ValType;

// A try_table with only catch_all clauses, throw_ref of a null reference and the legacy
// try/delegate need no tag, so the bodies are read too.
bool uses_exception_handling(const ir::Module& mod) {
  if (!mod.all_tags.empty()) return true;
  auto has_exnref = [](const std::vector<ValType>& ts) {
    return std::find(ts.begin(), ts.end(), ValType::ExnRef) != ts.end();
  };
  for (const ir::FuncType& t : mod.types) {
    if (has_exnref(t.params) || has_exnref(t.results)) return true;
  }
  for (const ir::GlobalType& g : mod.all_globals) {
    if (g.type == ValType::ExnRef) return true;
  }
  for (const ir::TableType& t : mod.all_tables) {
    if (t.elem == ValType::ExnRef) return true;
  }
  for (const ir::Function& f : mod.functions) {
    if (has_exnref(f.locals)) return true;
  }
  return any_instruction(mod, [](const ir::Instr& instr) {
    switch (instr.op) {
    case ir::Op::Try:
    case ir::Op::Catch:
    case ir::Op::CatchAll:
    case ir::Op::Delegate:
    case ir::Op::Rethrow:
    case ir::Op::Throw:
    case ir::Op::ThrowRef:
    case ir::Op::TryTable: return true;
    case ir::Op::RefNull: return instr.type == ValType::ExnRef;
    default: return false;
    }
  });
}

} // namespace wasmcap::binary

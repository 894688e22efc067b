// any_instruction: one pass of the code reader over a module's bodies, stopping at the first
// instruction a predicate accepts. What the tiers ask before compiling a module (does it use tail
// calls, exception handling, GC instructions?) is this question with another predicate.
#pragma once

#include "binary/code_reader.h"
#include "ir/module.h"

namespace wasmcap::binary {

// Whether some body has an instruction `pred` accepts. A body that fails to decode counts as
// having none (validation reports it).
template <class Pred> bool any_instruction(const ir::Module& mod, const Pred& pred) {
  struct Finder {
    const Pred& pred;
    bool found = false;
    support::Status operator()(const ir::Instr& instr) {
      found = found || pred(instr);
      return support::ok();
    }
  } finder{pred};
  for (const ir::Function& fn : mod.functions) {
    CodeReader<Finder> reader(mod.range_bytes(fn.body), fn.body.offset, finder);
    if (!reader.read_expression() || finder.found) return finder.found;
  }
  return false;
}

} // namespace wasmcap::binary

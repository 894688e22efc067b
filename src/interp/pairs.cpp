// Pair fusion: a pass over a lowered function that gives an instruction the op running it and
// the instruction after it in one dispatch (`FIRSTThenSECOND`, `IncNAME`; see code.h). It runs
// after lowering so that the lowering's own rewrites (instructions taken back into a fused
// consumer, compares folded into branches) have all happened: both instructions are final.
#include "interp/code.h"

namespace wasmcap::interp {

namespace {
// An `IncNAME` op for conditional branch `branch`, else IOp::Count.
IOp inc_form(IOp branch) {
  switch (branch) {
  case IOp::BrIf: return IOp::IncBrIf;
  case IOp::BrUnless: return IOp::IncBrUnless;
#define WASMCAP_INC_CASE(name)                                                                     \
  case IOp::BrIf##name: return IOp::IncBrIf##name;                                                 \
  case IOp::BrUnless##name: return IOp::IncBrUnless##name;                                         \
  case IOp::BrIf##name##Imm: return IOp::IncBrIf##name##Imm;                                       \
  case IOp::BrUnless##name##Imm: return IOp::IncBrUnless##name##Imm;
    WASMCAP_CMP_OPS(WASMCAP_INC_CASE)
#undef WASMCAP_INC_CASE
  default: return IOp::Count;
  }
}
// Words of the first instructions of a pair (their handlers skip exactly this many).
uint32_t first_length(IOp op) {
  switch (op) {
  case IOp::Copy:
  case IOp::Const32: return 3;
  case IOp::I32AddImm: return 4;
  default: return 0;
  }
}
} // namespace

IOp pair_form(IOp first, IOp second) {
  if (first == IOp::I32AddImm && inc_form(second) != IOp::Count) return inc_form(second);
#define WASMCAP_THEN_CASE(a, b)                                                                    \
  if (first == IOp::a && second == IOp::b) return IOp::a##Then##b;
  WASMCAP_THEN_PAIRS(WASMCAP_THEN_CASE)
#undef WASMCAP_THEN_CASE
  return IOp::Count;
}

void fuse_pairs(FunctionCode& fc) {
  const std::vector<OffsetEntry>& offs = fc.offsets;
  for (size_t i = 0; i + 1 < offs.size(); ++i) {
    if (offs[i].inner || offs[i + 1].inner) continue;
    auto first = static_cast<IOp>(fc.code[offs[i].code_pos]);
    auto second = static_cast<IOp>(fc.code[offs[i + 1].code_pos]);
    if (first_length(first) != offs[i + 1].code_pos - offs[i].code_pos) continue;
    IOp fused = pair_form(first, second);
    if (fused == IOp::Count) continue;
    fc.code[offs[i].code_pos] = static_cast<uint32_t>(fused);
    ++i; // the second instruction runs inside this op: it does not start a pair itself
  }
}

} // namespace wasmcap::interp

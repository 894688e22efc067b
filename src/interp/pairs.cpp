// Pair fusion: a pass over a lowered function that gives an instruction the op running it and
// the instruction after it in one dispatch (`FIRSTThenSECOND`, `IncNAME`; see code.h). It runs
// after lowering so that the lowering's own rewrites (instructions taken back into a fused
// consumer, compares folded into branches) have all happened: both instructions are final.
#include <cstdint>

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
  case IOp::I32AddImm:
  case IOp::I32Add:
  case IOp::F64Load:
  case IOp::F64Mul: return 4;
  case IOp::F64LoadAddImm:
  case IOp::I32AddI32AddImm: return 5;
  case IOp::F64AddLoad:
  case IOp::F64MulLoad:
  case IOp::F64MulImmStore: return 6;
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

IOp chain_pair_form(IOp first, IOp second) {
#define WASMCAP_THEN_CASE(a, b)                                                                    \
  if (first == IOp::a && second == IOp::b) return IOp::a##Then##b;
  WASMCAP_CHAIN_PAIRS(WASMCAP_THEN_CASE)
#undef WASMCAP_THEN_CASE
  return IOp::Count;
}

void fuse_pairs(FunctionCode& fc) {
  const std::vector<OffsetEntry>& offs = fc.offsets;
  // The instruction after offs[i], or SIZE_MAX when there is none or i is an inner entry; inner
  // entries (second trap sites of a fused op) are not instructions.
  auto next = [&](size_t i) {
    size_t j = i + 1;
    while (j < offs.size() && offs[j].inner)
      ++j;
    return offs[i].inner || j >= offs.size() ? SIZE_MAX : j;
  };
  auto adjacent = [&](size_t i, size_t j, IOp first) {
    return first_length(first) == offs[j].code_pos - offs[i].code_pos;
  };
  for (size_t i = 0; i + 1 < offs.size(); ++i) {
    if (offs[i].inner || offs[i + 1].inner) continue;
    auto first = static_cast<IOp>(fc.code[offs[i].code_pos]);
    auto second = static_cast<IOp>(fc.code[offs[i + 1].code_pos]);
    if (!adjacent(i, i + 1, first)) continue;
    IOp fused = pair_form(first, second);
    if (fused == IOp::Count) continue;
    fc.code[offs[i].code_pos] = static_cast<uint32_t>(fused);
    ++i; // the second instruction runs inside this op: it does not start a pair itself
  }
  // Chain pairs, backwards so that a second is already final (it may be a pair op itself). A
  // first must still be a plain op (first_length is 0 for pair ops).
  for (size_t i = offs.size(); i-- > 0;) {
    size_t j = next(i);
    if (j == SIZE_MAX) continue;
    auto first = static_cast<IOp>(fc.code[offs[i].code_pos]);
    auto second = static_cast<IOp>(fc.code[offs[j].code_pos]);
    if (!adjacent(i, j, first)) continue;
    IOp fused = chain_pair_form(first, second);
    if (fused != IOp::Count) fc.code[offs[i].code_pos] = static_cast<uint32_t>(fused);
  }
}

} // namespace wasmcap::interp

// Pair fusion: a pass over a lowered function that gives an instruction the op running it and
// the instruction after it in one dispatch (`FIRSTThenSECOND`, `IncNAME`, and chain pairs whose
// second is itself such an op; see code.h). It runs after lowering so that the lowering's own
// rewrites (instructions taken back into a fused consumer, compares folded into branches) have
// all happened: both instructions are final.
#include <array>
#include <cstddef>
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
  case IOp::I32AndImm:
  case IOp::I32Add:
  case IOp::F64Load:
  case IOp::F64Add:
  case IOp::F64Mul: return 4;
  case IOp::F64LoadAddImm:
  case IOp::I32AddI32ShlImm:
  case IOp::I32AddI32AddImm: return 5;
  case IOp::F64AddLoad:
  case IOp::F64MulLoad:
  case IOp::F64MulImmStore: return 6;
  default: return 0;
  }
}

// Whether an op is the second of some WASMCAP_THEN_PAIRS / WASMCAP_CHAIN_PAIRS member: the pair
// lookups below compare against every list entry, and most instructions are nobody's second
// (without this test the lookups were 1.5% of a small run's instructions, all compile time).
#define WASMCAP_SECOND(a, b) t[static_cast<size_t>(IOp::b)] = true;
#define WASMCAP_SECONDS_OF(LIST)                                                                   \
  [] {                                                                                             \
    std::array<bool, kIOpCount> t{};                                                               \
    LIST(WASMCAP_SECOND)                                                                           \
    return t;                                                                                      \
  }()
constexpr std::array<bool, kIOpCount> kThenSecond = WASMCAP_SECONDS_OF(WASMCAP_THEN_PAIRS);
constexpr std::array<bool, kIOpCount> kChainSecond = WASMCAP_SECONDS_OF(WASMCAP_CHAIN_PAIRS);
#undef WASMCAP_SECONDS_OF
#undef WASMCAP_SECOND
} // namespace

// One `if` per list member: the pair op `aThenb` when (first, second) is (a, b).
#define WASMCAP_THEN_CASE(a, b)                                                                    \
  if (first == IOp::a && second == IOp::b) return IOp::a##Then##b;

IOp pair_form(IOp first, IOp second) {
  if (first == IOp::I32AddImm && inc_form(second) != IOp::Count) return inc_form(second);
  if (second >= IOp::Count || !kThenSecond[static_cast<size_t>(second)]) return IOp::Count;
  WASMCAP_THEN_PAIRS(WASMCAP_THEN_CASE)
  return IOp::Count;
}

IOp chain_pair_form(IOp first, IOp second) {
  if (second >= IOp::Count || !kChainSecond[static_cast<size_t>(second)]) return IOp::Count;
  WASMCAP_CHAIN_PAIRS(WASMCAP_THEN_CASE)
  return IOp::Count;
}
#undef WASMCAP_THEN_CASE

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
  // One pass from the end backwards, so that each instruction's successor is final when it is
  // looked at: the instruction gets the chain pair with its successor's (pair) op if there is
  // one, else the plain pair with its successor. Every instruction gets the longest run that
  // starts at it, so whether the code is entered at an instruction (a loop head, a branch
  // target, a return address) or falls into it, no dispatch is wasted; the layout does not
  // change, so a jump to a second still runs it (and what it starts) on its own.
  IOp plain_second = IOp::Count; // the op of offs[j] before this pass rewrote it
  for (size_t i = offs.size(); i-- > 0;) {
    size_t j = next(i);
    auto first = static_cast<IOp>(fc.code[offs[i].code_pos]); // not rewritten yet
    IOp plain_next = plain_second;
    if (!offs[i].inner) plain_second = first;
    if (j == SIZE_MAX) continue;
    if (first_length(first) != offs[j].code_pos - offs[i].code_pos) continue;
    auto second = static_cast<IOp>(fc.code[offs[j].code_pos]);
    IOp fused = chain_pair_form(first, second);
    if (fused == IOp::Count) fused = pair_form(first, plain_next);
    if (fused != IOp::Count) fc.code[offs[i].code_pos] = static_cast<uint32_t>(fused);
  }
}

} // namespace wasmcap::interp

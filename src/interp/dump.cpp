// A debug listing of lowered code: `WASMCAP_INTERP_DUMP=1` makes compile() print every
// function's internal code (op names and operand words, before threading) to stderr. Used to
// count dispatches per iteration of hot loops when choosing fusions; not a stable format.
#include "interp/dump.h"

#include <cstdio>
#include <cstdlib>
#include <string>

#include "ir/opcode.h"

namespace wasmcap::interp {

namespace {
// The internal ops' names, generated from the same lists as the IOp enum (code.h).
std::string internal_name(IOp op) {
  switch (op) {
  case IOp::Copy: return "Copy";
  case IOp::CopyN: return "CopyN";
  case IOp::Const32: return "Const32";
  case IOp::Const64: return "Const64";
  case IOp::BrUnless: return "BrUnless";
  case IOp::Fuel: return "Fuel";
  case IOp::Copy128: return "Copy128";
  case IOp::Select128: return "Select128";
  case IOp::GlobalGet128: return "GlobalGet128";
  case IOp::GlobalSet128: return "GlobalSet128";
  case IOp::CallDirect: return "CallDirect";
  case IOp::CallDirectPoll: return "CallDirectPoll";
  case IOp::FuelOsr: return "FuelOsr";
  case IOp::LoopPoll: return "LoopPoll";
  case IOp::UseMemory: return "UseMemory";
  case IOp::MemoryCopyBetween: return "MemoryCopyBetween";
  case IOp::Mem64Window: return "Mem64Window";
  case IOp::MemorySize64: return "MemorySize64";
  case IOp::MemoryGrow64: return "MemoryGrow64";
  case IOp::MemoryFill64: return "MemoryFill64";
  case IOp::MemoryInit64: return "MemoryInit64";
  case IOp::MemoryCopy64: return "MemoryCopy64";
  case IOp::Sat32: return "Sat32";
  case IOp::IncBrIf: return "IncBrIf";
  case IOp::IncBrUnless: return "IncBrUnless";
#define N(name) #name
#define IMM(name)                                                                                  \
  case IOp::name##Imm: return N(name) "Imm";
    WASMCAP_IMM_BINOPS(IMM)
#undef IMM
#define CMP(name)                                                                                  \
  case IOp::BrIf##name: return "BrIf" N(name);                                                     \
  case IOp::BrUnless##name: return "BrUnless" N(name);                                             \
  case IOp::BrIf##name##Imm: return "BrIf" N(name) "Imm";                                          \
  case IOp::BrUnless##name##Imm: return "BrUnless" N(name) "Imm";                                  \
  case IOp::IncBrIf##name: return "IncBrIf" N(name);                                               \
  case IOp::IncBrUnless##name: return "IncBrUnless" N(name);                                       \
  case IOp::IncBrIf##name##Imm: return "IncBrIf" N(name) "Imm";                                    \
  case IOp::IncBrUnless##name##Imm: return "IncBrUnless" N(name) "Imm";
    WASMCAP_CMP_OPS(CMP)
#undef CMP
#define LOAD(name)                                                                                 \
  case IOp::name##AddImm: return N(name) "AddImm";                                                 \
  case IOp::name##Add: return N(name) "Add";
    WASMCAP_LOAD_OPS(LOAD)
#undef LOAD
#define LB(name, ld)                                                                               \
  case IOp::name##Load: return N(name) "Load";
    WASMCAP_LOAD_BINOPS(LB)
#undef LB
#define SB(name, st)                                                                               \
  case IOp::name##Store: return N(name) "Store";                                                   \
  case IOp::name##ImmStore: return N(name) "ImmStore";
    WASMCAP_STORE_BINOPS(SB)
#undef SB
#define LSB(name, st)                                                                              \
  case IOp::name##LoadStore: return N(name) "LoadStore";
    WASMCAP_LOAD_STORE_BINOPS(LSB)
#undef LSB
#define BO(outer, inner)                                                                           \
  case IOp::outer##inner: return N(outer) N(inner);
    WASMCAP_BIN_OPERAND_OPS(BO)
#undef BO
#define IO(outer, inner)                                                                           \
  case IOp::outer##inner##Imm: return N(outer) N(inner) "Imm";
    WASMCAP_IMM_OPERAND_OPS(IO)
#undef IO
#define BOS(outer, inner, st)                                                                      \
  case IOp::outer##inner##Store: return N(outer) N(inner) "Store";
    WASMCAP_BIN_OPERAND_STORES(BOS)
#undef BOS
#define TP(first, second)                                                                          \
  case IOp::first##Then##second: return N(first) "Then" N(second);
    WASMCAP_THEN_PAIRS(TP)
    WASMCAP_CHAIN_PAIRS(TP)
#undef TP
#undef N
  default: return "?" + std::to_string(static_cast<uint32_t>(op));
  }
}
} // namespace

std::string op_name(IOp op) {
  auto o = static_cast<uint32_t>(op);
  if (o < ir::kOpCount) return ir::op_info(static_cast<ir::Op>(o)).text;
  return internal_name(op);
}

bool dump_requested() {
  static const bool on = [] {
    const char* v = std::getenv("WASMCAP_INTERP_DUMP");
    return v != nullptr && *v != '\0' && *v != '0';
  }();
  return on;
}

void dump_function(const FunctionCode& fc, std::FILE* out) {
  std::fprintf(out, "func %u (params %u, locals %u, frame %u)\n", fc.func_index, fc.num_params,
               fc.num_locals, fc.frame_slots);
  const auto& offs = fc.offsets;
  for (size_t i = 0; i < offs.size(); ++i) {
    if (offs[i].inner) continue;
    uint32_t at = offs[i].code_pos;
    size_t j = i + 1;
    while (j < offs.size() && offs[j].inner)
      ++j;
    uint32_t end = j < offs.size() ? offs[j].code_pos : static_cast<uint32_t>(fc.code.size());
    std::fprintf(out, "  %5u  %-24s", at, op_name(static_cast<IOp>(fc.code[at])).c_str());
    for (uint32_t k = at + 1; k < end; ++k)
      std::fprintf(out, " %d", static_cast<int32_t>(fc.code[k]));
    std::fprintf(out, "\n");
  }
}

} // namespace wasmcap::interp

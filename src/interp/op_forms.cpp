// The op-family lookups declared in code.h: for a plain op (or a pair of ops), its fused or
// immediate form from the X-macro lists, IOp::Count when there is none. Used by the lowering
// (lower.cpp); the pair forms are in pairs.cpp.
#include "interp/code.h"

namespace wasmcap::interp {

IOp imm_form(IOp op) {
  switch (op) {
#define WASMCAP_IMM_CASE(name)                                                                     \
  case IOp::name: return IOp::name##Imm;
    WASMCAP_IMM_BINOPS(WASMCAP_IMM_CASE)
#undef WASMCAP_IMM_CASE
  default: return IOp::Count;
  }
}

IOp fused_branch(IOp cmp, bool when_true) {
  switch (cmp) {
#define WASMCAP_CMP_CASE(name)                                                                     \
  case IOp::name: return when_true ? IOp::BrIf##name : IOp::BrUnless##name;                        \
  case IOp::name##Imm: return when_true ? IOp::BrIf##name##Imm : IOp::BrUnless##name##Imm;
    WASMCAP_CMP_OPS(WASMCAP_CMP_CASE)
#undef WASMCAP_CMP_CASE
  default: return IOp::Count;
  }
}

IOp add_imm_form(IOp load) {
  switch (load) {
#define WASMCAP_LOAD_CASE(name)                                                                    \
  case IOp::name: return IOp::name##AddImm;
    WASMCAP_LOAD_OPS(WASMCAP_LOAD_CASE)
#undef WASMCAP_LOAD_CASE
  default: return IOp::Count;
  }
}

IOp add_form(IOp load) {
  switch (load) {
#define WASMCAP_LOAD_CASE(name)                                                                    \
  case IOp::name: return IOp::name##Add;
    WASMCAP_LOAD_OPS(WASMCAP_LOAD_CASE)
#undef WASMCAP_LOAD_CASE
  default: return IOp::Count;
  }
}

IOp load_operand_form(IOp binop, IOp load) {
#define WASMCAP_LOAD_BINOP_CASE(name, ld)                                                          \
  if (binop == IOp::name && (load == IOp::ld || load == IOp::ld##AddImm)) return IOp::name##Load;
  WASMCAP_LOAD_BINOPS(WASMCAP_LOAD_BINOP_CASE)
#undef WASMCAP_LOAD_BINOP_CASE
  return IOp::Count;
}

IOp store_form(IOp value, IOp store) {
#define WASMCAP_STORE_BINOP_CASE(name, st)                                                         \
  if (store == IOp::st && value == IOp::name) return IOp::name##Store;                             \
  if (store == IOp::st && value == IOp::name##Imm) return IOp::name##ImmStore;
  WASMCAP_STORE_BINOPS(WASMCAP_STORE_BINOP_CASE)
#undef WASMCAP_STORE_BINOP_CASE
#define WASMCAP_LOAD_STORE_CASE(name, st)                                                          \
  if (store == IOp::st && value == IOp::name##Load) return IOp::name##LoadStore;
  WASMCAP_LOAD_STORE_BINOPS(WASMCAP_LOAD_STORE_CASE)
#undef WASMCAP_LOAD_STORE_CASE
#define WASMCAP_OPERAND_STORE_CASE(outer, inner, st)                                               \
  if (store == IOp::st && value == IOp::outer##inner) return IOp::outer##inner##Store;
  WASMCAP_BIN_OPERAND_STORES(WASMCAP_OPERAND_STORE_CASE)
#undef WASMCAP_OPERAND_STORE_CASE
  return IOp::Count;
}

IOp operand_form(IOp outer, IOp inner) {
#define WASMCAP_OPERAND_CASE(out, in)                                                              \
  if (outer == IOp::out && inner == IOp::in) return IOp::out##in;
  WASMCAP_BIN_OPERAND_OPS(WASMCAP_OPERAND_CASE)
#undef WASMCAP_OPERAND_CASE
#define WASMCAP_OPERAND_CASE(out, in)                                                              \
  if (outer == IOp::out && inner == IOp::in##Imm) return IOp::out##in##Imm;
  WASMCAP_IMM_OPERAND_OPS(WASMCAP_OPERAND_CASE)
#undef WASMCAP_OPERAND_CASE
  return IOp::Count;
}

} // namespace wasmcap::interp

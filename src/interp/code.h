// The interpreter's internal code: per function a flat array of 32-bit words, each instruction
// an op followed by pre-resolved operands (frame slot indices, immediates, relative targets).
// The op word is an IOp while lowering and its handler's address offset once threaded.
#pragma once

#include <atomic>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "ir/opcode.h"

namespace wasmcap::runtime {
class ModuleCode;
}

namespace wasmcap::interp {

// Binary ops that also exist with a constant second operand (`NAMEImm`: [dst s, a s, imm], the
// immediate one word for i32 ops, two (low first) for i64 ops): the lowering folds an
// `i32.const` feeding them instead of materializing it in a slot.
// (clang-format is not idempotent on these lists.)
// clang-format off
#define WASMCAP_IMM_BINOPS(X) \
  X(I32Add) X(I32Sub) X(I32Mul) X(I32And) X(I32Or) X(I32Xor) X(I32Shl) X(I32ShrS) X(I32ShrU) \
  X(I32Rotl) X(I32Rotr) \
  X(I64Add) X(I64Sub) X(I64Mul) X(I64And) X(I64Or) X(I64Xor) X(I64Shl) X(I64ShrS) X(I64ShrU) \
  X(I64Rotl) X(I64Rotr) \
  X(F32Add) X(F32Sub) X(F32Mul) X(F32Div) X(F64Add) X(F64Sub) X(F64Mul) X(F64Div) \
  WASMCAP_CMP_OPS(X)
// Comparisons that fuse with a following br_if / if into one conditional jump:
// `BrIfNAME` / `BrUnlessNAME` [a s, b s, t] and `BrIfNAMEImm` / `BrUnlessNAMEImm` [a s, imm, t].
#define WASMCAP_CMP_OPS(X) \
  X(I32Eq) X(I32Ne) X(I32LtS) X(I32LtU) X(I32GtS) X(I32GtU) X(I32LeS) X(I32LeU) X(I32GeS) \
  X(I32GeU) X(I64Eq) X(I64Ne) X(I64LtS) X(I64LtU) X(I64GtS) X(I64GtU) X(I64LeS) X(I64LeU) \
  X(I64GeS) X(I64GeU)
// Loads whose address is an `i32.add` emitted just before: of a constant (`NAMEAddImm`: [dst s,
// base s, addend, offset]) or of two operands (`NAMEAdd`: [dst s, base s, index s, offset]); the
// address is the 32-bit sum (wrapping, as the i32.add did) plus offset.
#define WASMCAP_LOAD_OPS(X) \
  X(I32Load) X(I64Load) X(F32Load) X(F64Load) X(I32Load8S) X(I32Load8U) X(I32Load16S) \
  X(I32Load16U) X(I64Load8S) X(I64Load8U) X(I64Load16S) X(I64Load16U) X(I64Load32S) X(I64Load32U)
// Binary ops whose second operand is a full-width load emitted just before them
// (`NAMELoad`: [dst s, a s, base s, addend, offset], the address as in the AddImm loads).
#define WASMCAP_LOAD_BINOPS(X) \
  X(F32Add, F32Load) X(F32Sub, F32Load) X(F32Mul, F32Load) X(F32Div, F32Load) \
  X(F64Add, F64Load) X(F64Sub, F64Load) X(F64Mul, F64Load) X(F64Div, F64Load) \
  X(I32Add, I32Load) X(I64Add, I64Load)
// Binary ops whose result goes straight to memory: a full-width store of the value computed
// just before it (`NAMEStore`: [base s, offset, a s, b s]; `NAMEImmStore`: [base s, offset, a s,
// imm]). Only the store can trap, so the fused op carries the store's wasm offset.
#define WASMCAP_STORE_BINOPS(X) \
  X(F32Add, F32Store) X(F32Sub, F32Store) X(F32Mul, F32Store) X(F32Div, F32Store) \
  X(F64Add, F64Store) X(F64Sub, F64Store) X(F64Mul, F64Store) X(F64Div, F64Store) \
  X(I32Add, I32Store) X(I32Sub, I32Store) X(I32And, I32Store) X(I32Or, I32Store) \
  X(I32Xor, I32Store) X(I64Add, I64Store) X(I64Sub, I64Store) X(I64And, I64Store) \
  X(I64Or, I64Store) X(I64Xor, I64Store)
// The same for the load-operand binops (`NAMELoadStore`: [base s, offset, a s, lbase s, addend,
// loffset]): two trap sites, so the op has a second OffsetEntry (`inner`) at its second word for
// the store, and the handler reports a store trap at pc + 1.
#define WASMCAP_LOAD_STORE_BINOPS(X) \
  X(F32Add, F32Store) X(F32Sub, F32Store) X(F32Mul, F32Store) X(F32Div, F32Store) \
  X(F64Add, F64Store) X(F64Sub, F64Store) X(F64Mul, F64Store) X(F64Div, F64Store) \
  X(I32Add, I32Store) X(I64Add, I64Store)
// Binary ops whose second operand is computed by another op emitted just before:
// `OUTERINNER` [dst s, a s, b s, c s] = OUTER(a, INNER(b, c)) and `OUTERINNERImm` [dst s, a s,
// b s, imm] = OUTER(a, INNER(b, imm)) (INNER from WASMCAP_IMM_BINOPS). Float results are rounded
// by each op, as wasm requires: no FMA contraction.
#define WASMCAP_BIN_OPERAND_OPS(X) \
  X(F32Add, F32Mul) X(F32Sub, F32Mul) X(F64Add, F64Mul) X(F64Sub, F64Mul) \
  X(I32Add, I32Xor) X(I32Xor, I32And) X(I32Or, I32And) X(I32Add, I32Add)
#define WASMCAP_IMM_OPERAND_OPS(X) \
  X(I32Add, I32Shl) X(I32Add, I32Mul) X(I32Xor, I32Rotl) X(I32Xor, I32ShrU) X(I32Xor, I32Shl) \
  X(I32Add, I32Rotl) X(I64Xor, I64ShrU) X(I64Xor, I64Shl) X(I64Add, I64Shl) X(I32Add, I32Add)
// Stores of the multiply-add forms (`OUTERINNERStore`: [base s, offset, a s, b s, c s]).
#define WASMCAP_BIN_OPERAND_STORES(X) \
  X(F32Add, F32Mul, F32Store) X(F32Sub, F32Mul, F32Store) X(F64Add, F64Mul, F64Store) \
  X(F64Sub, F64Mul, F64Store)
// clang-format on
// Pairs of consecutive instructions run by one dispatch (fuse_pairs, after lowering): the first
// keeps its operands and gets op `FIRSTThenSECOND`, which runs it and then, by a direct tail
// call, the second instruction (unchanged, its op word unused on this path). The code layout
// does not change, so a jump to the second instruction still runs it alone.
// clang-format off
#define WASMCAP_THEN_PAIRS(X) \
  X(Copy, Copy) X(Copy, Br) X(Copy, BrIf) X(Copy, BrUnless) X(Copy, I32AddImm) X(Copy, Const32) \
  X(I32AddImm, I32AddImm) X(I32AddImm, Copy) X(I32AddImm, Br) X(I32AddImm, I32Store) \
  X(Const32, Const32) X(Const32, Copy) X(Const32, Br) X(Const32, I32Store) \
  X(Copy, I32RotlImm) X(Copy, I32XorImm) X(Copy, I32OrI32And) X(Copy, Select) X(Copy, Return) \
  X(Copy, CallDirect) X(I32AddImm, CallDirect) X(I32Add, Return) X(Const32, I32Load) \
  X(I32AndImm, BrIf) X(I32AndImm, BrUnless) X(Const32, BrIfI32LtUImm) X(Const32, BrIfI32LtSImm) \
  X(Const32, BrIfI32GtUImm) X(Const32, BrIfI32GtSImm) X(Const32, BrIfI32EqImm) \
  X(Const32, BrIfI32NeImm) X(I32AddImm, Return) X(I32Add, I32Add) X(I32Add, I32AddImm) \
  X(I32Add, I32Load) X(I32Add, F64Load)
// clang-format on
// The same for `i32.add x, C` (a loop counter step) followed by a conditional branch:
// `IncNAME`, NAME being BrIf, BrUnless or a WASMCAP_CMP_OPS branch form.
// Chain pairs: the first may trap (a load or store: reported at its own pc) and the second may
// itself be a pair or chain op (`IncBrIf`, ...), so several instructions run by one dispatch:
// the float loops' load/op chains, `store; i++; loop`, copy runs, a stencil's whole update.
// clang-format off
// A chain pair that is the second of another one comes first in this list.
#define WASMCAP_CHAIN_PAIRS(X) \
  X(F64MulLoad, F64AddLoadStore) X(F64AddLoad, F64AddLoad) X(F64LoadAddImm, F64Add) \
  X(I32Add, F64AddLoad) X(F64MulImmStore, IncBrIf) X(F64Mul, F64AddLoadStore) \
  X(F64Mul, F64SubF64MulStore) \
  X(I32AddImm, F64MulLoadThenF64AddLoadStore) X(F64Mul, F64MulThenF64AddLoadStore) \
  X(F64Load, F64MulThenF64SubF64MulStore) X(I32AddI32AddImm, I32AddThenF64AddLoad) \
  X(I32AddI32ShlImm, I32Load) X(I32AddI32ShlImm, I64Load) \
  WASMCAP_COPY_CHAINS(X) WASMCAP_STEP_CHAINS(X) WASMCAP_STENCIL_CHAIN(X)
// Runs of three and four copies (the a..h rotation of a hash round, block results), copies of
// call arguments, `x = y; i++; loop`.
#define WASMCAP_COPY_CHAINS(X) X(Copy, CopyThenCopy) X(Copy, CopyThenCopyThenCopy) \
  X(Copy, CopyThenCallDirect) X(Copy, CopyThenCopyThenCallDirect) \
  X(I32AddImm, CopyThenCallDirect) X(I32AddImm, CopyThenCopyThenCallDirect) X(Copy, IncBrIf)
// Two counter steps before a loop branch: `p += C; q += C; if (i != n) continue`, and a sum
// before one: `s += x; i++; if (i < n) continue`.
#define WASMCAP_STEP_CHAINS(X) \
  X(I32AddImm, IncBrIfI32Ne) X(I32AddImm, IncBrIfI32NeImm) \
  X(I32AddImm, I32AddImmThenIncBrIfI32Ne) X(I32AddImm, I32AddImmThenIncBrIfI32NeImm) \
  X(I32Add, IncBrIf) X(I32Add, IncBrIfI32Ne) X(I32Add, IncBrIfI32NeImm) X(I32Add, IncBrIfI32LtS) \
  X(I32Add, IncBrIfI32LtSImm) X(I32Add, IncBrIfI32LtU) X(I32Add, IncBrIfI32LtUImm) \
  X(I32Add, IncBrIfI32GtSImm) X(I32Add, IncBrIfI32GtUImm)
// A five-point stencil's whole update: three address adds, five loads summed, a scaled store,
// the counter step and the loop branch, in one dispatch (each link a direct jump).
#define WASMCAP_STENCIL_CHAIN(X) \
  X(F64AddLoad, F64MulImmStoreThenIncBrIf) \
  X(F64AddLoad, F64AddLoadThenF64MulImmStoreThenIncBrIf) \
  X(F64Add, F64AddLoadThenF64AddLoadThenF64MulImmStoreThenIncBrIf) \
  X(F64LoadAddImm, F64AddThenF64AddLoadThenF64AddLoadThenF64MulImmStoreThenIncBrIf) \
  X(F64AddLoad, \
    F64LoadAddImmThenF64AddThenF64AddLoadThenF64AddLoadThenF64MulImmStoreThenIncBrIf) \
  X(I32Add, \
    F64AddLoadThenF64LoadAddImmThenF64AddThenF64AddLoadThenF64AddLoadThenF64MulImmStoreThenIncBrIf) \
  X(I32AddI32AddImm, \
    I32AddThenF64AddLoadThenF64LoadAddImmThenF64AddThenF64AddLoadThenF64AddLoadThenF64MulImmStoreThenIncBrIf)
// clang-format on

enum class IOp : uint32_t {
#define WASM_OP(name, text, prefix, code, imm, sig, align) name,
#include "ir/opcodes.def"
#undef WASM_OP
  // Internal ops (operands in brackets; slots are frame-relative, targets are code offsets).
  Copy,     // [dst, src]
  CopyN,    // [dst, src, n]             ascending copy, dst < src
  Const32,  // [dst, bits]
  Const64,  // [dst, lo, hi]
  BrUnless, // [cond, target]              (all targets: relative to the target word itself)
  Fuel,     // [cost]                    loop header: charges the loop body's instruction count
  // v128 values take two consecutive slots; these move them whole.
  Copy128,      // [dst, src]
  Select128,    // [a s (also dst), b s, cond s]
  GlobalGet128, // [dst s, g]
  GlobalSet128, // [src s, g]
  CallDirect,   // [callee FunctionCode* lo, hi, arg base s]  a call within the same module
  // CallDirect's words; checks the store's poll flag first (tiering, CompileOptions::poll_calls)
  CallDirectPoll,
  // On-stack replacement points (docs/tiering.md): the headers of the loops, in code lowered for
  // tiering, where no operand is on the stack (only locals are live, so compiled code can take
  // over from the frame's slots). FuelOsr [cost] is Fuel whose slow path (the counter ran out,
  // every Store::kFuelChunk units at most) also tries the switch; LoopPoll [] (unmetered code)
  // counts down Machine::osr_countdown and does the same when it runs out.
  FuelOsr,
  LoopPoll,
  // Multiple memories: the loads, stores and memory ops of the instruction after it use memory
  // [index] (mem registers and Machine::mem0 switched); `UseMemory [0]` after it switches back.
  UseMemory,
  MemoryCopyBetween, // [d s, s s, n s, dst memory, src memory]  memory.copy of two memories
  // 64-bit memories and tables (memory64; lower_memory64.cpp, memory64_dispatch.inc). A load or
  // store on an i64 memory runs between `Mem64Window [memory, addr s, offset lo, offset hi]` and
  // `UseMemory [0]`: the window adds address and offset in 64 bits, traps past the memory, and
  // points the mem registers so that the plain op (offset 0) finds the effective address.
  Mem64Window,
  MemorySize64, // [dst s, memory]
  MemoryGrow64, // [dst s, delta s, memory]
  MemoryFill64, // [d s, val s, n s, memory]
  MemoryInit64, // [d s, s s, n s, data, memory]
  MemoryCopy64, // [d s, s s, n s, dst memory, src memory, widths]  bit 0: d is i64, bit 1: s
  Sat32,        // [slot]  an i64 table index, clamped to u32 in place (past the largest table)
#define WASMCAP_IMM_ENUM(name) name##Imm,
  WASMCAP_IMM_BINOPS(WASMCAP_IMM_ENUM)
#undef WASMCAP_IMM_ENUM
#define WASMCAP_CMP_ENUM(name) BrIf##name, BrUnless##name, BrIf##name##Imm, BrUnless##name##Imm,
      WASMCAP_CMP_OPS(WASMCAP_CMP_ENUM)
#undef WASMCAP_CMP_ENUM
#define WASMCAP_LOAD_ENUM(name) name##AddImm, name##Add,
          WASMCAP_LOAD_OPS(WASMCAP_LOAD_ENUM)
#undef WASMCAP_LOAD_ENUM
#define WASMCAP_LOAD_BINOP_ENUM(name, load) name##Load,
              WASMCAP_LOAD_BINOPS(WASMCAP_LOAD_BINOP_ENUM)
#undef WASMCAP_LOAD_BINOP_ENUM
#define WASMCAP_STORE_BINOP_ENUM(name, store) name##Store, name##ImmStore,
                  WASMCAP_STORE_BINOPS(WASMCAP_STORE_BINOP_ENUM)
#undef WASMCAP_STORE_BINOP_ENUM
#define WASMCAP_LOAD_STORE_ENUM(name, store) name##LoadStore,
                      WASMCAP_LOAD_STORE_BINOPS(WASMCAP_LOAD_STORE_ENUM)
#undef WASMCAP_LOAD_STORE_ENUM
#define WASMCAP_OPERAND_ENUM(outer, inner) outer##inner,
                          WASMCAP_BIN_OPERAND_OPS(WASMCAP_OPERAND_ENUM)
#undef WASMCAP_OPERAND_ENUM
#define WASMCAP_OPERAND_ENUM(outer, inner) outer##inner##Imm,
                              WASMCAP_IMM_OPERAND_OPS(WASMCAP_OPERAND_ENUM)
#undef WASMCAP_OPERAND_ENUM
#define WASMCAP_OPERAND_ENUM(outer, inner, store) outer##inner##Store,
                                  WASMCAP_BIN_OPERAND_STORES(WASMCAP_OPERAND_ENUM)
#undef WASMCAP_OPERAND_ENUM
#define WASMCAP_THEN_ENUM(first, second) first##Then##second,
                                      WASMCAP_THEN_PAIRS(WASMCAP_THEN_ENUM)
                                          WASMCAP_CHAIN_PAIRS(WASMCAP_THEN_ENUM)
#undef WASMCAP_THEN_ENUM
                                              IncBrIf,
  IncBrUnless,
#define WASMCAP_INC_ENUM(name)                                                                     \
  IncBrIf##name, IncBrUnless##name, IncBrIf##name##Imm, IncBrUnless##name##Imm,
  WASMCAP_CMP_OPS(WASMCAP_INC_ENUM)
#undef WASMCAP_INC_ENUM
      Count
};
constexpr uint32_t kIOpCount = static_cast<uint32_t>(IOp::Count);

inline IOp iop(ir::Op op) {
  return static_cast<IOp>(static_cast<uint16_t>(op));
}

// Every value lives in 8-byte slots: one per i32/i64/f32/f64/ref, two (low half first) per v128.
// Operand layouts of the wasm ops as lowered (s = slot, t = code target, i = immediate). A source
// slot may be a local's own slot (a folded local.get) and a result slot a local's (a folded
// local.set); t words hold the target's distance from the t word itself.
//   numeric/memory ops with a Sig: [result s if any, param s..., then immediates]:
//     MemArg -> offset; MemoryInit/Data/Elem -> segment index; Memory/MemoryCopy -> none;
//     Lane -> lane; MemArgLane -> offset, lane; V128/Shuffle -> 4 words of the 16 bytes
//   Return [src s, n slots]  (branch copies and CopyN count slots too)
//   Unreachable []  Br [t]  BrIf [cond s, t]  BrTable [index s, n, t*n, default t]
//   Call [func, arg base s]  CallIndirect [type, table, arg base s, index s]
//   ReturnCall [func, arg base s, arg slots]  ReturnCallIndirect [type, table, arg base s,
//     index s, arg slots]  (the frame is reused: the arguments move down to its base)
//   Select [a s (also dst), b s, cond s]  GlobalGet [dst s, g]  GlobalSet [src s, g]
//   TableGet [idx s (also dst), table]  TableSet [idx s, val s, table]  TableSize [dst s, table]
//   TableGrow [init s (also dst), n s, table]  TableFill [i s, val s, n s, table]
//   TableCopy [d s, s s, n s, dst table, src table]  TableInit [d s, s s, n s, elem, table]
//   RefNull [dst s]  RefIsNull [dst s, src s]  RefFunc [dst s, func]
//   CallRef [type, arg base s, ref s]  ReturnCallRef [type, arg base s, ref s, arg slots]
//   RefAsNonNull [src s]  (br_on_null, br_on_non_null: RefIsNull into a scratch slot, BrIf)
//   RefEq [dst s, a s, b s]  RefI31, I31GetS, I31GetU [dst s, src s]
//   RefTest [dst s, src s, target type bits, canonical id]  RefCast [src s, target bits, id]
//   (br_on_cast, br_on_cast_fail: RefTest into a scratch slot, BrIf / BrUnless)
//   Throw [tag, arg base s]  ThrowRef [src s]  (rethrow: ThrowRef of the catch's exception slot)
//   try_table, try, catch, catch_all, delegate: no code, FunctionCode::try_ranges

// The fused op for comparison `cmp` (a WASMCAP_CMP_OPS member or its Imm form) jumping when the
// comparison is true (BrIf...) or false (BrUnless...); IOp::Count when `cmp` does not fuse.
IOp fused_branch(IOp cmp, bool when_true);
// `NAMEImm` for a WASMCAP_IMM_BINOPS member, else IOp::Count.
IOp imm_form(IOp op);
// `NAMEAddImm` / `NAMEAdd` for a WASMCAP_LOAD_OPS member, else IOp::Count.
IOp add_imm_form(IOp load);
IOp add_form(IOp load);
// `NAMELoad` for the WASMCAP_LOAD_BINOPS pair (binop, load), else IOp::Count; `load` may be the
// plain load or its AddImm form.
IOp load_operand_form(IOp binop, IOp load);
// The fused store of `value` (a WASMCAP_STORE_BINOPS member, its Imm form, a
// WASMCAP_LOAD_STORE_BINOPS `NAMELoad` or a WASMCAP_BIN_OPERAND_STORES `OUTERINNER`) by `store`,
// else IOp::Count.
IOp store_form(IOp value, IOp store);
// The op running `first` and then `second` in one dispatch (`IncNAME` or a WASMCAP_THEN_PAIRS
// member), else IOp::Count.
IOp pair_form(IOp first, IOp second);
// The same for WASMCAP_CHAIN_PAIRS (`second` may be a pair op), else IOp::Count.
IOp chain_pair_form(IOp first, IOp second);

// `OUTERINNER` / `OUTERINNERImm` for `outer` whose second operand `inner` computed (inner a
// WASMCAP_BIN_OPERAND_OPS member or the Imm form of a WASMCAP_IMM_OPERAND_OPS one), else
// IOp::Count.
IOp operand_form(IOp outer, IOp inner);

// Where an instruction of the internal code came from, for backtraces.
struct OffsetEntry {
  uint32_t code_pos;
  uint64_t wasm_offset;
  // A second trap site inside a fused instruction (code_pos is not an op word; see
  // WASMCAP_LOAD_STORE_BINOPS): thread_code skips it.
  bool inner = false;
};

// Exception handling: a try_table's (or legacy try's) protected code range and what catches
// there. Nothing is emitted for them in the code: a throw looks the handler up here
// (dispatch.cpp, unwind), so code that does not throw runs exactly as without them.
struct CatchEntry {
  static constexpr uint32_t kAll = UINT32_MAX;    // tag: every exception (catch_all)
  static constexpr uint32_t kReturn = UINT32_MAX; // target: the function's own label
  static constexpr uint32_t kNone = UINT32_MAX;
  uint32_t tag = kAll; // the module's tag index
  bool payload = true; // the payload goes to dst.. (catch, catch_ref, legacy catch)
  bool ref = false;    // then the exnref (catch_ref, catch_all_ref)
  uint32_t dst = 0;    // first slot of the values handed to the label
  // Legacy catch/catch_all: the slot keeping the exception for `rethrow`.
  uint32_t exn_slot = kNone;
  uint32_t target = kReturn; // code position the handler continues at
};
struct TryRange {
  static constexpr uint32_t kNone = UINT32_MAX;
  uint32_t start = 0, end = 0; // [start, end) of the code positions it protects
  uint32_t first_catch = 0, num_catches = 0;
  // The range searched next when none of these catches matches: the innermost one around this
  // one, or for a legacy `delegate` the one around its target label. kNone: the caller.
  uint32_t outer = kNone;
};

struct FunctionCode {
  std::vector<uint32_t> code;
  uint32_t func_index = 0;          // in the module's function index space
  uint32_t num_params = 0;          // slots holding parameters (first in the frame)
  uint32_t num_locals = 0;          // slots holding parameters and declared locals
  uint32_t num_results = 0;         // slots the results occupy at the frame base on return
  uint32_t frame_slots = 0;         // locals + the deepest operand stack
  uint32_t entry_cost = 1;          // fuel charged on entry: the body's instructions outside loops
  std::vector<OffsetEntry> offsets; // sorted by code_pos, one per emitted instruction (+ inner)
  // In the order the ranges open (outer before inner): the innermost range holding a position
  // is the last one that holds it.
  std::vector<TryRange> try_ranges;
  std::vector<CatchEntry> catches;
  // CallDirect pointer words to fill once every function is lowered: (code position, callee's
  // defined-function index).
  std::vector<std::pair<uint32_t, uint32_t>> direct_calls;
  // The CompiledModule holding this function (is_foreign: the caller's own module's code).
  const runtime::ModuleCode* owner = nullptr;
  // Code lowered for tiering with on-stack replacement points (FuelOsr/LoopPoll): its entry in
  // the module's table of functions seen running (CompiledModule::osr_candidates), which decides
  // which functions get compiled entries. Null when it has none.
  bool has_osr_points = false;
  std::atomic<bool>* seen_running = nullptr;
  // Code lowered for tiering: how often this function was among the running frames at those
  // same slow paths, weighted by how near the top (CompiledModule::samples, from which tiering
  // picks the functions of per-function tier-up's first batch). Null otherwise.
  std::atomic<uint32_t>* samples = nullptr;
  // The GC's stack map (docs/gc.md, "Roots"): at each instruction that may lead to a collection
  // (a call, an allocation), the frame slots holding references the collector must see (GC
  // locals and the live operands of the any and extern hierarchies). Sorted by code position;
  // empty when nothing in the module can hold a GC reference.
  struct GcSafepoint {
    uint32_t code_pos; // where the instruction's lowering starts
    uint32_t begin;    // its slots: gc_slots[begin, begin + count)
    uint32_t count;
  };
  std::vector<GcSafepoint> gc_safepoints;
  std::vector<uint32_t> gc_slots;
  // The slots of the safepoint at or last before code position `pos`.
  std::span<const uint32_t> gc_slots_at(uint32_t pos) const;

  uint64_t wasm_offset_at(uint32_t code_pos) const;
};

// Rewrites the op word of each instruction that forms a chain pair with the (already rewritten)
// next one, else a pair with the plain next one: one pass from the end backwards, so every
// instruction starts the longest run it can. Run after lowering.
void fuse_pairs(FunctionCode& fc);

} // namespace wasmcap::interp

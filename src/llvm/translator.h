// FunctionTranslator: turns one validated wasm function body into an LLVM function. It observes
// the validator (validate_function), translating each instruction after the validator accepted
// it, with a stack of llvm::Value* in place of the operand stack and a control stack of LLVM
// blocks whose results meet in phi nodes.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "ir/instr.h"
#include "ir/module.h"
#include "support/result.h"
#include "validate/function_validator.h"
#include "validate/module_context.h"
#include "llvm/tier_abi.h"

#include <llvm/ADT/STLFunctionalExtras.h>
#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/MDBuilder.h>
#include <llvm/IR/Module.h>

namespace wasmcap::llvm_tier {

// Module-wide LLVM declarations shared by every function's translation.
struct ModuleEnv {
  ModuleEnv(llvm::LLVMContext& context, llvm::Module& module, const ir::Module& wasm,
            const HostLayout& layout);

  llvm::LLVMContext& context;
  llvm::Module& module;
  const ir::Module& wasm;
  const HostLayout& layout; // offsets of the host's fields compiled code reads
  bool guard_pages = false; // memory 0 has guard pages: no bounds compares (CompileRequest)
  bool memory64 = false;    // memory 0 has i64 addresses: explicit 64-bit checks, never guards
  // Whether memory `index` has i64 addresses (any memory; memory 0's is `memory64`).
  bool address64(uint32_t index) const { return wasm.all_memories[index].address64; }
  uint32_t checks = 0; // kCheck* (tier_abi.h): interruption and fuel checks to compile in
  llvm::Type* ptr;
  llvm::Type* i8;
  llvm::Type* i32;
  llvm::Type* i64;
  llvm::Type* f32;
  llvm::Type* f64;
  llvm::Type* void_type;
  llvm::Type* v128;    // <2 x i64>: how a v128 is stored and passed (translate_simd.cpp)
  bool pshufb = false; // the target has SSSE3's pshufb (i8x16.swizzle in one instruction)
  // The module has tail calls: every wasm function uses LLVM's `tailcc`, under which x86-64
  // guarantees `musttail` calls even between different signatures (docs/llvm.md, "Tail calls").
  llvm::CallingConv::ID func_cc = llvm::CallingConv::C;

  std::vector<llvm::FunctionType*> func_types; // per module type index
  std::vector<llvm::Function*> funcs;          // per function index; nullptr for imports
  // A batch (ObjectRequest::functions): one byte per defined function, non-zero for those this
  // object compiles; empty: the whole module. A function outside the batch is called as an import
  // is (through the runtime), and runtime-found callees are checked to be the batch's own.
  std::vector<uint8_t> batch;
  bool partial() const { return !batch.empty(); }
  // Whether calls to function `func_index` can go straight to its code in this object.
  bool compiled_here(uint32_t func_index) const {
    if (func_index < wasm.num_imported_funcs) return false;
    return batch.empty() || batch[func_index - wasm.num_imported_funcs] != 0;
  }
  // A batch: the out-of-line runtime path of its calls to each function outside it, "y<i>"
  // (runtime_call_stub, translate_batch_calls.cpp), made on first use.
  std::map<uint32_t, llvm::Function*> runtime_stubs;
  llvm::FunctionCallee trap, call, indirect, memory_grow, memory_init, memory_copy, memory_fill,
      data_drop, table_get, table_set, table_size, table_grow, table_fill, table_copy, table_init,
      elem_drop, interrupt, refuel, entry_check, ref_test, gc;
  // Exception handling (translate_exceptions.cpp), set by enable_exceptions() for a module that
  // uses it: its functions and the `call` helper may unwind (no `nounwind`), the throw helpers.
  bool exceptions = false;
  llvm::FunctionCallee throw_exception, throw_ref, catch_exception;
  llvm::Function* personality = nullptr;
  uint64_t max_payload_slots = 0; // the largest tag payload, in 8-byte slots
  void enable_exceptions();
  // GC roots (translate_gc_roots.cpp), set by enable_gc_roots() for a module whose values may be
  // GC references: every wasm function takes the first free slot of the shadow stack after the
  // context, (JitContext*, uint64_t* shadow, params...), and its entry wrapper passes the top.
  bool gc_roots = false;
  void enable_gc_roots();
  llvm::MDNode* cold_weights;
  // kCheckFuel: each function's entry cost (by function index, known once its body is read) and
  // the charges that need it (at calls and in entry wrappers), patched by patch_entry_charges().
  std::vector<uint64_t> entry_costs;
  std::vector<std::pair<llvm::BinaryOperator*, uint32_t>>
      entry_charges; // branch weights: the trap side of a check is never taken
  // kCheckFuel: the entry cost of each defined function, as a constant array compiled code
  // reads for a callee known only at run time (indirect tail calls); made on first use and
  // filled by patch_entry_charges().
  llvm::GlobalVariable* entry_cost_table = nullptr;

  llvm::Type* type(ir::ValType t) const;
  llvm::Type* result_type(const ir::FuncType& t) const; // void, the one result, or a struct
};

// How many 8-byte slots a value takes in an entry wrapper's or the `call` helper's slots.
uint64_t slot_width(ir::ValType t);

// Names the JIT resolves: wasm function i is "w<i>", its uniform entry wrapper "e<i>".
std::string function_symbol(uint32_t func_index);
std::string entry_symbol(uint32_t func_index);

// Declares wasm function `func_index` and defines its entry wrapper
// `void e<i>(JitContext*, uint64_t* slots)` (arguments in slots, results written back).
void declare_function(ModuleEnv& env, uint32_t func_index);
// The shadow stack's top (GcShadowStack::top) through the context: what an entry wrapper passes a
// function of a module with GC roots as its first free slot.
llvm::Value* shadow_top(ModuleEnv& env, llvm::IRBuilder<>& b, llvm::Value* ctx);
// Stores a call's results (`ret`: of a function of type `t`) to `slots` from slot 0.
void store_results(ModuleEnv& env, llvm::IRBuilder<>& b, llvm::Value* ret, const ir::FuncType& t,
                   llvm::Value* slots);

// On-stack replacement entries (translate_osr.cpp): translates `func_index`'s body once more as
// `q<i>(JitContext*, uint64_t* slots, uint64_t loop)`, which loads every local from the slots and
// jumps to the header of the loop at wasm offset `loop`, and defines its wrapper
// `uint32_t o<i>(JitContext*, uint64_t* slots, uint64_t loop)` (results to the slots; 0 for a loop
// with no entry). Nothing when no loop qualifies (an empty operand stack at its header).
support::Status translate_osr_entries(ModuleEnv& env, uint32_t func_index,
                                      const validate::Features& features,
                                      const validate::ModuleContext& context);

// After every body: sets each entry charge's amount to its function's entry cost.
void patch_entry_charges(ModuleEnv& env);

// kCheckFuel: `counter -= 0` (the amount patched in later), and a call of the refuel helper
// with `offset` when it went below zero; returns the subtraction, whose amount is operand 1.
// The same charge of a cost computed at run time.
void emit_fuel_charge_of(ModuleEnv& env, llvm::IRBuilder<>& b, llvm::Value* ctx,
                         llvm::Value* counter, llvm::Value* cost, uint64_t offset);
llvm::BinaryOperator* emit_fuel_charge(ModuleEnv& env, llvm::IRBuilder<>& b, llvm::Value* ctx,
                                       llvm::Value* counter, uint64_t offset);

// Returns an error naming what this slice of the tier cannot compile (see is_unsupported()).
support::Error unsupported(const std::string& what);

class FunctionTranslator {
public:
  // With `osr_body`, translates into that function (translate_osr_entries) instead of w<i>.
  FunctionTranslator(ModuleEnv& env, uint32_t func_index, llvm::Function* osr_body = nullptr);

  // validate_function observer interface. before() counts fuel costs (kCheckFuel).
  support::Status before(const ir::Instr& instr, const validate::FunctionValidator& validator);
  support::Status after(const ir::Instr& instr, const validate::FunctionValidator& validator);

  // OSR translation: the wasm offsets of the loops it has an entry for.
  const std::vector<uint64_t>& osr_loops() const { return osr_loops_; }

private:
  struct Control {
    ir::Op kind = ir::Op::Block; // Block, Loop, If, or Call for the function's own frame
    bool live_entry = true;      // false: opened in dead code; it has no LLVM blocks
    bool has_else = false;
    llvm::BasicBlock* cont = nullptr;   // after `end` (block, if, function)
    llvm::BasicBlock* header = nullptr; // loop
    llvm::BasicBlock* else_bb = nullptr;
    std::vector<llvm::PHINode*> cont_phis;       // the results, at cont
    std::vector<llvm::PHINode*> header_phis;     // loop parameters, at header
    std::vector<llvm::Value*> if_params;         // what the else arm starts with
    size_t height = 0;                           // value stack height below the parameters
    llvm::BinaryOperator* fuel_charge = nullptr; // loop: the header's charge (kCheckFuel)
    size_t fuel_cost = 0;                        // loop: its index in loop_costs_
    // kCheckInterrupt, loop: the header check (a placeholder, loop_checks.h), and whether its body
    // so far is straight code from the header (no control instruction yet), then whether a call to
    // a function of this module came first (every iteration then passes that callee's entry check,
    // so the header's is removed at the loop's end: recursion compiled to a loop, like fib's).
    llvm::CallInst* loop_check = nullptr;
    bool straight = true;
    bool calls_first = false;
    // Exception handling (translate_exceptions.cpp): the handler scope around this block, and for
    // a try_table or legacy try its own scope; a legacy try in a catch (its scope closed for the
    // code there) keeps the caught exception in exn_slot for `rethrow`.
    int eh_outer = -1;
    int scope = -1;
    bool in_catch = false;
    llvm::AllocaInst* exn_slot = nullptr;
  };
  // The handlers an exception thrown in a try_table or legacy try body meets, tried in order;
  // none matching: the parent scope's (the one around, or a delegate's target), else the caller.
  struct EhScope {
    struct Clause {
      int64_t tag = -1;                   // the module's tag index; -1: catch_all
      bool ref = false;                   // the exnref too (catch_ref, catch_all_ref)
      size_t target = 0;                  // try_table: controls_ index of the label
      llvm::BasicBlock* legacy = nullptr; // legacy catch: its body's first block
    };
    int parent = -1;
    size_t control = 0;                   // controls_ index of the try
    llvm::BasicBlock* pad = nullptr;      // the landingpad, made for the first invoke
    llvm::BasicBlock* dispatch = nullptr; // the tag compares, filled when the scope closes
    std::vector<Clause> clauses;
  };

  // translate_control.cpp
  support::Status control(const ir::Instr& instr);
  void open_block(const ir::Instr& instr);
  void end_block();
  void branch(uint32_t label);
  void branch_if(uint32_t label);
  // `!prof` branch weights for the `if` or `br_if` at at_ from its branch hint, if it has one
  // (ir::Function::branch_hints); null otherwise.
  llvm::MDNode* hinted_weights() const;
  void branch_table(const ir::Instr& instr);
  void add_incoming(Control& c, llvm::BasicBlock* from);
  void block_signature(const ir::BlockType& bt, std::vector<ir::ValType>& params,
                       std::vector<ir::ValType>& results) const;
  void finish_function();

  // translator.cpp
  support::Status variable_or_call(const ir::Instr& instr);
  void call_direct(uint32_t func_index, uint64_t offset);
  void call_indirect(const ir::Instr& instr);
  // Calls the FuncInstance `f` (found at run time, of a subtype of type `type_index`): directly
  // when it is compiled code of this instance, else through the runtime.
  void call_found(llvm::Value* f, uint32_t type_index, uint64_t offset);
  // translate_batch_calls.cpp. Ends the current block with `branch` (to `fast` or `slow`), then
  // calls a callee of type `type_index` at the native code `native()` (evaluated in the fast
  // block) under this context, or through the runtime with `slow_call()` in the slow block
  // (which pops the arguments and pushes the results, as call_generic does); their results
  // meet in phis.
  void call_native_or_generic(
      uint32_t type_index,
      llvm::function_ref<void(llvm::BasicBlock* fast, llvm::BasicBlock* slow)> branch,
      llvm::function_ref<llvm::Value*()> native, llvm::function_ref<void()> slow_call);
  // Per-function tier-up: whether a direct call or return_call of `func_index`, a function of
  // this instance outside this batch, goes through the instance's table of native entries
  // (JitContext::natives; not with fuel, whose entry costs are known for the batch only).
  bool calls_through_table(uint32_t func_index) const;
  // The callee's entry in that table (null: it runs on the interpreter).
  llvm::Value* table_entry(uint32_t func_index);
  void call_through_table(uint32_t func_index, uint64_t offset);
  // The call through the runtime of `func_index` by its stub "y<i>" (as call_generic).
  void call_runtime_stub(uint32_t func_index, uint64_t offset);
  void tail_call_through_table(uint32_t func_index, uint64_t offset);
  llvm::Value* func_instance(uint32_t func_index); // JitContext::funcs[func_index]
  // translate_typed_refs.cpp: call_ref, ref.as_non_null, br_on_null, br_on_non_null.
  support::Status typed_reference(const ir::Instr& instr);
  // GC's heap instructions (translate_gc.cpp): calls of the `gc` helper, operands in slots.
  support::Status gc_heap(const ir::Instr& instr);
  llvm::Value* gc_slots(uint64_t n);
  void gc_inline(const ir::Instr& instr, std::span<const ir::ValType> params,
                 std::optional<ir::ValType> result);
  void gc_trap_through_helper(const ir::Instr& instr, std::span<const ir::ValType> params,
                              std::span<llvm::Value* const> ops);
  void gc_call_helper(const ir::Instr& instr, std::span<const ir::ValType> params,
                      std::span<llvm::Value* const> ops);
  llvm::AllocaInst* gc_slots_ = nullptr;
  uint64_t gc_slots_size_ = 0;
  llvm::Value* ref_matches(llvm::Value* ref, ir::ValType target);
  void call_generic(llvm::Value* func_instance, const ir::FuncType& type, uint64_t offset);
  // For a callee found at run time (call_indirect, return_call_indirect): branches to `fast`
  // when `func_instance` belongs to this instance (its compiled code may be called directly),
  // else to `slow`; and the address of that compiled code, loaded in the fast block.
  void branch_on_own_instance(llvm::Value* func_instance, llvm::BasicBlock* fast,
                              llvm::BasicBlock* slow);
  llvm::Value* native_entry(llvm::Value* func_instance);
  // kCheckFuel: charges the entry cost of `func_instance`, a function of this instance known at
  // run time, from ModuleEnv::entry_cost_table.
  void charge_entry_of(llvm::Value* func_instance, uint64_t offset);
  void push_results(llvm::Value* ret, const ir::FuncType& type);
  // return_call / return_call_indirect (translator.cpp): a musttail call of compiled code of this
  // instance, else a call through the runtime and a return of its results.
  support::Status tail_call(const ir::Instr& instr);
  support::Status tail_call_body(const ir::Instr& instr);
  void musttail_return(llvm::CallInst* call);
  void return_results(const ir::FuncType& type);
  llvm::Value* global_address(uint32_t index);

  // translate_gc_roots.cpp: precise GC roots on the shadow stack.
  bool gc_traced(ir::ValType t) const;
  // A safepoint follows: stores the traced locals and the traced values among stack_[0, below)
  // into this frame's root slots, publishes their end as the shadow stack's top, and sets
  // callee_shadow_ to what a wasm callee called there takes.
  void root_live_values(size_t below);
  // The first arguments of a call of a wasm function of this module: the context, and the
  // shadow stack's first free slot (callee_shadow_; `own`: this function's own, a tail call).
  std::vector<llvm::Value*> wasm_call_args(bool own = false) const;

  // translate_exceptions.cpp
  support::Status exceptions(const ir::Instr& instr);
  void open_try(const ir::Instr& instr);
  void legacy_catch(const ir::Instr& instr);
  void delegate(const ir::Instr& instr);
  void end_try();
  void close_scope(Control& c);
  void throw_exception(const ir::Instr& instr);
  // A call that may unwind: an `invoke` inside a try body (the landing pad of the innermost
  // scope), else a plain call. The builder continues after it.
  llvm::CallBase* may_throw(llvm::FunctionType* type, llvm::Value* callee,
                            llvm::ArrayRef<llvm::Value*> args);
  llvm::CallBase* may_throw(llvm::FunctionCallee callee, llvm::ArrayRef<llvm::Value*> args) {
    return may_throw(callee.getFunctionType(), callee.getCallee(), args);
  }
  llvm::BasicBlock* unwind_dest();
  llvm::BasicBlock* dispatch_of(int scope);
  void fill_dispatch(int scope);
  std::vector<llvm::Value*> catch_payload(llvm::Value* x, int64_t tag, bool keep);
  llvm::Value* payload_slots();

  // translate_numeric.cpp
  support::Status numeric(const ir::Instr& instr);
  llvm::Value* trunc_checked(ir::Op op, llvm::Value* x);
  llvm::Value* float_min_max(llvm::Value* a, llvm::Value* b, bool is_min);

  // translate_memory.cpp
  support::Status memory(const ir::Instr& instr);
  // The address of `size` bytes at `addr` + mem.offset in memory mem.memory, bounds-checked
  // unless memory 0's guard pages catch it (then the access must be volatile_access()).
  llvm::Value* effective_address(const ir::MemArg& mem, llvm::Value* addr, uint32_t size,
                                 uint64_t at);
  bool volatile_access(uint32_t memory) const { return memory == 0 && env_.guard_pages; }
  // An i64 memory's address (translate_memory64.cpp): always an explicit 64-bit check against
  // `size_now` bytes, the memory starting at `base`.
  llvm::Value* checked_address64(llvm::Value* base, llvm::Value* size_now, llvm::Value* addr,
                                 uint64_t offset, uint32_t size, uint64_t at);
  // Memories other than 0 (translate_memories.cpp): their Memory* and base, loaded once in the
  // prologue (O2 deletes the unused ones); their size, read from the Memory at each use.
  void load_other_memories();
  llvm::Value* memory_bytes(uint32_t memory); // the current size in bytes, any memory
  llvm::Value* other_memory_address(uint32_t memory, llvm::Value* addr, uint64_t offset,
                                    uint32_t size, uint64_t at);
  // An i32 or i64 index, address or length as the helpers take it (zero-extended to i64).
  llvm::Value* wide(llvm::Value* v) { return b_.CreateZExt(v, env_.i64); }
  // A helper's u64 size or i64 grow result as table or memory `address64` has it.
  llvm::Value* narrow_unless(bool address64, llvm::Value* v) {
    return address64 ? v : b_.CreateTrunc(v, env_.i32);
  }
  support::Status table_or_bulk(const ir::Instr& instr);

  // translate_simd.cpp
  support::Status simd(const ir::Instr& instr);
  support::Status simd_memory(const ir::Instr& instr);
  llvm::Value* swizzle(llvm::Value* table, llvm::Value* indexes);

  // shared
  void push(llvm::Value* v) { stack_.push_back(v); }
  llvm::Value* pop() {
    llvm::Value* v = stack_.back();
    stack_.pop_back();
    return v;
  }
  llvm::Value* ctx_field(uint64_t offset, llvm::Type* type);
  void trap_if(llvm::Value* cond, TrapCode code, uint64_t offset);
  void trap(TrapCode code, uint64_t offset);
  void reload_memory();
  // kCheckInterrupt: the interrupt word's check, at function entries and loop headers.
  llvm::CallInst* interrupt_check(uint64_t offset); // returns the placeholder

  void note_for_interrupt_checks(const ir::Instr& instr);
  llvm::Value* bool_to_i32(llvm::Value* b) { return b_.CreateZExt(b, env_.i32); }
  llvm::Constant* u32(uint64_t v) { return llvm::ConstantInt::get(env_.i32, v); }
  llvm::Constant* u64(uint64_t v) { return llvm::ConstantInt::get(env_.i64, v); }

  ModuleEnv& env_;
  const ir::Module& wasm_;
  uint32_t func_index_;
  const ir::FuncType& type_;
  llvm::Function* fn_;
  llvm::IRBuilder<> b_;
  llvm::Value* ctx_;
  std::vector<llvm::AllocaInst*> locals_;
  std::vector<ir::ValType> local_types_;
  llvm::Value* mem_base_ = nullptr;          // JitContext::mem_base, loaded once: it never moves
  llvm::AllocaInst* mem_size_ = nullptr;     // cached JitContext::mem_size, reloaded after calls
                                             // (mem2reg makes it SSA); null with guard pages
  std::vector<llvm::Value*> memory_objects_; // by memory index (1..n): its runtime::Memory*
  std::vector<llvm::Value*> memory_bases_;   // by memory index (1..n): its base, loaded once
  std::vector<llvm::Value*> stack_;
  std::vector<Control> controls_;
  struct SharedTrap {
    llvm::BasicBlock* block = nullptr;
    llvm::PHINode* offset = nullptr;
  };
  SharedTrap traps_[kTrapCodeCount];
  llvm::Value* interrupt_trigger_ = nullptr; // JitContext::interrupt, loaded once (kCheckInterrupt)
  llvm::Value* fuel_counter_ = nullptr;      // JitContext::fuel, loaded once (kCheckFuel)
  // Fuel costs, counted as the interpreter's lowering counts them (interp/lower.cpp): every
  // instruction is charged to the innermost loop the validator saw as reachable when it opened,
  // or to the function's entry. Kept apart from the translator's own notion of dead code, which
  // is wider (a block nothing reaches the end of), so the amounts match the interpreter's.
  uint64_t entry_cost_ = 0;
  std::vector<uint64_t> loop_costs_;
  std::vector<size_t> fuel_loops_;  // open live loops, indexes into loop_costs_
  std::vector<bool> fuel_controls_; // per open block/loop/if: a live loop?
  uint64_t at_ = 0;                 // offset of the instruction being translated
  bool dead_ = false;               // the current position cannot be reached: skip until else/end
  // OSR translation: the entry's switch to the loop headers (nullptr otherwise), and its cases.
  llvm::SwitchInst* osr_switch_ = nullptr;
  std::vector<uint64_t> osr_loops_;
  // Exception handling (translate_exceptions.cpp).
  std::vector<EhScope> scopes_;
  int eh_ = -1;                         // the scope of the code being translated (-1: none)
  llvm::AllocaInst* lp_slot_ = nullptr; // the landing pad's {exception object, selector}
  llvm::AllocaInst* payload_ = nullptr; // a throw's or catch's payload slots
  bool in_tail_call_ = false;           // a tail call's call through the runtime: no invoke
  bool has_try_ = false;                // a try_table or try was translated (no OSR entries)
  // GC roots (translate_gc_roots.cpp).
  const validate::FunctionValidator* validator_ = nullptr; // the operands' types, in after()
  std::vector<uint32_t> traced_locals_;                    // locals of traced types, in order
  llvm::Value* shadow_base_ = nullptr;                     // the parameter: this frame's first slot
  llvm::Value* callee_shadow_ = nullptr;                   // what the next wasm call passes on
  llvm::BasicBlock* shadow_full_ = nullptr; // traps "call stack exhausted", offset from:
  llvm::PHINode* shadow_full_offset_ = nullptr;
  bool roots_unknown_ = false; // an operand's type was not known at a safepoint

public:
  bool has_try() const { return has_try_; }
};

} // namespace wasmcap::llvm_tier

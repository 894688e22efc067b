// Structured control flow: block/loop/if/else/end open and close LLVM blocks; branch values meet
// in phi nodes (block and if results at the continuation, loop parameters at the header);
// br_table becomes a switch over one edge block per distinct target. Code after a branch is dead
// and skipped until the else/end that makes it reachable again. An `if` or `br_if` with a branch
// hint (the `metadata.code.branch_hint` section) gets `!prof` branch weights.
#include <algorithm>
#include <map>

#include <llvm/IR/MDBuilder.h>

#include "llvm/translator.h"

namespace wasmcap::llvm_tier {

using ir::Op;
using ir::ValType;

void FunctionTranslator::block_signature(const ir::BlockType& bt, std::vector<ValType>& params,
                                         std::vector<ValType>& results) const {
  params.clear();
  results.clear();
  switch (bt.kind) {
  case ir::BlockType::Kind::Empty: break;
  case ir::BlockType::Kind::Value: results.push_back(bt.value); break;
  case ir::BlockType::Kind::TypeIndex:
    params = wasm_.types[bt.type_index].params;
    results = wasm_.types[bt.type_index].results;
    break;
  }
}

// The weights clang gives __builtin_expect (2000:1): enough for LLVM to lay the unlikely side out
// of line and treat it as cold, as the hint's producer asked.
llvm::MDNode* FunctionTranslator::hinted_weights() const {
  if (func_index_ < wasm_.num_imported_funcs) return nullptr;
  const std::vector<ir::BranchHint>& hints =
      wasm_.functions[func_index_ - wasm_.num_imported_funcs].branch_hints;
  auto it = std::lower_bound(hints.begin(), hints.end(), at_,
                             [](const ir::BranchHint& h, uint64_t at) { return h.at < at; });
  if (it == hints.end() || it->at != at_) return nullptr;
  constexpr uint32_t kLikely = 2000, kUnlikely = 1;
  llvm::MDBuilder md(env_.context);
  return it->likely ? md.createBranchWeights(kLikely, kUnlikely)
                    : md.createBranchWeights(kUnlikely, kLikely);
}

// Adds the values a branch to `c` carries (the top of the stack) as incoming from `from`.
void FunctionTranslator::add_incoming(Control& c, llvm::BasicBlock* from) {
  std::vector<llvm::PHINode*>& phis = c.kind == Op::Loop ? c.header_phis : c.cont_phis;
  size_t base = stack_.size() - phis.size();
  for (size_t i = 0; i < phis.size(); ++i)
    phis[i]->addIncoming(stack_[base + i], from);
}

void FunctionTranslator::open_block(const ir::Instr& instr) {
  Control c;
  c.kind = instr.op;
  c.eh_outer = eh_; // the handlers of the code inside (a try's own: translate_exceptions.cpp)
  if (dead_) {
    c.live_entry = false;
    controls_.push_back(std::move(c));
    return;
  }
  std::vector<ValType> params, results;
  block_signature(instr.block, params, results);
  llvm::Value* cond = instr.op == Op::If ? pop() : nullptr;
  c.height = stack_.size() - params.size();
  if (instr.op != Op::Loop) {
    c.cont = llvm::BasicBlock::Create(env_.context, "", fn_);
    for (ValType r : results)
      c.cont_phis.push_back(llvm::PHINode::Create(env_.type(r), 2, "", c.cont));
  }
  if (instr.op == Op::Loop) {
    c.header = llvm::BasicBlock::Create(env_.context, "loop", fn_);
    for (ValType p : params)
      c.header_phis.push_back(llvm::PHINode::Create(env_.type(p), 2, "", c.header));
    add_incoming(c, b_.GetInsertBlock());
    b_.CreateBr(c.header);
    b_.SetInsertPoint(c.header);
    if (osr_switch_ != nullptr && c.height == 0 && params.empty()) {
      // Nothing on the operand stack: the locals are the whole state, as the interpreter's
      // FuelOsr/LoopPoll ops at the same headers assume (interp/lower.cpp).
      osr_switch_->addCase(
          llvm::ConstantInt::get(llvm::cast<llvm::IntegerType>(env_.i64), instr.offset), c.header);
      osr_loops_.push_back(instr.offset);
    }
    // Every iteration (entry and back-edges alike) runs the header's check, as the
    // interpreter's Fuel op at the loop's start.
    if (fuel_counter_ != nullptr) {
      c.fuel_cost = fuel_loops_.back(); // before() opened it: a live loop here is live there
      c.fuel_charge = emit_fuel_charge(env_, b_, ctx_, fuel_counter_, instr.offset);
    } else if (interrupt_trigger_ != nullptr) {
      c.loop_check = interrupt_check(instr.offset);
    }
    stack_.resize(c.height);
    stack_.insert(stack_.end(), c.header_phis.begin(), c.header_phis.end());
  } else if (instr.op == Op::If) {
    auto* then_bb = llvm::BasicBlock::Create(env_.context, "then", fn_);
    c.else_bb = llvm::BasicBlock::Create(env_.context, "else", fn_);
    c.if_params.assign(stack_.begin() + static_cast<ptrdiff_t>(c.height), stack_.end());
    b_.CreateCondBr(b_.CreateICmpNE(cond, u32(0)), then_bb, c.else_bb, hinted_weights());
    b_.SetInsertPoint(then_bb);
  }
  controls_.push_back(std::move(c));
}

void FunctionTranslator::end_block() {
  Control& c = controls_.back();
  if (!c.live_entry) {
    controls_.pop_back();
    return;
  }
  if (c.kind == Op::Loop) {
    // The body is read: its cost is known (before() counted this end into it).
    if (c.fuel_charge != nullptr) c.fuel_charge->setOperand(1, u64(loop_costs_[c.fuel_cost]));
    if (c.calls_first) c.loop_check->eraseFromParent();
    // Nothing branches to a loop's end: its results are whatever falls through.
    controls_.pop_back();
    return;
  }
  if (!dead_) {
    add_incoming(c, b_.GetInsertBlock());
    b_.CreateBr(c.cont);
  }
  if (c.kind == Op::If && !c.has_else) {
    // The missing else arm passes the parameters through as results (same types).
    b_.SetInsertPoint(c.else_bb);
    for (size_t i = 0; i < c.cont_phis.size(); ++i)
      c.cont_phis[i]->addIncoming(c.if_params[i], c.else_bb);
    b_.CreateBr(c.cont);
  }
  stack_.resize(c.height);
  if (llvm::pred_empty(c.cont)) {
    for (llvm::PHINode* phi : c.cont_phis)
      phi->eraseFromParent();
    c.cont->eraseFromParent();
    dead_ = true;
  } else {
    b_.SetInsertPoint(c.cont);
    stack_.insert(stack_.end(), c.cont_phis.begin(), c.cont_phis.end());
    dead_ = false;
  }
  controls_.pop_back();
}

void FunctionTranslator::branch(uint32_t label) {
  Control& c = controls_[controls_.size() - 1 - label];
  add_incoming(c, b_.GetInsertBlock());
  b_.CreateBr(c.kind == Op::Loop ? c.header : c.cont);
  dead_ = true;
}

void FunctionTranslator::branch_if(uint32_t label) {
  llvm::Value* cond = b_.CreateICmpNE(pop(), u32(0));
  Control& c = controls_[controls_.size() - 1 - label];
  add_incoming(c, b_.GetInsertBlock());
  auto* next = llvm::BasicBlock::Create(env_.context, "", fn_);
  b_.CreateCondBr(cond, c.kind == Op::Loop ? c.header : c.cont, next, hinted_weights());
  b_.SetInsertPoint(next);
}

void FunctionTranslator::branch_table(const ir::Instr& instr) {
  llvm::Value* index = pop();
  llvm::BasicBlock* from = b_.GetInsertBlock();
  // One edge block per distinct label, so each phi sees each predecessor once.
  std::map<uint32_t, llvm::BasicBlock*> edges;
  auto edge = [&](uint32_t label) {
    auto it = edges.find(label);
    if (it != edges.end()) return it->second;
    auto* bb = llvm::BasicBlock::Create(env_.context, "", fn_);
    b_.SetInsertPoint(bb);
    Control& c = controls_[controls_.size() - 1 - label];
    add_incoming(c, bb);
    b_.CreateBr(c.kind == Op::Loop ? c.header : c.cont);
    edges.emplace(label, bb);
    return bb;
  };
  llvm::BasicBlock* def = edge(instr.index);
  std::vector<llvm::BasicBlock*> cases;
  for (uint32_t t : instr.targets)
    cases.push_back(edge(t));
  b_.SetInsertPoint(from);
  llvm::SwitchInst* sw = b_.CreateSwitch(index, def, static_cast<unsigned>(cases.size()));
  for (size_t i = 0; i < cases.size(); ++i)
    sw->addCase(llvm::ConstantInt::get(llvm::cast<llvm::IntegerType>(env_.i32), i), cases[i]);
  dead_ = true;
}

void FunctionTranslator::finish_function() {
  env_.entry_costs[func_index_] = entry_cost_; // before() has counted this final end
  Control& c = controls_.back();               // the function's frame; `end` has not popped it yet
  if (!dead_) {
    add_incoming(c, b_.GetInsertBlock());
    b_.CreateBr(c.cont);
  }
  if (llvm::pred_empty(c.cont)) {
    for (llvm::PHINode* phi : c.cont_phis)
      phi->eraseFromParent();
    c.cont->eraseFromParent();
  } else {
    b_.SetInsertPoint(c.cont);
    if (c.cont_phis.empty()) {
      b_.CreateRetVoid();
    } else if (c.cont_phis.size() == 1) {
      b_.CreateRet(c.cont_phis[0]);
    } else {
      llvm::Value* agg = llvm::UndefValue::get(fn_->getReturnType());
      for (unsigned i = 0; i < c.cont_phis.size(); ++i)
        agg = b_.CreateInsertValue(agg, c.cont_phis[i], {i});
      b_.CreateRet(agg);
    }
  }
  controls_.pop_back();
  dead_ = true;
}

support::Status FunctionTranslator::control(const ir::Instr& instr) {
  switch (instr.op) {
  case Op::Block:
  case Op::Loop:
  case Op::If: open_block(instr); break;
  case Op::Else: {
    Control& c = controls_.back();
    if (!c.live_entry) break;
    if (!dead_) {
      add_incoming(c, b_.GetInsertBlock());
      b_.CreateBr(c.cont);
    }
    c.has_else = true;
    b_.SetInsertPoint(c.else_bb);
    stack_.resize(c.height);
    stack_.insert(stack_.end(), c.if_params.begin(), c.if_params.end());
    dead_ = false;
    break;
  }
  case Op::End:
    if (controls_.back().kind == Op::TryTable || controls_.back().kind == Op::Try) {
      end_try(); // translate_exceptions.cpp
    } else if (controls_.size() == 1) {
      finish_function();
    } else {
      end_block();
    }
    break;
  case Op::Unreachable:
    trap(TrapCode::Unreachable, instr.offset);
    dead_ = true;
    break;
  case Op::Nop: break;
  case Op::Br: branch(instr.index); break;
  case Op::BrIf: branch_if(instr.index); break;
  case Op::BrTable: branch_table(instr); break;
  case Op::Return: branch(static_cast<uint32_t>(controls_.size() - 1)); break;
  case Op::Drop: pop(); break;
  case Op::Select:
  case Op::SelectT: {
    llvm::Value* cond = b_.CreateICmpNE(pop(), u32(0));
    llvm::Value* b = pop();
    llvm::Value* a = pop();
    push(b_.CreateSelect(cond, a, b));
    break;
  }
  default: break;
  }
  return support::ok();
}

} // namespace wasmcap::llvm_tier

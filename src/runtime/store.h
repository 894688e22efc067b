// Store: owns every runtime object (instances, functions, tables, memories, globals) at a stable
// address for its whole lifetime, plus the host limits and per-store tier state.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "runtime/func.h"
#include "runtime/global.h"
#include "runtime/memory.h"
#include "runtime/module_instance.h"
#include "runtime/table.h"
#include "support/result.h"

namespace wasmcap::runtime {

struct StoreLimits {
  uint32_t max_memory_pages = ir::kMaxPages; // host cap on every memory (grow fails beyond)
  uint32_t max_table_elems = 10'000'000;     // host cap on every table
  uint32_t max_call_depth = 100'000;         // wasm frames before "call stack exhausted"
  uint64_t stack_slots = 1u << 20;           // 8-byte value slots for all live wasm frames
};

// Per-store state a tier keeps (e.g. the interpreter's value stack), created lazily by the tier.
class TierState {
public:
  virtual ~TierState() = default;
};

class Store {
public:
  explicit Store(StoreLimits limits = {});
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  const StoreLimits& limits() const { return limits_; }

  // --- host objects for the embedder ---------------------------------------------------------
  FuncInstance* create_host_function(ir::FuncType type, HostCallback callback);
  support::Result<Memory*> create_memory(const ir::MemoryType& type);
  Table* create_table(const ir::TableType& type, void* init = nullptr);
  Global* create_global(const ir::GlobalType& type, Value value);

  // --- used by instantiation and tiers -----------------------------------------------------
  // Equal function types get equal ids (call_indirect compares ids).
  uint32_t intern_type(const ir::FuncType& type);
  FuncInstance* new_func();
  ModuleInstance* new_instance();

  std::unique_ptr<TierState>& tier_state() { return tier_state_; }

private:
  StoreLimits limits_;
  std::deque<FuncInstance> funcs_;
  std::deque<Global> globals_;
  std::vector<std::unique_ptr<Table>> tables_;
  std::vector<std::unique_ptr<Memory>> memories_;
  std::vector<std::unique_ptr<ModuleInstance>> instances_;
  std::map<std::string, uint32_t> type_ids_; // key: encoded params+results
  std::unique_ptr<TierState> tier_state_;
};

} // namespace wasmcap::runtime

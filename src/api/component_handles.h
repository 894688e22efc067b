// The Canonical ABI's per-instance runtime state and the rules that use it (CanonicalABI.md,
// "Runtime State", and definitions.py's Task/Subtask/ResourceHandle): the handle table with
// lend counts, the borrow count of a lifted call, and the `may_leave`/`may_enter` flags of a
// component instance. The component runtime (component_runtime.cpp) owns one InstanceState per
// component instance and wraps each lifted call in a CallTask, each lowered call in a
// CallSubtask. Every broken rule is a Trap whose message names the rule.
#pragma once

#include <cstdint>
#include <vector>

#include "wasmcap/error.h"

namespace wasmcap::detail {

class CallTask;

struct Handle {
  const void* rt = nullptr;
  uint32_t rep = 0;
  bool own = false;
  bool live = false;
  // Borrows of this handle lent to calls in progress; the handle cannot be removed meanwhile.
  uint32_t lends = 0;
  // A borrow handle lowered into a lifted call: the call that must see it dropped.
  CallTask* scope = nullptr;
};

// One component instance's handles (CanonicalABI.md, "Handle tables"): index 0 is never used,
// freed slots are reused.
class HandleTable {
public:
  uint32_t add(Handle h);
  Result<Handle*> get(uint32_t i);
  // Removes handle `i` (lift of an own, resource.drop): a trap while a borrow of it is lent out.
  Result<Handle> remove(uint32_t i);
  // Removes every borrow handle of `task` still in the table (a call that ended with them).
  void forget(const CallTask* task);

private:
  std::vector<Handle> slots_{1};
  std::vector<uint32_t> free_;
};

// What the Canonical ABI keeps per component instance besides its index spaces.
struct InstanceState {
  // The instance that instantiated this one (null at the top): may_enter covers ancestors.
  InstanceState* parent = nullptr;
  HandleTable handles;
  bool may_enter = true; // false while a call into it (or a descendant) is in progress
  bool may_leave = true; // false while its realloc or post-return runs
};

// Trap unless `inst` may call out (an import, resource.new, resource.drop).
Status check_may_leave(const InstanceState& inst);

// Clears may_leave for a realloc or post-return call and restores it after.
class NoLeave {
public:
  explicit NoLeave(InstanceState& inst) : inst_(inst) { inst_.may_leave = false; }
  ~NoLeave() { inst_.may_leave = true; }
  NoLeave(const NoLeave&) = delete;
  NoLeave& operator=(const NoLeave&) = delete;

private:
  InstanceState& inst_;
};

// A call entering `callee` from `caller` (null: from the host). The instances entered are the
// callee and its ancestors that are not the caller's (definitions.py: entering_set); one that is
// already being called into traps: a component instance is not reentrant.
class Entered {
public:
  Entered() = default;
  Entered(const Entered&) = delete;
  Entered& operator=(const Entered&) = delete;
  ~Entered();
  Status enter(InstanceState& callee, const InstanceState* caller);

private:
  std::vector<InstanceState*> entered_;
};

// A lifted call in progress (definitions.py's Task): counts the borrow handles lowered into the
// callee's table for it; they must all be dropped before it returns.
class CallTask {
public:
  explicit CallTask(HandleTable& table) : table_(table) {}
  ~CallTask() {
    if (borrows_ != 0) table_.forget(this);
  }
  CallTask(const CallTask&) = delete;
  CallTask& operator=(const CallTask&) = delete;

  void borrowed() { ++borrows_; }
  void borrow_dropped() { --borrows_; }
  // The call returns: a trap while borrows it was given remain.
  Status finish() const;

private:
  HandleTable& table_;
  uint32_t borrows_ = 0;
};

// A lowered call in progress (definitions.py's Subtask): the caller's handles lent to it as
// borrows, whose lend counts drop when it returns (or traps).
class CallSubtask {
public:
  explicit CallSubtask(HandleTable& table) : table_(table) {}
  ~CallSubtask();
  CallSubtask(const CallSubtask&) = delete;
  CallSubtask& operator=(const CallSubtask&) = delete;

  void lend(uint32_t index, Handle& h) {
    ++h.lends;
    lenders_.push_back(index);
  }

private:
  HandleTable& table_;
  std::vector<uint32_t> lenders_;
};

} // namespace wasmcap::detail

// The Canonical ABI's per-instance runtime rules (component_handles.h): handle tables with lend
// counts, borrow scopes of lifted calls, may_leave and may_enter.
#include "api/component_handles.h"

#include <algorithm>
#include <string>

#include "support/result.h"

namespace wasmcap::detail {

namespace {

Error trap(std::string message) {
  return make_error(ErrorKind::Trap, std::move(message));
}

} // namespace

uint32_t HandleTable::add(Handle h) {
  h.live = true;
  if (!free_.empty()) {
    const uint32_t i = free_.back();
    free_.pop_back();
    slots_[i] = h;
    return i;
  }
  slots_.push_back(h);
  return static_cast<uint32_t>(slots_.size() - 1);
}

Result<Handle*> HandleTable::get(uint32_t i) {
  if (i == 0 || i >= slots_.size() || !slots_[i].live)
    return trap("unknown handle index " + std::to_string(i));
  return &slots_[i];
}

Result<Handle> HandleTable::remove(uint32_t i) {
  WASMCAP_ASSIGN(Handle * h, get(i));
  // definitions.py: lift_own and canon_resource_drop trap_if(h.num_lends != 0).
  if (h->lends != 0) return trap("cannot remove owned resource while borrowed");
  const Handle out = *h;
  *h = Handle{};
  free_.push_back(i);
  return out;
}

void HandleTable::forget(const CallTask* task) {
  for (uint32_t i = 1; i < slots_.size(); ++i) {
    if (slots_[i].live && slots_[i].scope == task) {
      slots_[i] = Handle{};
      free_.push_back(i);
    }
  }
}

Status check_may_leave(const InstanceState& inst) {
  if (!inst.may_leave) return trap("cannot leave component instance");
  return ok();
}

Status Entered::enter(InstanceState& callee, const InstanceState* caller) {
  std::vector<const InstanceState*> caller_chain;
  for (const InstanceState* s = caller; s; s = s->parent)
    caller_chain.push_back(s);
  std::vector<InstanceState*> entering;
  for (InstanceState* s = &callee; s; s = s->parent) {
    if (std::find(caller_chain.begin(), caller_chain.end(), s) != caller_chain.end()) continue;
    if (!s->may_enter) return trap("cannot enter component instance");
    entering.push_back(s);
  }
  for (InstanceState* s : entering)
    s->may_enter = false;
  entered_.insert(entered_.end(), entering.begin(), entering.end());
  return ok();
}

Entered::~Entered() {
  for (InstanceState* s : entered_)
    s->may_enter = true;
}

Status CallTask::finish() const {
  if (borrows_ != 0) return trap("borrow handles still remain at the end of the call");
  return ok();
}

CallSubtask::~CallSubtask() {
  for (const uint32_t i : lenders_) {
    if (auto h = table_.get(i)) (*h)->lends -= 1;
  }
}

} // namespace wasmcap::detail

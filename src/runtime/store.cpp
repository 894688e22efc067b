// Store: allocation of runtime objects at stable addresses and function type interning.
#include "runtime/store.h"

#include <pthread.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <unordered_map>

#include "runtime/deadline_timer.h"
#include "runtime/trap.h"

namespace wasmcap::runtime {

Store::Store(StoreLimits limits) : limits_(limits) {
  if (limits.fuel) set_fuel(*limits.fuel);
}
Store::~Store() {
  DeadlineTimer::cancel(deadline_timer_);
  report_gc_stats();
}

FuncInstance* Store::new_func() {
  return &funcs_.emplace_back();
}

ModuleInstance* Store::new_instance() {
  instances_.push_back(std::make_unique<ModuleInstance>());
  return instances_.back().get();
}

FuncInstance* Store::create_host_function(ir::FuncType type, HostCallback callback) {
  const uint32_t type_id = intern_type(type);
  FuncInstance* f = create_host_function(nullptr, type_id, std::move(callback));
  f->host_type = std::move(type); // its own copy: `type` points into the instance
  f->type = &f->host_type;
  return f;
}

FuncInstance* Store::create_host_function(std::shared_ptr<const ir::FuncType> type,
                                          uint32_t type_id, HostCallback callback) {
  FuncInstance* f = new_func();
  f->kind = FuncInstance::Kind::Host;
  f->shared_type = std::move(type);
  f->type = f->shared_type.get();
  f->type_id = type_id;
  f->callback = std::move(callback);
  return f;
}

support::Result<Memory*> Store::create_memory(const ir::MemoryType& type) {
  return create_memory(type, limits_.guard_pages);
}

support::Result<Memory*> Store::create_memory(const ir::MemoryType& type, bool guarded,
                                              std::shared_ptr<const MemoryImage> image) {
  // A shared memory is typed (validation, import matching) but never created: without threads
  // nothing could share it, and its atomics' semantics are not implemented.
  if (type.shared) {
    return support::make_error(ErrorKind::Unlinkable,
                               "shared memories (threads) are not supported");
  }
  WASMCAP_ASSIGN(Memory * m,
                 Memory::create_raw(type, limits_.max_memory_pages, guarded, std::move(image)));
  memories_.emplace_back(m);
  return m;
}

Table* Store::create_table(const ir::TableType& type, void* init) {
  tables_.push_back(std::make_unique<Table>(type, init, limits_.max_table_elems));
  return tables_.back().get();
}

Tag* Store::create_tag(const ir::FuncType& type) {
  Tag& t = tags_.emplace_back();
  t.type = type;
  t.type_id = intern_type(type);
  for (ir::ValType v : type.params)
    t.payload_slots += v == ir::ValType::V128 ? 2 : 1;
  return &t;
}

Exception* Store::new_exception(Tag* tag) {
  Exception* e;
  if (!free_exceptions_.empty()) {
    e = exceptions_[free_exceptions_.back()].get();
    free_exceptions_.pop_back();
  } else {
    exceptions_.push_back(std::make_shared<Exception>());
    e = exceptions_.back().get();
    e->pool_index = static_cast<uint32_t>(exceptions_.size() - 1);
  }
  e->tag = tag;
  e->exposed = false;
  e->payload.resize(tag->payload_slots);
  return e;
}

void Store::release_exception(Exception* exception) {
  if (exception->exposed || exceptions_[exception->pool_index].use_count() != 1) return;
  free_exceptions_.push_back(exception->pool_index);
}

Global* Store::create_global(const ir::GlobalType& type, Value value) {
  value.type = type.type;
  return &globals_.emplace_back(Global{type, value});
}

uint32_t Store::intern_type(const ir::FuncType& type) {
  // Canonical ids are process-wide (ir/type_registry.h), so equal types get equal ids across
  // stores and modules, and a store made per request finds its few dozen types in a warm table.
  return ir::canonical_func_type(type);
}

void Store::add_poll_hook(std::unique_ptr<PollHook> hook) {
  poll_hooks_.push_back(std::move(hook));
}

void Store::run_poll_hooks_now() {
  // A hook may call into wasm (it does not today); it must not run itself again meanwhile.
  if (running_poll_hooks_) return;
  running_poll_hooks_ = true;
  std::erase_if(poll_hooks_, [this](const std::unique_ptr<PollHook>& h) { return !h->run(*this); });
  running_poll_hooks_ = false;
}

support::Status Store::refuel(int64_t& counter) {
  if (poll_requested()) run_poll_hooks();
  if (interrupt_state_->word.load(std::memory_order_relaxed) != 0 || deadline_) {
    if (support::Status s = check_interrupt(); !s) {
      counter = 0;
      return s;
    }
  }
  if (!fuel_enabled_) {
    chunk_jitter_ = chunk_jitter_ * 6364136223846793005u + 1442695040888963407u;
    counter = kFuelChunk - static_cast<int64_t>(chunk_jitter_ >> 52);
    return support::ok();
  }
  // The counter went below zero by the units charged beyond it: pay them from the reserve.
  auto overdraft = static_cast<uint64_t>(counter < 0 ? -counter : 0);
  if (overdraft > fuel_reserve_) {
    fuel_reserve_ = 0;
    counter = 0;
    return make_exhaustion(trap_text::kFuelExhausted);
  }
  fuel_reserve_ -= overdraft;
  uint64_t take = std::min<uint64_t>(fuel_reserve_, kFuelChunk);
  fuel_reserve_ -= take;
  counter = static_cast<int64_t>(take);
  return support::ok();
}

void Store::return_fuel(int64_t& counter) {
  if (fuel_enabled_ && counter > 0) fuel_reserve_ += static_cast<uint64_t>(counter);
  counter = 0;
}

void Store::set_fuel(uint64_t fuel) {
  fuel_enabled_ = true;
  fuel_reserve_ = fuel;
}

std::optional<uint64_t> Store::fuel() const {
  if (!fuel_enabled_) return std::nullopt;
  return fuel_reserve_;
}

support::Status Store::check_interrupt() {
  const uint32_t word = interrupt_state_->word.load(std::memory_order_relaxed);
  if ((word & kInterruptRequested) != 0) {
    interrupt_state_->word.fetch_and(~(kInterruptRequested | kSignalInterrupt),
                                     std::memory_order_relaxed);
    return make_trap(trap_text::kInterrupted);
  }
  // The clock decides, not the bit: the bit may be left from an earlier call's deadline, and
  // the interpreter's refuel() reads the clock without waiting for the timer. Past the deadline
  // the bit stays set, so every later check of this call traps as well.
  if (deadline_ && std::chrono::steady_clock::now() >= *deadline_) {
    return make_trap(trap_text::kInterrupted);
  }
  if ((word & kDeadlineReached) != 0) {
    interrupt_state_->word.fetch_and(~kDeadlineReached, std::memory_order_relaxed);
  }
  return support::ok();
}

void Store::begin_outermost_call() {
  interrupt_state_->thread.store(pthread_self(), std::memory_order_relaxed);
  interrupt_state_->running.store(true, std::memory_order_release);
  if (limits_.timeout_ms) {
    deadline_ = std::chrono::steady_clock::now() + std::chrono::milliseconds(*limits_.timeout_ms);
    interrupt_state_->word.fetch_and(~kDeadlineReached, std::memory_order_relaxed);
    DeadlineTimer::cancel(deadline_timer_);
    deadline_timer_ = DeadlineTimer::arm(interrupt_state_, kDeadlineReached, *deadline_);
  }
}

} // namespace wasmcap::runtime

// NativeTable and CodeSet (native_table.h): per-function tier-up's table of native entries, and
// which compiled code an activation may run.
#include "llvm/native_table.h"

#include "runtime/func.h"
#include "llvm/jit_module.h"

namespace wasmcap::llvm_tier {

NativeTable::NativeTable(size_t defined_functions)
    : entries_(new void*[defined_functions]()), size_(defined_functions) {}

bool NativeTable::add_module(const JitModule* module) {
  const size_t n = module_count_.load(std::memory_order_relaxed);
  for (size_t i = 0; i < n; ++i) {
    if (modules_[i] == module) return true;
  }
  if (n == kMaxModules) return false;
  if (n != 0) {
    const JitModule& first = *modules_[0];
    if (first.guard_pages() != module->guard_pages() ||
        first.check_bits() != module->check_bits() || first.exceptions() != module->exceptions()) {
      return false;
    }
  }
  modules_[n] = module;
  // A signal handler on this thread sees the module only once it is stored.
  std::atomic_signal_fence(std::memory_order_release);
  module_count_.store(n + 1, std::memory_order_release);
  return true;
}

void NativeTable::refresh(const runtime::ModuleInstance& instance) {
  const uint32_t first = instance.module().num_imported_funcs;
  for (size_t i = 0; i < size_ && first + i < instance.funcs.size(); ++i) {
    const runtime::FuncInstance& f = *instance.funcs[first + i];
    const auto* module = dynamic_cast<const JitModule*>(&instance.code->code_of(f));
    void* native = nullptr;
    if (module != nullptr && add_module(module)) {
      native = static_cast<const JitFunction*>(f.code)->native;
    }
    entries_[i] = native;
  }
}

const JitModule* NativeTable::module_at(uintptr_t pc) const {
  const size_t n = module_count_.load(std::memory_order_acquire);
  for (size_t i = 0; i < n; ++i) {
    if (modules_[i]->contains_pc(pc)) return modules_[i];
  }
  return nullptr;
}

const JitModule* CodeSet::module_at(uintptr_t pc) const {
  if (module != nullptr && module->contains_pc(pc)) return module;
  return table != nullptr ? table->module_at(pc) : nullptr;
}

std::optional<uint32_t> CodeSet::function_at_pc(uintptr_t pc) const {
  const JitModule* m = module_at(pc);
  if (m == nullptr) return std::nullopt;
  return m->function_at_pc(pc);
}

void CodeSet::append_frames(std::span<const uintptr_t> pcs, std::vector<TraceFrame>& out) const {
  for (uintptr_t pc : pcs) {
    const JitModule* m = module_at(pc);
    if (m != nullptr) m->append_frames(std::span<const uintptr_t>(&pc, 1), out);
  }
}

void CodeSet::append_trace(TraceFrame innermost, std::span<const uintptr_t> pcs,
                           std::vector<TraceFrame>& out) const {
  size_t first = 0;
  while (first < pcs.size() && !function_at_pc(pcs[first]))
    ++first;
  if (first < pcs.size() && function_at_pc(pcs[first]) == innermost.func_index) ++first;
  out.push_back(std::move(innermost));
  append_frames(pcs.subspan(first), out);
}

} // namespace wasmcap::llvm_tier

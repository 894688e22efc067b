// TieredCode (tiered_code.h): which code runs each function of an instance switched function by
// function.
#include "api/tiered_code.h"

#include <algorithm>

#include "runtime/func.h"

namespace wasmcap::detail {

TieredCode::TieredCode(std::shared_ptr<const runtime::ModuleCode> base,
                       std::shared_ptr<const TieredCode> previous,
                       std::shared_ptr<const runtime::ModuleCode> batch,
                       const std::vector<uint8_t>& members)
    : base_(std::move(base)) {
  const size_t n = base_->module().functions.size();
  if (previous) {
    batches_ = previous->batches_;
    codes_ = previous->codes_;
    compiled_ = previous->compiled_;
  } else {
    codes_.resize(n);
    for (uint32_t i = 0; i < n; ++i)
      codes_[i] = base_->function_code(i);
  }
  Batch b{std::move(batch), UINTPTR_MAX, 0};
  for (uint32_t i = 0; i < n && i < members.size(); ++i) {
    if (members[i] == 0) continue;
    const void* code = b.code->function_code(i);
    if (codes_[i] == base_->function_code(i)) ++compiled_;
    codes_[i] = code;
    const auto at = reinterpret_cast<uintptr_t>(code);
    b.lowest = std::min(b.lowest, at);
    b.highest = std::max(b.highest, at);
  }
  batches_.push_back(std::move(b));
}

// A handle is one batch's when it lies within that batch's handles (each batch's handles are one
// array: the LLVM tier's JitFunction descriptors); any other is the base's. Newest first: few
// batches, a compare or two each.
const runtime::ModuleCode& TieredCode::code_of(const runtime::FuncInstance& func) const {
  const auto at = reinterpret_cast<uintptr_t>(func.code);
  for (auto it = batches_.rbegin(); it != batches_.rend(); ++it) {
    if (at >= it->lowest && at <= it->highest) return *it->code;
  }
  return *base_;
}

} // namespace wasmcap::detail

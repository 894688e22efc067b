// CodeRangePlugin: after JITLink has assigned final addresses, widen the recorded range by every
// block of every executable section (the module is linked once, on one thread: no lock needed
// beyond the ORC session's own).
#include "llvm/code_range.h"

#include <algorithm>

namespace wasmcap::llvm_tier {

void CodeRangePlugin::modifyPassConfig(llvm::orc::MaterializationResponsibility&,
                                       llvm::jitlink::LinkGraph&,
                                       llvm::jitlink::PassConfiguration& config) {
  config.PostAllocationPasses.push_back([range = range_](llvm::jitlink::LinkGraph& g) {
    for (llvm::jitlink::Section& sec : g.sections()) {
      const auto exec = static_cast<unsigned>(llvm::orc::MemProt::Exec);
      if ((static_cast<unsigned>(sec.getMemProt()) & exec) == 0) continue;
      for (llvm::jitlink::Block* b : sec.blocks()) {
        const uint64_t at = b->getAddress().getValue();
        range->begin = std::min(range->begin, at);
        range->end = std::max(range->end, at + b->getSize());
      }
    }
    return llvm::Error::success();
  });
}

} // namespace wasmcap::llvm_tier

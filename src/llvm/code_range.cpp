// CodeRangePlugin: after JITLink has assigned final addresses, widen the recorded range by every
// block of every executable section (the module is linked once, on one thread: no lock needed
// beyond the ORC session's own).
#include "llvm/code_range.h"

#include <algorithm>

#include <llvm/ExecutionEngine/JITLink/EHFrameSupport.h>

namespace wasmcap::llvm_tier {

void CodeRangePlugin::modifyPassConfig(llvm::orc::MaterializationResponsibility&,
                                       llvm::jitlink::LinkGraph& graph,
                                       llvm::jitlink::PassConfiguration& config) {
  // JITLink's default passes split, fix up and null-terminate .eh_frame; this only notes where
  // it ended up. The plugin does not register it: the host's unwinder (the CLI links its own,
  // statically) is the one that walks compiled frames, so the host registers it (backtrace.h).
  config.PostFixupPasses.push_back(llvm::jitlink::createEHFrameRecorderPass(
      graph.getTargetTriple(), [range = range_](llvm::orc::ExecutorAddr at, size_t size) {
        range->eh_frame = at.getValue();
        range->eh_frame_size = size;
      }));
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

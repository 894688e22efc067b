// CodeRangePlugin: a JITLink plugin that records the address range of every executable block the
// JIT links, so the host's signal handler can tell a fault in compiled code (an out-of-bounds
// access into a guard page) from a crash in the host, and where the linked unwind tables
// (.eh_frame) lie, so the host can register them with its own unwinder for backtraces. Plugin-only.
#pragma once

#include <cstdint>
#include <memory>

#include <llvm/ExecutionEngine/Orc/ObjectLinkingLayer.h>

namespace wasmcap::llvm_tier {

struct CodeRange {
  uint64_t begin = UINT64_MAX; // lowest executable address linked
  uint64_t end = 0;            // one past the highest
  uint64_t eh_frame = 0;       // the linked .eh_frame section (null-terminated); 0: none
  uint64_t eh_frame_size = 0;
};

class CodeRangePlugin final : public llvm::orc::ObjectLinkingLayer::Plugin {
public:
  explicit CodeRangePlugin(std::shared_ptr<CodeRange> range) : range_(std::move(range)) {}

  void modifyPassConfig(llvm::orc::MaterializationResponsibility& mr, llvm::jitlink::LinkGraph& g,
                        llvm::jitlink::PassConfiguration& config) override;
  llvm::Error notifyFailed(llvm::orc::MaterializationResponsibility&) override {
    return llvm::Error::success();
  }
  llvm::Error notifyRemovingResources(llvm::orc::JITDylib&, llvm::orc::ResourceKey) override {
    return llvm::Error::success();
  }
  void notifyTransferringResources(llvm::orc::JITDylib&, llvm::orc::ResourceKey,
                                   llvm::orc::ResourceKey) override {}

private:
  std::shared_ptr<CodeRange> range_;
};

} // namespace wasmcap::llvm_tier

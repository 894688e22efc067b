// What a public wasmcap::Module holds: the decoded module and the tier's compiled code.
#pragma once

#include <memory>

#include "ir/module.h"
#include "runtime/tier.h"
#include "wasmcap/module.h"

namespace wasmcap::detail {

struct ModuleData {
  std::shared_ptr<const ir::Module> module;
  std::shared_ptr<const runtime::ModuleCode> code;
};

} // namespace wasmcap::detail

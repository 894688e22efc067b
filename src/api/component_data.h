// What a public wasmcap::Component holds: its bytes, the decoded definitions, the validator's
// resolved types, and the core modules compiled the first time the component is instantiated
// (then shared by every instance).
#pragma once

#include <map>
#include <mutex>
#include <vector>

#include "component/ast.h"
#include "component/validate.h"
#include "wasmcap/component.h"
#include "wasmcap/module.h"

namespace wasmcap::detail {

struct ComponentData {
  std::vector<uint8_t> bytes;
  component::Component ast;
  component::ComponentInfo info;
  std::vector<Component::Item> imports, exports;
  // Compiled core modules by their byte offset in `bytes`.
  mutable std::mutex modules_mu;
  mutable std::map<uint64_t, std::shared_ptr<const Module>> modules;
};

} // namespace wasmcap::detail

// The component half of the .wast runner: `(component ...)` commands of the component model's
// reference tests (../shared/component-model/test) -- definitions, instances, invokes with
// component values, and the assertions -- run through the component runtime.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "text/wast_script.h"
#include "wasmcap/store.h"

namespace wasmcap::wast {

class ComponentScript {
public:
  // `pass`/`fail` count verdicts in the caller's report.
  ComponentScript(Store& store, std::function<void()> pass,
                  std::function<void(uint32_t, std::string)> fail);
  ~ComponentScript();
  // True when `c` is a component command (this class ran it).
  bool run(const text::Command& c);

private:
  struct State;
  std::unique_ptr<State> state_;
};

} // namespace wasmcap::wast

// Component: a decoded and validated WebAssembly component (the component model; WASI 0.2
// programs are components). This first slice describes a component -- its world of imports and
// exports, in WIT's spelling, and its core modules -- so tools can show what it needs before
// running it; instantiating and running components comes next (docs/components.md).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "wasmcap/capability_group.h"
#include "wasmcap/engine.h"
#include "wasmcap/error.h"

namespace wasmcap {

namespace detail {
struct ComponentData;
}

class Component {
public:
  // True when `bytes` start with a component's preamble (a core module's has layer 0).
  static bool is_component(std::span<const uint8_t> bytes);
  // Decodes and validates a component binary (nested core modules included).
  static Result<Component> from_binary(const Engine& engine, std::span<const uint8_t> bytes);

  // One import or export of the component: its name (a plain name like `run`, or an interface
  // name like `wasi:cli/environment@0.2.12`), its kind (`instance`, `func`, `type`,
  // `component`, `module`) and, for functions, the function type in WIT.
  struct Function {
    std::string name; // e.g. "[method]descriptor.read-via-stream"
    std::string wit;  // e.g. "func(self: borrow<descriptor>, offset: u64) -> result<...>"
    // The capability group a WASI 0.2 function needs (as preview1's functions do); none for
    // functions that need no authority (wasi:io) or are not WASI's.
    std::optional<CapabilityGroup> group;
  };
  struct Item {
    std::string name;
    std::string kind;
    std::string wit;                 // a func's type; "" for other kinds
    std::vector<Function> functions; // an instance's functions
  };
  const std::vector<Item>& imports() const;
  const std::vector<Item>& exports() const;
  // Every capability group its imports can use: what `inspect` summarizes before a run.
  CapabilitySet capability_groups() const;
  // The world as WIT text, interfaces expanded into their types and functions.
  std::string world_wit() const;
  // How many core modules it holds (nested components' included) and their total size.
  size_t core_module_count() const;
  uint64_t core_module_bytes() const;
  size_t nested_component_count() const;

  const std::shared_ptr<const detail::ComponentData>& data() const { return data_; }

private:
  std::shared_ptr<const detail::ComponentData> data_;
};

} // namespace wasmcap

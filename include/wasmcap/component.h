// Component: a decoded and validated WebAssembly component (the component model; WASI 0.2
// programs are components). This first slice describes a component -- its world of imports and
// exports, in WIT's spelling, and its core modules -- so tools can show what it needs before
// running it; instantiating and running components comes next (docs/components.md).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "wasmcap/capability_group.h"
#include "wasmcap/component_value.h"
#include "wasmcap/engine.h"
#include "wasmcap/error.h"
#include "wasmcap/module.h"

namespace wasmcap {

namespace detail {
struct ComponentData;
struct ComponentInstanceData;
struct HostResource;
} // namespace detail

class Store;
class Wasi;
struct WasiConfig;
class CodeCache;
struct CacheReport;

class Component {
public:
  // True when `bytes` start with a component's preamble (a core module's has layer 0).
  static bool is_component(std::span<const uint8_t> bytes);
  // Decodes and validates a component binary (nested core modules included).
  // With `cache`, each core module's compiled code comes from (and goes to) the code cache, as
  // a module's does under `--tier jit|auto` (docs/llvm.md); `reports`, when given, gets what
  // the cache did for each core module (in the order they were compiled).
  static Result<Component> from_binary(const Engine& engine, std::span<const uint8_t> bytes,
                                       const CodeCache* cache = nullptr,
                                       std::vector<CacheReport>* reports = nullptr);
  // A component in the text format (`(component ...)`), parsed then decoded like a binary.
  static Result<Component> from_text(const Engine& engine, std::string_view text,
                                     const CodeCache* cache = nullptr,
                                     std::vector<CacheReport>* reports = nullptr);

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

  // Ahead-of-time compilation (`wasmcap compile comp.wasm`): one file holding the component and
  // each of its core modules precompiled by the LLVM tier as Module::precompile does (so it
  // fails, Usage, where that would: no LLVM tier, a core module it cannot compile).
  static Result<std::vector<uint8_t>> precompile(const Engine& engine,
                                                 std::span<const uint8_t> bytes_or_text);
  // Loads precompile()'s output without LLVM. Refuses (Malformed) a truncated or corrupted file,
  // and any core module Module::deserialize would refuse (another wasmcap, LLVM, CPU, features
  // or checks), naming it. Machine code: load only files you trust.
  static Result<Component> deserialize(const Engine& engine, std::span<const uint8_t> bytes);
  // deserialize() of a file, mapped rather than read (an Io error when it cannot be read).
  static Result<Component> deserialize_file(const Engine& engine, const std::string& path);
  // Whether the bytes start like precompile()'s output.
  static bool is_precompiled(std::span<const uint8_t> bytes);

  const std::shared_ptr<const detail::ComponentData>& data() const { return data_; }

private:
  // Decodes and validates `bytes`, each core module made by `make` from its bytes and offset.
  using CoreModuleMaker =
      std::function<Result<Module>(std::span<const uint8_t> bytes, uint64_t offset)>;
  static Result<Component> build(std::span<const uint8_t> bytes, const CoreModuleMaker& make);

  std::shared_ptr<const detail::ComponentData> data_;
};

// An instantiated component. Valid while its Store lives.
class ComponentInstance {
public:
  // Calls the exported function `name` of the component, or (with `instance`) the function
  // `name` of its exported instance `instance` (an interface name matches any 0.2.x version of
  // it, e.g. "wasi:cli/run@0.2.0"). Arguments and result are component values; their types
  // must match the function's (function_type() says it in WIT). Traps are errors.
  Result<std::optional<ComponentValue>> call(std::string_view name,
                                             std::span<const ComponentValue> args) const;
  Result<std::optional<ComponentValue>> call(std::string_view instance, std::string_view name,
                                             std::span<const ComponentValue> args) const;
  // Calls a function written in WAVE notation, as `wasmcap run --invoke` does:
  // `greet("wasm")`, `add(40, 2)`, `iface#name(...)` for a function of an exported instance.
  // Returns the result in WAVE ("\"hello, wasm\"", "42"), or "" for a function without one.
  Result<std::string> call_wave(std::string_view call) const;
  // The WIT type of an exported function ("func(x: u32) -> string"), or nullopt.
  std::optional<std::string> function_type(std::string_view instance, std::string_view name) const;

  explicit ComponentInstance(std::shared_ptr<detail::ComponentInstanceData> data)
      : data_(std::move(data)) {}
  const std::shared_ptr<detail::ComponentInstanceData>& data() const { return data_; }

private:
  std::shared_ptr<detail::ComponentInstanceData> data_;
};

// Provides a component's imports: host functions, by the interface (instance import) or plain
// name they are imported under, and WASI 0.2 for every `wasi:*` interface.
class ComponentLinker {
public:
  using HostFunc =
      std::function<Result<std::optional<ComponentValue>>(std::span<const ComponentValue> args)>;
  // A function `func` of the imported instance `interface` ("example:app/log"; any version of
  // it), or with `interface` empty a function imported directly under the plain name `func`.
  // The component's declared type is what the values follow.
  void define_func(std::string interface, std::string func, HostFunc f);
  // What runs when the guest drops its last own handle to a host resource (`resource.drop`):
  // it gets the representation. An error traps the dropping guest.
  using ResourceDtor = std::function<Status(uint32_t rep)>;
  // The resource type `resource` of the imported instance `interface` (any version of it; with
  // `interface` empty, a resource type imported directly under that name), implemented by the
  // host: the guest holds handles to it, the host picks their representation (a u32, say an
  // index into its own table). Host functions take and give such handles as Own and Borrow
  // values whose `bits` are the representation (ComponentValue::own(rep) for a constructor's
  // result); the handle table, own/borrow rules and type checks are the Canonical ABI's. Each
  // define_resource is one resource type, the same for every instance this linker makes.
  void define_resource(std::string interface, std::string resource, ResourceDtor dtor = {});
  // Serves `wasi:*` interface imports (any 0.2.x) from `wasi`'s grants, which must outlive the
  // instances.
  void define_wasi(Wasi& wasi);
  // Instantiates `component` in `store`; an import nothing provides is Unlinkable.
  Result<ComponentInstance> instantiate(Store& store, const Component& component) const;

private:
  std::map<std::pair<std::string, std::string>, HostFunc> funcs_;
  // The identity of each host resource type is its record's address (shared with instances).
  std::vector<std::shared_ptr<const detail::HostResource>> resources_;
  Wasi* wasi_ = nullptr;
};

// A component made ready to be instantiated many times with WASI 0.2, as wasmtime's
// InstancePre: create() instantiates it once under `config`, which proves every import
// servable and records the plan (each import resolved to the host's functions with the policy
// applied, the flattened core types of lifts and lowers); instantiate() follows the plan, so it
// only makes the instance's own state. Thread-safe once created.
class ComponentInstancePre {
public:
  static Result<ComponentInstancePre> create(const Engine& engine, const Component& component,
                                             const WasiConfig& config);
  // A fresh instance in `store`, served by `wasi`, which must have been made from the config
  // given to create() (the policy's decisions were recorded for it) and outlive the instance.
  Result<ComponentInstance> instantiate(Store& store, Wasi& wasi) const;

private:
  struct Impl;
  explicit ComponentInstancePre(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<const Impl> impl_;
};

} // namespace wasmcap

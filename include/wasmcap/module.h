// Module: a decoded, validated and compiled WebAssembly module, ready to instantiate any number
// of times. Creating one from bytes or text reports malformed/invalid input as an Error value.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "wasmcap/engine.h"
#include "wasmcap/error.h"
#include "wasmcap/types.h"

namespace wasmcap {

namespace detail {
struct ModuleData;
}

// The type of an import or export: one of the extern types, by kind.
struct ExternType {
  ExternKind kind = ExternKind::Func;
  FuncType func; // Func: the function's type; Tag: the tag's (payload params, no results)
  TableType table;
  MemoryType memory;
  GlobalType global;
};
std::string extern_type_to_string(const ExternType& t); // "func (i32) -> ()", "memory {1, 2}"

struct ImportType {
  std::string module;
  std::string name;
  ExternType type;
};

struct ExportType {
  std::string name;
  ExternType type;
};

// A custom section: its name and payload, a view into the module's bytes (valid while the
// Module, or a copy of it, lives).
struct CustomSection {
  std::string name;
  std::span<const uint8_t> payload;
  // What wasmcap made of it, for sections it reads (empty otherwise): for
  // `metadata.code.branch_hint`, "N branch hints in M functions" or why it was ignored.
  std::string note;
};

class Module {
public:
  // Decodes, validates and compiles a binary module.
  static Result<Module> from_binary(const Engine& engine, std::span<const uint8_t> bytes);
  // Parses WAT text, then proceeds as from_binary.
  static Result<Module> from_text(const Engine& engine, std::string_view text);
  // Picks binary or text by looking at the first bytes (the wasm magic number).
  static Result<Module> from_bytes_or_text(const Engine& engine, std::span<const uint8_t> bytes);

  // Ahead-of-time compilation with the LLVM tier (docs/llvm.md): the bytes of a .cwasm file
  // holding this wasm binary or WAT text compiled for this CPU. Fails (Usage) when the LLVM tier
  // cannot be loaded or cannot compile the module; errors in the module are as
  // from_binary's.
  static Result<std::vector<uint8_t>> precompile(const Engine& engine,
                                                 std::span<const uint8_t> bytes_or_text);
  // Loads precompile()'s output without LLVM (the plugin is never loaded). Refuses (Malformed)
  // a file that is truncated, corrupted, or made for another wasmcap/LLVM version, another
  // CPU or other wasm features, saying which; and (Usage) a file without the checks the engine
  // needs (fuel checks for Config::fuel, interruption or fuel checks for a timeout or
  // interruptible; precompile() compiles those its engine needs). A .cwasm holds machine
  // code: load only files you trust as you would a native program.
  static Result<Module> deserialize(const Engine& engine, std::span<const uint8_t> cwasm);
  // deserialize() of a file, mapped rather than read (an Io error when it cannot be read).
  static Result<Module> deserialize_file(const Engine& engine, const std::string& path);
  // Whether the bytes start like a .cwasm file.
  static bool is_precompiled(std::span<const uint8_t> bytes);

  // Tier::Jit: why this module runs on the interpreter instead (the LLVM tier cannot compile
  // what it uses, or cannot be loaded), so a host can say so; "" when it was compiled, and under
  // the other tiers.
  const std::string& jit_fallback_reason() const;

  // Tier::Auto (docs/tiering.md): one line on how the background compile went, "" when this
  // module does not tier up; and a wait until that compile has ended (false when none started).
  std::string tier_up_report() const;
  bool wait_for_tier_up() const;

  std::vector<ImportType> imports() const;
  std::vector<ExportType> exports() const;
  std::string_view name() const; // from the name section; "" when absent

  // What a module defines itself (imports() lists the imported ones, which come first in each
  // index space: the first defined memory has index imported-memory-count).
  std::vector<MemoryType> memories() const;
  std::vector<TableType> tables() const;
  std::vector<GlobalType> globals() const;
  // The start function's index, if the module has one.
  std::optional<uint32_t> start_function() const;
  // A function's name from the name section; "" when it has none.
  std::string_view function_name(uint32_t func_index) const;
  // Every custom section in file order ("name", "producers", debug info...).
  std::vector<CustomSection> custom_sections() const;

  const std::shared_ptr<const detail::ModuleData>& data() const { return data_; }

private:
  explicit Module(std::shared_ptr<const detail::ModuleData> d) : data_(std::move(d)) {}
  std::shared_ptr<const detail::ModuleData> data_;
};

} // namespace wasmcap

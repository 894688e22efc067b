// LoadedObject: a small loader for the ELF64 x86-64 relocatable objects the LLVM tier emits for
// AOT (tier_abi.h's ObjectRequest), with no LLVM: maps the allocated sections (code read+execute,
// constants read-only, data read+write: never writable and executable at once), applies the
// relocations, resolves undefined symbols by name through the caller, and finds the defined
// symbols. The bytes come from disk, so every malformed input is an error value, never a crash.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "support/result.h"

namespace wasmcap::llvm_tier {

class LoadedObject {
public:
  // Returns the address of an undefined symbol, or null when there is none by that name.
  using Resolver = std::function<void*(std::string_view name)>;
  // Called with each defined global symbol (name valid during the call) and its address.
  using SymbolSink = std::function<void(std::string_view name, void* address)>;

  static support::Result<std::unique_ptr<LoadedObject>>
  load(std::span<const uint8_t> elf, const Resolver& resolve, const SymbolSink& defined);
  ~LoadedObject();
  LoadedObject(const LoadedObject&) = delete;
  LoadedObject& operator=(const LoadedObject&) = delete;

  size_t mapped_size() const { return size_; }
  // The executable part of the mapping (code and helper stubs): [begin, end) addresses, for the
  // guard-page fault handler (JitModule::contains_pc).
  std::pair<uint64_t, uint64_t> code_range() const {
    const auto begin = reinterpret_cast<uint64_t>(base_);
    return {begin, begin + code_size_};
  }

  // The relocated, zero-terminated .eh_frame section (null: the object has none), for the
  // host's unwinder (backtrace.h). Read-only once loaded.
  const uint8_t* unwind_info() const { return unwind_info_; }

private:
  LoadedObject() = default;
  uint8_t* base_ = nullptr;
  size_t size_ = 0;
  size_t code_size_ = 0; // the executable prefix of the mapping
  const uint8_t* unwind_info_ = nullptr;

  friend class ObjectLinker;
};

} // namespace wasmcap::llvm_tier

// CodeCache: an on-disk cache of modules precompiled by the LLVM tier, so that a second JIT run
// of the same module maps its machine code instead of compiling it (and never loads LLVM).
// Entries are .cwasm files named by a hash of the module's bytes and of everything that decides
// whether code fits (wasmcap and LLVM versions, the CPU, the wasm features, guard pages or
// explicit bounds checks as the engine asks: docs/llvm.md). A missing, stale or
// corrupt entry is recompiled and rewritten (temp file + rename), never an error.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "wasmcap/engine.h"
#include "wasmcap/error.h"
#include "wasmcap/module.h"

namespace wasmcap {

struct CacheReport {
  enum class Outcome {
    Hit,    // loaded from `path`
    Miss,   // compiled, and written to `path` unless `note` says why not
    Unused, // the engine does not compile with the JIT, or the tier cannot (see `note`)
  };
  Outcome outcome = Outcome::Unused;
  std::string path;
  std::string note; // why an entry was not used or not written; "" when all went well
};

class CodeCache {
public:
  explicit CodeCache(std::string directory) : dir_(std::move(directory)) {}
  // $XDG_CACHE_HOME/wasmcap, else $HOME/.cache/wasmcap; "" when neither is set.
  static std::string default_directory();

  // Compiles a wasm binary or WAT text for `engine` as Module::from_bytes_or_text does, through
  // the cache when the engine compiles with the JIT (Tier::Jit or Tier::Auto); the key names
  // the checks compiled in (fuel, interruption, none).
  Result<Module> load(const Engine& engine, std::span<const uint8_t> bytes_or_text,
                      CacheReport* report = nullptr) const;

  const std::string& directory() const { return dir_; }

private:
  std::string dir_;
};

} // namespace wasmcap

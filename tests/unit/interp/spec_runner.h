// SpecJsonRunner: runs a wast2json command file against the runtime and the interpreter, with a
// minimal `spectest` host module. Test-only stand-in until the real .wast runner exists.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "mini_json.h"
#include "runtime/instantiate.h"
#include "runtime/store.h"

namespace wasmcap::testing {

struct SpecResult {
  int passed = 0;
  int failed = 0;
  int skipped = 0;
  std::vector<std::string> failures; // "line N: what"
};

class SpecJsonRunner {
public:
  SpecJsonRunner();
  // `json_path` from `wast2json X.wast -o DIR/X.json`; .wasm files are next to it.
  SpecResult run_file(const std::string& json_path);

private:
  void make_spectest();
  void run_command(const Json& cmd, const std::string& dir, SpecResult& r);
  support::Result<runtime::ModuleInstance*> load(const std::string& path);
  support::Result<std::vector<runtime::Value>> action(const Json& a);

  runtime::Store store_;
  std::map<std::string, runtime::ModuleInstance*> registry_; // by registered name
  std::map<std::string, runtime::ModuleInstance*> named_;    // by $id
  runtime::ModuleInstance* current_ = nullptr;
  std::map<std::string, runtime::Extern, std::less<>> spectest_;
};

} // namespace wasmcap::testing

// The spec test corpus as binary modules: every non-SIMD core .wast is converted with wabt's
// wast2json (once per test binary) and its commands are listed with their expectations.
#pragma once

#include <string>
#include <vector>

namespace wasmcap::test {

struct SpecModule {
  std::string wast;   // e.g. "binary.wast"
  int line = 0;       // line of the command in the .wast
  std::string path;   // the .wasm file
  std::string expect; // "module", "assert_malformed" or "assert_invalid"
  std::string text;   // the expected error text (asserts)
};

struct SpecCorpus {
  std::vector<SpecModule> modules;
  std::vector<std::string> skipped; // .wast files wast2json could not convert
  std::string error;                // why there is no corpus at all (no wast2json, no suite)
};

// Spec directory: $WASMCAP_SPEC_DIR or /work/shared/spec-testsuite/core.
const SpecCorpus& spec_corpus();

std::vector<uint8_t> read_file(const std::string& path);

} // namespace wasmcap::test

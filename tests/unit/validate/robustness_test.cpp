// Robustness: truncated and mutated spec modules must be rejected (or accepted) cleanly, never
// crash or trip the sanitizers. Meant to be run under the asan preset as well.
#include <gtest/gtest.h>

#include "binary/decoder.h"
#include "spec_corpus.h"
#include "validate/module_validator.h"

namespace {

using wasmcap::test::spec_corpus;

void decode_and_validate(const std::vector<uint8_t>& bytes) {
  auto m = wasmcap::binary::decode_module(bytes);
  if (m) (void)wasmcap::validate::validate_module(*m, wasmcap::validate::Features{});
}

// A deterministic sample of valid modules, up to `max_size` bytes each.
std::vector<std::vector<uint8_t>> sample_modules(size_t every, size_t max_size) {
  std::vector<std::vector<uint8_t>> out;
  size_t i = 0;
  for (const auto& m : spec_corpus().modules) {
    if (m.expect != "module" || i++ % every != 0) continue;
    auto bytes = wasmcap::test::read_file(m.path);
    if (bytes.size() <= max_size) out.push_back(std::move(bytes));
  }
  return out;
}

TEST(Robustness, EveryPrefixOfSampledModules) {
  if (!spec_corpus().error.empty()) GTEST_SKIP() << spec_corpus().error;
  for (const auto& bytes : sample_modules(8, 4096)) {
    for (size_t n = 0; n < bytes.size(); ++n)
      decode_and_validate(std::vector<uint8_t>(bytes.begin(), bytes.begin() + n));
  }
}

TEST(Robustness, SingleByteMutationsOfSampledModules) {
  if (!spec_corpus().error.empty()) GTEST_SKIP() << spec_corpus().error;
  static constexpr uint8_t kValues[] = {0x00, 0x01, 0x0B, 0x40, 0x7F, 0x80, 0xFF};
  for (auto bytes : sample_modules(32, 2048)) {
    for (size_t at = 8; at < bytes.size(); ++at) {
      const uint8_t saved = bytes[at];
      for (uint8_t v : kValues) {
        bytes[at] = v;
        decode_and_validate(bytes);
      }
      bytes[at] = saved;
    }
  }
}

} // namespace

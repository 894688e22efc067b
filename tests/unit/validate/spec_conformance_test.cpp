// Spec conformance of decoder + validator: every binary module of the non-SIMD core suite must
// decode and validate, fail decoding (assert_malformed) or fail validation (assert_invalid),
// with an error message that starts with the spec's expected text.
#include <gtest/gtest.h>

#include <cstdio>

#include "binary/decoder.h"
#include "spec_corpus.h"
#include "validate/module_validator.h"

namespace {

using wasmcap::support::ErrorKind;
using wasmcap::support::Status;
using wasmcap::test::spec_corpus;

// Text mismatches caused by the wast2json conversion, not by us: the binary wabt writes lacks
// what the spec's expected message is about.
bool known_conversion_artifact(const wasmcap::test::SpecModule& m) {
  // `select (result)` (no types) is written as plain `select`, which is a type mismatch.
  return m.wast == "select.wast" && m.text == "invalid result arity";
}

Status decode_and_validate(const std::vector<uint8_t>& bytes) {
  // The 2.0 suite: its rules for memories (one at most, zero-byte memory immediates), no
  // exception handling (tags, their import kind and opcodes were malformed encodings), no
  // memory64 (i64 limit flags and memarg offsets past 2^32 were malformed), no threads (a
  // shared memory's limits flag was malformed too).
  wasmcap::binary::DecodeOptions options;
  options.exceptions = false;
  options.memory64 = false;
  options.shared_memory = false;
  auto m = wasmcap::binary::decode_module(bytes, options);
  if (!m) return m.error();
  wasmcap::validate::Features features;
  features.multi_memory = false;
  features.extended_const = false;
  features.exceptions = false;
  features.memory64 = false;
  return wasmcap::validate::validate_module(*m, features);
}

TEST(SpecConformance, EveryBinaryModule) {
  const auto& corpus = spec_corpus();
  if (!corpus.error.empty()) GTEST_SKIP() << corpus.error;
  for (const auto& s : corpus.skipped)
    std::printf("skipped (wast2json cannot convert): %s\n", s.c_str());
  int checked[3] = {0, 0, 0};
  int kind_mismatches = 0, text_mismatches = 0;
  for (const auto& m : corpus.modules) {
    const Status st = decode_and_validate(wasmcap::test::read_file(m.path));
    const std::string where = m.wast + ":" + std::to_string(m.line);
    std::string got = st ? "ok" : st.error().to_string();
    if (m.expect == "module") {
      ++checked[0];
      if (!st) {
        ++kind_mismatches;
        ADD_FAILURE() << where << ": expected a valid module, got " << got;
      }
      continue;
    }
    const bool malformed = m.expect == "assert_malformed";
    ++checked[malformed ? 1 : 2];
    const ErrorKind want = malformed ? ErrorKind::Malformed : ErrorKind::Invalid;
    if (st || st.error().kind != want) {
      ++kind_mismatches;
      ADD_FAILURE() << where << ": expected " << m.expect << " \"" << m.text << "\", got " << got;
    } else if (st.error().message.rfind(m.text, 0) != 0 && !known_conversion_artifact(m)) {
      ++text_mismatches;
      ADD_FAILURE() << where << ": expected text \"" << m.text << "\", got " << got;
    }
  }
  std::printf("checked %d modules, %d malformed, %d invalid; %d kind and %d text mismatches\n",
              checked[0], checked[1], checked[2], kind_mismatches, text_mismatches);
}

} // namespace

// The `producers` custom section (tool-conventions): which languages, tools and SDKs made a
// module, e.g. language C11, processed-by clang 19.1.7. Parsed from the section's bytes.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "wasmcap/error.h"

namespace wasmcap {

struct ProducerValue {
  std::string name;    // "clang"
  std::string version; // "19.1.7" (may be empty)
};
struct ProducerField {
  std::string name; // "language", "processed-by" or "sdk" (others are kept as they are)
  std::vector<ProducerValue> values;
};

// The section's payload (after its name). Malformed bytes are a Malformed error, never a crash.
Result<std::vector<ProducerField>> parse_producers(std::span<const uint8_t> payload);

} // namespace wasmcap

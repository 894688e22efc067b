// Fuzz target: text -> the WAT parser and the .wast script parser. Both must return a value or
// an Error for any input; crashes, hangs, leaks and UB are bugs.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "text/wast_script.h"
#include "text/wat_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)wasmcap::text::parse_wat(text);
  (void)wasmcap::text::parse_wast(text);
  return 0;
}
